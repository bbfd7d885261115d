import { expect, test, type Page } from '@playwright/test';

import { SLOW_PHRASE } from '../support/fake-llm/scripted-model';

import { GeneratorPage } from './pages/generator-page';
import { HistoryPage } from './pages/history-page';
import { ValidatorPage } from './pages/validator-page';

/**
 * Refreshes the screenshots of docs/user-guide.md (docs/images/guide-*.png) by walking through the
 * guide on samples.sales.customers. Skipped in normal runs:
 *   UPDATE_SCREENSHOTS=1 npx playwright test user-guide-screenshots
 */
const TABLE = 'samples.sales.customers';
const REQUEST = 'E-mail addresses must be valid; ids are required.';
const shot = (name: string) => `docs/images/guide-${name}.png`;

/** A screenshot of the window with `target` at its top (leaving room for the sticky header). */
async function shotAt(page: Page, name: string, target: ReturnType<Page['locator']>) {
  await target.evaluate((el) => window.scrollTo({ top: el.getBoundingClientRect().top + window.scrollY - 72 }));
  await page.mouse.move(0, 0);
  await page.screenshot({ path: shot(name) });
}

test('user guide screenshots', async ({ page }) => {
  test.skip(!process.env.UPDATE_SCREENSHOTS, 'set UPDATE_SCREENSHOTS=1 to refresh docs/images');
  test.setTimeout(300_000);
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.emulateMedia({ colorScheme: 'light' });
  // Leaving the Generator with unsaved (merged) rules asks first: yes.
  page.on('dialog', (dialog) => void dialog.accept());

  // --- Generator: the form, a run in progress, the result.
  const generator = new GeneratorPage(page);
  await generator.goto(TABLE);
  await generator.request.fill(REQUEST);
  await shotAt(page, 'generator-form', page.getByRole('heading', { name: '2. Generate, review and save rules' }));

  await generator.generate(`${REQUEST} Please ${SLOW_PHRASE}.`);
  await expect(generator.run.getByRole('listitem').filter({ hasText: 'Ask the language model' })).toHaveAttribute('data-step-status', 'running');
  await page.waitForTimeout(1500);
  await shotAt(page, 'generator-progress', generator.run);
  await generator.run.getByRole('button', { name: 'Cancel run' }).click();
  await expect(generator.run).toHaveAttribute('data-run-status', 'cancelled');

  await generator.goto(TABLE);
  await generator.generate(REQUEST);
  await generator.waitForRules();
  await generator.summary.getByText(/^Column statistics/).click();
  await shotAt(page, 'generator-result', generator.run);
  await generator.summary.getByText(/^Column statistics/).click();
  await shotAt(page, 'generator-rules', generator.editor.editor);

  // The YAML view: a typo in a check function, marked at its line with what was probably meant.
  const { editor } = generator;
  await editor.showTab('YAML');
  const yaml = await editor.downloadRules('YAML');
  await editor.setCode('YAML', yaml.replace(/function: is_not_null\b/, 'function: is_not_nul'));
  const typo = editor.codeErrorItems().filter({ hasText: 'check.function' });
  await expect(typo).toContainText("Did you mean 'is_not_null'");
  // The editor at the top of the window, the mark's message (with its fix) open under the pointer.
  const tabs = page.getByRole('tablist', { name: 'Rule views' });
  await tabs.evaluate((el) => window.scrollTo({ top: el.getBoundingClientRect().top + window.scrollY - 72 }));
  await editor.code('YAML').locator('.cm-lintRange-error').first().hover();
  await expect(page.locator('.cm-tooltip-lint')).toBeVisible();
  await page.screenshot({ path: shot('generator-code') });
  await typo.getByRole('button', { name: "Use 'is_not_null'" }).click();
  await expect(editor.codeErrorItems()).toHaveCount(0);
  await editor.showTab('Form');

  await generator.dryRun(1000);
  const dry = page.getByRole('region', { name: 'Dry run' });
  await expect(dry.getByTestId('validation-results')).toBeVisible({ timeout: 60_000 });
  await generator.analyze();
  await expect(page.getByTestId('ai-analysis')).toBeVisible();
  await shotAt(page, 'generator-dry-run', dry);
  await shotAt(page, 'generator-analysis', page.getByRole('region', { name: 'AI analysis' }));
  await generator.save();
  await expect(generator.savedAlert(1)).toBeVisible();
  await shotAt(page, 'generator-saved', page.getByRole('region', { name: 'AI analysis' }));

  // A second version: one rule made a warning.
  const emailRule = generator.editor.list.getByRole('button', { name: /^Rule \d+: email/ }).first();
  await emailRule.click();
  await generator.editor.form.getByRole('combobox', { name: 'Criticality' }).selectOption('warn');
  await generator.save();
  await expect(generator.savedAlert(2)).toBeVisible();

  // --- DQX defaults on the same table: a rule likely too strict, with its evidence and correction.
  await generator.goto(TABLE);
  await generator.generate(REQUEST, undefined, 'dqx');
  await generator.waitForRules();
  await shotAt(page, 'generator-too-strict', generator.summary.getByTestId('expected-pass-rate'));

  // Generate again over an edited rule: merge or replace.
  await generator.editor.entry(1).click();
  await generator.editor.form.getByRole('combobox', { name: 'Criticality' }).selectOption('warn');
  await page.getByRole('button', { name: 'Generate new rules' }).click();
  await generator.generate(REQUEST);
  const arrived = page.getByRole('region', { name: 'New rules arrived' });
  await expect(arrived).toBeVisible({ timeout: 60_000 });
  await shotAt(page, 'generator-merge', arrived);
  await arrived.getByRole('button', { name: 'Merge with my rules' }).click();

  // --- Validator: version 1, then the active version 2 (two points for the chart).
  const validator = new ValidatorPage(page);
  await validator.goto(TABLE, { version: '1' });
  await validator.validate(1);
  await validator.waitForResults();
  await validator.goto(TABLE);
  await shotAt(page, 'validator-choose', page.getByRole('heading', { name: '2. Choose the rules' }));
  await validator.validate(2);
  await validator.waitForResults();
  await shotAt(page, 'validator-results', page.getByRole('heading', { name: '3. Results' }));
  const failing = validator.rules.getByRole('button', { name: /^Show failing rows of / }).first();
  await failing.click();
  await shotAt(page, 'validator-sample-rows', validator.rules.getByRole('row').filter({ has: page.getByRole('button', { name: /^Hide failing rows/ }) }));
  await validator.showEveryFailingRow();
  await expect(page.getByRole('region', { name: /^Every failing row of / }).getByRole('table')).toBeVisible();
  await shotAt(page, 'validator-every-failing-row', page.getByRole('region', { name: /^Every failing row of / }));

  await page.emulateMedia({ colorScheme: 'dark' });
  await page.reload();
  await validator.waitForResults();
  await shotAt(page, 'validator-dark', page.getByRole('heading', { name: '3. Results' }));
  await page.emulateMedia({ colorScheme: 'light' });

  // --- History: the tables, one table, a version, a diff, the rollback dialog.
  const history = new HistoryPage(page);
  await history.goto();
  await page.screenshot({ path: shot('history-tables') });
  await history.goto(TABLE);
  await history.chart.getByText('Show the numbers as a table').click();
  await shotAt(page, 'history-table', page.getByRole('heading', { name: 'Pass rate over time' }));
  await history.versionRow(1).getByRole('link', { name: 'View version 1' }).click();
  await expect(page.getByTestId('version-view')).toBeVisible();
  await shotAt(page, 'history-version', page.getByTestId('version-view'));
  await history.compare(1, 2);
  await shotAt(page, 'history-diff', page.getByRole('heading', { name: 'Compare two versions' }));
  await history.versionRow(1).getByRole('button', { name: 'Roll back to version 1' }).click();
  await expect(page.getByRole('dialog')).toBeVisible();
  await page.screenshot({ path: shot('history-rollback') });
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();

  // --- Catalog: a schema's tables, with the breadcrumb.
  await page.goto('/catalog?catalog=samples&schema=sales');
  await expect(page.getByRole('list', { name: 'Tables of samples.sales' })).toBeVisible();
  await shotAt(page, 'catalog', page.getByRole('heading', { name: 'Catalog', level: 1 }));

  // --- A narrow window.
  await page.setViewportSize({ width: 390, height: 844 });
  await validator.goto(TABLE);
  await page.screenshot({ path: shot('validator-narrow') });
});
