import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { storeTargets, type TestStore } from '@/db/testing/test-stores';
import { appError } from '@/tests/support/app-error';
import { InMemoryCatalog, testCaller } from '@/tests/support/in-memory-warehouse';

import { tableAccessVia } from './access';
import { saveRuleSet } from './rule-sets';
import {
  completeRun,
  createRun,
  getRun,
  isRunCancelRequested,
  listRuns,
  markRunStarted,
  reportRunProgress,
  requestRunCancel,
  rulePassRateHistory,
  tablePassRateHistory,
} from './runs';
import type { StoreDeps } from './store-deps';

const alice = testCaller('alice@example.com');
const bob = testCaller('bob@example.com');
const TABLE = 'main.sales.orders';

const rule = (name: string, failing: number, evaluated = 100) => ({
  rule_name: name,
  rule_fingerprint: `fp-${name}`,
  function: 'is_not_null',
  criticality: 'error' as const,
  rows_evaluated: evaluated,
  failing_rows: failing,
});

for (const target of storeTargets(process.env.TEST_DATABASE_URL)) {
  describe(`runs (${target.name})`, () => {
    let store: TestStore;
    let deps: StoreDeps;
    let version: number;

    beforeAll(async () => {
      store = await target.open();
      const catalog = new InMemoryCatalog(
        [{ name: TABLE, columns: [{ name: 'id', type: 'bigint' }] }],
        (caller) => caller === alice.id,
      );
      deps = { db: store.db, access: tableAccessVia((caller) => catalog.warehouseFor(caller)) };
      const saved = await saveRuleSet(
        alice,
        TABLE,
        { rules: [{ criticality: 'error', check: { function: 'is_not_null', arguments: { column: 'id' } } }] },
        deps,
      );
      version = saved.version;
    });
    afterAll(async () => {
      await store?.close();
    });

    it('records a run from queued to succeeded with progress, summary and per-rule results', async () => {
      const run = await createRun(
        alice,
        {
          kind: 'validation',
          table: TABLE,
          engine: 'warehouse',
          rule_set_version: version,
          parameters: { sample: 1000 },
          steps: [{ key: 'scan', label: 'Scan the table', status: 'pending' }],
        },
        deps,
      );
      expect(run).toMatchObject({ status: 'queued', started_by: alice.id, rule_set_version: version, parameters: { sample: 1000 } });
      // The version's fingerprint is recorded with the run.
      expect(run.rule_set_fingerprint).toMatch(/^[0-9a-f]{64}$/);

      await markRunStarted(run.id, { percent: 5, message: 'Scanning' }, deps);
      const progress = await reportRunProgress(
        run.id,
        { percent: 60, message: 'Counting failures', steps: [{ key: 'scan', label: 'Scan the table', status: 'running' }] },
        deps,
      );
      expect(progress.cancelRequested).toBe(false);
      const midway = await getRun(alice, run.id, deps);
      expect(midway).toMatchObject({ status: 'running', progress: { percent: 60, message: 'Counting failures' } });
      expect(midway.started_at).not.toBeNull();

      const done = await completeRun(
        run.id,
        {
          status: 'succeeded',
          summary: { total_rows: 100, valid_rows: 90, error_rows: 7, warning_rows: 3 },
          rule_results: [rule('id_present', 7), rule('status_known', 3)],
          output: { sample: [] },
        },
        deps,
      );
      expect(done.summary?.pass_rate).toBeCloseTo(0.9);
      const read = await getRun(alice, run.id, deps);
      expect(read).toMatchObject({ status: 'succeeded', progress: { percent: 100 }, output: { sample: [] } });
      expect(read.finished_at).not.toBeNull();
      expect(read.rule_results.map((r) => [r.rule_name, r.failing_rows, r.pass_rate])).toEqual([
        ['id_present', 7, 0.93],
        ['status_known', 3, 0.97],
      ]);

      // A finished run cannot be changed again.
      expect((await appError(completeRun(run.id, { status: 'failed', error: { code: 'x', message: 'x' } }, deps))).code).toBe('conflict');
      expect((await appError(reportRunProgress(run.id, { percent: 10 }, deps))).code).toBe('conflict');
    });

    it('asks the warehouse for access once while a run is unfinished, and again on every read once it has ended', async () => {
      const checks: string[] = [];
      const counting = { ...deps, access: { ...deps.access!, canReadTable: async (c: typeof alice, t: string) => (checks.push(c.id), deps.access!.canReadTable(c, t)) } };
      const run = await createRun(alice, { kind: 'validation', table: TABLE, engine: 'warehouse', rule_set_version: version }, deps);
      await markRunStarted(run.id, {}, deps);
      await getRun(alice, run.id, counting);
      const firstProof = checks.length;
      expect(firstProof).toBeGreaterThan(0);
      for (let i = 0; i < 4; i += 1) await getRun(alice, run.id, counting);
      expect(checks).toHaveLength(firstProof);
      // Someone who cannot read the table is refused, and asked every time.
      expect((await appError(getRun(bob, run.id, counting))).code).toBe('not_found');
      const afterBob = checks.length;
      expect(afterBob).toBeGreaterThan(firstProof);
      expect((await appError(getRun(bob, run.id, counting))).code).toBe('not_found');
      expect(checks.length).toBeGreaterThan(afterBob);
      await completeRun(run.id, { status: 'succeeded', rule_results: [] }, deps);
      const beforeFinished = checks.length;
      await getRun(alice, run.id, counting);
      const oneRead = checks.length - beforeFinished;
      expect(oneRead).toBeGreaterThan(0);
      await getRun(alice, run.id, counting);
      expect(checks.length - beforeFinished).toBe(2 * oneRead);
    });

    it('lets a caller cancel a running run; the runner sees it and records the cancellation', async () => {
      const run = await createRun(alice, { kind: 'generation', table: TABLE, engine: 'job' }, deps);
      await markRunStarted(run.id, {}, deps);
      const cancelled = await requestRunCancel(alice, run.id, deps);
      expect(cancelled).toMatchObject({ cancel_requested: true, cancel_requested_by: alice.id, status: 'running' });
      expect(await isRunCancelRequested(run.id, deps)).toBe(true);
      expect((await reportRunProgress(run.id, { percent: 50 }, deps)).cancelRequested).toBe(true);
      await completeRun(run.id, { status: 'cancelled', message: 'Cancelled by alice@example.com' }, deps);
      expect((await getRun(alice, run.id, deps)).status).toBe('cancelled');
      expect((await appError(requestRunCancel(alice, run.id, deps))).code).toBe('conflict');
    });

    it('refuses to record a failure without saying what went wrong', async () => {
      const run = await createRun(alice, { kind: 'validation', table: TABLE, engine: 'local' }, deps);
      expect((await appError(completeRun(run.id, { status: 'failed' }, deps))).code).toBe('bad_request');
      const failed = await completeRun(
        run.id,
        { status: 'failed', error: { code: 'warehouse_timeout', message: 'The warehouse did not answer.', action: 'Start the warehouse and retry.' } },
        deps,
      );
      expect(failed.error?.action).toBe('Start the warehouse and retry.');
    });

    it('never treats a run id as a capability: other callers get 404', async () => {
      const run = await createRun(alice, { kind: 'validation', table: TABLE, engine: 'local' }, deps);
      expect((await appError(getRun(bob, run.id, deps))).code).toBe('not_found');
      expect((await appError(requestRunCancel(bob, run.id, deps))).code).toBe('not_found');
      expect((await appError(listRuns(bob, TABLE, { page: 1, page_size: 10 }, deps))).code).toBe('not_found');
      expect((await appError(createRun(bob, { kind: 'validation', table: TABLE, engine: 'local' }, deps))).code).toBe('not_found');
      expect((await appError(getRun(alice, 'not-a-uuid', deps))).code).toBe('bad_request');
      expect((await appError(getRun(alice, '00000000-0000-4000-8000-000000000000', deps))).code).toBe('not_found');
      expect(
        (await appError(createRun(alice, { kind: 'validation', table: TABLE, engine: 'local', rule_set_version: 99 }, deps))).code,
      ).toBe('not_found');
    });

    it('charts pass rates over time per table and per rule', async () => {
      const table = 'main.sales.orders';
      const before = (await tablePassRateHistory(alice, table, 100, deps)).points.length;
      for (const [valid, failing] of [
        [80, 20],
        [90, 10],
        [99, 1],
      ] as const) {
        const run = await createRun(alice, { kind: 'validation', table, engine: 'local', rule_set_version: version }, deps);
        await completeRun(
          run.id,
          {
            status: 'succeeded',
            summary: { total_rows: 100, valid_rows: valid, error_rows: failing, warning_rows: 0 },
            rule_results: [rule('trend_rule', failing)],
          },
          deps,
        );
      }
      const table_history = await tablePassRateHistory(alice, table, 100, deps);
      expect(table_history.points.slice(before).map((p) => p.pass_rate)).toEqual([0.8, 0.9, 0.99]);
      const perRule = await rulePassRateHistory(alice, table, { name: 'trend_rule' }, 100, deps);
      expect(perRule.points.map((p) => [p.pass_rate, p.failing_rows])).toEqual([
        [0.8, 20],
        [0.9, 10],
        [0.99, 1],
      ]);
      const byFingerprint = await rulePassRateHistory(alice, table, { fingerprint: 'fp-trend_rule' }, 2, deps);
      expect(byFingerprint.points.map((p) => p.pass_rate)).toEqual([0.9, 0.99]);

      const page = await listRuns(alice, table, { page: 1, page_size: 2, kind: 'validation' }, deps);
      expect(page.items).toHaveLength(2);
      expect(page.total).toBeGreaterThanOrEqual(3);
      expect(page.items[0]!.summary?.pass_rate).toBe(0.99);
    });
  });
}
