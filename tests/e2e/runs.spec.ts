import { expect, test } from '@playwright/test';

import { SLOW_PHRASE } from '../support/fake-llm/scripted-model';

import { GeneratorPage } from './pages/generator-page';

/**
 * Runs go on without the page: a generation keeps running through a reload (its id is in the
 * URL) and can be cancelled. The stand-in model answers slowly when the request asks it to take its
 * time, so the run is still busy while the test looks at it.
 */
const TABLE = 'samples.hr.employees';

test('a generation shows its progress and survives a page reload', async ({ page }) => {
  const generator = new GeneratorPage(page);
  await generator.goto(TABLE);
  await generator.generate(`Flag hire dates in the future; ${SLOW_PHRASE}.`);
  const runUrl = page.url();

  await expect(generator.run).toHaveAttribute('data-run-status', /queued|running/);
  await expect(generator.run.getByRole('progressbar', { name: 'Generation progress' })).toBeVisible();
  await expect(generator.run.getByRole('listitem').filter({ hasText: 'Ask the language model for rules' })).toHaveAttribute(
    'data-step-status',
    'running',
  );
  await expect(generator.run.getByLabel('Elapsed time')).toHaveText(/running for \d+ s/);
  // The form cannot start a second generation meanwhile.
  await expect(page.getByRole('button', { name: 'Generate rules' })).toBeDisabled();

  await page.reload();
  expect(page.url()).toBe(runUrl);
  await expect(generator.run).toBeVisible();
  await expect(generator.run.getByRole('listitem').filter({ hasText: 'Profile the data' })).toHaveAttribute('data-step-status', 'done');

  // The run finishes while nobody clicked anything, and its rules open in the editor.
  await generator.waitForRules();
  await expect(generator.run).toHaveAttribute('data-run-status', 'succeeded');
  await expect(generator.request).toHaveCount(0); // the editor replaced the start options
  // (the recommended rules already check that hire dates are not in the future, so the model adds none)
  await expect(generator.ruleItem('hire_date_in_future')).toContainText('profile');
});

test('a generation can be cancelled, and started again', async ({ page }) => {
  const generator = new GeneratorPage(page);
  await generator.goto(TABLE);
  await generator.generate(`Salaries must be positive; ${SLOW_PHRASE}.`);
  await expect(generator.run.getByRole('listitem').filter({ hasText: 'Ask the language model for rules' })).toHaveAttribute(
    'data-step-status',
    'running',
  );
  await generator.run.getByRole('button', { name: 'Cancel run' }).click();
  await expect(generator.run).toHaveAttribute('data-run-status', 'cancelled');
  await expect(generator.run.getByRole('alert')).toContainText('Generation was cancelled');
  await expect(generator.run.getByRole('alert')).toContainText('Cancelled by e2e-user');
  await expect(generator.run.getByRole('button', { name: 'Cancel run' })).toHaveCount(0);

  // A reload shows the same outcome; "Start again" brings the form back.
  await page.reload();
  await expect(generator.run).toHaveAttribute('data-run-status', 'cancelled');
  await generator.run.getByRole('button', { name: 'Start again' }).click();
  await expect(page).not.toHaveURL(/[?&]run=/);
  await expect(generator.request).toBeVisible();
});
