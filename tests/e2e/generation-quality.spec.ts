import { expect, test } from '@playwright/test';

import { SAMPLE_TABLES } from '../../lib/warehouse/sample-catalog/tables';

import { GeneratorPage } from './pages/generator-page';
import { ValidatorPage } from './pages/validator-page';
import { e2eBigRows } from './support/servers';

/**
 * Impact before saving, in the browser: DQX's own generator learns reading_id's range from a sliver
 * of rows; before anything is saved the page says the rule would fail almost every row of
 * samples.iot.sensor_readings, shows the evidence and a correction, and one click puts the
 * correction in the editor. The saved rules then pass as many rows as the page said they would. The
 * recommended generator (the default) flags nothing on the same table. (A table no other spec saves
 * rules for: the specs share one rule store.)
 */
const TABLE = 'samples.iot.sensor_readings';
const ROWS = SAMPLE_TABLES.find((t) => `samples.${t.schema}.${t.name}` === TABLE)!.rows(e2eBigRows);
const fmt = (n: number) => n.toLocaleString('en-US');

test('a too-strict rule is flagged with its evidence, and its correction is accepted in one click', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const generator = new GeneratorPage(page);
  const { editor } = generator;
  await generator.goto(TABLE);
  await generator.generate('', undefined, 'dqx');
  await generator.waitForRules();

  // The summary: expected pass rate, far from 100%, and what it would be with the corrections.
  await expect(generator.summary.getByTestId('expected-pass-rate')).toContainText(
    `of ${fmt(ROWS)}) pass every rule`,
  );
  const withCorrections = generator.summary.getByTestId('pass-rate-with-corrections');
  await expect(withCorrections).toContainText('with the suggested corrections accepted');
  const corrected = /^([\d.]+)%/.exec((await withCorrections.textContent()) ?? '')![1]!;

  // The flag (only this rule is too strict), its evidence and the correction.
  await expect(generator.summary.getByTestId('too-strict-rule')).toHaveCount(1);
  const flagged = generator.tooStrict('reading_id_isnt_in_range');
  await expect(flagged).toContainText(
    new RegExp(`Fails [\\d,]+ of ${fmt(ROWS)} rows \\((9\\d|100)(\\.\\d+)?%\\) of the whole table`),
  );
  await expect(flagged).toContainText('The whole column has');
  await expect(flagged).toContainText('is_unique');
  await expect(generator.ruleItem('reading_id_isnt_in_range').getByTestId('rule-flag')).toHaveText(
    'likely too strict',
  );

  // One click: the range is gone, the key check is in, nothing else changed.
  const before = await editor.entries().count();
  await flagged.getByRole('button', { name: 'Accept the correction for reading_id_isnt_in_range' }).click();
  await expect(flagged).toContainText('Correction applied in the editor');
  await expect(generator.rule('reading_id_isnt_in_range')).toHaveCount(0);
  await expect(generator.ruleItem('reading_id_is_not_unique')).toContainText(
    'Corrected after it was flagged',
  );
  await expect(editor.entries()).toHaveCount(before);

  // Saved and validated on the whole table: the pass rate the page announced.
  await generator.save();
  await expect(generator.savedAlert(1)).toBeVisible();
  const validator = new ValidatorPage(page);
  await validator.goto(TABLE);
  await validator.validate(1);
  await validator.waitForResults();
  await expect(validator.stat('Pass rate')).toHaveText(`${corrected}%`);
  await expect(validator.ruleCell('reading_id_is_not_unique', 'failing')).toHaveText('0');
});

test('the recommended generator flags nothing on the same table', async ({ page }) => {
  test.setTimeout(180_000);
  const generator = new GeneratorPage(page);
  await generator.goto(TABLE);
  await generator.generate('');
  await generator.waitForRules();
  await expect(generator.summary).toContainText('Recommended: the whole table');
  await expect(generator.summary.getByTestId('rows-profiled')).toContainText(
    `${fmt(ROWS)} of ${fmt(ROWS)} rows`,
  );
  await expect(generator.summary.getByTestId('expected-pass-rate')).toContainText(/^99\.\d+% of the rows/);
  await expect(generator.summary.getByTestId('too-strict-rules')).toHaveCount(0);
  await expect(generator.editor.list.getByTestId('rule-flag')).toHaveCount(0);
});
