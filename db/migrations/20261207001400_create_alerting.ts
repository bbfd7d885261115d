/**
 * Thresholds and alerts of tables (issue 15 item 3). Frozen: never edit after release.
 *
 * - `dq_alert_settings`: per table, the thresholds its finished validation runs are held to (a
 *   pass-rate minimum and "any error row" for the table, and per rule in `rule_thresholds`, a JSON
 *   array validated by the service) and the table's own webhook URL (else DQX_ALERT_WEBHOOK_URL);
 * - `dq_alert_state`: per table, whether its latest evaluated run met the thresholds (`ok`) or not
 *   (`breach`). Changed only by a conditional UPDATE, so one transition sends one alert even when
 *   runs finish together;
 * - `dq_alerts`: every breach and recovery with the figures sent and how the delivery went.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are typed Kysely<any>: frozen, they must not depend on today's table types */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE dq_alert_settings (
      table_name VARCHAR(500) PRIMARY KEY
        CONSTRAINT dq_alert_settings_table_name_normalised
        CHECK (table_name <> '' AND table_name = lower(table_name) AND table_name = btrim(table_name)),
      min_pass_rate DOUBLE PRECISION CHECK (min_pass_rate >= 0 AND min_pass_rate <= 1),
      fail_on_error_rows BOOLEAN NOT NULL DEFAULT FALSE,
      rule_thresholds JSONB NOT NULL DEFAULT '[]'::jsonb
        CONSTRAINT dq_alert_settings_rules_array CHECK (jsonb_typeof(rule_thresholds) = 'array'),
      webhook_url TEXT,
      updated_by VARCHAR(255) NOT NULL,
      updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE dq_alert_state (
      table_name VARCHAR(500) PRIMARY KEY,
      state TEXT NOT NULL CHECK (state IN ('ok', 'breach')),
      run_id UUID,
      run_finished_at TIMESTAMPTZ,
      changed_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE dq_alerts (
      id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
      table_name VARCHAR(500) NOT NULL,
      run_id UUID NOT NULL REFERENCES dq_runs (id),
      state TEXT NOT NULL CHECK (state IN ('breach', 'ok')),
      payload JSONB NOT NULL,
      delivery TEXT NOT NULL DEFAULT 'pending' CHECK (delivery IN ('pending', 'sent', 'failed', 'no_webhook')),
      attempts INTEGER NOT NULL DEFAULT 0,
      delivery_error TEXT,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      delivered_at TIMESTAMPTZ
    )`.execute(db);
  await sql`CREATE INDEX dq_alerts_table_idx ON dq_alerts (table_name, created_at DESC)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS dq_alerts`.execute(db);
  await sql`DROP TABLE IF EXISTS dq_alert_state`.execute(db);
  await sql`DROP TABLE IF EXISTS dq_alert_settings`.execute(db);
}
