import fs from 'node:fs';
import path from 'node:path';

import { expect, test, type Page } from '@playwright/test';

import { CatalogPage } from './pages/catalog-page';
import { GeneratorPage } from './pages/generator-page';
import { HistoryPage } from './pages/history-page';
import { ValidatorPage } from './pages/validator-page';

/**
 * The editor never loses work, as a user would notice: the table picker chooses what was typed,
 * new generations are merged or replace the user's rules only when asked (with undo), one edit
 * marks one rule, the dry run does what its label says, the code view shows problems at their
 * line with "did you mean", origins and evidence survive saving, a missing table cannot be
 * generated for, and unsaved rules come back after a reload.
 */
const dataDir = path.join(process.env.E2E_DATA_DIR ?? '.data/e2e', 'local', 'data');
const LOCAL = 'local.keeps_work.accounts';
const PRODUCTS = 'samples.sales.products'; // 400 rows
const CUSTOMERS = 'samples.sales.customers'; // 5,012 rows

test.beforeAll(() => {
  fs.mkdirSync(path.join(dataDir, 'keeps_work'), { recursive: true });
  fs.writeFileSync(
    path.join(dataDir, 'keeps_work', 'accounts.csv'),
    [
      'account_id,status,email,balance',
      '1,ACTIVE,a@example.com,10.5',
      '2,CLOSED,b@example.com,0',
      '3,ACTIVE,,99.99',
    ].join('\n') + '\n',
  );
});

async function generated(page: Page, table: string, request = 'SKUs are required.') {
  const generator = new GeneratorPage(page);
  await generator.goto(table);
  await generator.generate(request);
  await generator.waitForRules();
  return generator;
}

for (const path of ['/catalog', '/generator', '/validator']) {
  test(`the table picker on ${path} opens what was typed when Enter comes before the search answers`, async ({
    page,
  }) => {
    const catalog = new CatalogPage(page);
    await catalog.goto(path);
    await catalog.picker.click();
    // The unfiltered list is on screen; then "customers" and Enter at once.
    await expect(catalog.options.first()).toBeVisible();
    await expect(catalog.options.first()).not.toContainText('customers');
    await catalog.picker.fill('customers');
    await catalog.picker.press('Enter');
    await expect(page).toHaveURL(new RegExp(`${path}\\?table=samples\\.sales\\.customers$`));
    await expect(catalog.picker).toHaveValue('samples.sales.customers');
  });
}

test('new generated rules are merged with the user’s or replace them, as chosen, and both can be undone', async ({
  page,
}) => {
  const generator = await generated(page, PRODUCTS);
  const { editor } = generator;
  const count = await editor.entries().count();

  // The user's work: one generated rule edited, one written by hand.
  await editor.entry(1).click();
  await editor.form.getByRole('combobox', { name: 'Criticality' }).selectOption('warn');
  await expect(editor.list.getByRole('listitem').first()).toContainText(', edited');
  await editor.addRule();
  await editor.chooseFunction('not null', 'is_not_null');
  await editor.argument('column').fill('name');
  await expect(editor.entries()).toHaveCount(count + 1);

  // Generate again: the new rules wait for a decision; nothing changed yet.
  await page.getByRole('button', { name: 'Generate new rules' }).click();
  await generator.generate('SKUs are required.');
  const choice = page.getByRole('region', { name: 'New rules arrived' });
  await expect(choice).toBeVisible({ timeout: 60_000 });
  await expect(choice).toContainText('2 rules you wrote, imported or edited');
  await expect(editor.entries()).toHaveCount(count + 1);

  // Merge: the user's two rules first, then the new ones; the new version of the edited rule is
  // marked as a conflict with it; the unedited old rules were replaced by their new versions.
  await choice.getByRole('button', { name: 'Merge with my rules' }).click();
  await expect(choice).toBeHidden();
  await expect(
    page
      .getByRole('status')
      .filter({ hasText: /^Merged: kept 2 rules of yours; added \d+ new rules; 1 new rule checks the same/ }),
  ).toBeVisible();
  await expect(editor.entries()).toHaveCount(count + 2);
  await expect(editor.entry(1)).toContainText('warn');
  await expect(editor.list.getByRole('listitem').nth(1)).toContainText('manual');
  await expect(editor.list.getByTestId('rule-conflict')).toHaveCount(1);
  await expect(editor.list.getByTestId('rule-conflict')).toHaveText('conflict with rule 1');

  // Undo brings the rules back as they were.
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(editor.entries()).toHaveCount(count + 1);
  await expect(editor.list.getByTestId('rule-conflict')).toHaveCount(0);
  await expect(editor.list.getByRole('listitem').last()).toContainText('manual');

  // Generate once more and replace: the hand-written rule goes; undo brings it back.
  await page.getByRole('button', { name: 'Generate new rules' }).click();
  await generator.generate('SKUs are required.');
  await expect(choice).toBeVisible({ timeout: 60_000 });
  await choice.getByRole('button', { name: 'Replace my rules' }).click();
  await expect(editor.entries()).toHaveCount(count);
  await expect(editor.list.getByText('manual', { exact: true })).toHaveCount(0);
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(editor.entries()).toHaveCount(count + 1);
  await expect(editor.list.getByRole('listitem').last()).toContainText('manual');
});

test('one edit in the YAML view marks one rule as edited', async ({ page }) => {
  const generator = await generated(page, PRODUCTS);
  const { editor } = generator;
  await expect(editor.list.getByText(/, edited/)).toHaveCount(0);
  await editor.showTab('YAML');
  const text = await editor.downloadRules('YAML');
  // The first rule's criticality, and nothing else.
  const changed = text.replace(/criticality: error/, 'criticality: warn');
  expect(changed).not.toBe(text);
  await editor.setCode('YAML', changed);
  await expect(editor.editor.getByText('The text and the form show the same rules.')).toBeVisible();
  await editor.showTab('Form');
  await expect(editor.list.getByText(/, edited/)).toHaveCount(1);
  await expect(editor.list.getByRole('listitem').first()).toContainText('profile, edited');
});

test('the dry run does what its size says, and the version records the same', async ({ page }) => {
  const generator = await generated(page, CUSTOMERS, '');
  // A table of 5,012 rows: 1,000 rows, or all of them (preselected), nothing it does not have.
  await expect(generator.dryRunRows.getByRole('option')).toHaveText(['first 1,000 rows', 'all 5,012 rows']);
  await expect(generator.dryRunRows.locator('option:checked')).toHaveText('all 5,012 rows');
  await page.getByRole('button', { name: 'Dry run', exact: true }).click();
  const dry = page.getByRole('region', { name: 'Dry run' });
  const results = dry.getByTestId('validation-results');
  await expect(results).toBeVisible({ timeout: 60_000 });
  await expect(results).toContainText('Dry run on all 5,012 rows');
  await expect(
    results
      .getByRole('term')
      .filter({ hasText: /^Total rows$/ })
      .locator('xpath=following-sibling::dd[1]'),
  ).toHaveText('5,012');

  await generator.dryRun(1000);
  await expect(results).toContainText('Dry run on the first 1,000 rows', { timeout: 60_000 });
  await expect(
    page.getByText(/The dry run’s pass rate \(.+ on the first 1,000 rows\) is noted/),
  ).toBeVisible();
  await generator.save();
  await expect(page.getByRole('status').filter({ hasText: /Saved as version \d+/ })).toBeVisible();
  const version = Number(
    /version (\d+)/.exec(
      (await page
        .getByRole('status')
        .filter({ hasText: /Saved as version/ })
        .first()
        .textContent()) ?? '',
    )?.[1],
  );

  const history = new HistoryPage(page);
  await history.goto(CUSTOMERS);
  await history
    .versionRow(version)
    .getByRole('link', { name: `View version ${version}` })
    .click();
  await expect(page.getByTestId('version-view')).toContainText(
    /Dry run before saving.*on the first 1,000 rows/,
  );
});

test('the code view marks problems at their line and offers what was probably meant', async ({ page }) => {
  const generator = new GeneratorPage(page);
  const { editor } = generator;
  await editor.openGenerator(LOCAL);
  await editor.startEmpty();
  await editor.showTab('YAML');
  await editor.setCode(
    'YAML',
    [
      '- criticality: warn', // 1
      '  check:', // 2
      '    function: is_not_nul', // 3
      '    arguments:', // 4
      '      column: email', // 5
      '- check:', // 6
      '    function: is_in_range', // 7
      '    arguments:', // 8
      '      column: balanse', // 9
      '      min_limit: 0', // 10
      '      max_limt: 100', // 11
      '',
    ].join('\n'),
  );
  const issues = editor.codeErrorItems();
  await expect(issues).toHaveCount(2);
  const fn = issues.filter({ hasText: 'check.function' });
  await expect(fn).toContainText('Line 3 · Rule 1');
  await expect(fn).toContainText("Did you mean 'is_not_null'");
  const arg = issues.filter({ hasText: 'check.arguments.max_limt' });
  await expect(arg).toContainText('Line 11 · Rule 2');
  await expect(arg).toContainText("Did you mean 'max_limit'");
  // Marked in the editor on those lines (underline and gutter).
  await expect.poll(() => editor.markedLines('YAML')).toEqual([3, 11]);

  // One click applies the suggestion; the next problem of that rule (the column) shows up at its line.
  await fn.getByRole('button', { name: "Use 'is_not_null'" }).click();
  await arg.getByRole('button', { name: "Use 'max_limit'" }).click();
  await editor.expectCode('YAML', /function: is_not_null\n/);
  const column = issues.filter({ hasText: 'check.arguments.column' });
  await expect(column).toContainText('Line 9 · Rule 2');
  await expect(column).toContainText("Did you mean 'balance'");
  await column.getByRole('button', { name: "Use 'balance'" }).click();
  await expect(issues).toHaveCount(0);
  await expect(await editor.checked()).toHaveText(/2 rules · no errors/);

  // The same in JSON.
  await editor.showTab('JSON');
  const json = await editor.codeText('JSON');
  await editor.setCode('JSON', json.replace('"is_in_range"', '"is_in_rnage"'));
  const wrong = issues.filter({ hasText: 'check.function' });
  await expect(wrong).toContainText(/Line \d+ · Rule 2/);
  await expect(wrong).toContainText("Did you mean 'is_in_range'");
  const line = Number(/Line (\d+)/.exec((await wrong.textContent()) ?? '')?.[1]);
  expect(json.split('\n')[line - 1]).toContain('"is_in_range"');
  await expect.poll(() => editor.markedLines('JSON')).toEqual([line]);
});

test('each rule’s origin and evidence are kept with the saved version: History and the Validator show them', async ({
  page,
}) => {
  const generator = await generated(page, PRODUCTS, '');
  const { editor } = generator;
  await editor.entry(1).click();
  await editor.form.getByRole('combobox', { name: 'Criticality' }).selectOption('warn');
  await editor.addRule();
  await editor.chooseFunction('not null', 'is_not_null');
  await editor.argument('column').fill('category');
  await generator.save();
  const saved = page.getByRole('status').filter({ hasText: /Saved as version \d+/ });
  await expect(saved).toBeVisible();
  const version = Number(/Saved as version (\d+)/.exec((await saved.first().textContent()) ?? '')?.[1]);
  const count = await editor.entries().count();

  const history = new HistoryPage(page);
  await history.goto(PRODUCTS);
  await history
    .versionRow(version)
    .getByRole('link', { name: `View version ${version}` })
    .click();
  const origins = page.getByTestId('version-view').getByTestId('rule-origin');
  await expect(origins).toHaveCount(count);
  await expect(origins.first()).toContainText('profile, edited');
  await expect(origins.first()).toContainText(/Profiled [\d,]+ rows|DQX profile/);
  await expect(origins.nth(1)).toContainText(/^profile(?!, edited)/);
  await expect(origins.last()).toContainText('written by hand');

  const validator = new ValidatorPage(page);
  await validator.goto(PRODUCTS, { version: String(version) });
  const preview = page.getByRole('table', { name: `Rules of version ${version}` }).getByTestId('rule-origin');
  await expect(preview.first()).toContainText('profile, edited');
  await page.getByRole('button', { name: 'Open as editable draft' }).click();
  const draft = new GeneratorPage(page).editor;
  await expect(draft.list.getByRole('listitem').first()).toContainText('profile, edited');
  await expect(draft.list.getByRole('listitem').first()).toContainText(/Profiled [\d,]+ rows|DQX profile/);
  await expect(draft.list.getByRole('listitem').last()).toContainText('manual');
});

test('Generate is disabled, with the reason, for a table that does not exist', async ({ page }) => {
  await page.goto('/generator?table=samples.sales.nope');
  await expect(page.getByRole('heading', { name: '2. Generate, review and save rules' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Generate rules' })).toBeDisabled();
  await expect(page.getByText('samples.sales.nope does not exist, or you cannot read it')).toBeVisible();
});

test('unsaved rules come back after a reload, leaving asks first, and undo starts over', async ({ page }) => {
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.type());
    void dialog.accept();
  });
  const generator = new GeneratorPage(page);
  const { editor } = generator;
  await editor.openGenerator(LOCAL);
  await editor.startEmpty();
  await editor.addRule();
  await editor.chooseFunction('not null', 'is_not_null');
  await editor.argument('column').fill('email');
  await expect(page.getByTestId('draft-status')).toContainText('Unsaved changes');

  await page.reload();
  await expect(editor.entries()).toHaveCount(1);
  await expect(editor.entry(1)).toContainText('email_is_null');
  await expect(
    page.getByRole('status').filter({ hasText: 'Restored the unsaved rules you were working on: 1 rule' }),
  ).toBeVisible();
  expect(dialogs).toContain('beforeunload');

  // Another page and back: still there.
  await page.getByRole('link', { name: 'Catalog' }).click();
  await expect(page).toHaveURL(/\/catalog/);
  await editor.openGenerator(LOCAL);
  await expect(editor.entry(1)).toContainText('email_is_null');

  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByRole('button', { name: 'Start from an empty rule set' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('button', { name: 'Start from an empty rule set' })).toBeVisible();
});

test('a Validator draft left unsaved is offered again when the page opens without it', async ({ page }) => {
  page.on('dialog', (dialog) => void dialog.accept());
  const validator = new ValidatorPage(page);
  await validator.goto(LOCAL);
  await page.getByRole('button', { name: 'Write a draft here' }).click();
  const editor = new GeneratorPage(page).editor;
  await editor.addRule();
  await editor.chooseFunction('not null', 'is_not_null');
  await editor.argument('column').fill('status');
  await expect(page.getByTestId('draft-status')).toContainText('Unsaved changes');

  // Back to the Validator without the draft open: it says there is one, and opens it.
  await validator.goto(LOCAL);
  const notice = page.getByRole('status').filter({ hasText: `You have an unsaved draft for ${LOCAL}` });
  await expect(notice).toContainText('1 rule, kept in this browser since');
  await notice.getByRole('button', { name: 'Open the draft' }).click();
  await expect(editor.entry(1)).toContainText('status_is_null');
});
