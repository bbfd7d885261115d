/**
 * Rule-set versions (`dq_rules_events`), the per-table counter rows (`dq_rule_sets`) and the
 * activation history (`dq_rule_activations`). Plain queries: the service opens the transaction.
 *
 * Version numbers: `takeNextVersion` increments the table's counter row with one
 * INSERT … ON CONFLICT DO UPDATE. That row stays locked until the transaction ends, so concurrent
 * saves to one table queue behind each other and each gets the next number; a rolled-back save
 * rolls its increment back too, so numbers have no gaps.
 */
import { sql, type Kysely, type Transaction } from 'kysely';

import type { ActivationAction, Database, NewRulesEvent, RuleActivation, RulesEvent } from '../types';

import { incompleteRun } from './runs';
import { readsNoneOf } from './visibility';

export type Db = Kysely<Database> | Transaction<Database>;

/** Number of checks in a stored rule list (null when the stored value is not a list). */
const ruleCount = sql<number | null>`CASE WHEN jsonb_typeof(rules) = 'array' THEN jsonb_array_length(rules) END`;

/** Create or lock the table's counter row and return the next version number. */
export async function takeNextVersion(db: Db, tableName: string): Promise<number> {
  const row = await db
    .insertInto('dq_rule_sets')
    .values({ table_name: tableName, last_version: 1 })
    .onConflict((oc) =>
      oc.column('table_name').doUpdateSet({
        last_version: sql<number>`dq_rule_sets.last_version + 1`,
        updated_at: sql<Date>`now()`,
      }),
    )
    .returning('last_version')
    .executeTakeFirstOrThrow();
  return row.last_version;
}

/** Lock the table's counter row (serialising with saves and other activations). Undefined: no rule sets. */
export async function lockRuleSet(db: Db, tableName: string): Promise<{ last_version: number } | undefined> {
  return db
    .selectFrom('dq_rule_sets')
    .select('last_version')
    .where('table_name', '=', tableName)
    .forUpdate()
    .executeTakeFirst();
}

export async function touchRuleSet(db: Db, tableName: string): Promise<void> {
  await db.updateTable('dq_rule_sets').set({ updated_at: sql<Date>`now()` }).where('table_name', '=', tableName).execute();
}

/** Deactivate the table's active version; returns its number, or null when none was active. */
export async function deactivateActiveVersion(db: Db, tableName: string): Promise<number | null> {
  const row = await db
    .updateTable('dq_rules_events')
    .set({ is_active: false })
    .where('table_name', '=', tableName)
    .where('is_active', '=', true)
    .returning('version')
    .executeTakeFirst();
  return row?.version ?? null;
}

export async function insertVersion(db: Db, values: NewRulesEvent): Promise<RulesEvent> {
  return db.insertInto('dq_rules_events').values(values).returningAll().executeTakeFirstOrThrow();
}

/** Make `version` the active one (the previous one must have been deactivated in the same transaction). */
export async function markVersionActive(db: Db, tableName: string, version: number, by: string): Promise<RulesEvent | undefined> {
  return db
    .updateTable('dq_rules_events')
    .set({ is_active: true, activated_at: sql<Date>`now()`, activated_by: by })
    .where('table_name', '=', tableName)
    .where('version', '=', version)
    .returningAll()
    .executeTakeFirst();
}

export async function recordActivation(
  db: Db,
  values: { tableName: string; version: number; previousVersion: number | null; action: ActivationAction; by: string },
): Promise<RuleActivation> {
  return db
    .insertInto('dq_rule_activations')
    .values({
      table_name: values.tableName,
      version: values.version,
      previous_version: values.previousVersion,
      action: values.action,
      activated_by: values.by,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findVersion(db: Db, tableName: string, version: number): Promise<RulesEvent | undefined> {
  return db
    .selectFrom('dq_rules_events')
    .selectAll()
    .where('table_name', '=', tableName)
    .where('version', '=', version)
    .executeTakeFirst();
}

export async function findActiveVersion(db: Db, tableName: string): Promise<RulesEvent | undefined> {
  return db
    .selectFrom('dq_rules_events')
    .selectAll()
    .where('table_name', '=', tableName)
    .where('is_active', '=', true)
    .executeTakeFirst();
}

export interface VersionListItem {
  id: string;
  version: number;
  created_at: Date;
  created_by: string;
  is_active: boolean;
  activated_at: Date | null;
  activated_by: string | null;
  user_prompt: string | null;
  rule_set_fingerprint: string | null;
  rule_count: number | null;
}

/** Versions newest first, without their rules. */
export async function listVersions(
  db: Db,
  tableName: string,
  page: { limit: number; offset: number },
): Promise<{ items: VersionListItem[]; total: number }> {
  const [items, total] = await Promise.all([
    db
      .selectFrom('dq_rules_events')
      .select([
        'id',
        'version',
        'created_at',
        'created_by',
        'is_active',
        'activated_at',
        'activated_by',
        'user_prompt',
        'rule_set_fingerprint',
        ruleCount.as('rule_count'),
      ])
      .where('table_name', '=', tableName)
      .orderBy('version', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    db
      .selectFrom('dq_rules_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('table_name', '=', tableName)
      .executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
}

export async function listActivations(db: Db, tableName: string, limit: number): Promise<RuleActivation[]> {
  return db
    .selectFrom('dq_rule_activations')
    .selectAll()
    .where('table_name', '=', tableName)
    .orderBy('activated_at', 'desc')
    .orderBy('version', 'desc')
    .limit(limit)
    .execute();
}

export interface RuleSetTableRow {
  table_name: string;
  last_version: number;
  updated_at: Date;
  active_version: number | null;
  active_rule_count: number | null;
  active_fingerprint: string | null;
  activated_at: Date | null;
  activated_by: string | null;
  last_run_id: string | null;
  last_run_status: string | null;
  last_run_created_at: Date | null;
  last_run_finished_at: Date | null;
  last_run_pass_rate: number | null;
  last_run_incomplete: boolean | null;
}

/** Every table that has rule sets, with its active version and its latest validation run. */
export async function listRuleSetTables(
  db: Db,
  tableNames?: string[],
  hidden: readonly string[] = [],
): Promise<RuleSetTableRow[]> {
  let query = db
    .selectFrom('dq_rule_sets as s')
    .leftJoin('dq_rules_events as a', (join) => join.onRef('a.table_name', '=', 's.table_name').on('a.is_active', '=', true))
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('dq_runs as r')
          .select([
            'r.id',
            'r.status',
            'r.created_at',
            'r.finished_at',
            sql<number | null>`(r.summary ->> 'pass_rate')::double precision`.as('pass_rate'),
            incompleteRun(sql.ref('r.summary')).as('incomplete'),
          ])
          .whereRef('r.table_name', '=', 's.table_name')
          .where('r.kind', '=', 'validation')
          .where(readsNoneOf('r', hidden))
          .orderBy('r.created_at', 'desc')
          .limit(1)
          .as('lr'),
      (join) => join.onTrue(),
    )
    .select([
      's.table_name',
      's.last_version',
      's.updated_at',
      'a.version as active_version',
      sql<number | null>`CASE WHEN jsonb_typeof(a.rules) = 'array' THEN jsonb_array_length(a.rules) END`.as('active_rule_count'),
      'a.rule_set_fingerprint as active_fingerprint',
      'a.activated_at',
      'a.activated_by',
      'lr.id as last_run_id',
      'lr.status as last_run_status',
      'lr.created_at as last_run_created_at',
      'lr.finished_at as last_run_finished_at',
      'lr.pass_rate as last_run_pass_rate',
      'lr.incomplete as last_run_incomplete',
    ])
    .orderBy('s.table_name');
  if (tableNames) {
    if (tableNames.length === 0) return [];
    query = query.where('s.table_name', 'in', tableNames);
  }
  return query.execute();
}

/** Names of all tables that have rule sets. */
export async function listRuleSetTableNames(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('dq_rule_sets').select('table_name').orderBy('table_name').execute();
  return rows.map((r) => r.table_name);
}
