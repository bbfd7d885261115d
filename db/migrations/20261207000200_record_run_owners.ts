/**
 * Runs have owners: the app process (a runner instance) that executes an in-app run records itself
 * in `dq_run_owners` (a per-process instance id, its host and process id, when the process started)
 * and refreshes its heartbeat while it lives; each unfinished run names its owner. Restart recovery
 * then fails only runs whose owner is gone (heartbeat older than a grace period, or a process on the
 * same host that is no longer there), so a second app process no longer fails the first one's runs.
 * Also an index for counting a user's unfinished runs (the per-user limit).
 * Frozen: never edit after release; change the schema with a new migration.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are typed Kysely<any>: frozen, they must not depend on today's table types */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE dq_run_owners (
      id UUID PRIMARY KEY,
      host TEXT NOT NULL,
      pid INTEGER NOT NULL CHECK (pid > 0),
      process_started_at TIMESTAMPTZ NOT NULL,
      started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      heartbeat_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`
    ALTER TABLE dq_runs
      ADD COLUMN owner_id UUID REFERENCES dq_run_owners (id) ON DELETE SET NULL`.execute(db);
  await sql`CREATE INDEX dq_runs_owner_unfinished_idx ON dq_runs (owner_id) WHERE status IN ('queued', 'running')`.execute(
    db,
  );
  await sql`CREATE INDEX dq_runs_started_by_unfinished_idx ON dq_runs (started_by) WHERE status IN ('queued', 'running')`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX dq_runs_started_by_unfinished_idx`.execute(db);
  await sql`DROP INDEX dq_runs_owner_unfinished_idx`.execute(db);
  await sql`ALTER TABLE dq_runs DROP COLUMN owner_id`.execute(db);
  await sql`DROP TABLE dq_run_owners`.execute(db);
}
