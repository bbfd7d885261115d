/**
 * Publishing to DQX's Lakebase checks table (issue 15 item 1): `lakebase_table` becomes a target
 * kind the publication log accepts. Frozen: never edit after release.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are typed Kysely<any>: frozen, they must not depend on today's table types */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE dq_publications DROP CONSTRAINT dq_publications_target_kind_check`.execute(db);
  await sql`
    ALTER TABLE dq_publications ADD CONSTRAINT dq_publications_target_kind_check
      CHECK (target_kind IN ('uc_table', 'volume_file', 'local_file', 'local_table', 'lakebase_table'))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DELETE FROM dq_publications WHERE target_kind = 'lakebase_table'`.execute(db);
  await sql`ALTER TABLE dq_publications DROP CONSTRAINT dq_publications_target_kind_check`.execute(db);
  await sql`
    ALTER TABLE dq_publications ADD CONSTRAINT dq_publications_target_kind_check
      CHECK (target_kind IN ('uc_table', 'volume_file', 'local_file', 'local_table'))`.execute(db);
}
