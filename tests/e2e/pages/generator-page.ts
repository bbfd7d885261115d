import { expect, type Locator, type Page } from '@playwright/test';

import { RuleEditorPage } from './rule-editor';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const entryName = (rule: string) => new RegExp(`^Rule \\d+: ${escapeRegExp(rule)}(,|$)`);

/** The Generator page: the generation form, the run, the rules (see RuleEditorPage) and their actions. */
export class GeneratorPage {
  readonly editor: RuleEditorPage;
  readonly request: Locator;
  readonly rowsToProfile: Locator;
  readonly generator: Locator;
  readonly run: Locator;
  readonly summary: Locator;
  readonly dryRunRows: Locator;

  constructor(readonly page: Page) {
    this.editor = new RuleEditorPage(page);
    this.request = page.getByRole('textbox', { name: 'What should the rules ensure?' });
    this.rowsToProfile = page.getByRole('combobox', { name: 'Rows to profile' });
    this.generator = page.getByRole('combobox', { name: 'Generator' });
    this.run = page.getByRole('region', { name: 'Generation run' });
    this.summary = page.getByTestId('generation-summary');
    this.dryRunRows = page.getByRole('combobox', { name: 'Dry run on' });
  }

  async goto(table: string) {
    await this.page.goto(`/generator?table=${encodeURIComponent(table)}`);
    await expect(this.request).toBeVisible();
  }

  /**
   * Fills the form and starts a generation; resolves once the run's id is in the URL. Rows: the
   * generator's default (`auto` for recommended, `dqx` for DQX defaults) unless given.
   */
  async generate(request: string, rows?: 'auto' | 'dqx' | 'all' | '10000', generator: 'recommended' | 'dqx' = 'recommended') {
    await this.request.fill(request);
    await this.generator.selectOption(generator);
    if (rows) await this.rowsToProfile.selectOption(rows);
    await this.page.getByRole('button', { name: 'Generate rules' }).click();
    await expect(this.page).toHaveURL(/[?&]run=[0-9a-f-]{36}/);
  }

  runId(): string {
    const id = new URL(this.page.url()).searchParams.get('run');
    if (!id) throw new Error('no run in the URL');
    return id;
  }

  async waitForRules() {
    await expect(this.summary).toBeVisible({ timeout: 60_000 });
    await expect(this.editor.editor).toBeVisible();
  }

  /** The rule list entry of the rule named `name` (its name is the start of the entry's label). */
  rule(name: string): Locator {
    return this.editor.list.getByRole('button', { name: entryName(name) });
  }

  /** The list item (entry with its badges) of a rule. */
  ruleItem(name: string): Locator {
    return this.editor.list.getByRole('listitem').filter({ has: this.page.getByRole('button', { name: entryName(name) }) });
  }

  async dryRun(rows: number) {
    await this.dryRunRows.selectOption(String(rows));
    await this.page.getByRole('button', { name: 'Dry run', exact: true }).click();
  }

  async analyze() {
    await this.page.getByRole('button', { name: 'Analyze with AI' }).click();
  }

  async save() {
    await this.page.getByRole('button', { name: 'Save as new version' }).click();
  }

  /** The "likely too strict" entry of a rule in the generation summary. */
  tooStrict(rule: string): Locator {
    return this.summary.getByTestId('too-strict-rule').filter({ hasText: rule });
  }

  savedAlert(version: number): Locator {
    return this.page.getByRole('status').filter({ hasText: `Saved as version ${version}` });
  }
}
