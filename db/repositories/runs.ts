/**
 * Runs (`dq_runs`) and their per-rule results (`dq_run_rule_results`). Status changes are
 * conditional updates (`WHERE status IN …`), so a finished run cannot be changed again and two
 * writers cannot both finish the same run: the loser gets `undefined`.
 */
import { sql } from 'kysely';

import type { NewRun, Run, RunError, RunKind, RunProgressStep, RunRuleResult, RunStatus, RunSummary } from '../types';

import type { Db } from './rule-sets';
import { readsNoneOf } from './visibility';

const UNFINISHED: RunStatus[] = ['queued', 'running'];

export async function insertRun(db: Db, values: NewRun): Promise<Run> {
  return db.insertInto('dq_runs').values(values).returningAll().executeTakeFirstOrThrow();
}

/** Runs started by `startedBy` that are queued or running. */
export async function countUnfinishedRunsOf(db: Db, startedBy: string): Promise<number> {
  const row = await db
    .selectFrom('dq_runs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('started_by', '=', startedBy)
    .where('status', 'in', UNFINISHED)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Serialise, until the transaction ends, every transaction that takes the same lock for `key`. */
export async function lockKey(db: Db, key: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(db);
}

export async function findRun(db: Db, id: string): Promise<Run | undefined> {
  return db.selectFrom('dq_runs').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface ProgressUpdate {
  percent?: number;
  message?: string | null;
  steps?: RunProgressStep[];
}

/** queued -> running. Undefined when the run is not queued. */
export async function markRunRunning(db: Db, id: string, progress: ProgressUpdate = {}): Promise<Run | undefined> {
  return db
    .updateTable('dq_runs')
    .set({
      status: 'running',
      started_at: sql<Date>`now()`,
      updated_at: sql<Date>`now()`,
      ...progressColumns(progress),
    })
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .returningAll()
    .executeTakeFirst();
}

function progressColumns(progress: ProgressUpdate) {
  return {
    ...(progress.percent === undefined ? {} : { progress_percent: Math.round(progress.percent) }),
    ...(progress.message === undefined ? {} : { progress_message: progress.message }),
    ...(progress.steps === undefined ? {} : { progress_steps: JSON.stringify(progress.steps) }),
  };
}

/** Progress of an unfinished run. Undefined when the run is finished (or unknown). */
export async function updateRunProgress(db: Db, id: string, progress: ProgressUpdate): Promise<Run | undefined> {
  return db
    .updateTable('dq_runs')
    .set({ updated_at: sql<Date>`now()`, ...progressColumns(progress) })
    .where('id', '=', id)
    .where('status', 'in', UNFINISHED)
    .returningAll()
    .executeTakeFirst();
}

export async function setRunExternalId(db: Db, id: string, externalId: string): Promise<void> {
  await db.updateTable('dq_runs').set({ external_id: externalId, updated_at: sql<Date>`now()` }).where('id', '=', id).execute();
}

/** Ask an unfinished run to stop; the runner sees `cancel_requested`. Undefined when finished. */
export async function requestRunCancel(db: Db, id: string, by: string): Promise<Run | undefined> {
  return db
    .updateTable('dq_runs')
    .set({
      cancel_requested: true,
      cancel_requested_at: sql<Date>`coalesce(cancel_requested_at, now())`,
      cancel_requested_by: sql<string>`coalesce(cancel_requested_by, ${by})`,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .where('status', 'in', UNFINISHED)
    .returningAll()
    .executeTakeFirst();
}

export interface RunOutcome {
  status: Extract<RunStatus, 'succeeded' | 'failed' | 'cancelled'>;
  summary?: RunSummary | null;
  error?: RunError | null;
  output?: unknown;
  progressMessage?: string | null;
}

/** running/queued -> a final status. Undefined when the run was already finished. */
export async function finishRun(db: Db, id: string, outcome: RunOutcome): Promise<Run | undefined> {
  return db
    .updateTable('dq_runs')
    .set({
      status: outcome.status,
      finished_at: sql<Date>`now()`,
      started_at: sql<Date>`coalesce(started_at, now())`,
      updated_at: sql<Date>`now()`,
      ...(outcome.status === 'succeeded' ? { progress_percent: 100 } : {}),
      ...(outcome.progressMessage === undefined ? {} : { progress_message: outcome.progressMessage }),
      summary: outcome.summary ? JSON.stringify(outcome.summary) : null,
      error: outcome.error ? JSON.stringify(outcome.error) : null,
      ...(outcome.output === undefined ? {} : { output: JSON.stringify(outcome.output) }),
    })
    .where('id', '=', id)
    .where('status', 'in', UNFINISHED)
    .returningAll()
    .executeTakeFirst();
}

export type NewRuleResult = Omit<RunRuleResult, 'run_id'>;

export async function insertRuleResults(db: Db, runId: string, results: NewRuleResult[]): Promise<void> {
  // Bounded batches: Postgres allows at most 65535 bound parameters per statement.
  for (let i = 0; i < results.length; i += 1000) {
    await db
      .insertInto('dq_run_rule_results')
      .values(results.slice(i, i + 1000).map((r) => ({ ...r, run_id: runId })))
      .execute();
  }
}

export async function ruleResultsOfRun(db: Db, runId: string): Promise<RunRuleResult[]> {
  return db.selectFrom('dq_run_rule_results').selectAll().where('run_id', '=', runId).orderBy('rule_index').execute();
}

/** The distinct tables the runs of these tables read (besides, and including, their own). */
export async function tablesReadByRunsOf(db: Db, tableNames: readonly string[]): Promise<string[]> {
  if (tableNames.length === 0) return [];
  const rows = await sql<{ name: string }>`
    SELECT DISTINCT rt.name FROM dq_runs AS r, jsonb_array_elements_text(r.read_tables) AS rt(name)
    WHERE r.read_tables IS NOT NULL AND r.table_name IN (${sql.join(tableNames.map((t) => sql.val(t)))})
    ORDER BY rt.name`.execute(db);
  return rows.rows.map((r) => r.name);
}

/** Runs of a table, newest first, without their output; runs that read a `hidden` table are left out. */
export async function listRunsOfTable(
  db: Db,
  tableName: string,
  options: { kind?: RunKind; limit: number; offset: number; hidden?: readonly string[] },
): Promise<{ items: Omit<Run, 'output'>[]; total: number }> {
  let base = db
    .selectFrom('dq_runs')
    .where('table_name', '=', tableName)
    .where(readsNoneOf('dq_runs', options.hidden ?? []));
  if (options.kind) base = base.where('kind', '=', options.kind);
  const [items, total] = await Promise.all([
    base
      .select([
        'id',
        'kind',
        'table_name',
        'status',
        'progress_percent',
        'progress_message',
        'progress_steps',
        'started_by',
        'created_at',
        'started_at',
        'finished_at',
        'updated_at',
        'engine',
        'rule_set_version',
        'rule_set_fingerprint',
        'parameters',
        'summary',
        'error',
        'external_id',
        'cancel_requested',
        'cancel_requested_at',
        'cancel_requested_by',
        'owner_id',
        'read_tables',
      ])
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(options.limit)
      .offset(options.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
}

/** Dry runs validate a sample of the table with draft rules: they are kept, but are not the table's pass-rate history. */
const notDryRun = (parameters: ReturnType<typeof sql.ref>) => sql<boolean>`coalesce((${parameters} ->> 'dry_run')::boolean, false) = false`;

/** A validation run that left rules not evaluated (a pass rate over part of the rules). */
export const incompleteRun = (summary: ReturnType<typeof sql.ref>) =>
  sql<boolean>`coalesce((${summary} ->> 'rules_not_evaluated')::int, 0) > 0`;

export interface PassRatePoint {
  run_id: string;
  finished_at: Date;
  rule_set_version: number | null;
  pass_rate: number;
  /** Some rules of the run were not evaluated: the pass rate covers the others only. */
  incomplete: boolean;
}

/** Pass rate of the table's succeeded validation runs, oldest first (the last `limit` of them). */
export async function tablePassRates(
  db: Db,
  tableName: string,
  limit: number,
  hidden: readonly string[] = [],
): Promise<PassRatePoint[]> {
  const rows = await db
    .selectFrom('dq_runs')
    .select([
      'id as run_id',
      'finished_at',
      'rule_set_version',
      sql<number>`(summary ->> 'pass_rate')::double precision`.as('pass_rate'),
      incompleteRun(sql.ref('summary')).as('incomplete'),
    ])
    .where('table_name', '=', tableName)
    .where('kind', '=', 'validation')
    .where('status', '=', 'succeeded')
    .where(notDryRun(sql.ref('parameters')))
    .where(sql<boolean>`summary ? 'pass_rate'`)
    .where(readsNoneOf('dq_runs', hidden))
    .orderBy('finished_at', 'desc')
    .limit(limit)
    .execute();
  return rows.reverse().map((r) => ({ ...r, finished_at: r.finished_at as Date }));
}

/** A run's point with one rule's result in it. */
export type RulePassRatePoint = PassRatePoint & Omit<RunRuleResult, 'run_id' | 'rule_index' | 'pass_rate'>;

/** Per-rule pass rates over the table's succeeded validation runs, oldest first. */
export async function rulePassRates(
  db: Db,
  tableName: string,
  filter: { ruleName?: string; fingerprint?: string; limit: number; hidden?: readonly string[] },
): Promise<RulePassRatePoint[]> {
  let query = db
    .selectFrom('dq_run_rule_results as rr')
    .innerJoin('dq_runs as r', 'r.id', 'rr.run_id')
    .select([
      'r.id as run_id',
      'r.finished_at',
      'r.rule_set_version',
      'rr.pass_rate',
      incompleteRun(sql.ref('r.summary')).as('incomplete'),
      'rr.rule_name',
      'rr.rule_fingerprint',
      'rr.function',
      'rr.criticality',
      'rr.rows_evaluated',
      'rr.failing_rows',
    ])
    .where('r.table_name', '=', tableName)
    .where('r.kind', '=', 'validation')
    .where('r.status', '=', 'succeeded')
    .where(notDryRun(sql.ref('r.parameters')))
    .where(readsNoneOf('r', filter.hidden ?? []));
  if (filter.ruleName !== undefined) query = query.where('rr.rule_name', '=', filter.ruleName);
  if (filter.fingerprint !== undefined) query = query.where('rr.rule_fingerprint', '=', filter.fingerprint);
  const rows = await query.orderBy('r.finished_at', 'desc').orderBy('rr.rule_index').limit(filter.limit).execute();
  return rows.reverse().map((r) => ({ ...r, finished_at: r.finished_at as Date }));
}

/**
 * Scheduled Databricks job runs brought into the history (lib/services/scheduled-job-ingest.ts) are
 * validation runs whose parameters carry `trigger = 'schedule'`, the job (`job_id`) and the job run
 * (`job_run_id`). The greatest job run id of `jobId` recorded (and finished) for the table; null for
 * none. A run recorded but left unfinished (its process stopped) is not counted, so it is read again.
 */
export async function lastIngestedJobRunId(db: Db, tableName: string, jobId: string): Promise<string | null> {
  const row = await db
    .selectFrom('dq_runs')
    .select(sql<string | null>`max((parameters->>'job_run_id')::numeric)::text`.as('last'))
    .where('table_name', '=', tableName)
    .where(sql<boolean>`parameters->>'trigger' = 'schedule'`)
    .where(sql<boolean>`parameters->>'job_id' = ${jobId}`)
    .where(sql<boolean>`parameters->>'job_run_id' ~ '^[0-9]+$'`)
    .where('status', 'not in', UNFINISHED)
    .executeTakeFirst();
  return row?.last ?? null;
}

/** The run recorded for a scheduled job run of the table, if any. */
export async function findIngestedJobRun(db: Db, tableName: string, jobRunId: string): Promise<Run | undefined> {
  return db
    .selectFrom('dq_runs')
    .selectAll()
    .where('table_name', '=', tableName)
    .where(sql<boolean>`parameters->>'trigger' = 'schedule'`)
    .where(sql<boolean>`parameters->>'job_run_id' = ${jobRunId}`)
    .executeTakeFirst();
}
