import type { Kysely, KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Database } from '@/db';
import { storeTargets, type TestStore } from '@/db/testing/test-stores';
import { InMemoryCatalog, testCaller } from '@/tests/support/in-memory-warehouse';

import { tableAccessVia, type TableAccess } from './access';
import { alertDeliveriesSettled, saveThresholds } from './alerting';
import { ThresholdsBody } from './alerting-schemas';
import { getMonitoringOverview, getMonitoringSummary, type MonitoringDeps, type ScheduleSummary } from './monitoring';
import { completeRun, createRun, type RuleResultInput } from './runs';

const alice = testCaller('alice@example.com');
const COLUMNS = [
  { name: 'id', type: 'bigint' },
  { name: 'email', type: 'string' },
];

const ruleResult = (name: string, failing: number, of = 100): RuleResultInput => ({
  rule_name: name,
  rule_fingerprint: `fp-${name}`,
  function: 'is_not_null',
  criticality: 'error',
  rows_evaluated: of,
  failing_rows: failing,
});

let counter = 0;

for (const target of storeTargets(process.env.TEST_DATABASE_URL)) {
  describe(`monitoring overview (${target.name})`, () => {
    let store: TestStore;
    let db: Kysely<Database>;
    let catalog: InMemoryCatalog;
    let access: TableAccess;
    /** Which tables each caller (other than alice, who reads all) may read. */
    const grants = new Map<string, Set<string>>();

    const newTable = (label: string) => {
      const name = `main.watch.${label}_${++counter}`;
      catalog.add({ name, columns: COLUMNS });
      return name;
    };
    /** A fresh caller who can read exactly these tables (so other tests' tables are not in the way). */
    const viewer = (tables: string[]) => {
      const caller = testCaller(`viewer-${++counter}@example.com`);
      grants.set(caller.id, new Set(tables));
      return caller;
    };
    const thresholds = (table: string, body: Record<string, unknown>) =>
      saveThresholds(alice, table, ThresholdsBody.parse({ fail_on_error_rows: false, min_pass_rate: null, ...body }), { db, access, mode: 'local' });

    async function run(
      table: string,
      passing: number,
      options: { results?: RuleResultInput[]; dryRun?: boolean; readTables?: string[]; failed?: boolean; trigger?: string } = {},
    ) {
      const created = await createRun(
        alice,
        {
          kind: 'validation',
          table,
          engine: 'local',
          parameters: { ...(options.dryRun ? { dry_run: true } : {}), ...(options.trigger ? { trigger: options.trigger } : {}) },
          read_tables: options.readTables,
        },
        { db, access },
      );
      await completeRun(
        created.id,
        options.failed
          ? { status: 'failed', error: { code: 'warehouse_error', message: 'The warehouse stopped.' } }
          : {
              status: 'succeeded',
              summary: { total_rows: 100, valid_rows: passing, error_rows: 100 - passing, warning_rows: 0 },
              rule_results: options.results ?? [],
            },
        { db },
      );
      return created.id;
    }

    beforeAll(async () => {
      store = await target.open();
      db = store.db;
      catalog = new InMemoryCatalog([], (caller, table) => caller === alice.id || (grants.get(caller)?.has(table) ?? false));
      access = tableAccessVia((caller) => catalog.warehouseFor(caller));
    });
    afterAll(async () => {
      await alertDeliveriesSettled();
      await store?.close();
    });

    it('lists monitored tables worst first with their figures, failing rules and pass-rate series; leaves out what the caller cannot read', async () => {
      const ok = newTable('ok');
      const breach = newTable('breach');
      const worse = newTable('worse');
      const never = newTable('never');
      const failed = newTable('failed');
      const onlyFailed = newTable('only_failed');
      const secret = newTable('secret');
      const unwatched = newTable('unwatched');
      const referenced = newTable('referenced');
      const hiddenRef = newTable('hidden_ref');

      await thresholds(ok, { min_pass_rate: 0.9 });
      await run(ok, 95);
      await run(ok, 40, { dryRun: true }); // a dry run is not the table's history

      await thresholds(breach, { min_pass_rate: 0.98, rules: [{ rule: 'email_valid', fail_on_failing_rows: true }] });
      await run(breach, 99);
      const breachRun = await run(breach, 97, { results: [ruleResult('id_present', 10), ruleResult('email_valid', 3), ruleResult('clean', 0)] });

      await thresholds(worse, { min_pass_rate: 0.99 });
      await run(worse, 50);

      await thresholds(never, { fail_on_error_rows: true });

      await thresholds(failed, { min_pass_rate: 0.5 });
      const good = await run(failed, 90);
      const broken = await run(failed, 0, { failed: true });

      await thresholds(onlyFailed, { min_pass_rate: 0.5 });
      await run(onlyFailed, 0, { failed: true });

      await thresholds(secret, { min_pass_rate: 0.99 });
      await run(secret, 10);

      await thresholds(unwatched, { min_pass_rate: null }); // saved, but nothing set: not monitored
      await run(unwatched, 10);

      // The newest run of `referenced` reads a table the viewer cannot read: for them it does not exist.
      await thresholds(referenced, { min_pass_rate: 0.9 });
      await run(referenced, 96);
      await run(referenced, 20, { readTables: [hiddenRef] });

      const caller = viewer([ok, breach, worse, never, failed, onlyFailed, unwatched, referenced]);
      const overview = await getMonitoringOverview(caller, { db, access });
      expect(overview.items.map((i) => [i.table_name, i.status])).toEqual([
        [worse, 'breach'],
        [breach, 'breach'],
        [failed, 'failed'],
        [onlyFailed, 'failed'],
        [never, 'no_run'],
        [ok, 'ok'],
        [referenced, 'ok'],
      ]);
      expect(overview.summary).toEqual({ breach: 2, overdue: 0, failed: 2, no_run: 1, ok: 2, total: 7 });
      expect(JSON.stringify(overview)).not.toContain(secret);

      const b = overview.items.find((i) => i.table_name === breach)!;
      expect(b.pass_rate).toBeCloseTo(0.97);
      expect(b.pass_rates.map((p) => p.pass_rate)).toEqual([0.99, 0.97]);
      expect(b.last_run).toMatchObject({ id: breachRun, status: 'succeeded', trigger: 'manual', pass_rate: 0.97 });
      expect(b.judged_run_id).toBe(breachRun);
      // the breached rule first, then the most failing rows; a rule without failing rows is not listed
      expect(b.failing_rules.map((r) => [r.name, r.failing_rows, r.threshold_breached])).toEqual([
        ['email_valid', 3, true],
        ['id_present', 10, false],
      ]);
      expect(b.reasons.join('; ')).toContain('table pass rate 97');
      expect(b.open_alert).toMatchObject({ run_id: breachRun });

      const okItem = overview.items.find((i) => i.table_name === ok)!;
      expect(okItem.pass_rates.map((p) => p.pass_rate)).toEqual([0.95]);
      expect(okItem.open_alert).toBeNull();
      expect(okItem.failing_rules_total).toBe(0);

      const f = overview.items.find((i) => i.table_name === failed)!;
      expect(f.last_run).toMatchObject({ id: broken, status: 'failed', pass_rate: null, error: 'The warehouse stopped.' });
      expect(f.judged_run_id).toBe(good);
      expect(f.pass_rate).toBeCloseTo(0.9);

      expect(overview.items.find((i) => i.table_name === onlyFailed)).toMatchObject({
        pass_rate: null,
        judged_run_id: null,
        reasons: ['the latest run failed: The warehouse stopped.', 'no succeeded validation run yet'],
      });
      expect(overview.items.find((i) => i.table_name === never)).toMatchObject({ last_run: null, pass_rates: [], reasons: ['no validation run yet'] });
      expect(overview.items.find((i) => i.table_name === referenced)!.pass_rates.map((p) => p.pass_rate)).toEqual([0.96]);

      // alice reads every table, including the one that was hidden from the viewer, and the run that reads it
      const all = await getMonitoringOverview(alice, { db, access });
      expect(all.items.find((i) => i.table_name === secret)?.status).toBe('breach');
      expect(all.items.find((i) => i.table_name === referenced)).toMatchObject({ status: 'breach', pass_rate: 0.2 });

      // nothing monitored that the caller can read: nothing listed
      expect(await getMonitoringOverview(viewer([unwatched]), { db, access })).toMatchObject({ items: [], summary: { total: 0 } });
    });

    it('keeps the last N runs for the sparkline, oldest first', async () => {
      const table = newTable('series');
      await thresholds(table, { min_pass_rate: 0.5 });
      for (const passing of [90, 91, 92, 93, 94]) await run(table, passing);
      const overview = await getMonitoringOverview(viewer([table]), { db, access, seriesLength: 3 });
      expect(overview.items[0]!.pass_rates.map((p) => p.pass_rate)).toEqual([0.92, 0.93, 0.94]);
    });

    it('asks the store the same few queries for 2 monitored tables or 12 (no query per table)', async () => {
      const queriesFor = async (count: number) => {
        const tables: string[] = [];
        for (let i = 0; i < count; i++) {
          const table = newTable('many');
          tables.push(table);
          await thresholds(table, { min_pass_rate: 0.9 });
          await run(table, 80 + (i % 20), { results: [ruleResult('id_present', 20 - (i % 20))] });
        }
        let queries = 0;
        const counter: KyselyPlugin = {
          transformQuery: (args) => {
            queries++;
            return args.node;
          },
          transformResult: async (args) => args.result,
        };
        const overview = await getMonitoringOverview(viewer(tables), { db: db.withPlugin(counter), access });
        expect(overview.items).toHaveLength(count);
        return queries;
      };
      const few = await queriesFor(2);
      expect(few).toBeLessThanOrEqual(10);
      expect(await queriesFor(12)).toBe(few);
    });

    it('keeps the home page counts per caller for a short while', async () => {
      const table = newTable('summary');
      await thresholds(table, { min_pass_rate: 0.9 });
      const caller = viewer([table]);
      let now = new Date('2026-12-07T12:00:00Z');
      const deps = { db, access, now: () => now };
      expect(await getMonitoringSummary(caller, deps)).toMatchObject({ no_run: 1, total: 1 });
      await run(table, 50);
      now = new Date(now.getTime() + 10_000);
      expect(await getMonitoringSummary(caller, deps)).toMatchObject({ no_run: 1, total: 1 }); // kept
      expect(await getMonitoringSummary(viewer([table]), deps)).toMatchObject({ breach: 1, total: 1 }); // another caller reads afresh
      now = new Date(now.getTime() + 30_000);
      expect(await getMonitoringSummary(caller, deps)).toMatchObject({ breach: 1, total: 1 });
    });

    it('reads schedules through the seam: next run, overdue when a slot passed without a run, never for a paused schedule', async () => {
      const missed = newTable('missed');
      const ranSince = newTable('ran_since');
      const justDue = newTable('just_due');
      const paused = newTable('paused');
      const unreadable = newTable('unreadable');
      const breaching = newTable('breaching');
      const now = new Date();
      const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000).toISOString();
      const schedule = (table_name: string, next: string | null, extra: Partial<ScheduleSummary> = {}): ScheduleSummary => ({
        table_name,
        cron: '0 * * * *',
        timezone: 'Europe/Paris',
        paused: false,
        next_run_at: next,
        last_run_at: null,
        last_run_id: null,
        ...extra,
      });

      const ran = await run(ranSince, 99, { trigger: 'schedule' });
      await thresholds(breaching, { min_pass_rate: 0.99 });
      const old = await run(breaching, 50);
      // that run was started before the slot two hours ago, and nothing since
      await db.updateTable('dq_runs').set({ created_at: new Date(now.getTime() - 180 * 60_000) }).where('id', '=', old).execute();
      const deps: MonitoringDeps = {
        db,
        access,
        now: () => now,
        schedules: async () => [
          schedule(missed, ago(60)),
          // a run was started after the slot: not overdue (its created_at is after the slot an hour ago)
          schedule(ranSince.toUpperCase(), ago(60)),
          schedule(justDue, ago(5)),
          schedule(paused, ago(600), { paused: true }),
          schedule(unreadable, ago(600)),
          schedule(breaching, ago(120)),
        ],
      };
      const overview = await getMonitoringOverview(viewer([missed, ranSince, justDue, paused, breaching]), deps);
      expect(overview.items.map((i) => [i.table_name, i.status, i.overdue])).toEqual([
        [breaching, 'breach', true],
        [missed, 'overdue', true],
        [justDue, 'no_run', false],
        [paused, 'no_run', false],
        [ranSince, 'ok', false],
      ]);
      expect(overview.summary).toMatchObject({ breach: 1, overdue: 1, no_run: 2, ok: 1, total: 5 });
      const m = overview.items.find((i) => i.table_name === missed)!;
      expect(m.next_run_at).toBe(ago(60));
      expect(m.schedule).toMatchObject({ cron: '0 * * * *', timezone: 'Europe/Paris', paused: false });
      expect(m.reasons.join(' ')).toContain('has not started');
      expect(overview.items.find((i) => i.table_name === paused)!.next_run_at).toBeNull();
      expect(overview.items.find((i) => i.table_name === ranSince)!.last_run).toMatchObject({ id: ran, trigger: 'schedule' });
      expect(overview.items.find((i) => i.table_name === ranSince)!.thresholds).toBeNull();

      // the schedule's own record of a run after the slot counts too
      const recorded = await getMonitoringOverview(viewer([missed]), {
        ...deps,
        schedules: async () => [schedule(missed, ago(60), { last_run_at: ago(59) })],
      });
      expect(recorded.items[0]).toMatchObject({ status: 'no_run', overdue: false });
    });
  });
}
