import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openRunFixture, waitForRun, type RunFixture } from '@/tests/support/run-fixture';
import { testCaller } from '@/tests/support/in-memory-warehouse';

import { startGeneration, type GenerationOutput } from './generation';

const alice = testCaller('alice@example.com');

describe('generation without a language model', () => {
  let fx: RunFixture;
  beforeAll(async () => {
    fx = await openRunFixture();
  });
  afterAll(async () => {
    await fx?.close();
  });

  it('profiles the chosen sample and derives rules with evidence', async () => {
    const run = await startGeneration(alice, { table: 'samples.sales.products', request: 'prices never negative', sampleRows: 250 }, fx.deps);
    expect(run.status).toBe('queued');
    const done = await waitForRun(alice, run.id, fx.deps);
    expect(done.error).toBeNull();
    expect(done.status).toBe('succeeded');
    const out = done.output as GenerationOutput;
    expect(out.rows_profiled).toBe(250);
    expect(out.rules.length).toBeGreaterThan(0);
    console.log(JSON.stringify(out.rules.slice(0, 2), null, 1), out.model, out.sampling);
  });
});
