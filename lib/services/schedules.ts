/**
 * Scheduled checks of tables (issue 15 item 2): per table a schedule (a 5-field cron read in an IANA
 * time zone), the version it runs (null: the active one at each run), whether it is paused, where
 * its outputs go (valid rows, quarantine, DQX summary metrics) and, for the Databricks job, who is
 * notified.
 *
 * Local mode: the in-process scheduler (lib/jobs/local/scheduler.ts, started from
 * instrumentation.ts) runs due slots as ordinary validation runs (./scheduled-runs.ts).
 * Databricks mode: a schedule is a Databricks job (lib/jobs/databricks/monitoring-job.ts) that runs
 * DQX on the table's PUBLISHED checks (`publishedChecksSource`: the rule set's publishing target);
 * saving or deleting one creates, updates or deletes the job as the app's service principal, after
 * the caller's rights and the table's governance are checked as the caller (a table with row
 * filters, column masks or ABAC policies never goes to a job). The job's finished runs are brought
 * into the run history by ./scheduled-job-ingest.ts; the local scheduler does not run there.
 *
 * Access: reading and changing a schedule need read access to the table, like the other rule-set
 * settings, checked in ONE place (`assertMayManageSchedule`: the steward right) so it can be
 * required later by changing that function only.
 */
import 'server-only';

import type { Caller } from '@/lib/auth/caller';
import { getConfig, type Mode } from '@/lib/config';
import { getServicePrincipalTokenProvider } from '@/lib/databricks/oauth';
import { badRequest, notFound } from '@/lib/errors';
import { CronError, nextSlot, parseCron } from '@/lib/jobs/cron';
import { createDatabricksMonitoringJobs, type MonitoringChecksSource } from '@/lib/jobs/databricks';
import type { MonitoringJobs } from '@/lib/jobs/monitoring-port';
import type { PublishTarget } from '@/lib/publish/port';
import { getWarehouse } from '@/lib/warehouse';
import type { Warehouse } from '@/lib/warehouse/port';
import type { RunStatus, Schedule } from '@/db';
import * as pubs from '@/db/repositories/publications';
import * as ruleSetRepo from '@/db/repositories/rule-sets';
import type { Db } from '@/db/repositories/rule-sets';
import * as runsRepo from '@/db/repositories/runs';
import * as repo from '@/db/repositories/schedules';

import type { ScheduleInput } from './schedule-schemas';
import { recordAudit } from './audit';
import { jobPathRefusal } from './job-governance';
import { assertRightOnReadable } from './rights';
import { resolveDeps, type StoreDeps } from './store-deps';
import { parseTableName } from './table-name';

export type { ScheduleInput } from './schedule-schemas';

export interface MonitoringSchedule {
  table_name: string;
  cron: string;
  timezone: string;
  version: number | null;
  paused: boolean;
  outputs: { valid_table: string | null; quarantine_table: string | null; metrics_table: string | null };
  notify_emails: string[];
}

export interface ScheduleSummary {
  table_name: string;
  cron: string;
  timezone: string;
  paused: boolean;
  next_run_at: string | null;
  last_run_at: string | null;
  last_run_id: string | null;
}

/** A schedule as the API and History show it. */
export interface ScheduleView extends MonitoringSchedule {
  next_run_at: string | null;
  last_run_at: string | null;
  last_run_id: string | null;
  /** Status of the last scheduled run (null: none, or no longer recorded). */
  last_run_status: RunStatus | null;
  /** Whether the last run's outputs were written (null: not yet, or none to write). */
  outputs_status: 'written' | 'failed' | 'skipped' | null;
  outputs_message: string | null;
  /** The Databricks job of the schedule (databricks mode). */
  external_job_id: string | null;
  created_by: string;
  updated_by: string;
  updated_at: string;
}

export interface ScheduleDto {
  table_name: string;
  /** Null: the table has no schedule. */
  schedule: ScheduleView | null;
  /** The outputs a schedule of this table gets when they are omitted. */
  default_outputs: MonitoringSchedule['outputs'];
  /** Where the local scheduler runs schedules: `local` (in the app), `databricks` (a job per schedule). */
  runs_on: Mode;
}

export interface ScheduleDeps extends StoreDeps {
  mode?: Mode;
  /** The Databricks side (databricks mode); default: the deployment's jobs, as the app's service principal. */
  monitoringJobs?: MonitoringJobs;
  /** The caller's warehouse (databricks mode: the table's governance is read as the caller). */
  warehouseOf?: (caller: Caller) => Warehouse;
  /** The clock (tests). */
  now?: () => Date;
}

const iso = (d: Date | string | null) =>
  d === null ? null : (d instanceof Date ? d : new Date(d)).toISOString();

// ---- Where a schedule's checks are published (databricks mode) ----

/**
 * Where the monitoring job of `schedule` reads its checks: the rule set's publishing target. A
 * checks table holds every published version (one batch per fingerprint), so a pinned version is
 * read by its fingerprint; a checks file holds only the latest published version, so a pinned
 * version with a file target is refused. 400 with what to do when nothing fits.
 */
export function publishedChecksSource(db: Db): (schedule: MonitoringSchedule) => Promise<MonitoringChecksSource> {
  return async (schedule) => {
    const settings = await pubs.findSettings(db, schedule.table_name);
    const targets = (settings?.targets ?? []) as PublishTarget[];
    const table = targets.find((t) => t.kind === 'uc_table');
    if (table?.kind === 'uc_table') {
      let fingerprint: string | null = null;
      if (schedule.version !== null) {
        const version = await ruleSetRepo.findVersion(db, schedule.table_name, schedule.version);
        if (!version) throw fieldError('version', `version ${schedule.version} of the rule set of ${schedule.table_name} does not exist.`);
        fingerprint = version.rule_set_fingerprint;
      }
      return { kind: 'table', table: table.table, runConfigName: schedule.table_name, ruleSetFingerprint: fingerprint };
    }
    const file = targets.find((t) => t.kind === 'volume_file');
    if (file?.kind === 'volume_file') {
      if (schedule.version !== null) {
        throw fieldError(
          'version',
          `the rule set of ${schedule.table_name} is published to a checks file (${file.path}), which holds only the latest published version: leave the version empty (the active one), or publish to a checks table (History → Publishing) to pin a version.`,
        );
      }
      return { kind: 'volume_file', path: file.path };
    }
    throw badRequest(
      `Publish the rule set first (History → Publishing): a scheduled check on Databricks runs DQX on the published checks of ${schedule.table_name}, and its rule set has no checks table or volume file to publish to.`,
    );
  };
}

const MONITORING_JOBS = Symbol.for('dqx.monitoringJobs');
type MonitoringJobsHolder = { [MONITORING_JOBS]?: ReturnType<typeof createDatabricksMonitoringJobs> };

/**
 * The process's monitoring jobs (databricks mode), created on first use: the deployment's
 * configuration, the app's service principal (as run-deps.ts does for the job runner), the
 * published checks of the process's store. Throws a 503 naming the missing binding.
 */
export function defaultMonitoringJobs(): ReturnType<typeof createDatabricksMonitoringJobs> {
  const holder = globalThis as MonitoringJobsHolder;
  if (!holder[MONITORING_JOBS]) {
    const provider = getServicePrincipalTokenProvider();
    holder[MONITORING_JOBS] = createDatabricksMonitoringJobs(getConfig(), {
      tokenProvider: () => provider.getToken(),
      invalidateToken: () => provider.invalidate(),
      checksSource: async (schedule) => {
        const { getStore } = await import('@/db');
        return publishedChecksSource(await getStore())(schedule);
      },
    });
  }
  return holder[MONITORING_JOBS];
}

async function resolve(deps: ScheduleDeps = {}) {
  const { db, access } = await resolveDeps(deps);
  return {
    db,
    access,
    mode: deps.mode ?? getConfig().mode,
    monitoringJobs: (): MonitoringJobs => deps.monitoringJobs ?? defaultMonitoringJobs(),
    warehouseOf: deps.warehouseOf ?? getWarehouse,
    now: deps.now ?? (() => new Date()),
  };
}

type Resolved = Awaited<ReturnType<typeof resolve>>;

/** Reading a schedule: read access to the table. Returns the normalised name. */
async function assertMaySeeSchedule(
  caller: Caller,
  table: string,
  d: Pick<Resolved, 'access'>,
): Promise<string> {
  const { name } = await d.access.assertCanReadTable(caller, table);
  return name;
}

/**
 * The one check of changing a schedule: the steward right on the table (docs/governance.md), as
 * for thresholds and publishing. Returns the normalised name.
 */
async function assertMayManageSchedule(
  caller: Caller,
  table: string,
  d: Pick<Resolved, 'access'>,
  deps: ScheduleDeps | undefined,
  action: string,
) {
  const readable = await d.access.assertCanReadTable(caller, table);
  await assertRightOnReadable(caller, readable, 'steward', action, deps);
  return readable;
}

/** What the audit trail shows of a schedule: the schedule as its job sees it. */
const auditedSchedule = (row: Schedule | undefined) => (row ? monitoringScheduleOf(row) : null);

// ---- Cron and time zones ----

const fieldError = (path: string, message: string) =>
  badRequest(`${path}: ${message}`, { issues: [{ path, message }] });

/** Check a cron expression and time zone: 400 naming `cron` or `timezone`. */
export function assertValidCron(cron: string, timezone: string): void {
  try {
    parseCron(cron, timezone);
  } catch (error) {
    if (error instanceof CronError) throw fieldError(error.field, error.message);
    throw error;
  }
}

// ---- Outputs ----

/** The default outputs of a table: quarantine and metrics beside it; valid rows not copied. */
export function defaultOutputs(tableName: string): MonitoringSchedule['outputs'] {
  return {
    valid_table: null,
    quarantine_table: `${tableName}_dq_quarantine`,
    metrics_table: `${tableName}_dq_metrics`,
  };
}

function outputsOf(tableName: string, given: ScheduleInput['outputs']): MonitoringSchedule['outputs'] {
  const defaults = defaultOutputs(tableName);
  const out = { ...defaults };
  for (const key of ['valid_table', 'quarantine_table', 'metrics_table'] as const) {
    const value = given[key];
    if (value === undefined) continue;
    if (value === null || value === '') {
      out[key] = null;
      continue;
    }
    let name: string;
    try {
      name = parseTableName(value).name;
    } catch (error) {
      throw fieldError(
        `outputs.${key}`,
        `must be a full table name, catalog.schema.table (${error instanceof Error ? error.message : String(error)}).`,
      );
    }
    if (name === tableName) throw fieldError(`outputs.${key}`, 'must not be the checked table itself.');
    out[key] = name;
  }
  const names = Object.entries(out).filter(([, v]) => v !== null) as [string, string][];
  for (const [key, value] of names) {
    const other = names.find(([k, v]) => k !== key && v === value);
    if (other)
      throw fieldError(
        `outputs.${key}`,
        `is the same table as outputs.${other[0]}; each output needs its own table.`,
      );
  }
  return out;
}

// ---- Views ----

export function monitoringScheduleOf(row: Schedule): MonitoringSchedule {
  return {
    table_name: row.table_name,
    cron: row.cron,
    timezone: row.timezone,
    version: row.version,
    paused: row.paused,
    outputs: {
      valid_table: row.valid_table,
      quarantine_table: row.quarantine_table,
      metrics_table: row.metrics_table,
    },
    notify_emails: row.notify_emails,
  };
}

/**
 * When the schedule runs next. Local mode: the stored slot the scheduler will claim (in the past
 * while the app was down: that slot is still owed). Databricks mode: Databricks runs the job, so the
 * next slot after now, from the cron.
 */
export function effectiveNextRun(row: Pick<Schedule, 'cron' | 'timezone' | 'paused' | 'next_run_at'>, mode: Mode, now: Date): Date | null {
  if (row.paused) return null;
  if (mode === 'databricks') return nextSlot(row.cron, row.timezone, now);
  return row.next_run_at === null ? null : new Date(row.next_run_at);
}

async function viewOf(d: Pick<Resolved, 'db' | 'mode' | 'now'>, row: Schedule): Promise<ScheduleView> {
  const lastRun = row.last_run_id ? await runsRepo.findRun(d.db, row.last_run_id) : undefined;
  return {
    ...monitoringScheduleOf(row),
    next_run_at: iso(effectiveNextRun(row, d.mode, d.now())),
    last_run_at: iso(row.last_run_at),
    last_run_id: row.last_run_id,
    last_run_status: lastRun?.status ?? null,
    outputs_status: row.outputs_status,
    outputs_message: row.outputs_message,
    external_job_id: row.external_job_id,
    created_by: row.created_by,
    updated_by: row.updated_by,
    updated_at: iso(row.updated_at)!,
  };
}

async function dtoOf(
  d: Pick<Resolved, 'db' | 'mode' | 'now'>,
  name: string,
  row: Schedule | undefined,
): Promise<ScheduleDto> {
  return {
    table_name: name,
    schedule: row ? await viewOf(d, row) : null,
    default_outputs: defaultOutputs(name),
    runs_on: d.mode,
  };
}

// ---- Use cases ----

export async function getSchedule(caller: Caller, table: string, deps?: ScheduleDeps): Promise<ScheduleDto> {
  const d = await resolve(deps);
  const name = await assertMaySeeSchedule(caller, table, d);
  return dtoOf(d, name, await repo.findSchedule(d.db, name));
}

/**
 * Create or replace the table's schedule. 400 names a bad `cron`, `timezone`, `version` or output.
 * A new schedule, a changed cron or time zone, and a resumed schedule count slots from now on:
 * slots before are not taken as missed. Databricks mode: the job is created or updated first
 * (nothing is saved when that fails).
 */
export async function saveSchedule(
  caller: Caller,
  table: string,
  input: ScheduleInput,
  deps?: ScheduleDeps,
): Promise<ScheduleDto> {
  const d = await resolve(deps);
  const readable = await assertMayManageSchedule(caller, table, d, deps, 'Changing the schedule of');
  const name = readable.name;
  const timezone = input.timezone;
  const cron = input.cron.replace(/\s+/g, ' ');
  assertValidCron(cron, timezone);
  if (input.version !== null && !(await ruleSetRepo.findVersion(d.db, name, input.version))) {
    throw fieldError('version', `version ${input.version} of the rule set of ${name} does not exist.`);
  }
  const outputs = outputsOf(name, input.outputs);
  const now = d.now();
  const existing = await repo.findSchedule(d.db, name);
  const schedule: MonitoringSchedule = {
    table_name: name,
    cron,
    timezone,
    version: input.version,
    paused: input.paused,
    outputs,
    notify_emails: [...new Set(input.notify_emails.map((e) => e.toLowerCase()))],
  };
  let jobId = existing?.external_job_id ?? null;
  if (d.mode === 'databricks') {
    // The job reads the table as its own principal, which the table's row filters, column masks
    // and ABAC policies do not restrict as they restrict the caller: such a table never gets a job
    // (the same check as the validation job path, read as the caller).
    const refusal = await jobPathRefusal(d.warehouseOf(caller), readable.ref, name);
    if (refusal) throw badRequest(`${refusal} Check it with manual runs on the SQL warehouse instead.`);
    jobId = (await d.monitoringJobs().sync(schedule, jobId)).job_id;
  }
  const restart =
    !existing ||
    existing.cron !== cron ||
    existing.timezone !== timezone ||
    (existing.paused && !input.paused);
  const row = await d.db.transaction().execute(async (trx) => {
    const saved = await repo.saveSchedule(
      trx,
      {
        tableName: name,
        cron,
        timezone,
        version: schedule.version,
        paused: schedule.paused,
        validTable: outputs.valid_table,
        quarantineTable: outputs.quarantine_table,
        metricsTable: outputs.metrics_table,
        notifyEmails: schedule.notify_emails,
        nextRunAt: schedule.paused ? null : nextSlot(cron, timezone, now),
        by: caller.id,
      },
      restart ? now : null,
    );
    if (jobId !== saved.external_job_id) {
      await repo.setExternalJobId(trx, name, jobId);
      saved.external_job_id = jobId;
    }
    await recordAudit(trx, {
      caller,
      action: 'schedule.changed',
      table: name,
      target: 'schedule',
      before: auditedSchedule(existing),
      after: auditedSchedule(saved),
      detail: `${existing ? 'Changed' : 'Set'} the schedule: ${cron} (${timezone})${saved.paused ? ', paused' : ''}.`,
    });
    return saved;
  });
  return dtoOf(d, name, row);
}

/** Remove the table's schedule (databricks mode: its job too). 404 when it has none. */
export async function deleteSchedule(
  caller: Caller,
  table: string,
  deps?: ScheduleDeps,
): Promise<ScheduleDto> {
  const d = await resolve(deps);
  const { name } = await assertMayManageSchedule(caller, table, d, deps, 'Removing the schedule of');
  const existing = await repo.findSchedule(d.db, name);
  if (!existing) throw notFound(`${name} has no schedule.`);
  if (d.mode === 'databricks' && existing.external_job_id)
    await d.monitoringJobs().remove(existing.external_job_id);
  await d.db.transaction().execute(async (trx) => {
    await repo.deleteSchedule(trx, name);
    await recordAudit(trx, {
      caller,
      action: 'schedule.changed',
      table: name,
      target: 'schedule',
      before: auditedSchedule(existing),
      after: null,
      detail: 'Removed the schedule.',
    });
  });
  return dtoOf(d, name, undefined);
}

type SummaryDeps = StoreDeps & { mode?: Mode; now?: () => Date };

/** Every schedule, no access filtering (callers filter). */
export async function listScheduleSummaries(deps?: SummaryDeps): Promise<ScheduleSummary[]> {
  const { db } = await resolveDeps(deps);
  return summariesOf(await repo.listSchedules(db), deps);
}

/** One table's schedule (a normalised name; no access check: the caller checked), or undefined. */
export async function findScheduleSummary(tableName: string, deps?: SummaryDeps): Promise<ScheduleSummary | undefined> {
  const { db } = await resolveDeps(deps);
  const row = await repo.findSchedule(db, tableName);
  return row ? summariesOf([row], deps)[0] : undefined;
}

function summariesOf(rows: Schedule[], deps: SummaryDeps | undefined): ScheduleSummary[] {
  const mode = deps?.mode ?? getConfig().mode;
  const now = (deps?.now ?? (() => new Date()))();
  return rows.map((row) => ({
    table_name: row.table_name,
    cron: row.cron,
    timezone: row.timezone,
    paused: row.paused,
    next_run_at: iso(effectiveNextRun(row, mode, now)),
    last_run_at: iso(row.last_run_at),
    last_run_id: row.last_run_id,
  }));
}
