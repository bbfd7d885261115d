import { expect, test, type APIRequestContext } from '@playwright/test';

import { HistoryPage } from './pages/history-page';
import { MonitoringPage } from './pages/monitoring-page';
import { ValidatorPage } from './pages/validator-page';
import { databricksBaseUrl } from './support/servers';

/**
 * The Monitoring page (local mode): two tables with thresholds, one breaching (customers: 99 %
 * minimum, names and e-mails are missing or invalid) and one meeting them (products). The page lists the breaching one
 * first with its failing rule, and its links open the run, the rule's failing rows and History; the
 * home page (the Generator) shows the counts. Without a token (databricks mode) the API refuses.
 */
const BREACHING = 'samples.sales.customers';
const PASSING = 'samples.sales.products';

async function saveRules(request: APIRequestContext, table: string, rules: unknown[]) {
  const res = await request.post(`/api/v1/rule-sets/${table}/versions`, { data: { rules } });
  expect(res.status()).toBe(201);
}

async function validate(request: APIRequestContext, table: string): Promise<string> {
  const res = await request.post('/api/v1/validations', { data: { table } });
  expect(res.status()).toBe(202);
  const { id } = (await res.json()) as { id: string };
  await expect
    .poll(async () => ((await (await request.get(`/api/v1/runs/${id}`)).json()) as { status: string }).status, { timeout: 60_000 })
    .toBe('succeeded');
  return id;
}

test('monitored tables worst first, with the failing rule and working links; the home page counts them', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 860 });
  await saveRules(page.request, BREACHING, [
    { name: 'name_present', criticality: 'error', check: { function: 'is_not_null', arguments: { column: 'full_name' } } },
    { name: 'id_present', criticality: 'error', check: { function: 'is_not_null', arguments: { column: 'customer_id' } } },
  ]);
  await saveRules(page.request, PASSING, [{ name: 'sku_present', criticality: 'error', check: { function: 'is_not_null', arguments: { column: 'sku' } } }]);

  // Thresholds: one table through the History form, the other through the API.
  const history = new HistoryPage(page);
  await history.goto(BREACHING);
  const form = page.getByRole('region', { name: 'Thresholds and alerts' }).getByRole('form', { name: 'Thresholds' });
  await form.getByRole('textbox', { name: 'Minimum pass rate of the table (%)' }).fill('99.9');
  await form.getByRole('button', { name: 'Save thresholds' }).click();
  await expect(form.getByRole('status')).toHaveText(`Thresholds of ${BREACHING} saved.`);
  const api = await page.request.post(`/api/v1/rule-sets/${PASSING}/thresholds`, { data: { min_pass_rate: 0.5, fail_on_error_rows: false } });
  expect(api.status()).toBe(200);

  // Monitored, not run yet.
  const monitoring = new MonitoringPage(page);
  await monitoring.goto();
  await expect(monitoring.row(BREACHING)).toContainText('No run yet');
  await expect(monitoring.row(PASSING)).toContainText('No run yet');

  await validate(page.request, BREACHING); // 15 names missing: 99.70 % < 99.90 %
  await validate(page.request, PASSING);
  // Version 2 checks e-mails too, and any invalid e-mail is a breach: the next run is worse.
  await saveRules(page.request, BREACHING, [
    { name: 'name_present', criticality: 'error', check: { function: 'is_not_null', arguments: { column: 'full_name' } } },
    { name: 'email_present', criticality: 'error', check: { function: 'is_not_null', arguments: { column: 'email' } } },
    { name: 'email_valid', criticality: 'error', check: { function: 'is_valid_email', arguments: { column: 'email' } } },
  ]);
  const rule = await page.request.post(`/api/v1/rule-sets/${BREACHING}/thresholds`, {
    data: { min_pass_rate: 0.999, fail_on_error_rows: false, rules: [{ rule: 'email_valid', fail_on_failing_rows: true }] },
  });
  expect(rule.status()).toBe(200);
  const breachRun = await validate(page.request, BREACHING);

  await monitoring.goto();
  const first = monitoring.rows().first();
  await expect(first).toHaveAttribute('data-table', BREACHING);
  await expect(first).toContainText('Breach');
  await expect(first).toContainText('table pass rate 98.40% < 99.90%');
  await expect(first).toContainText('rule email_valid has 25 failing rows');
  // The breached rule first, then the most failing rows.
  await expect(first.getByRole('listitem')).toHaveText([/^email_valid 25 rows .*threshold breached/, /^email_present 40 rows/, /^name_present 15 rows/]);
  await expect(first.getByRole('img', { name: `Pass rate of ${BREACHING}: last 2 runs, latest 98.40%, lowest 98.40%, highest 99.70%` })).toBeVisible();
  await expect(monitoring.row(PASSING)).toContainText('OK');
  await expect(monitoring.row(PASSING)).toContainText('none');
  await expect(page.getByRole('status').filter({ hasText: 'breaching' })).toHaveText(/^1 table breaching, \d+ OK\.$/);
  if (process.env.UPDATE_SCREENSHOTS) await page.screenshot({ path: 'docs/images/guide-monitoring.png' });

  // The rule's failing rows open in the Validator, on that run.
  await first.getByRole('link', { name: `Failing rows of email_valid in ${BREACHING}` }).click();
  const validator = new ValidatorPage(page);
  await expect(page).toHaveURL(new RegExp(`run=${breachRun}`));
  await expect(validator.everyFailingRow('email_valid')).toBeVisible({ timeout: 60_000 });
  await expect(validator.everyFailingRow('email_valid').getByRole('table')).toBeVisible();

  // The last run, then History.
  await monitoring.goto();
  await monitoring.rows().first().getByRole('link', { name: `Last run of ${BREACHING}` }).click();
  await validator.waitForResults();
  await expect(validator.ruleRow('email_valid')).toBeVisible();
  await monitoring.goto();
  await monitoring.rows().first().getByRole('link', { name: `History of ${BREACHING}` }).click();
  await expect(page.getByRole('heading', { name: 'Pass rate over time' })).toBeVisible();

  // Thresholds are read as they are now: lowered, the table is OK at once.
  await page.request.post(`/api/v1/rule-sets/${BREACHING}/thresholds`, { data: { min_pass_rate: 0.5, fail_on_error_rows: false } });
  await monitoring.goto();
  await expect(monitoring.row(BREACHING)).toContainText('OK');

  // The home page (/ opens the Generator) counts them and links here.
  await page.request.post(`/api/v1/rule-sets/${BREACHING}/thresholds`, { data: { min_pass_rate: 0.999, fail_on_error_rows: false } });
  // (its counts are kept for up to 30 seconds per user, so an earlier visit may need to age out)
  const summary = page.getByRole('complementary', { name: 'Monitoring summary' });
  await expect(async () => {
    await page.goto('/');
    await expect(page).toHaveURL(/\/generator$/);
    await expect(summary).toContainText(/Monitoring: 1 table breaching, \d+ OK/, { timeout: 2_000 });
  }).toPass({ timeout: 45_000 });
  await summary.getByRole('link', { name: 'Open monitoring' }).click();
  await expect(page.getByRole('heading', { name: 'Monitoring', level: 1 })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Monitoring', exact: true })).toHaveAttribute('aria-current', 'page');
});

test('the monitoring API refuses a call without a user token in databricks mode', async ({ request }) => {
  const res = await request.get(`${databricksBaseUrl}/api/v1/monitoring`);
  expect(res.status()).toBe(401);
  expect(await res.json()).toMatchObject({ error: { code: 'unauthorized' } });
});
