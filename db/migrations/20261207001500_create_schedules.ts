/**
 * Scheduled checks of tables (issue 15 item 2). Frozen: never edit after release.
 *
 * `dq_schedules`: per table, when its rule set runs (a 5-field cron in an IANA time zone), which
 * version (null: the active one at each run), whether it is paused, where its outputs go (valid
 * rows, quarantine, DQX metrics; null: not written) and who to notify (the Databricks job's email
 * notifications). `external_job_id` is the Databricks job of the schedule (databricks mode).
 *
 * The local scheduler claims a slot with one conditional UPDATE of `last_slot` (only when the
 * stored slot is older), so one slot runs once even with two app processes on one store.
 * `outputs_run_id` is the scheduled run whose outputs are still to be written: kept in the store
 * so any process writes them once the run has finished, and claimed the same way.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are typed Kysely<any>: frozen, they must not depend on today's table types */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE dq_schedules (
      table_name VARCHAR(500) PRIMARY KEY
        CONSTRAINT dq_schedules_table_name_normalised
        CHECK (table_name <> '' AND table_name = lower(table_name) AND table_name = btrim(table_name)),
      cron VARCHAR(200) NOT NULL,
      timezone VARCHAR(100) NOT NULL,
      version INTEGER CHECK (version IS NULL OR version > 0),
      paused BOOLEAN NOT NULL DEFAULT FALSE,
      valid_table VARCHAR(500),
      quarantine_table VARCHAR(500),
      metrics_table VARCHAR(500),
      notify_emails JSONB NOT NULL DEFAULT '[]'::jsonb
        CONSTRAINT dq_schedules_notify_emails_array CHECK (jsonb_typeof(notify_emails) = 'array'),
      external_job_id VARCHAR(100),
      last_slot TIMESTAMPTZ,
      next_run_at TIMESTAMPTZ,
      last_run_id UUID,
      last_run_at TIMESTAMPTZ,
      outputs_run_id UUID,
      outputs_status TEXT CHECK (outputs_status IN ('written', 'failed', 'skipped')),
      outputs_message TEXT,
      created_by VARCHAR(255) NOT NULL,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      updated_by VARCHAR(255) NOT NULL,
      updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX dq_schedules_due_idx ON dq_schedules (next_run_at) WHERE NOT paused`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS dq_schedules`.execute(db);
}
