import { expect, test, type APIRequestContext } from '@playwright/test';

import { HistoryPage } from './pages/history-page';

/**
 * The pass-rate chart of History: runs of the same day are told apart by their time, a dashed
 * marker shows where the version validated changed, and each run's tooltip says when, the pass
 * rate and the version.
 */
const TABLE = 'samples.iot.devices';
const rule = (column: string) => ({ criticality: 'error', check: { function: 'is_not_null', arguments: { column } } });

async function save(request: APIRequestContext, rules: unknown[]) {
  const res = await request.post(`/api/v1/rule-sets/${TABLE}/versions`, { data: { rules } });
  expect(res.status(), await res.text()).toBe(201);
}

async function validate(request: APIRequestContext) {
  const res = await request.post('/api/v1/validations', { data: { table: TABLE } });
  expect(res.status(), await res.text()).toBe(202);
  const { id } = (await res.json()) as { id: string };
  await expect
    .poll(async () => ((await (await request.get(`/api/v1/runs/${id}`)).json()) as { status: string }).status, { timeout: 60_000 })
    .toBe('succeeded');
  // runs a second apart at least, as runs of one table are (a label shows seconds at most)
  await new Promise((resolve) => setTimeout(resolve, 1100));
}

test('the pass-rate chart shows times, version changes and readable tooltips', async ({ page, request }) => {
  const columns = (await (await request.get(`/api/v1/tables/${TABLE}`)).json()) as { columns: { name: string }[] };
  const [first, second] = columns.columns.map((c) => c.name);
  await save(request, [rule(first!)]);
  await validate(request);
  await validate(request);
  await save(request, [rule(first!), rule(second!)]);
  await validate(request);

  const history = new HistoryPage(page);
  await history.goto(TABLE);
  const chart = history.chart;
  await expect(chart.getByTestId('chart-point')).toHaveCount(3);
  // every run's label has a time of day; the same day does not make two labels alike
  const labels = await chart.getByTestId('chart-time').allTextContents();
  expect(labels.length).toBeGreaterThanOrEqual(2);
  for (const label of labels) expect(label).toMatch(/\d{2}:\d{2}(:\d{2})?$/);
  expect(new Set(labels).size).toBe(labels.length);
  // one version change: a marker at the third run, and the caption says so
  await expect(chart.getByTestId('version-marker')).toHaveCount(1);
  await expect(chart.getByTestId('version-marker')).toContainText(/^v\d+$/);
  await expect(chart.locator('figcaption')).toContainText('the version changed once');
  // the tooltip of the latest run: when, the pass rate with two decimals or more, the version
  const tooltip = await chart.getByTestId('chart-point').last().locator('title').textContent();
  expect(tooltip).toMatch(/^\d{1,2} \w{3} \d{4}, \d{2}:\d{2}\nPass rate \d{1,3}\.\d{2,6}%\nRules: version \d+$/);
});
