/**
 * E-mails of alerts (issue 15 item 3, databricks mode). Frozen: never edit after release.
 *
 * A breach or a recovery of a table is e-mailed to the recipients of the table's schedule through
 * Databricks' own job e-mail notifications (a one-time run the app submits): `dq_alerts` records,
 * next to the webhook delivery, the e-mail's delivery (NULL: no e-mail in this mode, i.e. local
 * mode, and alerts recorded before this migration), the recipients it went to, the attempts, the
 * reason it failed, the Databricks run that sends it, and when Databricks accepted that run.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are typed Kysely<any>: frozen, they must not depend on today's table types */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE dq_alerts
      ADD COLUMN email_delivery TEXT CHECK (email_delivery IN ('pending', 'sent', 'failed', 'no_recipients')),
      ADD COLUMN email_recipients JSONB NOT NULL DEFAULT '[]'::jsonb
        CONSTRAINT dq_alerts_email_recipients_array CHECK (jsonb_typeof(email_recipients) = 'array'),
      ADD COLUMN email_attempts INTEGER NOT NULL DEFAULT 0,
      ADD COLUMN email_error TEXT,
      ADD COLUMN email_job_run_id VARCHAR(100),
      ADD COLUMN emailed_at TIMESTAMPTZ`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE dq_alerts
      DROP COLUMN IF EXISTS emailed_at,
      DROP COLUMN IF EXISTS email_job_run_id,
      DROP COLUMN IF EXISTS email_error,
      DROP COLUMN IF EXISTS email_attempts,
      DROP COLUMN IF EXISTS email_recipients,
      DROP COLUMN IF EXISTS email_delivery`.execute(db);
}
