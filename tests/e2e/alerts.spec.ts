import { expect, test, type APIRequestContext } from '@playwright/test';

import { startWebhookReceiver } from '../support/webhook-receiver';
import { HistoryPage } from './pages/history-page';

/**
 * Thresholds and alerts from the History page (local mode): a refused webhook URL is named at its
 * field; with a 99 % minimum the table's validation is a breach, one alert reaches the webhook and
 * the health endpoint answers 503; with the minimum lowered the health is 200 at once and the next
 * run sends the recovery.
 */
const TABLE = 'samples.web.events';

async function validate(request: APIRequestContext): Promise<string> {
  const res = await request.post('/api/v1/validations', { data: { table: TABLE } });
  expect(res.status()).toBe(202);
  const { id } = (await res.json()) as { id: string };
  await expect
    .poll(async () => ((await (await request.get(`/api/v1/runs/${id}`)).json()) as { status: string }).status, { timeout: 60_000 })
    .toBe('succeeded');
  return id;
}

const health = async (request: APIRequestContext) => {
  const res = await request.get(`/api/v1/tables/${TABLE}/health`);
  return { status: res.status(), state: ((await res.json()) as { state: string }).state };
};

test('a breach and a recovery each alert once, and the health endpoint follows', async ({ page }) => {
  const hook = await startWebhookReceiver();
  try {
    const saved = await page.request.post(`/api/v1/rule-sets/${TABLE}/versions`, {
      data: { rules: [{ name: 'customer_known', criticality: 'error', check: { function: 'is_not_null', arguments: { column: 'customer_id' } } }] },
    });
    expect(saved.status()).toBe(201);
    const history = new HistoryPage(page);
    await history.goto(TABLE);
    const section = page.getByRole('region', { name: 'Thresholds and alerts' });
    await expect(section).toContainText('No alert yet.');
    const form = section.getByRole('form', { name: 'Thresholds' });
    const minimum = form.getByRole('textbox', { name: 'Minimum pass rate of the table (%)' });
    const webhook = form.getByRole('textbox', { name: 'Webhook of this table' });
    await minimum.fill('99');
    await webhook.fill('http://169.254.169.254/latest/meta-data/');
    await form.getByRole('button', { name: 'Save thresholds' }).click();
    await expect(webhook).toHaveAttribute('aria-invalid', 'true');
    await expect(form).toContainText('link-local');

    await webhook.fill(hook.url);
    await form.getByRole('button', { name: 'Save thresholds' }).click();
    await expect(form.getByRole('status')).toHaveText(`Thresholds of ${TABLE} saved.`);
    await expect(form).toContainText(`this table’s webhook at ${new URL(hook.url).origin}`);
    expect(await health(page.request)).toEqual({ status: 503, state: 'no_run' });

    const first = await validate(page.request);
    await expect.poll(() => hook.received.length).toBe(1);
    expect(hook.received[0]!.body).toMatchObject({ table: TABLE, event: 'breach', run_id: first });
    expect(await health(page.request)).toEqual({ status: 503, state: 'breach' });
    await page.reload();
    const alerts = section.getByRole('table', { name: 'Alerts' });
    await expect(alerts.getByRole('row')).toHaveCount(2);
    await expect(alerts).toContainText('Breach');
    await expect(alerts).toContainText('sent');

    await minimum.fill('1');
    await form.getByRole('button', { name: 'Save thresholds' }).click();
    await expect(form.getByRole('status')).toHaveText(`Thresholds of ${TABLE} saved.`);
    expect(await health(page.request)).toEqual({ status: 200, state: 'ok' });
    await validate(page.request);
    await expect.poll(() => hook.received.map((r) => r.body.event)).toEqual(['breach', 'recovery']);
    await page.reload();
    await expect(alerts.getByRole('row')).toHaveCount(3);
    await expect(alerts.getByRole('row').nth(1)).toContainText('Recovery');
  } finally {
    await hook.close();
  }
});
