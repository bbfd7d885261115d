/**
 * Generation and validation runs, and the per-rule results of each run (pass-rate history per table
 * and per rule). Frozen: never edit after release; change the schema with a new migration.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are typed Kysely<any>: frozen, they must not depend on today's table types */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE dq_runs (
      id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
      kind TEXT NOT NULL CHECK (kind IN ('generation', 'validation')),
      table_name VARCHAR(500) NOT NULL
        CONSTRAINT dq_runs_table_name_normalised
        CHECK (table_name <> '' AND table_name = lower(table_name) AND table_name = btrim(table_name)),
      status TEXT NOT NULL DEFAULT 'queued'
        CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
      progress_percent SMALLINT NOT NULL DEFAULT 0 CHECK (progress_percent BETWEEN 0 AND 100),
      progress_message TEXT,
      progress_steps JSONB NOT NULL DEFAULT '[]'::jsonb,
      started_by VARCHAR(255) NOT NULL,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      started_at TIMESTAMPTZ,
      finished_at TIMESTAMPTZ,
      updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      engine TEXT NOT NULL CHECK (engine IN ('local', 'warehouse', 'job')),
      rule_set_version INTEGER,
      rule_set_fingerprint TEXT,
      parameters JSONB NOT NULL DEFAULT '{}'::jsonb,
      summary JSONB,
      error JSONB,
      output JSONB,
      external_id TEXT,
      cancel_requested BOOLEAN NOT NULL DEFAULT FALSE,
      cancel_requested_at TIMESTAMPTZ,
      cancel_requested_by VARCHAR(255),
      CONSTRAINT dq_runs_finished_when_terminal
        CHECK ((status IN ('succeeded', 'failed', 'cancelled')) = (finished_at IS NOT NULL)),
      CONSTRAINT dq_runs_rule_set_version_fkey
        FOREIGN KEY (table_name, rule_set_version) REFERENCES dq_rules_events (table_name, version)
    )`.execute(db);
  await sql`CREATE INDEX dq_runs_table_created_idx ON dq_runs (table_name, created_at DESC)`.execute(db);
  await sql`CREATE INDEX dq_runs_unfinished_idx ON dq_runs (created_at) WHERE status IN ('queued', 'running')`.execute(db);

  await sql`
    CREATE TABLE dq_run_rule_results (
      run_id UUID NOT NULL REFERENCES dq_runs (id) ON DELETE CASCADE,
      rule_index INTEGER NOT NULL CHECK (rule_index >= 0),
      rule_name TEXT NOT NULL,
      rule_fingerprint TEXT NOT NULL,
      function TEXT NOT NULL,
      criticality TEXT NOT NULL CHECK (criticality IN ('error', 'warn')),
      rows_evaluated BIGINT NOT NULL CHECK (rows_evaluated >= 0),
      failing_rows BIGINT NOT NULL CHECK (failing_rows >= 0 AND failing_rows <= rows_evaluated),
      pass_rate DOUBLE PRECISION NOT NULL CHECK (pass_rate >= 0 AND pass_rate <= 1),
      PRIMARY KEY (run_id, rule_index)
    )`.execute(db);
  await sql`CREATE INDEX dq_run_rule_results_name_idx ON dq_run_rule_results (rule_name)`.execute(db);
  await sql`CREATE INDEX dq_run_rule_results_fingerprint_idx ON dq_run_rule_results (rule_fingerprint)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE dq_run_rule_results`.execute(db);
  await sql`DROP TABLE dq_runs`.execute(db);
}
