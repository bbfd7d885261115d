import fs from 'node:fs';

import { expect, type Locator, type Page } from '@playwright/test';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The rule editor as the Generator page shows it (and the Validator will, for drafts). */
export class RuleEditorPage {
  readonly editor: Locator;
  readonly status: Locator;
  readonly list: Locator;
  readonly form: Locator;

  constructor(readonly page: Page) {
    this.editor = page.getByTestId('rule-editor');
    this.status = page.getByTestId('rule-editor-status');
    this.list = page.getByRole('list', { name: 'Rules', exact: true });
    this.form = page.getByRole('form', { name: /^Rule \d+$/ });
  }

  async openGenerator(table: string) {
    await this.page.goto(`/generator?table=${encodeURIComponent(table)}`);
    await expect(this.page.getByRole('heading', { name: '2. Generate, review and save rules' })).toBeVisible();
  }

  async startEmpty() {
    await this.page.getByRole('button', { name: 'Start from an empty rule set' }).click();
    await expect(this.editor).toBeVisible();
  }

  /** The start card's file input (before the editor is open). */
  async importAtStart(name: string, text: string) {
    await this.page.getByLabel('Import a DQX YAML/JSON file').setInputFiles({
      name,
      mimeType: name.endsWith('.json') ? 'application/json' : 'application/yaml',
      buffer: Buffer.from(text, 'utf8'),
    });
  }

  /** The editor's own "Import file" (replaces the rules, with undo). */
  async importFile(name: string, text: string) {
    await this.editor.getByLabel('Import a DQX YAML or JSON file').setInputFiles({
      name,
      mimeType: name.endsWith('.json') ? 'application/json' : 'application/yaml',
      buffer: Buffer.from(text, 'utf8'),
    });
  }

  tab(name: 'Form' | 'YAML' | 'JSON'): Locator {
    return this.editor.getByRole('tab', { name: new RegExp(`^${name}`) });
  }

  /** Waits for the live check of the current rules, then returns the status line. */
  async checked(): Promise<Locator> {
    await expect(this.status).toHaveAttribute('data-pending', 'false');
    return this.status;
  }

  async showTab(name: 'Form' | 'YAML' | 'JSON') {
    await this.tab(name).click();
    await expect(this.tab(name)).toHaveAttribute('aria-selected', 'true');
  }

  /** The list entry (a button) of rule `n` (1-based). */
  entry(n: number): Locator {
    return this.list.getByRole('button', { name: new RegExp(`^Rule ${n}: `) });
  }

  entries(): Locator {
    return this.list.locator('[data-rule-entry]');
  }

  async addRule() {
    await this.editor.getByRole('button', { name: 'Add rule', exact: true }).click();
  }

  get functionPicker(): Locator {
    return this.form.getByRole('combobox', { name: /^Check function/ });
  }

  /** Search the check-function picker and pick `name`. */
  async chooseFunction(search: string, name: string) {
    await this.functionPicker.click();
    await this.functionPicker.fill(search);
    await this.page
      .getByRole('listbox', { name: 'Check functions' })
      .getByRole('option', { name: new RegExp(`^${escapeRegExp(name)}\\b`) })
      .click();
    await expect(this.functionPicker).toHaveValue(name);
  }

  /** The control of an argument (label = the argument's DQX name, maybe "(required)" or why it is wrong). */
  argument(name: string): Locator {
    return this.form.getByLabel(new RegExp(`^${escapeRegExp(name)}( \\([^)]*\\))?$`));
  }

  columnOptions(argument: string): Locator {
    return this.page.getByRole('listbox', { name: `Columns for ${argument}` }).getByRole('option');
  }

  /** The code editor (CodeMirror's editable content, a multi-line textbox) of a text view. */
  code(format: 'YAML' | 'JSON'): Locator {
    return this.editor.getByRole('textbox', { name: `Rules as DQX ${format}` });
  }

  /** The rules as the editor's download writes them (the whole text, however long). */
  async downloadRules(format: 'YAML' | 'JSON'): Promise<string> {
    const download = this.page.waitForEvent('download');
    await this.editor.getByRole('button', { name: format, exact: true }).click();
    const file = await (await download).path();
    return fs.readFileSync(file, 'utf8');
  }

  /** The text in a code view as shown (the lines on screen: for short rule sets). */
  async codeText(format: 'YAML' | 'JSON'): Promise<string> {
    await expect(this.code(format)).toBeVisible();
    return (await this.code(format).innerText()).replace(/\u00a0/g, ' ');
  }

  /** Waits until the code view's text matches. */
  async expectCode(format: 'YAML' | 'JSON', expected: RegExp | string, options: { not?: boolean } = {}) {
    const matcher = expect(this.code(format));
    await (options.not ? matcher.not : matcher).toHaveText(expected, { useInnerText: true });
  }

  /**
   * Replaces the text of a code view, as a paste would. Checked and done again if the editor did not
   * take it whole: a fill can land before CodeMirror has applied its select-all, and the text then
   * goes in front of what was there (seen in CI: the YAML typed, followed by the empty set's `[]`).
   */
  async setCode(format: 'YAML' | 'JSON', text: string) {
    const shown = (s: string) => s.replace(/\u00a0/g, ' ').replace(/\s+$/, '');
    await expect(async () => {
      await this.code(format).fill(text);
      expect(shown(await this.code(format).innerText())).toBe(shown(text));
    }).toPass({ timeout: 15_000 });
  }

  /** The code view's findings, each with its line ("Line 7 · Rule 1 · …"). */
  codeIssues(): Locator {
    return this.editor.getByTestId('code-issue');
  }

  /** The lines of the code editor that carry an error or warning mark, as 1-based line numbers. */
  async markedLines(format: 'YAML' | 'JSON'): Promise<number[]> {
    return this.code(format).evaluate((content) =>
      [...content.querySelectorAll('.cm-line')]
        .map((line, i) => (line.querySelector('.cm-lintRange-error, .cm-lintRange-warning') ? i + 1 : 0))
        .filter((n) => n > 0),
    );
  }

  /** The code view's list of engine errors (each a button that opens the field in the form). */
  codeErrors(): Locator {
    return this.codeErrorItems().locator(':scope > button');
  }

  /** The code view's engine errors (list items, with line, suggestion and fix buttons). */
  codeErrorItems(): Locator {
    return this.editor.getByRole('region', { name: 'Errors in the rules' }).getByTestId('code-issue');
  }

  ruleButton(label: string): Locator {
    return this.list.getByRole('button', { name: label });
  }
}
