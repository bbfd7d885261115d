import fs from 'node:fs';

import { expect, test } from '@playwright/test';

import { GeneratorPage } from './pages/generator-page';
import { HistoryPage } from './pages/history-page';
import { databricksBaseUrl } from './support/servers';

/**
 * The audit trail (local mode): a version saved from the Generator, another saved through the API
 * and a rollback from History each appear on the Audit page, newest first, with who and what; the
 * rollback's before and after show the active version going from 2 to 1; the filters live in the
 * URL; the export downloads the same events as CSV. Refused: a bad filter (400) and, in databricks
 * mode, a request without a user token (401).
 */
const TABLE = 'samples.sales.products';
const OTHER = 'samples.web.events';

test('saving and rolling back show up on the Audit page with before and after, filtered and exported', async ({ page }) => {
  // Another table's event, which the table filter must hide.
  const other = await page.request.post(`/api/v1/rule-sets/${OTHER}/versions`, {
    data: { rules: [{ criticality: 'error', check: { function: 'is_not_null', arguments: { column: 'customer_id' } } }] },
  });
  expect(other.status()).toBe(201);

  const generator = new GeneratorPage(page);
  await generator.goto(TABLE);
  await generator.generate('SKUs are required.');
  await generator.waitForRules();
  await generator.save();
  await expect(generator.savedAlert(1)).toBeVisible();

  const second = await page.request.post(`/api/v1/rule-sets/${TABLE}/versions`, {
    data: { rules: [{ name: 'sku_present', criticality: 'error', check: { function: 'is_not_null', arguments: { column: 'sku' } } }] },
  });
  expect(second.status()).toBe(201);

  const history = new HistoryPage(page);
  await history.goto(TABLE);
  await history.rollBackTo(1);
  await expect
    .poll(async () => ((await (await page.request.get(`/api/v1/rule-sets/${TABLE}/versions`)).json()) as { active_version: number }).active_version)
    .toBe(1);

  // From History to the table's audit trail.
  await page.getByRole('link', { name: `Audit trail of ${TABLE}` }).click();
  await expect(page.getByRole('heading', { name: 'Audit', level: 1 })).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/audit\\?table=${TABLE.replaceAll('.', '\\.')}`));
  const events = page.getByRole('table', { name: 'Audit events' });
  const rows = events.getByRole('row');
  await expect(rows).toHaveCount(4); // header + 3 events
  await expect(rows.nth(1)).toContainText('version.rolled_back');
  await expect(rows.nth(1)).toContainText('Rolled back from version 2 to version 1.');
  await expect(rows.nth(1)).toContainText('e2e-user');
  await expect(rows.nth(2)).toContainText('version.saved');
  await expect(rows.nth(2)).toContainText('version 2');
  await expect(rows.nth(3)).toContainText('version 1');
  await expect(events).not.toContainText(OTHER);

  // The rollback's change, as text.
  await rows.nth(1).getByText('Before and after').click();
  const changed = rows.nth(1).getByRole('table', { name: /^Fields changed by event/ });
  const versionChange = changed.getByRole('row').filter({ hasText: 'active_version.version' });
  await expect(versionChange).toContainText('2');
  await expect(versionChange.getByRole('cell').nth(2)).toHaveText('1');

  // Filters are a URL: all tables, then one action.
  const filters = page.getByRole('search', { name: 'Filter the audit trail' });
  await filters.getByRole('textbox', { name: 'Table' }).fill('');
  await filters.getByRole('button', { name: 'Apply filters' }).click();
  await expect(events).toContainText(OTHER);
  await filters.getByRole('combobox', { name: 'Action' }).selectOption('version.rolled_back');
  await filters.getByRole('textbox', { name: 'Table' }).fill(TABLE);
  await filters.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page).toHaveURL(/action=version\.rolled_back/);
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(1)).toContainText('version.rolled_back');

  // The export downloads what the filters show.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'CSV' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^audit-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = fs.readFileSync((await download.path())!, 'utf8').trimEnd().split('\r\n');
  expect(csv[0]).toBe('id,occurred_at,actor,action,table_name,target,detail,request_id,before,after');
  expect(csv).toHaveLength(2);
  expect(csv[1]).toContain(`"e2e-user","version.rolled_back","${TABLE}","version 1"`);

  // Refused: a filter that is not a date, and a caller without a token.
  await page.goto('/audit?from=yesterday');
  await expect(page.getByRole('alert').filter({ hasText: 'These filters cannot be used' })).toContainText('from must be a date');
  expect((await page.request.get('/api/v1/audit?from=yesterday')).status()).toBe(400);
  expect((await page.request.get(`${databricksBaseUrl}/api/v1/audit`)).status()).toBe(401);
  expect((await page.request.get(`${databricksBaseUrl}/api/v1/audit/export?format=csv`)).status()).toBe(401);
});
