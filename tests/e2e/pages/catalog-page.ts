import { expect, type Locator, type Page } from '@playwright/test';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The table picker and table view, as the Catalog, Generator and Validator pages show them. */
export class CatalogPage {
  readonly picker: Locator;
  readonly options: Locator;
  readonly sample: Locator;
  readonly columns: Locator;

  constructor(readonly page: Page) {
    this.picker = page.getByRole('combobox', { name: 'Table' });
    this.options = page.getByRole('listbox', { name: 'Matching tables' }).getByRole('option');
    this.sample = page.getByRole('table', { name: /Sample rows/ });
    this.columns = page.getByRole('table', { name: 'Columns' });
  }

  async goto(path = '/catalog') {
    await this.page.goto(path);
    await expect(this.picker).toBeVisible();
  }

  /** Types into the picker (the search runs on the server as you type). */
  async search(text: string) {
    await this.picker.click();
    await this.picker.fill(text);
  }

  option(fullName: string): Locator {
    return this.page.getByRole('option', { name: new RegExp(`^${escapeRegExp(fullName)}`) });
  }

  async pick(fullName: string, options: { timeout?: number } = {}) {
    await this.option(fullName).click();
    await expect(this.page).toHaveURL(new RegExp(`[?&]table=${escapeRegExp(fullName)}`), options);
  }

  /** A cell of the sample preview whose whole text is `text`. */
  sampleCell(text: string): Locator {
    return this.sample.getByRole('cell', { name: text, exact: true });
  }

  nullMarkers(): Locator {
    return this.sample.locator('[data-null]');
  }
}
