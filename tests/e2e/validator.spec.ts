import fs from 'node:fs';

import { expect, test } from '@playwright/test';

import { DEFECT } from '../../lib/warehouse/sample-catalog/defects';

import { GeneratorPage } from './pages/generator-page';
import { ValidatorPage } from './pages/validator-page';

/**
 * The Validator on samples.web.reviews, whose review texts include `<script>alert(1)</script>` and
 * other markup: rules imported from a file and saved, a whole-table run with the planted defects
 * counted exactly (a foreign key to another table among them), every failing row shown as text with the key column first, the CSV report, and
 * an editable draft whose bad input is reported at the field and not run.
 */
const TABLE = 'samples.web.reviews';
const BODY_RULE = 'body_has_markup';
const RATING_RULE = 'rating_out_of_range';
const PRODUCT_RULE = 'product_exists';
const RULES = [
  { name: BODY_RULE, criticality: 'warn', check: DEFECT.reviews_body_html.check },
  { name: RATING_RULE, criticality: 'error', check: DEFECT.reviews_rating_range.check },
  // dataset-level: reviews of products missing from samples.sales.products (a reference table)
  { name: PRODUCT_RULE, criticality: 'warn', check: DEFECT.reviews_product_id_orphan.check },
];

test.describe.configure({ mode: 'serial' });

test('failing rows are shown as text, every one of them, key columns first; the report downloads as CSV', async ({ page }) => {
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });

  // Rules from a DQX JSON file, saved as version 1.
  const generator = new GeneratorPage(page);
  await generator.goto(TABLE);
  await generator.editor.importAtStart('reviews-checks.json', JSON.stringify(RULES, null, 2));
  await expect(generator.editor.entries()).toHaveCount(3);
  await expect(generator.ruleItem(BODY_RULE)).toContainText('imported');
  await expect(await generator.editor.checked()).toHaveText(/3 rules · no errors/);
  await generator.save();
  await expect(generator.savedAlert(1)).toBeVisible();
  await page.getByRole('link', { name: 'Validate version 1' }).click();

  const validator = new ValidatorPage(page);
  await expect(validator.version).toHaveValue('1');
  await expect(page.getByRole('table', { name: 'Rules of version 1' }).getByRole('row')).toHaveCount(4);
  await validator.validate(1);
  await validator.waitForResults();
  await expect(validator.ruleCell(BODY_RULE, 'failing')).toHaveText(String(DEFECT.reviews_body_html.count));
  await expect(validator.ruleCell(RATING_RULE, 'failing')).toHaveText(String(DEFECT.reviews_rating_range.count));
  await expect(validator.ruleCell(BODY_RULE, 'status')).toHaveText('Warning');
  await expect(validator.ruleCell(RATING_RULE, 'status')).toHaveText('Failed');
  await expect(validator.ruleCell(PRODUCT_RULE, 'failing')).toHaveText(String(DEFECT.reviews_product_id_orphan.count));
  await expect(validator.ruleCell(PRODUCT_RULE, 'status')).toHaveText('Warning');
  await expect(validator.stat('Rows with errors')).toHaveText(String(DEFECT.reviews_rating_range.count));

  // The sample kept with the run: the script is text, escaped in the page, and nothing ran.
  await validator.openFailingRows(BODY_RULE);
  const sample = page.getByRole('table', { name: `Sample failing rows of ${BODY_RULE}` });
  const script = sample.getByRole('cell', { name: '<script>alert(1)</script>', exact: true });
  await expect(script).toBeVisible();
  expect(await script.innerHTML()).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');

  // Every failing row, read from the table, the key column first and the DQX message next to it.
  await validator.showEveryFailingRow();
  const every = validator.everyFailingRow(BODY_RULE);
  await expect(every.getByRole('status')).toContainText(`of ${DEFECT.reviews_body_html.count} failing rows`);
  await expect(every.getByRole('table').getByRole('row')).toHaveCount(DEFECT.reviews_body_html.count + 1);
  const headers = await every.getByRole('columnheader').allTextContents();
  const message = headers.indexOf('Message');
  const keyCount = headers.filter((h) => h.includes('(key column)')).length;
  expect(headers[0]).toContain('review_id');
  expect(keyCount).toBeGreaterThan(0);
  expect(headers.slice(0, keyCount).every((h) => h.includes('(key column)'))).toBe(true);
  // the column the rule checks comes right after the key, before the message
  expect(headers[keyCount]).toMatch(/^body\(checked\)/);
  expect(message).toBe(keyCount + 1);
  await expect(every.getByRole('cell', { name: '<script>alert(1)</script>', exact: true })).toBeVisible();
  await expect(every.getByRole('cell', { name: "Column 'body' is matching regex" }).first()).toBeVisible();
  expect(await page.locator('script:text("alert(1)")').count()).toBe(0);
  expect(dialogs).toEqual([]);

  // Every failing row of the rule as a CSV download, streamed from the table.
  const rowsDownload = page.waitForEvent('download');
  await every.getByRole('link', { name: 'CSV' }).click();
  const rowsCsv = fs.readFileSync((await (await rowsDownload).path())!, 'utf8').trim().split(/\r?\n/);
  expect(rowsCsv[0]).toMatch(/^"review_id",.*"body",.*"_errors","_warnings"$/);
  expect(rowsCsv).toHaveLength(DEFECT.reviews_body_html.count + 1);

  // A filter on the failing value keeps the rows whose body holds it.
  await every.getByRole('textbox', { name: 'Failing value' }).fill('<script>');
  await every.getByRole('button', { name: 'Filter' }).click();
  await expect(every.getByRole('status')).toContainText('failing rows holding this value');
  await expect(every.getByRole('cell', { name: '<script>alert(1)</script>', exact: true })).toBeVisible();
  const kept = await every.getByRole('table').getByRole('row').count();
  expect(kept - 1).toBeLessThan(DEFECT.reviews_body_html.count);
  expect(dialogs).toEqual([]);

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Report (CSV)' }).click();
  const csv = fs.readFileSync((await (await download).path())!, 'utf8').trim().split(/\r?\n/);
  expect(csv[0]).toBe('rule_name,function,criticality,columns,filter,status,rows_evaluated,failing_rows,pass_rate,message,run_evaluation');
  expect(csv).toHaveLength(4);
  expect(csv.find((line) => line.startsWith(`"${RATING_RULE}"`))).toContain(`,${DEFECT.reviews_rating_range.count},`);
});

test('an editable draft: bad input is reported at the field and not run; the fixed draft is validated', async ({ page }) => {
  const validator = new ValidatorPage(page);
  await validator.goto(TABLE);
  await page.getByRole('button', { name: 'Open as editable draft' }).click();
  await expect(page).toHaveURL(/[?&]draft=1/);

  const generator = new GeneratorPage(page);
  const { editor } = generator;
  await expect(editor.entries()).toHaveCount(3);
  await generator.rule(RATING_RULE).click();
  const column = editor.argument('column');
  await column.fill('stars');
  await column.press('Escape');
  await expect(editor.form.getByText("Column 'stars' does not exist")).toBeVisible();
  await expect(column).toHaveAttribute('aria-invalid', 'true');
  await expect(generator.rule(RATING_RULE)).toHaveAccessibleName(/1 error/);
  await expect(page.getByRole('button', { name: 'Validate the draft' })).toBeDisabled();
  await expect(page.getByText('Fix 1 error first.')).toBeVisible();

  await column.fill('rating');
  await column.press('Escape');
  await expect(await editor.checked()).toHaveText(/3 rules · no errors/);
  await page.getByRole('button', { name: 'Validate the draft' }).click();
  await validator.waitForResults();
  await expect(validator.results).toContainText('draft rules');
  await expect(validator.ruleCell(RATING_RULE, 'failing')).toHaveText(String(DEFECT.reviews_rating_range.count));
  await expect(validator.previousRuns.getByRole('row').filter({ hasText: 'draft' })).toHaveCount(1);
});
