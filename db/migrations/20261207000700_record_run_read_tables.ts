/**
 * The exact tables a run reads, recorded when it is created. Frozen: never edit after release.
 *
 * `read_tables` is a JSON array of full table names (catalog.schema.table): the run's own table
 * and every table its rules read (reference tables, subqueries, `sql_query`). The app shows a run
 * (its detail, failing rows, report, and its place in lists and pass-rate histories) only to a
 * caller who can read every one of them. Runs recorded before this migration have none (NULL).
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are typed Kysely<any>: frozen, they must not depend on today's table types */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE dq_runs
      ADD COLUMN read_tables JSONB,
      ADD CONSTRAINT dq_runs_read_tables_array CHECK (
        read_tables IS NULL OR jsonb_typeof(read_tables) = 'array')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE dq_runs DROP CONSTRAINT IF EXISTS dq_runs_read_tables_array`.execute(db);
  await sql`ALTER TABLE dq_runs DROP COLUMN IF EXISTS read_tables`.execute(db);
}
