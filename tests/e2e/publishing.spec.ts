import fs from 'node:fs';
import path from 'node:path';

import { expect, test, type APIRequestContext } from '@playwright/test';

import { HistoryPage } from './pages/history-page';
import { e2eDataDir } from './support/servers';

/**
 * Publishing from the History page (local mode): set the targets (a YAML checks file and the local
 * checks table), publish the active version, see each target holding it; with "Publish on every
 * activation" a new version is published as it is saved; without it, History says the published
 * copies are behind. A cross-site request to publish is refused. On the embedded PGlite store a
 * Lakebase checks table is neither offered nor accepted, with the reason.
 */
const TABLE = 'samples.sales.products';
const rule = (column: string, name?: string) => ({ ...(name ? { name } : {}), criticality: 'error', check: { function: 'is_not_null', arguments: { column } } });

async function saveVersion(request: APIRequestContext, rules: unknown[]) {
  const res = await request.post(`/api/v1/rule-sets/${TABLE}/versions`, { data: { rules } });
  expect(res.status()).toBe(201);
  return (await res.json()) as { version: number };
}

test('publish the active version to a checks file and the local checks table, by hand and on activation', async ({ page }) => {
  // other specs may have saved versions of this table before: every version is the one saved here
  const first = await saveVersion(page.request, [rule('product_id'), rule('sku', 'sku_present')]);
  const history = new HistoryPage(page);
  await history.goto(TABLE);
  const section = page.getByRole('region', { name: 'Publishing' });
  await expect(section).toContainText('No publishing target is set');

  const form = section.getByRole('form', { name: 'Publishing settings' });
  // this app keeps its rules in the embedded PGlite store: no Lakebase checks table is offered, and the form says why
  await expect(form).toContainText('A Lakebase checks table is available when the rule store is Postgres');
  await expect(form.getByRole('textbox', { name: 'Lakebase checks table' })).toHaveCount(0);
  const lakebase = await page.request.post(`/api/v1/rule-sets/${TABLE}/publishing`, {
    data: { auto_publish: false, targets: [{ kind: 'lakebase_table', table: 'dqx_checks.checks' }] },
  });
  expect(lakebase.status()).toBe(400);
  expect(((await lakebase.json()) as { error: { message: string } }).error.message).toContain('needs the rule store on Postgres');
  await form.getByRole('checkbox', { name: 'YAML' }).check();
  const localTable = form.getByRole('textbox', { name: 'Local checks table' });
  await localTable.fill('not a name');
  await form.getByRole('button', { name: 'Save publishing settings' }).click();
  await expect(localTable).toHaveAttribute('aria-invalid', 'true');
  await expect(form).toContainText('table must be schema.table');

  await localTable.fill('dqx.checks');
  await form.getByRole('button', { name: 'Save publishing settings' }).click();
  await expect(form.getByRole('status')).toHaveText(`Publishing settings of ${TABLE} saved.`);
  const targets = section.getByRole('table', { name: 'Publishing targets' });
  await expect(targets.getByRole('row')).toHaveCount(3);
  await expect(targets).toContainText('nothing yet');

  await form.getByRole('button', { name: 'Publish the active version now' }).click();
  await expect(form.getByRole('status')).toContainText(`Version ${first.version} of samples.sales.products: written to 2 of 2 targets`);
  await expect(targets.getByRole('row', { name: /Local YAML checks file/ })).toContainText(`version ${first.version}`);
  await expect(targets.getByRole('row', { name: /Local checks table dqx\.checks/ })).toContainText('Yes');
  const file = path.join(e2eDataDir, 'local', 'state', 'published', 'files', `${TABLE}.yml`);
  expect(fs.readFileSync(file, 'utf8')).toContain('name: sku_present');

  // on every activation: a new version is published as it is saved
  await form.getByRole('checkbox', { name: /Publish on every activation/ }).check();
  await form.getByRole('button', { name: 'Save publishing settings' }).click();
  await expect(form.getByRole('status')).toHaveText(`Publishing settings of ${TABLE} saved.`);
  const second = await saveVersion(page.request, [rule('product_id')]);
  await page.reload();
  await expect(targets.getByRole('row', { name: /Local YAML checks file/ })).toContainText(`version ${second.version}`);
  await expect(targets.getByRole('row', { name: /Local YAML checks file/ })).toContainText('Yes');
  expect(fs.readFileSync(file, 'utf8')).not.toContain('sku_present');
  await section.getByText(/Publication history/).click();
  await expect(section).toContainText(`version ${second.version} to Local checks table dqx.checks by e2e-user (on activation): written`);

  // off again: the next version is not published, and History says the copies are behind
  await form.getByRole('checkbox', { name: /Publish on every activation/ }).uncheck();
  await form.getByRole('button', { name: 'Save publishing settings' }).click();
  await expect(form.getByRole('status')).toHaveText(`Publishing settings of ${TABLE} saved.`);
  const third = await saveVersion(page.request, [rule('sku')]);
  await page.reload();
  await expect(targets.getByRole('row', { name: /Local YAML checks file/ })).toContainText(`No: version ${third.version} is active`);

  // a request another site sends is refused, and nothing is published
  const refused = await page.request.post(`/api/v1/rule-sets/${TABLE}/publish`, { headers: { Origin: 'https://evil.example' } });
  expect(refused.status()).toBe(403);
  await page.reload();
  await expect(targets.getByRole('row', { name: /Local YAML checks file/ })).toContainText(`No: version ${third.version} is active`);
});
