import { expect, type Locator, type Page } from '@playwright/test';

/** The History page: tables with rule sets, one table's versions, a version, a diff, the pass-rate chart. */
export class HistoryPage {
  readonly versions: Locator;
  readonly diff: Locator;
  readonly chart: Locator;
  readonly runs: Locator;

  constructor(readonly page: Page) {
    this.versions = page.getByRole('table', { name: /^Versions of / });
    this.diff = page.getByTestId('version-diff');
    this.chart = page.getByRole('figure');
    this.runs = page.getByRole('table', { name: /^Latest validation runs of / });
  }

  async goto(table?: string) {
    await this.page.goto(table ? `/history?table=${encodeURIComponent(table)}` : '/history');
    await expect(this.page.getByRole('heading', { name: 'History', level: 1 })).toBeVisible();
  }

  versionRow(version: number): Locator {
    return this.versions.getByRole('row').filter({ has: this.page.getByRole('cell', { name: String(version), exact: true }) });
  }

  async compare(from: number, to: number) {
    const form = this.page.getByRole('form', { name: 'Compare two versions' });
    await form.getByRole('combobox', { name: 'Compare version' }).selectOption(String(from));
    await form.getByRole('combobox', { name: 'with version' }).selectOption(String(to));
    await form.getByRole('button', { name: 'Compare' }).click();
    await expect(this.diff).toBeVisible();
  }

  /** Opens the rollback dialog of a version (from its row) and confirms it. */
  async rollBackTo(version: number) {
    await this.versionRow(version).getByRole('button', { name: new RegExp(`^(Roll back to|Activate) version ${version}$`) }).click();
    const dialog = this.page.getByRole('dialog', { name: `Make version ${version} the active version?` });
    await expect(dialog).toBeVisible();
    await dialog.getByRole('button', { name: new RegExp(`^(Roll back to|Activate) version ${version}$`) }).click();
    await expect(dialog).toBeHidden();
  }
}
