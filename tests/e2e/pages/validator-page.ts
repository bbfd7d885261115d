import { expect, type Locator, type Page } from '@playwright/test';

/** The Validator page: version choice, run, results per rule, failing rows, previous runs. */
export class ValidatorPage {
  readonly version: Locator;
  readonly results: Locator;
  readonly rules: Locator;
  readonly run: Locator;
  readonly previousRuns: Locator;

  constructor(readonly page: Page) {
    this.version = page.getByRole('combobox', { name: 'Saved version' });
    this.results = page.getByTestId('validation-results');
    this.rules = page.getByRole('table', { name: 'Results per rule' });
    this.run = page.getByRole('region', { name: /^(Validation|Dry run) run$/ });
    this.previousRuns = page.getByRole('table', { name: /^Validation runs of / });
  }

  async goto(table: string, params: Record<string, string> = {}) {
    await this.page.goto(`/validator?${new URLSearchParams({ table, ...params }).toString()}`);
    await expect(this.page.getByRole('heading', { name: '2. Choose the rules' })).toBeVisible();
  }

  async validate(version: number) {
    await this.page.getByRole('button', { name: `Validate version ${version}` }).click();
    await expect(this.page).toHaveURL(/[?&]run=[0-9a-f-]{36}/);
  }

  async waitForResults() {
    await expect(this.results).toBeVisible({ timeout: 60_000 });
  }

  /** A summary figure ("Total rows", "Rows with errors", "Pass rate", ...). */
  stat(label: string): Locator {
    return this.results.getByRole('term').filter({ hasText: new RegExp(`^${label}$`) }).locator('xpath=following-sibling::dd[1]');
  }

  /** The row of a rule in the per-rule results. */
  ruleRow(name: string): Locator {
    return this.rules.getByRole('row').filter({ has: this.page.getByText(name, { exact: true }) });
  }

  /** A cell of a rule's row: 'status' | 'evaluated' | 'failing' | 'rate'. */
  ruleCell(name: string, column: 'status' | 'evaluated' | 'failing' | 'rate'): Locator {
    const index = { status: 3, evaluated: 4, failing: 5, rate: 6 }[column];
    return this.ruleRow(name).getByRole('cell').nth(index);
  }

  async openFailingRows(rule: string) {
    await this.page.getByRole('button', { name: `Show failing rows of ${rule}` }).click();
  }

  async showEveryFailingRow() {
    await this.page.getByRole('button', { name: /^Show every failing row/ }).click();
  }

  everyFailingRow(rule: string): Locator {
    return this.page.getByRole('region', { name: `Every failing row of ${rule}` });
  }
}
