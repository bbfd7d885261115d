/**
 * What the local scheduler (lib/jobs/local/scheduler.ts) does when a slot is due, through the
 * ordinary services:
 *
 * - `startScheduledRun`: a validation run of the schedule's version (or the active one), started by
 *   `startValidation` as the schedule's last editor, with `parameters.trigger = 'schedule'`. It is
 *   a run like any other: the table's history, charts, thresholds and alerts see it (alerting's
 *   `runFinished` is called when it completes), and the caller's access is checked as always;
 * - `writeScheduledOutputs`: once the run has succeeded, the run's rules are applied again to the
 *   table and the quarantine, valid rows and DQX metrics are appended to the local warehouse
 *   (lib/jobs/local/check-outputs.ts). Access is checked again, as the editor.
 *
 * `startLocalScheduler` starts the process's scheduler (local mode only), from instrumentation.ts.
 */
import 'server-only';

import type { Caller } from '@/lib/auth/caller';
import { getConfig } from '@/lib/config';
import { compileApplyChecks } from '@/lib/dqx';
import { writeCheckOutputs, type CheckOutputsResult, type OutputsWriter } from '@/lib/jobs/local/check-outputs';
import { LocalScheduler } from '@/lib/jobs/local/scheduler';
import { log } from '@/lib/log';
import { getLocalWarehouse } from '@/lib/warehouse/duckdb';
import type { Schedule } from '@/db';

import { resolveRunDeps, type RunDeps } from './run-deps';
import { getRun } from './runs';
import { schemaOf } from './table-schema';
import { referenceSchemas, rulesOfRun, sourceSql, startValidation } from './validation';

/** The schedule's last editor, as the caller of its runs (local mode: no token). */
export function scheduleCaller(schedule: Pick<Schedule, 'updated_by'>): Caller {
  return { id: schedule.updated_by, displayName: schedule.updated_by, email: undefined, mode: 'local', requestId: undefined, token: undefined };
}

/** Start the run of a claimed slot; returns its id. */
export async function startScheduledRun(schedule: Schedule, slot: Date, deps?: RunDeps): Promise<string> {
  const run = await startValidation(
    scheduleCaller(schedule),
    { table: schedule.table_name, ...(schedule.version !== null ? { version: schedule.version } : {}) },
    deps,
    { trigger: 'schedule', scheduleSlot: slot },
  );
  return run.id;
}

export interface OutputsDeps extends RunDeps {
  /** Where the output databases are (default DQX_STATE_DIR). */
  stateDir?: string;
  /** Opens the writable instance (default: the process's local warehouse). */
  writer?: OutputsWriter;
}

/** Append the outputs of a succeeded scheduled run to the local warehouse. */
export async function writeScheduledOutputs(schedule: Schedule, runId: string, deps: OutputsDeps = {}): Promise<CheckOutputsResult> {
  const caller = scheduleCaller(schedule);
  const d = await resolveRunDeps(deps);
  const run = await getRun(caller, runId, deps);
  const readable = await d.access.assertCanReadTable(caller, run.table_name);
  const checks = await rulesOfRun(d, run);
  const wh = d.warehouseOf(caller);
  const applied = compileApplyChecks(checks, sourceSql('duckdb', readable.ref, null), {
    dialect: 'duckdb',
    table: schemaOf(readable.name, readable.description.columns),
    referenceTables: await referenceSchemas(wh, checks),
    runId: run.id,
    ...(run.started_at ? { runTime: run.started_at.replace(/(Z|[+-]\d\d:\d\d)$/, '') } : {}),
    ...(run.rule_set_fingerprint ? { ruleSetFingerprint: run.rule_set_fingerprint } : {}),
  });
  return writeCheckOutputs(deps.writer ?? getLocalWarehouse().engine, deps.stateDir ?? getConfig().local.stateDir, {
    tableName: run.table_name,
    appliedSql: applied.sql,
    flaggedSql: applied.flaggedSql,
    inputColumns: readable.description.columns.map((c) => c.name),
    resultColumns: applied.resultColumns,
    outputs: { valid_table: schedule.valid_table, quarantine_table: schedule.quarantine_table, metrics_table: schedule.metrics_table },
    runId: run.id,
    runTime: new Date(run.started_at ?? run.created_at),
    ruleSetFingerprint: run.rule_set_fingerprint,
    checksLocation: run.rule_set_version !== null ? `dq_rules_events:${run.table_name}@${run.rule_set_version}` : null,
  });
}

/** What was appended, in words (kept with the schedule, shown on History). */
export function describeOutputs(result: CheckOutputsResult): string {
  const parts = [
    result.quarantine_rows !== null ? `${result.quarantine_rows} quarantine row${result.quarantine_rows === 1 ? '' : 's'}` : null,
    result.valid_table_rows !== null ? `${result.valid_table_rows} valid row${result.valid_table_rows === 1 ? '' : 's'}` : null,
    result.metrics_rows !== null ? `${result.metrics_rows} metrics rows` : null,
  ].filter(Boolean);
  return `Appended ${parts.join(', ')} (of ${result.input_rows} rows checked).`;
}

const KEY = Symbol.for('dqx.localScheduler');
type Holder = { [KEY]?: LocalScheduler };

/** Start the process's scheduler (local mode only; once per process). */
export async function startLocalScheduler(): Promise<void> {
  const config = getConfig();
  if (config.mode !== 'local') return;
  const holder = globalThis as Holder;
  if (holder[KEY]) return;
  const { getStore } = await import('@/db');
  const scheduler = new LocalScheduler({
    db: await getStore(),
    tickMs: config.jobs.schedulerTickMs,
    startRun: (schedule, slot) => startScheduledRun(schedule, slot),
    writeOutputs: async (schedule, runId) => describeOutputs(await writeScheduledOutputs(schedule, runId)),
  });
  holder[KEY] = scheduler;
  scheduler.start();
  log.info('local scheduler started', { tickMs: config.jobs.schedulerTickMs });
}
