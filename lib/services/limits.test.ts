/**
 * The per-user limits as a caller meets them: runs per user counted in the store (also when
 * requests race), language-model calls per minute, rules per rule set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { storeTargets, type TestStore } from '@/db/testing/test-stores';
import { AppError } from '@/lib/errors';
import { InMemoryCatalog, testCaller } from '@/tests/support/in-memory-warehouse';

import { tableAccessVia } from './access';
import { assertPlainRules, assertRuleCount, consumeModelCall, expandedRuleCount } from './limits';
import { completeRun, createRun } from './runs';
import type { StoreDeps } from './store-deps';

const TABLE = 'main.sales.orders';
const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  return error instanceof AppError
    ? { status: error.status, retryAfter: error.retryAfterSeconds, message: error.message }
    : error;
};

describe.each(storeTargets(process.env.TEST_DATABASE_URL))('runs per user on $name', (target) => {
  let store: TestStore;
  let deps: StoreDeps;
  beforeAll(async () => {
    store = await target.open();
    const catalog = new InMemoryCatalog(
      [{ name: TABLE, columns: [{ name: 'id', type: 'bigint' }] }],
      () => true,
    );
    deps = { db: store.db, access: tableAccessVia((c) => catalog.warehouseFor(c)) };
  });
  afterAll(() => store?.close());

  it('refuses a run past the limit with 429 and Retry-After, counting only unfinished runs of that user, even when requests race', async () => {
    const ann = testCaller('ann@example.com');
    const start = (who = ann) =>
      createRun(who, { kind: 'validation', table: TABLE, engine: 'local' }, { ...deps, runsPerUser: 2 });
    const results = await Promise.allSettled([start(), start(), start(), start(), start()]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    const refused = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!
      .reason as AppError;
    expect(refused.status).toBe(429);
    expect(refused.retryAfterSeconds).toBeGreaterThan(0);
    expect(refused.message).toMatch(/2 runs queued or running.*DQX_RUNS_PER_USER/);

    // someone else is not affected
    expect((await start(testCaller('bob@example.com'))).status).toBe('queued');
    // a finished run frees a place
    const done = results.find(
      (r): r is PromiseFulfilledResult<Awaited<ReturnType<typeof start>>> => r.status === 'fulfilled',
    )!.value;
    await completeRun(done.id, { status: 'cancelled' }, deps);
    expect((await start()).status).toBe('queued');
    expect(await refusal(start())).toMatchObject({ status: 429 });
  });
});

describe('language-model calls per minute', () => {
  it('refuses the call past the limit with 429 and the seconds to wait, per user', async () => {
    const eve = testCaller(`eve-${Date.now()}@example.com`);
    for (let i = 0; i < 3; i++) await consumeModelCall(eve, 3);
    const refused = await refusal(consumeModelCall(eve, 3));
    expect(refused).toMatchObject({
      status: 429,
      message: expect.stringMatching(/3 times in the last minute.*DQX_LLM_CALLS_PER_MINUTE/),
    });
    expect((refused as { retryAfter: number }).retryAfter).toBeGreaterThan(0);
    expect((refused as { retryAfter: number }).retryAfter).toBeLessThanOrEqual(60);
    await expect(consumeModelCall(testCaller(`frank-${Date.now()}@example.com`), 3)).resolves.toBeUndefined();
  });
});

describe('rules per rule set', () => {
  const rule = (extra: object = {}) => ({
    criticality: 'error',
    check: { function: 'is_not_null', arguments: { column: 'a' }, ...extra },
  });
  it('counts for_each_column expansion', () => {
    expect(expandedRuleCount([rule(), rule({ for_each_column: ['a', 'b', 'c'] }), null, 'junk'])).toBe(6);
    expect(() =>
      assertRuleCount([rule({ for_each_column: Array.from({ length: 11 }, (_, i) => `c${i}`) })], 10),
    ).toThrow(/11 rules.*at most 10.*DQX_MAX_RULES/);
    expect(() =>
      assertRuleCount(
        Array.from({ length: 10 }, () => rule()),
        10,
      ),
    ).not.toThrow();
  });
  it('refuses imported rules that cannot be stored, naming the rule', () => {
    expect(() => assertPlainRules([rule(), { check: { function: 'x\u0000' } }])).toThrow(
      /Rule 2 cannot be stored: must not contain a NUL/,
    );
  });
});
