/**
 * The local scheduler with a clock the tests move (no sleeps for slots): a due slot runs once, a
 * slot missed while the app was down runs once after a "restart" (only the latest), two schedulers
 * on one store start a slot once, a paused schedule does not run, and a run interrupted by a
 * restart has its outputs skipped while the next slot runs. Real DuckDB (sample catalog), real
 * PGlite, the real validation service; the outputs are read back from the DuckDB output file.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import * as scheduleRepo from '@/db/repositories/schedules';
import type { DqxCheck } from '@/lib/dqx';
import { failAbandonedRuns } from '@/lib/jobs/local/recovery';
import { createRun } from '@/lib/services/runs';
import { saveRuleSet } from '@/lib/services/rule-sets';
import { describeOutputs, startScheduledRun, writeScheduledOutputs } from '@/lib/services/scheduled-runs';
import { ScheduleBody } from '@/lib/services/schedule-schemas';
import { getSchedule, saveSchedule } from '@/lib/services/schedules';
import type { ValidationRunSummary } from '@/lib/services/validation';
import { testCaller } from '@/tests/support/in-memory-warehouse';
import { openRunFixture, waitForRun, type RunFixture } from '@/tests/support/run-fixture';

import { outputDatabaseFile } from './check-outputs';
import { LocalScheduler } from './scheduler';

const alice = testCaller('alice@example.com');
const TABLE = 'samples.sales.customers';
const RULES: DqxCheck[] = [
  { name: 'email_present', criticality: 'error', check: { function: 'is_not_null', arguments: { column: 'email' } } },
  { name: 'name_not_empty', criticality: 'warn', check: { function: 'is_not_empty', arguments: { column: 'full_name' } } },
];

let fx: RunFixture;
let stateDir: string;
let clock: Date;
const at = (isoTime: string) => {
  clock = new Date(isoTime);
};

function scheduler(): LocalScheduler {
  return new LocalScheduler({
    db: fx.store.db,
    now: () => clock,
    startRun: (s, slot) => startScheduledRun(s, slot, fx.deps),
    writeOutputs: async (s, runId) => describeOutputs(await writeScheduledOutputs(s, runId, { ...fx.deps, stateDir, writer: fx.warehouse.engine })),
  });
}

async function schedule(table: string, body: Record<string, unknown>) {
  return saveSchedule(alice, table, ScheduleBody.parse(body), { ...fx.deps, now: () => clock });
}

/** Rows of a table in an output database file. */
async function outputRows(catalog: string, sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(outputDatabaseFile(stateDir, catalog), { access_mode: 'READ_ONLY' });
  const conn = await instance.connect();
  try {
    return (await conn.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

beforeAll(async () => {
  fx = await openRunFixture({ bigRows: 1000 });
  stateDir = fx.warehouse.engine.options.stateDir;
  await saveRuleSet(alice, TABLE, { rules: RULES }, fx.deps);
}, 120_000);
afterEach(async () => {
  await fx.runner.idle();
  await fx.store.db.deleteFrom('dq_schedules').execute();
});
afterAll(async () => {
  await fx?.close();
});

describe('the local scheduler', () => {
  it('runs a due slot once as an ordinary validation run, then writes the quarantine and DQX metrics', async () => {
    at('2026-12-07T05:50:00Z');
    const saved = await schedule(TABLE, { cron: '0 6 * * *', timezone: 'UTC' });
    expect(saved.schedule?.next_run_at).toBe('2026-12-07T06:00:00.000Z');
    expect(saved.schedule?.outputs).toEqual({ valid_table: null, quarantine_table: `${TABLE}_dq_quarantine`, metrics_table: `${TABLE}_dq_metrics` });

    const s = scheduler();
    at('2026-12-07T05:59:59Z');
    expect((await s.tick()).started).toEqual([]);
    at('2026-12-07T06:00:05Z');
    const first = await s.tick();
    expect(first.started).toHaveLength(1);
    expect(first.started[0]).toMatchObject({ table: TABLE, slot: '2026-12-07T06:00:00.000Z' });
    at('2026-12-07T06:00:35Z');
    expect((await s.tick()).started).toEqual([]);

    const runId = first.started[0]!.runId;
    const run = await waitForRun(alice, runId, fx.deps);
    expect(run.status).toBe('succeeded');
    expect(run.parameters).toMatchObject({ trigger: 'schedule', schedule_slot: '2026-12-07T06:00:00.000Z', version: 1 });
    const summary = run.summary as ValidationRunSummary;

    const outputs = (await s.tick()).outputs;
    expect(outputs).toEqual([{ table: TABLE, runId, status: 'written', message: `Appended 48 quarantine rows, 4 metrics rows (of ${summary.total_rows} rows checked).` }]);
    const view = (await getSchedule(alice, TABLE, fx.deps)).schedule!;
    expect(view).toMatchObject({ last_run_id: runId, last_run_status: 'succeeded', outputs_status: 'written', next_run_at: '2026-12-08T06:00:00.000Z' });

    // quarantine: exactly the run's failing rows (errors, and warnings only: DQX's get_invalid), with DQX's result columns
    const failing = summary.error_rows + summary.warning_rows;
    expect([summary.error_rows, summary.warning_rows]).toEqual([40, 8]);
    const quarantine = await outputRows('samples', `SELECT count(*) AS n, count(_errors) AS e, count(_warnings) AS w FROM sales.customers_dq_quarantine`);
    expect(quarantine[0]).toEqual({ n: BigInt(failing), e: 40n, w: 8n });
    const entry = await outputRows('samples', `SELECT _errors[1] AS entry FROM sales.customers_dq_quarantine WHERE _errors IS NOT NULL LIMIT 1`);
    expect(entry[0]!.entry).toMatchObject({ name: 'email_present', function: 'is_not_null', columns: ['email'], run_id: runId });
    const columns = await outputRows('samples', `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'customers_dq_quarantine' AND column_name IN ('_errors', '_warnings')`);
    expect(columns.map((c) => c.column_name).sort()).toEqual(['_errors', '_warnings']);
    // DQX 0.17's result struct, field by field (databricks/labs/dqx/schema/dq_result_schema.py)
    expect(String(columns[0]!.data_type)).toBe(
      'STRUCT("name" VARCHAR, message VARCHAR, "columns" VARCHAR[], "filter" VARCHAR, "function" VARCHAR, run_time TIMESTAMP, run_id VARCHAR, user_metadata MAP(VARCHAR, VARCHAR), rule_fingerprint VARCHAR, rule_set_fingerprint VARCHAR, skipped BOOLEAN)[]',
    );

    // metrics: DQX's long format, one row per metric
    const metrics = await outputRows('samples', `SELECT * FROM sales.customers_dq_metrics ORDER BY metric_name`);
    expect(metrics.map((m) => [m.metric_name, m.metric_value])).toEqual([
      ['error_row_count', String(summary.error_rows)],
      ['input_row_count', String(summary.total_rows)],
      ['valid_row_count', String(summary.total_rows - failing)],
      ['warning_row_count', '8'],
    ]);
    expect(metrics[0]).toMatchObject({
      run_id: runId,
      run_name: 'dqx',
      input_location: TABLE,
      quarantine_location: `${TABLE}_dq_quarantine`,
      output_location: null,
      error_column_name: '_errors',
      warning_column_name: '_warnings',
      rule_set_fingerprint: run.rule_set_fingerprint,
      user_metadata: null,
    });
    expect(Object.keys(metrics[0]!)).toEqual([
      'run_id', 'run_name', 'input_location', 'output_location', 'quarantine_location', 'checks_location', 'rule_set_fingerprint',
      'metric_name', 'metric_value', 'run_time', 'error_column_name', 'warning_column_name', 'user_metadata',
    ]);
  }, 120_000);

  it('runs a slot missed while the app was down once after a restart (the latest only), and never again', async () => {
    const table = 'samples.sales.products';
    await saveRuleSet(alice, table, { rules: [{ name: 'id_present', criticality: 'error', check: { function: 'is_not_null', arguments: { column: 'product_id' } } }] }, fx.deps);
    at('2026-12-07T10:30:00Z');
    await schedule(table, { cron: '0 * * * *', timezone: 'UTC', outputs: { quarantine_table: null, metrics_table: null } });
    // the app is down from 10:30 to 14:20; a new process starts
    at('2026-12-07T14:20:00Z');
    const after = scheduler();
    const report = await after.tick();
    expect(report.started.map((r) => [r.table, r.slot])).toEqual([[table, '2026-12-07T14:00:00.000Z']]);
    expect((await after.tick()).started).toEqual([]);
    expect((await scheduler().tick()).started).toEqual([]);
    await waitForRun(alice, report.started[0]!.runId, fx.deps);
    // no outputs set: nothing to write
    expect((await after.tick()).outputs).toEqual([]);
    at('2026-12-07T15:00:01Z');
    expect((await after.tick()).started.map((r) => r.slot)).toEqual(['2026-12-07T15:00:00.000Z']);
    await fx.runner.idle();
  }, 120_000);

  it('starts a slot once when two schedulers (two app processes) share the store', async () => {
    const table = 'samples.sales.orders';
    await saveRuleSet(alice, table, { rules: [{ name: 'amount_present', criticality: 'error', check: { function: 'is_not_null', arguments: { column: 'amount' } } }] }, fx.deps);
    at('2026-12-07T08:59:00Z');
    await schedule(table, { cron: '*/15 * * * *', timezone: 'Europe/Paris', outputs: { quarantine_table: null, metrics_table: null } });
    at('2026-12-07T09:00:02Z');
    const reports = await Promise.all([scheduler(), scheduler(), scheduler()].map((s) => s.tick()));
    const started = reports.flatMap((r) => r.started).filter((r) => r.table === table);
    expect(started).toHaveLength(1);
    await fx.runner.idle();
  }, 120_000);

  it('does not run a paused schedule, and a resumed one starts from its next slot', async () => {
    const table = 'samples.sales.customers';
    at('2026-12-09T05:00:00Z');
    const paused = await schedule(table, { cron: '0 6 * * *', timezone: 'UTC', paused: true });
    expect(paused.schedule).toMatchObject({ paused: true, next_run_at: null });
    at('2026-12-09T06:00:10Z');
    expect((await scheduler().tick()).started).toEqual([]);
    at('2026-12-09T07:00:00Z');
    const resumed = await schedule(table, { cron: '0 6 * * *', timezone: 'UTC', paused: false });
    expect(resumed.schedule?.next_run_at).toBe('2026-12-10T06:00:00.000Z');
    // the slot of 06:00, passed while paused, is not taken as missed
    expect((await scheduler().tick()).started).toEqual([]);
  }, 60_000);

  it('skips the outputs of a run interrupted by a restart, and runs the next slot', async () => {
    const table = 'samples.sales.customers';
    at('2026-12-11T05:00:00Z');
    await schedule(table, { cron: '0 6 * * *', timezone: 'UTC' });
    at('2026-12-11T06:00:01Z');
    // this process dies right after starting the run: the run stays queued, owned by nobody alive
    const dying = new LocalScheduler({
      db: fx.store.db,
      now: () => clock,
      startRun: async (s) => (await createRun(alice, { kind: 'validation', table: s.table_name, engine: 'local', rule_set_version: null }, fx.deps)).id,
      writeOutputs: async () => {
        throw new Error('not reached');
      },
    });
    const lost = (await dying.tick()).started[0]!.runId;
    // the next process starts: recovery fails the abandoned run as interrupted
    expect(await failAbandonedRuns(fx.store.db, { graceMs: 60_000, unownedGraceMs: 0 })).toContain(lost);
    const next = scheduler();
    at('2026-12-11T06:00:30Z');
    const report = await next.tick();
    expect(report.started).toEqual([]);
    expect(report.outputs).toEqual([expect.objectContaining({ runId: lost, status: 'skipped', message: 'No outputs: the run failed.' })]);
    at('2026-12-12T06:00:03Z');
    const tomorrow = await next.tick();
    expect(tomorrow.started.map((r) => r.slot)).toEqual(['2026-12-12T06:00:00.000Z']);
    expect((await waitForRun(alice, tomorrow.started[0]!.runId, fx.deps)).status).toBe('succeeded');
    expect((await next.tick()).outputs.map((o) => o.status)).toEqual(['written']);
    const row = await scheduleRepo.findSchedule(fx.store.db, table);
    expect(row?.last_run_id).toBe(tomorrow.started[0]!.runId);
  }, 120_000);
});
