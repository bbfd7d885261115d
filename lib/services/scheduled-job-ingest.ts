/**
 * Scheduled checks on Databricks (issue 15 item 2): the finished runs of each schedule's job
 * (lib/jobs/databricks/monitoring-job.ts `collectScheduledRuns`) are brought into the app's run
 * history, so a scheduled run shows on the table's History, charts, thresholds and alerts like a
 * run of the local scheduler:
 *
 * - each job run becomes a validation run of the table (engine `job`) started by the schedule's last
 *   editor, with `parameters.trigger = 'schedule'`, `job_id` and `job_run_id`, and is completed
 *   through `completeRun` (./runs.ts), which holds it to the table's thresholds (./alerting.ts);
 * - where to resume is read from the history itself (the greatest `job_run_id` of the job already
 *   recorded for the table): no separate cursor to lose or to get out of step;
 * - ingesting twice never records a job run twice: the check and the insert are one transaction
 *   under a per-table lock, so two processes (or two ticks) on one store agree; a run recorded but
 *   not completed (a process stopped in between) is read again and completed on the next pass,
 *   unless the restart recovery has failed it as interrupted first (it is then left as it is).
 *
 * The job read the table as its own principal; the schedule's editor had read access, and the
 * table had no row filter, column mask or ABAC policy when the schedule was saved
 * (./schedules.ts), and the notebook refuses governed tables again at each run. Who may see a run
 * is decided when it is read, as for every run (its `read_tables`).
 *
 * `startScheduledJobIngest` runs it periodically in databricks mode (instrumentation.ts), one pass
 * at a time, never throwing (failures are logged).
 */
import 'server-only';

import { getConfig } from '@/lib/config';
import { tablesReadBy, type DqxCheck } from '@/lib/dqx';
import { collectScheduledRuns, type ScheduledRun } from '@/lib/jobs/databricks';
import type { DatabricksRestClient } from '@/lib/jobs/databricks/rest-client';
import { log } from '@/lib/log';
import type { Schedule } from '@/db';
import * as ruleSetRepo from '@/db/repositories/rule-sets';
import * as runsRepo from '@/db/repositories/runs';
import * as repo from '@/db/repositories/schedules';

import type { AlertDeliveryDeps } from './alerting';
import { completeRun, type RunCompletion } from './runs';
import { scheduledRunCompletion } from './scheduled-job-runs';
import { defaultMonitoringJobs } from './schedules';
import { resolveDeps, type StoreDeps } from './store-deps';

export interface IngestDeps extends Pick<StoreDeps, 'db'>, AlertDeliveryDeps {
  /** The Jobs API client (default: the monitoring jobs' own, as the app's service principal). */
  client?: () => DatabricksRestClient;
  /** The results volume large outputs are read from (default DQX_RESULTS_VOLUME). */
  resultsVolume?: string | undefined;
}

export interface IngestReport {
  /** Runs recorded (and completed) in this pass. */
  ingested: { table: string; jobRunId: string; runId: string; status: 'succeeded' | 'failed' }[];
  /** Schedules whose job could not be read (why); the next pass tries again. */
  failed: { table: string; error: string }[];
}

/** Failing rows kept per rule in the stored output (as a manual run's default). */
const SAMPLE_LIMIT = 10;

/** The saved version whose checks the run applied: the one it reported, else the schedule's, else the active one. */
async function versionOf(db: IngestDb, schedule: Schedule, run: ScheduledRun) {
  const reported = run.outcome.ok ? run.outcome.result.monitoring.checks.rule_set_fingerprint : null;
  if (reported) {
    const matching = await db
      .selectFrom('dq_rules_events')
      .selectAll()
      .where('table_name', '=', schedule.table_name)
      .where('rule_set_fingerprint', '=', reported)
      .orderBy('version', 'desc')
      .executeTakeFirst();
    if (matching) return matching;
  }
  if (schedule.version !== null) return ruleSetRepo.findVersion(db, schedule.table_name, schedule.version);
  return ruleSetRepo.findActiveVersion(db, schedule.table_name);
}

type IngestDb = Awaited<ReturnType<typeof resolveDeps>>['db'];

function readTablesOf(table: string, checks: DqxCheck[]): string[] {
  let others: string[] = [];
  try {
    others = tablesReadBy(checks);
  } catch {
    others = [];
  }
  return [table, ...[...new Set(others)].filter((t) => t !== table).sort()];
}

/** Record the job run as a queued run once (or find the one recorded); returns it. */
async function recordOnce(db: IngestDb, schedule: Schedule, jobId: string, run: ScheduledRun) {
  const version = await versionOf(db, schedule, run);
  const checks = (version && Array.isArray(version.rules) ? version.rules : []) as DqxCheck[];
  const visible = run.outcome.ok ? run.outcome.result.failing_rows.columns.map((c) => c.name) : [];
  return db.transaction().execute(async (trx) => {
    await runsRepo.lockKey(trx, `dqx.schedule.ingest:${schedule.table_name}`);
    const existing = await runsRepo.findIngestedJobRun(trx, schedule.table_name, run.job_run_id);
    if (existing) return { row: existing, version, checks, visible };
    const row = await runsRepo.insertRun(trx, {
      kind: 'validation',
      table_name: schedule.table_name,
      engine: 'job',
      started_by: schedule.updated_by,
      rule_set_version: version?.version ?? null,
      rule_set_fingerprint: run.outcome.ok
        ? (run.outcome.result.monitoring.checks.rule_set_fingerprint ?? version?.rule_set_fingerprint ?? null)
        : (version?.rule_set_fingerprint ?? null),
      ...(run.started_at ? { started_at: new Date(run.started_at) } : {}),
      parameters: JSON.stringify({
        version: version?.version ?? null,
        draft: false,
        dry_run: false,
        sample_rows: null,
        sample_limit: SAMPLE_LIMIT,
        run_as_job: true,
        missing_columns: 'skip',
        visible_columns: visible,
        trigger: 'schedule',
        schedule_slot: run.started_at,
        job_id: jobId,
        job_run_id: run.job_run_id,
        job_trigger: run.trigger,
      }),
      progress_steps: JSON.stringify([]),
      read_tables: JSON.stringify(readTablesOf(schedule.table_name, checks)),
    });
    return { row, version, checks, visible };
  });
}

function completionOf(
  schedule: Schedule,
  run: ScheduledRun,
  recorded: Awaited<ReturnType<typeof recordOnce>>,
): { completion: RunCompletion; outputs: { status: 'written' | 'skipped'; message: string } } {
  const done = scheduledRunCompletion(run, {
    tableName: schedule.table_name,
    version: recorded.version?.version ?? null,
    fingerprint: recorded.row.rule_set_fingerprint ?? '',
    sampleRows: null,
    sampleLimit: SAMPLE_LIMIT,
    checks: recorded.checks,
    visibleColumns: recorded.visible,
    jobRefusal: null,
    missingColumns: 'skip',
  });
  if (!done.ok) {
    return {
      completion: {
        status: 'failed',
        error: { code: done.error.type, message: done.error.cause, action: done.error.hint || 'Open the run in Databricks for details.' },
        message: done.error.cause,
      },
      outputs: { status: 'skipped', message: `No outputs: the scheduled job run ${done.jobRunId} failed.` },
    };
  }
  const written = Object.entries(done.monitoring.outputs)
    .filter(([, table]) => table)
    .map(([key, table]) => `${key.replace(/_table$/, '').replace('_', ' ')} to ${String(table)}`);
  return {
    completion: {
      status: 'succeeded',
      summary: done.summary as unknown as RunCompletion['summary'],
      rule_results: done.rule_results,
      output: done.output,
      message: `Scheduled Databricks job run ${done.jobRunId}: ${done.message}`,
    },
    outputs: { status: 'written', message: `Written by the job: ${written.join(', ') || 'no outputs'}.` },
  };
}

async function ingestSchedule(
  db: IngestDb,
  client: DatabricksRestClient,
  resultsVolume: string | undefined,
  alerting: AlertDeliveryDeps,
  schedule: Schedule,
  report: IngestReport,
) {
  const jobId = schedule.external_job_id!;
  const since = await runsRepo.lastIngestedJobRunId(db, schedule.table_name, jobId);
  const runs = await collectScheduledRuns(client, jobId, since, { resultsVolume });
  for (const run of runs) {
    const recorded = await recordOnce(db, schedule, jobId, run);
    if (recorded.row.status !== 'queued' && recorded.row.status !== 'running') continue; // recorded before
    const { completion, outputs } = completionOf(schedule, run, recorded);
    try {
      await completeRun(recorded.row.id, completion, { db, ...alerting });
    } catch (error) {
      // finished meanwhile by another process: it is recorded, nothing more to do
      if ((error as { code?: string }).code === 'conflict') continue;
      throw error;
    }
    await repo.recordIngestedRun(db, schedule.table_name, recorded.row.id, new Date(run.ended_at ?? Date.now()), outputs.status, outputs.message);
    report.ingested.push({ table: schedule.table_name, jobRunId: run.job_run_id, runId: recorded.row.id, status: completion.status === 'succeeded' ? 'succeeded' : 'failed' });
    log.info('scheduled job run recorded', { table: schedule.table_name, jobRunId: run.job_run_id, runId: recorded.row.id, status: completion.status });
  }
}

/** One pass over every schedule with a Databricks job. A schedule that fails does not stop the others. */
export async function ingestScheduledJobRuns(deps: IngestDeps = {}): Promise<IngestReport> {
  const { db } = await resolveDeps(deps);
  const report: IngestReport = { ingested: [], failed: [] };
  const schedules = (await repo.listSchedules(db)).filter((s) => s.external_job_id);
  if (schedules.length === 0) return report;
  const client = (deps.client ?? (() => defaultMonitoringJobs().client))();
  const resultsVolume = 'resultsVolume' in deps ? deps.resultsVolume : getConfig().databricks.resultsVolume;
  for (const schedule of schedules) {
    try {
      await ingestSchedule(db, client, resultsVolume, { mode: deps.mode, alertEmails: deps.alertEmails }, schedule, report);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      report.failed.push({ table: schedule.table_name, error: message });
      log.warn('scheduled job runs could not be read', { table: schedule.table_name, jobId: schedule.external_job_id, error });
    }
  }
  return report;
}

const KEY = Symbol.for('dqx.scheduledJobIngest');
type Holder = { [KEY]?: ReturnType<typeof setInterval> };

/** Start the periodic ingest (databricks mode only; once per process): one pass at a time, failures logged. */
export function startScheduledJobIngest(): void {
  const config = getConfig();
  if (config.mode !== 'databricks') return;
  const holder = globalThis as Holder;
  if (holder[KEY]) return;
  let running: Promise<unknown> | null = null;
  const pass = () => {
    if (running) return; // the previous pass is still going: never two at once
    running = ingestScheduledJobRuns()
      .catch((error: unknown) => log.warn('scheduled job runs ingest failed', { error }))
      .finally(() => {
        running = null;
      });
  };
  pass();
  holder[KEY] = setInterval(pass, config.jobs.scheduleSyncSeconds * 1000);
  holder[KEY].unref?.();
  log.info('scheduled job runs ingest started', { everySeconds: config.jobs.scheduleSyncSeconds });
}
