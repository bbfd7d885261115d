import { expect, type Locator, type Page } from '@playwright/test';

/** The Monitoring page: the monitored tables, worst first. */
export class MonitoringPage {
  readonly table: Locator;

  constructor(readonly page: Page) {
    this.table = page.getByRole('table', { name: 'Monitored tables' });
  }

  async goto() {
    await this.page.goto('/monitoring');
    await expect(this.page.getByRole('heading', { name: 'Monitoring', level: 1 })).toBeVisible();
  }

  /** The data rows, in the page's order. */
  rows(): Locator {
    return this.table.locator('tbody tr');
  }

  row(table: string): Locator {
    return this.table.locator(`tbody tr[data-table="${table}"]`);
  }
}
