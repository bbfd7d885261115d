/**
 * What the Monitoring page reads, for many tables at once: each query covers every table asked
 * about (no query per table), so the page costs the same handful of queries for 3 tables or 300.
 * Runs that read a `hidden` table (one the caller cannot read) are passed over, as everywhere.
 */
import { sql } from 'kysely';

import type { AlertSettings, AlertState, RunError, RunRuleResult, RunStatus } from '../types';

import type { Db } from './rule-sets';
import { incompleteRun } from './runs';
import { readsNoneOf } from './visibility';

const inList = (names: readonly string[]) => sql.join(names.map((n) => sql.val(n)));

/** Every table's thresholds row (the service decides which are set). */
export async function listAlertSettings(db: Db): Promise<AlertSettings[]> {
  return db.selectFrom('dq_alert_settings').selectAll().orderBy('table_name').execute();
}

export async function alertStatesOf(db: Db, tableNames: readonly string[]): Promise<AlertState[]> {
  if (tableNames.length === 0) return [];
  return db.selectFrom('dq_alert_state').selectAll().where('table_name', 'in', tableNames).execute();
}

export interface LatestRunRow {
  table_name: string;
  id: string;
  status: RunStatus;
  created_at: Date;
  finished_at: Date | null;
  rule_set_version: number | null;
  pass_rate: number | null;
  incomplete: boolean;
  trigger: string | null;
  error: RunError | null;
}

/** Per table, its newest validation run (dry runs aside) that has finished (succeeded, failed or cancelled). */
export async function latestFinishedRuns(db: Db, tableNames: readonly string[], hidden: readonly string[]): Promise<LatestRunRow[]> {
  if (tableNames.length === 0) return [];
  return db
    .selectFrom('dq_runs')
    .distinctOn('table_name')
    .select([
      'table_name',
      'id',
      'status',
      'created_at',
      'finished_at',
      'rule_set_version',
      sql<number | null>`CASE WHEN status = 'succeeded' THEN (summary ->> 'pass_rate')::double precision END`.as('pass_rate'),
      incompleteRun(sql.ref('summary')).as('incomplete'),
      sql<string | null>`parameters ->> 'trigger'`.as('trigger'),
      'error',
    ])
    .where('table_name', 'in', tableNames)
    .where('kind', '=', 'validation')
    .where('status', 'in', ['succeeded', 'failed', 'cancelled'])
    .where(sql<boolean>`coalesce((parameters ->> 'dry_run')::boolean, false) = false`)
    .where(readsNoneOf('dq_runs', hidden))
    .orderBy('table_name')
    .orderBy(sql`finished_at DESC NULLS LAST`)
    .orderBy('id')
    .execute() as Promise<LatestRunRow[]>;
}

/** Per table, when its newest validation run (any status, dry runs aside) was created: a run started counts against "overdue". */
export async function latestRunCreatedAt(db: Db, tableNames: readonly string[], hidden: readonly string[]): Promise<Map<string, Date>> {
  if (tableNames.length === 0) return new Map();
  const rows = await db
    .selectFrom('dq_runs')
    .select(['table_name', (eb) => eb.fn.max('created_at').as('created_at')])
    .where('table_name', 'in', tableNames)
    .where('kind', '=', 'validation')
    .where(sql<boolean>`coalesce((parameters ->> 'dry_run')::boolean, false) = false`)
    .where(readsNoneOf('dq_runs', hidden))
    .groupBy('table_name')
    .execute();
  return new Map(rows.map((r) => [r.table_name, new Date(r.created_at as Date | string)]));
}

export interface SeriesPoint {
  table_name: string;
  run_id: string;
  finished_at: Date;
  rule_set_version: number | null;
  pass_rate: number;
  /** Rows with an error-level failure (what "any error row" judges). */
  error_rows: number;
  incomplete: boolean;
}

/**
 * Per table, the pass rates of its last `perTable` succeeded validation runs (dry runs aside), oldest
 * first: the same runs as the History chart, in one query for every table.
 */
export async function recentPassRates(db: Db, tableNames: readonly string[], perTable: number, hidden: readonly string[]): Promise<SeriesPoint[]> {
  if (tableNames.length === 0) return [];
  const rows = await sql<SeriesPoint & { n: number }>`
    SELECT table_name, run_id, finished_at, rule_set_version, pass_rate, error_rows, incomplete FROM (
      SELECT r.table_name, r.id AS run_id, r.finished_at, r.rule_set_version,
             (r.summary ->> 'pass_rate')::double precision AS pass_rate,
             coalesce((r.summary ->> 'error_rows')::double precision, 0) AS error_rows,
             ${incompleteRun(sql.ref('r.summary'))} AS incomplete,
             row_number() OVER (PARTITION BY r.table_name ORDER BY r.finished_at DESC, r.id) AS n
      FROM dq_runs AS r
      WHERE r.table_name IN (${inList(tableNames)})
        AND r.kind = 'validation' AND r.status = 'succeeded'
        AND coalesce((r.parameters ->> 'dry_run')::boolean, false) = false
        AND r.summary ? 'pass_rate' AND r.finished_at IS NOT NULL
        AND ${readsNoneOf('r', hidden)}
    ) AS ranked
    WHERE n <= ${perTable}
    ORDER BY table_name, finished_at, run_id`.execute(db);
  return rows.rows.map((r) => ({ ...r, finished_at: new Date(r.finished_at), pass_rate: Number(r.pass_rate), error_rows: Number(r.error_rows) }));
}

/** The per-rule results of these runs (by run, then rule position). */
export async function ruleResultsOfRuns(db: Db, runIds: readonly string[]): Promise<RunRuleResult[]> {
  if (runIds.length === 0) return [];
  return db.selectFrom('dq_run_rule_results').selectAll().where('run_id', 'in', runIds).orderBy('run_id').orderBy('rule_index').execute();
}

export interface OpenAlertRow {
  id: string;
  table_name: string;
  run_id: string;
  created_at: Date;
  delivery: string;
}

/**
 * Per table in the `breach` alert state, the breach alert that opened it (its newest breach alert),
 * when its run is one the caller may see.
 */
export async function openAlerts(db: Db, tableNames: readonly string[], hidden: readonly string[]): Promise<OpenAlertRow[]> {
  if (tableNames.length === 0) return [];
  return db
    .selectFrom('dq_alerts as a')
    .innerJoin('dq_alert_state as s', (j) => j.onRef('s.table_name', '=', 'a.table_name').on('s.state', '=', 'breach'))
    .innerJoin('dq_runs as r', 'r.id', 'a.run_id')
    .distinctOn('a.table_name')
    .select(['a.id', 'a.table_name', 'a.run_id', 'a.created_at', 'a.delivery'])
    .where('a.table_name', 'in', tableNames)
    .where('a.state', '=', 'breach')
    .where(readsNoneOf('r', hidden))
    .orderBy('a.table_name')
    .orderBy('a.created_at', 'desc')
    .orderBy('a.id')
    .execute();
}
