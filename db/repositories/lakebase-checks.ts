/**
 * DQX's Lakebase checks table (`LakebaseChecksStorageConfig`, `LakebaseChecksStorageHandler` in
 * DQX 0.17) kept in the store's own database, in a schema of its own: created as DQX's
 * `get_table_definition` creates it (the same column names, types and defaults), the versioning and
 * `message_expr` columns added to an older table as DQX's save adds them, one batch of rows per
 * publish stamped with one `created_at` (UTC, `timestamp without time zone`, as DQX writes
 * `datetime.now(timezone.utc)` into its `DateTime` column on a UTC server).
 *
 * `check` and `user_metadata` are JSONB made from the checks file's JSON text of each check (so a
 * float written `2.0` stays `2.0`, and DQX's `{"__decimal__": ...}` markers are kept, as DQX's
 * normaliser writes them). Identifiers are validated by the caller and quoted by Kysely; every
 * value is a bound parameter.
 *
 * One publish is one transaction, serialised per table and run config by an advisory lock.
 */
import { sql } from 'kysely';

import type { Db } from './rule-sets';

/** A plain Postgres identifier: the only names a checks table or its schema may have. */
export const LAKEBASE_IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

export interface LakebaseChecksRow {
  name: string | null;
  criticality: string;
  /** The check's own JSON text (a JSON object, as the checks file writes it). */
  checkJson: string;
  filter: string | null;
  run_config_name: string;
  message_expr: string | null;
  rule_fingerprint: string;
  rule_set_fingerprint: string;
}

export interface LakebaseTable {
  schema: string;
  table: string;
}

function assertIdent(name: string): void {
  if (!LAKEBASE_IDENT.test(name)) throw new RangeError(`Not a plain Postgres identifier: ${name}`);
}

const ref = (t: LakebaseTable) => sql.id(t.schema, t.table);

/** The database the store is in (the `database` part of DQX's `database.schema.table` location). */
export async function currentDatabase(db: Db): Promise<string> {
  const { rows } = await sql<{ name: string }>`SELECT current_database() AS name`.execute(db);
  return rows[0]!.name;
}

/**
 * Write `rows` (one rule set, one run config) as the latest batch of `t`. `unchanged` when the latest
 * batch already is this rule set; an older batch of the same rule set is deleted first (a rollback),
 * so the latest batch is exactly the rule set, without duplicates.
 */
export async function writeLakebaseChecks(db: Db, t: LakebaseTable, rows: LakebaseChecksRow[]): Promise<'published' | 'unchanged'> {
  assertIdent(t.schema);
  assertIdent(t.table);
  if (rows.length === 0) throw new RangeError('A checks batch needs at least one row');
  const runConfig = rows[0]!.run_config_name;
  const fingerprint = rows[0]!.rule_set_fingerprint;
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`dqx-checks:${t.schema}.${t.table}:${runConfig}`}, 0))`.execute(trx);
    await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(t.schema)}`.execute(trx);
    await sql`CREATE TABLE IF NOT EXISTS ${ref(t)} (
      name VARCHAR(255),
      criticality VARCHAR(50) DEFAULT 'error',
      "check" JSONB,
      filter TEXT,
      run_config_name VARCHAR(255) DEFAULT 'default',
      user_metadata JSONB,
      message_expr TEXT,
      created_at TIMESTAMP WITHOUT TIME ZONE,
      rule_fingerprint VARCHAR(64),
      rule_set_fingerprint VARCHAR(64)
    )`.execute(trx);
    // A table DQX created before versioning or message_expr: the columns DQX's own save adds.
    await sql`ALTER TABLE ${ref(t)}
      ADD COLUMN IF NOT EXISTS created_at TIMESTAMP WITHOUT TIME ZONE,
      ADD COLUMN IF NOT EXISTS rule_fingerprint VARCHAR(64),
      ADD COLUMN IF NOT EXISTS rule_set_fingerprint VARCHAR(64),
      ADD COLUMN IF NOT EXISTS message_expr TEXT`.execute(trx);

    // The batch DQX's load picks: the latest, ordered as DQX orders it.
    const latest = await sql<{ rule_set_fingerprint: string }>`
      SELECT rule_set_fingerprint FROM ${ref(t)}
       WHERE run_config_name = ${runConfig} AND rule_set_fingerprint IS NOT NULL
       ORDER BY created_at DESC NULLS LAST, rule_set_fingerprint DESC NULLS LAST LIMIT 1`.execute(trx);
    if (latest.rows[0]?.rule_set_fingerprint === fingerprint) return 'unchanged';
    await sql`DELETE FROM ${ref(t)} WHERE run_config_name = ${runConfig} AND rule_set_fingerprint = ${fingerprint}`.execute(trx);

    const values = rows.map(
      (r) => sql`(${r.name}, ${r.criticality}, (${r.checkJson}::jsonb) -> 'check', ${r.filter}, ${r.run_config_name},
        NULLIF((${r.checkJson}::jsonb) -> 'user_metadata', 'null'::jsonb), ${r.message_expr}, stamp.at,
        ${r.rule_fingerprint}, ${r.rule_set_fingerprint})`,
    );
    await sql`INSERT INTO ${ref(t)} (name, criticality, "check", filter, run_config_name, user_metadata, message_expr, created_at, rule_fingerprint, rule_set_fingerprint)
      SELECT v.* FROM (SELECT clock_timestamp() AT TIME ZONE 'UTC' AS at) AS stamp,
        LATERAL (VALUES ${sql.join(values)}) AS v`.execute(trx);
    return 'published';
  });
}
