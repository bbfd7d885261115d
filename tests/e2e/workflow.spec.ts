import fs from 'node:fs';

import { expect, test } from '@playwright/test';

import { DEFECT } from '../../lib/warehouse/sample-catalog/defects';

import { GeneratorPage } from './pages/generator-page';
import { HistoryPage } from './pages/history-page';
import { ValidatorPage } from './pages/validator-page';
import { e2eBigRows } from './support/servers';

/**
 * The whole loop on the sample catalog, in the browser, against the language-model stand-in:
 * generate rules for samples.sales.orders with a request, see rules from the profile and from the
 * model with their origins, edit a rule, dry run, AI analysis, save, save again after a change,
 * validate the active version and find the planted defects counted exactly as
 * docs/sample-data.md lists them, see the run in the history, compare the two versions, roll back.
 */
const TABLE = 'samples.sales.orders';
const fmt = (n: number) => n.toLocaleString('en-US');

test.describe.configure({ mode: 'serial' });

test('generate, edit, dry run, analyse, save, validate, see the history, compare and roll back', async ({ page }) => {
  test.setTimeout(240_000);
  const generator = new GeneratorPage(page);
  const { editor } = generator;

  // --- Generate: the whole table is profiled, the model adds rules for the request (DQX's own
  // generator on every row, so the rules below are named as DQX names them).
  await generator.goto(TABLE);
  await generator.generate('Ids are required; amounts must never be negative.', 'all', 'dqx');
  await generator.waitForRules();
  await expect(generator.summary.getByTestId('rows-profiled')).toContainText(`${fmt(e2eBigRows)} of ${fmt(e2eBigRows)} rows`);
  await expect(generator.summary).toContainText(/from the profile, [1-9]\d* from the language model/);

  // Each rule says where it came from, with its evidence.
  await expect(generator.ruleItem('amount_less_than_limit')).toContainText('model');
  await expect(generator.ruleItem('amount_less_than_limit')).toContainText('Proposed by the language model');
  await expect(generator.ruleItem('quantity_isnt_in_range')).toContainText('profile');
  await expect(generator.ruleItem('quantity_isnt_in_range')).toContainText('DQX profile “min_max” of column quantity');
  await expect(generator.ruleItem('amount_is_null')).toContainText('profile');

  // The whole generation result downloads as JSON (as the original's "Download Rules JSON" did).
  const resultDownload = page.waitForEvent('download');
  await generator.summary.getByRole('button', { name: 'Whole result (JSON)' }).click();
  const result = JSON.parse(fs.readFileSync((await (await resultDownload).path())!, 'utf8')) as { rows_profiled: number; rules: unknown[] };
  expect(result.rows_profiled).toBe(e2eBigRows);
  await expect(editor.entries()).toHaveCount(result.rules.length);
  await expect(page.getByTestId('store-status')).toContainText('Versions are saved in the rule store');

  // The column profiles are there, collapsed.
  await generator.summary.getByText(/^Column profiles/).click();
  await expect(generator.summary.getByRole('table', { name: 'Column profiles' }).getByRole('row', { name: /min_max quantity/ })).toBeVisible();

  // --- Edit: the profile's range for quantity becomes the documented one (1..100).
  await generator.rule('quantity_isnt_in_range').click();
  const min = editor.form.getByRole('textbox', { name: 'min_limit' });
  const max = editor.form.getByRole('textbox', { name: 'max_limit' });
  await min.fill(String(DEFECT.orders_quantity_range.check.arguments.min_limit));
  await max.fill(String(DEFECT.orders_quantity_range.check.arguments.max_limit));
  await expect(generator.ruleItem('quantity_isnt_in_range')).toContainText('profile, edited');
  await expect(await editor.checked()).toHaveText(/no errors/);

  // --- Dry run on a sample: per-rule failing counts and sample rows with messages.
  await generator.dryRun(1000);
  const dry = page.getByRole('region', { name: 'Dry run' });
  await expect(dry.getByTestId('validation-results')).toBeVisible({ timeout: 60_000 });
  await expect(dry.getByTestId('validation-results')).toContainText('Dry run on the first 1,000 rows');
  await expect(dry.getByRole('table', { name: 'Results per rule' }).getByRole('row', { name: /quantity_isnt_in_range/ })).toBeVisible();

  // --- AI analysis: summary, score, per-rule notes.
  await generator.analyze();
  const analysis = page.getByTestId('ai-analysis');
  await expect(analysis).toBeVisible();
  await expect(analysis.getByLabel(/^Quality score \d+ out of 10$/)).toBeVisible();
  await expect(analysis).toContainText('Rule by rule');
  await expect(page.getByText('This analysis is saved with the version')).toBeVisible();

  // --- Save version 1 (with the analysis), then change a rule and save version 2.
  await generator.save();
  await expect(generator.savedAlert(1)).toBeVisible();
  await expect(page.getByRole('link', { name: `See the history of ${TABLE}` })).toBeVisible();

  await generator.rule('amount_is_null').click();
  await editor.form.getByRole('combobox', { name: 'Criticality' }).selectOption('warn');
  await expect(page.getByText('The rules changed since this analysis')).toBeVisible();
  await generator.save();
  await expect(generator.savedAlert(2)).toBeVisible();

  // --- Validate the active version (2) on the whole table.
  const validator = new ValidatorPage(page);
  await validator.goto(TABLE);
  await expect(validator.version).toHaveValue('2');
  await expect(validator.version.getByRole('option')).toHaveCount(2);
  await validator.validate(2);
  await validator.waitForResults();
  await expect(validator.stat('Total rows')).toHaveText(fmt(e2eBigRows));

  // The planted defects, counted exactly as docs/sample-data.md lists them.
  await expect(validator.ruleCell('quantity_isnt_in_range', 'failing')).toHaveText(fmt(DEFECT.orders_quantity_range.count));
  await expect(validator.ruleCell('amount_less_than_limit', 'failing')).toHaveText(fmt(DEFECT.orders_amount_negative.count));
  await expect(validator.ruleCell('amount_is_null', 'failing')).toHaveText(fmt(DEFECT.orders_amount_null.count));
  await expect(validator.ruleCell('quantity_isnt_in_range', 'status')).toHaveText('Failed');
  await expect(validator.ruleCell('amount_is_null', 'status')).toHaveText('Warning');
  await expect(validator.ruleCell('order_id_is_null', 'status')).toHaveText('Passed');
  await expect(validator.ruleCell('quantity_isnt_in_range', 'evaluated')).toHaveText(fmt(e2eBigRows));

  // Every failing row of a rule, read from the table on demand.
  await validator.openFailingRows('quantity_isnt_in_range');
  await expect(page.getByRole('table', { name: 'Sample failing rows of quantity_isnt_in_range' })).toBeVisible();
  await validator.showEveryFailingRow();
  const every = validator.everyFailingRow('quantity_isnt_in_range');
  const total = DEFECT.orders_quantity_range.count;
  await expect(every.getByRole('status')).toContainText(`Rows 1–${total} of ${total} failing rows`);
  await expect(every.getByRole('table').getByRole('row')).toHaveCount(total + 1);
  await expect(every.getByRole('columnheader').first()).toContainText('order_id');
  await expect(every.getByRole('cell', { name: /not in range/ }).first()).toBeVisible();
  await expect(page).toHaveURL(/[?&]rule=quantity_isnt_in_range/);

  // The report downloads as JSON with the per-rule counts.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Report (JSON)' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^dqx_validation_samples_sales_orders_.*\.json$/);
  const report = JSON.parse(fs.readFileSync((await file.path())!, 'utf8')) as { rules: { name: string; failing_rows: number }[] };
  expect(report.rules.find((r) => r.name === 'amount_less_than_limit')?.failing_rows).toBe(DEFECT.orders_amount_negative.count);

  // A reload shows the same run and rows (the view is in the URL).
  const runUrl = page.url();
  await page.reload();
  await expect(validator.everyFailingRow('quantity_isnt_in_range').getByRole('status')).toContainText(`of ${total} failing rows`);
  await expect(validator.previousRuns.getByRole('row')).toHaveCount(3); // the header, this run and the dry run

  // --- History: the run, the two versions, a diff, a rollback.
  const history = new HistoryPage(page);
  await history.goto();
  const overview = page.getByRole('table', { name: 'Tables with rule sets' }).getByRole('row', { name: new RegExp(TABLE.replaceAll('.', '\\.')) });
  await expect(overview).toContainText('Succeeded');
  await overview.getByRole('link', { name: TABLE, exact: true }).click();
  await expect(history.versions.getByRole('row')).toHaveCount(3);
  await expect(history.versionRow(2)).toContainText('Active');
  await expect(history.versionRow(1)).toContainText('Ids are required; amounts must never be negative.');
  await expect(history.chart).toContainText('1 run; latest');
  await expect(history.runs.getByRole('row')).toHaveCount(3);
  // The pass rate of one rule over the runs (dry runs on samples are left out).
  await page.getByRole('combobox', { name: 'Show the pass rate of' }).selectOption('quantity_isnt_in_range');
  await expect(page).toHaveURL(/[?&]rule=quantity_isnt_in_range/);
  const ruleRate = (1 - DEFECT.orders_quantity_range.count / e2eBigRows) * 100;
  await expect(history.chart).toContainText(`Rule quantity_isnt_in_range · 1 run; latest ${Number(ruleRate.toFixed(2))}%`);
  await history.chart.getByText('Show the numbers as a table').click();
  await expect(history.chart.getByRole('table')).toContainText(`${DEFECT.orders_quantity_range.count} of ${fmt(e2eBigRows)}`);

  await history.runs.getByRole('link', { name: /^Open/ }).first().click();
  await expect(page).toHaveURL(runUrl.replace(/&rule=.*$/, ''));
  await validator.waitForResults();
  // /history/<table> is an alias of /history?table=<table>.
  await page.goto(`/history/${TABLE}`);
  await expect(page).toHaveURL(`/history?table=${TABLE}`);
  await expect(history.versions).toBeVisible();

  // Version 1 in full: its rules, YAML and the AI summary saved with it.
  await history.versionRow(1).getByRole('link', { name: 'View version 1' }).click();
  const v1 = page.getByTestId('version-view');
  await expect(v1.getByRole('heading', { name: 'Version 1' })).toBeVisible();
  await expect(v1.getByTestId('ai-analysis')).toContainText(/Score \d+\/10/);
  await expect(v1).toContainText('Rows profiled');

  await history.compare(1, 2);
  const changed = history.diff.getByRole('listitem').filter({ hasText: 'Changed' });
  await expect(changed).toHaveCount(1);
  await expect(changed).toContainText('amount_is_null');
  await expect(changed).toContainText('changed: criticality');
  await expect(changed.locator('[data-changed="true"]').first()).toContainText('criticality');
  await expect(history.diff).toContainText('0 added, 0 removed, 1 changed');

  await history.rollBackTo(1);
  await expect(history.versionRow(1)).toContainText('Active');
  await expect(history.versionRow(2)).toContainText('Not active');

  // The Validator now preselects version 1.
  await validator.goto(TABLE);
  await expect(validator.version).toHaveValue('1');
});
