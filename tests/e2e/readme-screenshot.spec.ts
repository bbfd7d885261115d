import { test } from '@playwright/test';

import { CatalogPage } from './pages/catalog-page';

/**
 * Refreshes the README screenshot (docs/images/catalog.png). Skipped in normal runs:
 * UPDATE_SCREENSHOTS=1 npx playwright test readme-screenshot
 */
test('README screenshot: a table picked and previewed', async ({ page }) => {
  test.skip(!process.env.UPDATE_SCREENSHOTS, 'set UPDATE_SCREENSHOTS=1 to refresh docs/images');
  await page.setViewportSize({ width: 1280, height: 860 });
  const catalog = new CatalogPage(page);
  await catalog.goto('/generator');
  await catalog.search('revi');
  await catalog.pick('samples.web.reviews');
  await catalog.sample.waitFor();
  await catalog.picker.blur();
  await page.screenshot({ path: 'docs/images/catalog.png' });
});
