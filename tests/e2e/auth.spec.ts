import { expect, test } from '@playwright/test';

import { databricksBaseUrl } from './support/servers';

test.describe('databricks mode without a user token', () => {
  test('refuses an API route with 401 and a JSON error', async ({ request }) => {
    const res = await request.get(`${databricksBaseUrl}/api/v1/catalogs`);
    expect(res.status()).toBe(401);
    expect(await res.json()).toMatchObject({
      error: { code: 'unauthorized', message: expect.stringContaining('Sign-in required') },
    });

    const sample = await request.get(`${databricksBaseUrl}/api/v1/tables/samples.web.reviews/sample`);
    expect(sample.status()).toBe(401);
  });

  test('refuses a page with 401', async ({ page }) => {
    const res = await page.goto(`${databricksBaseUrl}/catalog`);
    expect(res?.status()).toBe(401);
    await expect(page.getByText('Sign-in required')).toBeVisible();
  });

  test('keeps the health endpoint open', async ({ request }) => {
    const res = await request.get(`${databricksBaseUrl}/api/health`);
    expect(res.status()).toBe(200);
  });
});
