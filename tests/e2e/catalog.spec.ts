import { expect, test } from '@playwright/test';

import { CatalogPage } from './pages/catalog-page';

test.describe('catalog browsing (local mode)', () => {
  test('finds a sample table by part of its name and shows its preview, script-like values as text', async ({
    page,
  }) => {
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });

    const catalog = new CatalogPage(page);
    await catalog.goto('/catalog');
    await expect(page.getByTestId('caller-name')).toHaveText('e2e-user');
    await expect(page.getByTestId('mode-badge')).toHaveText('local');

    await catalog.search('revi');
    await expect(catalog.option('samples.web.reviews')).toBeVisible();
    await catalog.pick('samples.web.reviews');

    await expect(page.getByRole('heading', { name: 'samples.web.reviews' })).toBeVisible();
    await expect(page.getByTestId('table-stats')).toHaveText('2,000 rows · 9 columns');
    await expect(catalog.columns.getByRole('row', { name: /body string/ })).toBeVisible();

    const script = catalog.sampleCell('<script>alert(1)</script>');
    await expect(script).toBeVisible();
    expect(await script.innerHTML()).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(dialogs).toEqual([]);

    // A link reproduces the view.
    await page.reload();
    await expect(catalog.picker).toHaveValue('samples.web.reviews');
    await expect(catalog.sampleCell('<script>alert(1)</script>')).toBeVisible();
  });

  test('browses catalog, schema and table with the keyboard, and opens a table in Generate, Validate and History', async ({ page }) => {
    await page.goto('/catalog');
    const open = async (list: string, name: RegExp) => {
      const link = page.getByRole('list', { name: list }).getByRole('link', { name });
      await link.focus();
      await page.keyboard.press('Enter');
    };
    await open('Catalogs', /^samples\b/);
    await expect(page).toHaveURL(/\/catalog\?catalog=samples$/);
    await open('Schemas of samples', /^sales\b/);
    await expect(page).toHaveURL(/\/catalog\?catalog=samples&schema=sales$/);
    await open('Tables of samples.sales', /^customers\b/);
    await expect(page).toHaveURL(/\/catalog\?table=samples\.sales\.customers$/);
    await expect(page.getByRole('heading', { name: 'samples.sales.customers' })).toBeVisible();

    const crumbs = page.getByRole('navigation', { name: 'Catalog breadcrumb' });
    await expect(crumbs.getByRole('listitem')).toHaveText(['All catalogs', 'samples', 'sales', 'customers']);
    const actions = page.getByRole('navigation', { name: 'Work with samples.sales.customers' });
    await expect(actions.getByRole('link', { name: 'Generate rules' })).toHaveAttribute('href', '/generator?table=samples.sales.customers');
    await expect(actions.getByRole('link', { name: 'Validate' })).toHaveAttribute('href', '/validator?table=samples.sales.customers');
    await actions.getByRole('link', { name: 'History' }).click();
    await expect(page).toHaveURL(/\/history\?table=samples\.sales\.customers$/);

    // up a level from the breadcrumb, and an unknown level explained in place
    await page.goBack();
    await crumbs.getByRole('link', { name: 'sales', exact: true }).click();
    await expect(page.getByRole('list', { name: 'Tables of samples.sales' }).getByRole('link', { name: /^orders\b/ })).toBeVisible();
    await page.goto('/catalog?catalog=nope');
    await expect(page.getByRole('alert').filter({ hasText: 'Not found' })).toContainText('nope');
    await expect(crumbs.getByRole('link', { name: 'All catalogs' })).toBeVisible();
  });

  test('works with the keyboard and marks nulls', async ({ page }) => {
    const catalog = new CatalogPage(page);
    await catalog.goto('/generator');
    await catalog.search('sales cust');
    await expect(catalog.options).toHaveCount(1);
    await expect(catalog.picker).toHaveAttribute('aria-activedescendant', /.+/);
    await catalog.picker.press('Enter');
    await expect(page).toHaveURL(/\/generator\?table=samples\.sales\.customers/);
    await expect(catalog.sample).toBeVisible();
    await expect(catalog.nullMarkers().first()).toBeVisible();
    await expect(catalog.nullMarkers().first()).toHaveAttribute('title', /NULL/);
  });

  test('explains an unknown or invalid table instead of failing', async ({ page }) => {
    await page.goto('/catalog?table=samples.sales.nope');
    await expect(page.getByRole('alert').filter({ hasText: 'Table not found' })).toContainText(
      "Table 'samples.sales.nope' was not found",
    );
    await page.goto('/catalog?table=just-one-part');
    await expect(page.getByRole('alert').filter({ hasText: 'Not a table name' })).toContainText(
      'expected catalog.schema.table',
    );
  });
});
