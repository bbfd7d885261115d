import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEFECTS } from '@/lib/warehouse/sample-catalog/defects';
import { openRunFixture, waitForRun, type RunFixture } from '@/tests/support/run-fixture';
import { testCaller } from '@/tests/support/in-memory-warehouse';

import { getFailingRows, startValidation, type ValidationOutput } from './validation';

const alice = testCaller('alice@example.com');

describe('validation', () => {
  let fx: RunFixture;
  beforeAll(async () => {
    fx = await openRunFixture();
  });
  afterAll(async () => {
    await fx?.close();
  });

  it('counts the planted defects', async () => {
    const defects = DEFECTS.filter((d) => d.table === 'sales.orders');
    const rules = defects.filter((d) => d.check.function !== 'is_in_list').map((d) => ({ name: d.id, criticality: 'error', check: d.check }));
    const run = await startValidation(alice, { table: 'samples.sales.orders', rules, sampleLimit: 3 }, fx.deps);
    const done = await waitForRun(alice, run.id, fx.deps);
    expect(done.error).toBeNull();
    const out = done.output as ValidationOutput;
    console.log(done.summary, out.rules.map((r) => [r.name, r.status, r.failing_rows, r.message]));
    const page = await getFailingRows(alice, run.id, { rule: 'orders_amount_null', page: 1, pageSize: 5 }, fx.deps);
    console.log(JSON.stringify(page).slice(0, 1500));
  });
});
