/**
 * The audit trail (issue 16 item 3). Frozen: never edit after release.
 *
 * `dq_audit_events`: one row per change (a version saved, imported, activated or rolled back,
 * publishing settings changed, a publish, thresholds changed, and later proposals, schedules and
 * settings), written in the same transaction as the change it records: who (`actor`), when, what
 * (`action`, `table_name`, `target`), the state before and after (JSON, secrets already redacted by
 * the service) and the request id.
 *
 * Append-only, enforced by the database: statement-level triggers raise on every UPDATE, DELETE and
 * TRUNCATE of the table (even one that would touch no row). The app connects as the role that owns
 * the table, so privileges alone could not stop it; the trigger does, until someone with the
 * owner's rights drops or disables it on purpose (which is itself a schema change, outside the app).
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are typed Kysely<any>: frozen, they must not depend on today's table types */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE dq_audit_events (
      id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      occurred_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      actor VARCHAR(255) NOT NULL CHECK (actor <> ''),
      action VARCHAR(100) NOT NULL
        CONSTRAINT dq_audit_events_action_form CHECK (action ~ '^[a-z_]+(\\.[a-z_]+)*$'),
      table_name VARCHAR(500)
        CONSTRAINT dq_audit_events_table_name_normalised
        CHECK (table_name IS NULL OR (table_name <> '' AND table_name = lower(table_name) AND table_name = btrim(table_name))),
      target TEXT,
      before JSONB,
      after JSONB,
      request_id VARCHAR(200),
      detail TEXT
    )`.execute(db);
  await sql`CREATE INDEX dq_audit_events_table_idx ON dq_audit_events (table_name, occurred_at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX dq_audit_events_actor_idx ON dq_audit_events (actor, occurred_at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX dq_audit_events_time_idx ON dq_audit_events (occurred_at DESC, id DESC)`.execute(db);

  await sql`
    CREATE FUNCTION dq_audit_events_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'dq_audit_events is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
    END
    $$`.execute(db);
  await sql`
    CREATE TRIGGER dq_audit_events_no_update_delete
    BEFORE UPDATE OR DELETE ON dq_audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION dq_audit_events_refuse_change()`.execute(db);
  await sql`
    CREATE TRIGGER dq_audit_events_no_truncate
    BEFORE TRUNCATE ON dq_audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION dq_audit_events_refuse_change()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS dq_audit_events`.execute(db);
  await sql`DROP FUNCTION IF EXISTS dq_audit_events_refuse_change()`.execute(db);
}
