import fs from 'node:fs';
import path from 'node:path';

import { expect, test } from '@playwright/test';

import { RuleEditorPage } from './pages/rule-editor';

/**
 * The rule editor on the Generator page, on a table of the local catalog: a CSV file this spec
 * puts in the e2e server's data folder (files there are tables of catalog `local`, folder =
 * schema, file = table, picked up without a restart).
 */
const dataDir = path.join(process.env.E2E_DATA_DIR ?? '.data/e2e', 'local', 'data');
const TABLE = 'local.rule_editor.accounts';

test.beforeAll(() => {
  fs.mkdirSync(path.join(dataDir, 'rule_editor'), { recursive: true });
  fs.writeFileSync(
    path.join(dataDir, 'rule_editor', 'accounts.csv'),
    [
      'account_id,status,email,balance,opened_on',
      '1,ACTIVE,a@example.com,10.5,2024-01-02',
      '2,CLOSED,b@example.com,0,2023-05-06',
      '3,ACTIVE,,99.99,2022-12-31',
    ].join('\n') + '\n',
  );
});

test.describe('rule editor (generator page, local mode)', () => {
  test('a rule added through the form appears in YAML; a bad YAML edit is shown at the rule and field and fixed in the form', async ({
    page,
  }) => {
    const editor = new RuleEditorPage(page);
    await editor.openGenerator(TABLE);
    await editor.startEmpty();
    await expect(await editor.checked()).toHaveText(/0 rules · no errors/);

    // Add a rule: pick the function by searching, the column from the table's columns.
    await editor.addRule();
    await expect(editor.functionPicker).toBeFocused();
    await expect(editor.entry(1)).toContainText('no function yet');
    await editor.chooseFunction('in list', 'is_in_list');

    const column = editor.argument('column');
    await column.click();
    await expect(editor.columnOptions('column').filter({ hasText: 'status' })).toContainText('string');
    await column.fill('sta');
    await column.press('ArrowDown');
    await column.press('Enter');
    await expect(column).toHaveValue('status');

    // A text value is written quoted (DQX reads bare text as a column), and the form says so.
    await editor.form.getByRole('button', { name: 'Add value' }).click();
    const first = editor.form.getByRole('textbox', { name: 'allowed value 1' });
    await expect(first).toBeFocused();
    await expect(editor.form.getByRole('combobox', { name: 'Kind of allowed value 1' })).toHaveValue('text');
    await first.fill('ACTIVE');
    await first.press('Enter');
    await editor.form.getByRole('textbox', { name: 'allowed value 2' }).fill('CLOSED');
    await expect(editor.form.getByText("Stored in the rule as 'ACTIVE'")).toBeVisible();

    await expect(editor.entry(1)).toContainText('status_is_not_in_the_list');
    await expect(editor.entry(1)).toContainText('is_in_list');
    await expect(editor.entry(1)).toContainText('SQL');
    await expect(await editor.checked()).toHaveText(/1 rule · no errors/);

    // The same rule in the YAML view.
    await editor.showTab('YAML');
    await editor.expectCode('YAML', /function: is_in_list/);
    await editor.expectCode('YAML', /column: status/);
    await editor.expectCode('YAML', /- "'ACTIVE'"\n\s+- "'CLOSED'"/);

    // An argument is_in_list does not take: the error names the rule and the field.
    const text = await editor.codeText('YAML');
    await editor.setCode(
      'YAML',
      text.replace('      column: status\n', '      column: status\n      colour: red\n'),
    );
    await expect(editor.codeErrors()).toHaveCount(1);
    await expect(editor.codeErrors().first()).toContainText('Rule 1');
    await expect(editor.codeErrors().first()).toContainText('check.arguments.colour');
    await expect(editor.codeErrors().first()).toContainText("Unexpected argument 'colour'");
    await expect(await editor.checked()).toHaveText(/1 rule · 1 error/);

    // Clicking the error opens the field in the form, which shows the same error.
    await editor.codeErrors().first().click();
    await expect(editor.tab('Form')).toHaveAttribute('aria-selected', 'true');
    const colour = editor.argument('colour');
    await expect(colour).toBeFocused();
    await expect(colour).toHaveAttribute('aria-invalid', 'true');
    await expect(editor.form.getByText("Unexpected argument 'colour'")).toBeVisible();
    await expect(editor.entry(1)).toContainText('1 error');

    // Fixed in the form: the error goes, and the YAML follows.
    await editor.form.getByRole('button', { name: 'Remove colour' }).click();
    await expect(await editor.checked()).toHaveText(/1 rule · no errors/);
    await expect(editor.entry(1)).not.toContainText(/\d+ errors?/);
    await editor.showTab('YAML');
    await editor.expectCode('YAML', /colour/, { not: true });
  });

  test('syntax errors keep the typed text, with the line; values of the wrong kind are reported at the field', async ({
    page,
  }) => {
    const editor = new RuleEditorPage(page);
    await editor.openGenerator(TABLE);
    await editor.startEmpty();
    await editor.showTab('YAML');
    const broken = '- check:\n    function: is_not_null\n   arguments: {column: email\n';
    await editor.setCode('YAML', broken);
    const alert = editor.editor.getByRole('alert').filter({ hasText: 'not applied' });
    await expect(alert).toContainText('Line 3');
    await editor.showTab('JSON');
    await editor.showTab('Form');
    await expect(editor.editor.getByText('The YAML text has an error and is not applied')).toBeVisible();
    await editor.showTab('YAML');
    expect((await editor.codeText('YAML')).trimEnd()).toBe(broken.trimEnd());

    // Fixed text applies, and a column the table does not have is an error at that field.
    await editor.setCode(
      'YAML',

      '- criticality: warn\n  check:\n    function: is_in_range\n    arguments:\n      column: balanse\n      min_limit: 0\n      max_limit: 100\n',
    );
    await expect(editor.codeErrors()).toHaveCount(1);
    await expect(editor.codeErrors().first()).toContainText('check.arguments.column');
    await expect(editor.codeErrors().first()).toContainText("Column 'balanse' does not exist");
    await editor.showTab('Form');
    await editor.entry(1).click();
    const column = editor.argument('column');
    await expect(column).toHaveAttribute('aria-invalid', 'true');
    await column.fill('balance');
    await expect(await editor.checked()).toHaveText(/1 rule · no errors/);

    // A number field refuses text, says why, and the engine reports the missing limit.
    const max = editor.form.getByRole('textbox', { name: 'max_limit' });
    await expect(editor.form.getByRole('combobox', { name: 'Kind of max_limit' })).toHaveValue('number');
    await max.fill('a hundred');
    await expect(editor.form.getByText('Enter a number, such as 10, -3 or 2.5.')).toBeVisible();
    await expect(await editor.checked()).toHaveText(/1 rule · 1 error/);
    await max.fill('250');
    await expect(await editor.checked()).toHaveText(/1 rule · no errors/);
  });

  test('duplicate, delete with undo, and import a file', async ({ page }) => {
    const editor = new RuleEditorPage(page);
    await editor.openGenerator(TABLE);
    await editor.importAtStart(
      'accounts.checks.yaml',
      [
        '- name: email_present',
        '  criticality: warn',
        '  check:',
        '    function: is_not_null',
        '    arguments:',
        '      column: email',
      ].join('\n'),
    );
    await expect(editor.entries()).toHaveCount(1);
    await expect(editor.entry(1)).toContainText('email_present');
    await expect(editor.entry(1)).toContainText('imported');

    await editor.page.getByRole('button', { name: 'Duplicate rule 1' }).click();
    await expect(editor.entries()).toHaveCount(2);
    // The list works from the keyboard: arrows move between rules, Enter opens one.
    await editor.entry(2).focus();
    await editor.entry(2).press('ArrowUp');
    await expect(editor.entry(1)).toBeFocused();
    await editor.entry(1).press('Enter');
    await expect(editor.page.getByRole('heading', { name: /^Rule 1: / })).toBeVisible();
    // identical rules: DQX's duplicate warning, shown as a warning (not an error)
    await expect(editor.entry(2)).toContainText('1 warning');
    await expect(await editor.checked()).toHaveText(/2 rules · no errors · 1 warning/);

    await editor.page.getByRole('button', { name: 'Delete rule 2' }).click();
    await expect(editor.entries()).toHaveCount(1);
    await expect(editor.page.getByText('Deleted rule 2 (email_present).')).toBeVisible();
    await editor.page.getByRole('button', { name: 'Undo' }).click();
    await expect(editor.entries()).toHaveCount(2);
    await editor.page.getByRole('button', { name: 'Delete rule 2' }).click();
    await expect(editor.entries()).toHaveCount(1);
    await expect(await editor.checked()).toHaveText(/1 rule · no errors/);

    // Importing replaces the rules (undo brings them back); a problem shows at its rule.
    await editor.importFile(
      'more.json',
      JSON.stringify([
        { criticality: 'error', check: { function: 'is_latitude', arguments: { column: 'account_id' } } },
        { check: { function: 'is_not_null', arguments: { column: 'phone' } } },
      ]),
    );
    await expect(editor.entries()).toHaveCount(2);
    await expect(editor.entry(1)).toContainText('job only');
    await expect(editor.entry(2)).toContainText('1 error');
    await editor.entry(2).click();
    await expect(editor.form.getByText("Column 'phone' does not exist")).toBeVisible();
    await editor.page.getByRole('button', { name: 'Undo' }).click();
    await expect(editor.entries()).toHaveCount(1);
    await expect(editor.entry(1)).toContainText('email_present');
  });

  test('a bare word in an allowed list is a column to DQX: the editor says so and quotes it as text on request', async ({
    page,
  }) => {
    const editor = new RuleEditorPage(page);
    await editor.openGenerator(TABLE);
    await editor.importAtStart(
      'status.json',
      JSON.stringify([
        {
          check: { function: 'is_in_list', arguments: { column: 'status', allowed: ['ACTIVE', "'CLOSED'"] } },
        },
      ]),
    );
    await expect(editor.entry(1)).toContainText('1 error');
    await editor.entry(1).click();
    await expect(editor.form.getByRole('combobox', { name: 'Kind of allowed value 1' })).toHaveValue(
      'expression',
    );
    await expect(editor.form.getByRole('combobox', { name: 'Kind of allowed value 2' })).toHaveValue('text');
    await expect(editor.form.getByText("'ACTIVE' refers to column 'ACTIVE'")).toBeVisible();

    await editor.form.getByRole('button', { name: 'Use the text "ACTIVE" instead' }).click();
    await expect(await editor.checked()).toHaveText(/1 rule · no errors/);
    await editor.showTab('JSON');
    await editor.expectCode('JSON', /"'ACTIVE'",\s+"'CLOSED'"/);
  });

  test('a table that cannot be described still gets an editor, without column checks', async ({ page }) => {
    const editor = new RuleEditorPage(page);
    await editor.openGenerator('local.rule_editor.missing_table');
    await expect(page.getByText('Columns of local.rule_editor.missing_table are not known')).toBeVisible();
    await editor.startEmpty();
    await editor.addRule();
    await editor.functionPicker.press('ArrowDown');
    await editor.functionPicker.fill('not null');
    await editor.functionPicker.press('Enter');
    await expect(editor.functionPicker).toHaveValue('is_not_null');
    await editor.argument('column').fill('anything');
    await expect(await editor.checked()).toHaveText(/1 rule · no errors/);
  });

  test('list and form stack in a narrow window', async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    const editor = new RuleEditorPage(page);
    await editor.openGenerator(TABLE);
    await editor.importAtStart(
      'one.yaml',
      '- check:\n    function: is_not_null\n    arguments: {column: email}\n',
    );
    await expect(editor.entries()).toHaveCount(1);
    const list = await editor.list.boundingBox();
    const form = await editor.form.boundingBox();
    expect(list && form && form.y >= list.y + list.height).toBe(true);
    expect(form && form.x + form.width <= 390).toBe(true);
  });
});
