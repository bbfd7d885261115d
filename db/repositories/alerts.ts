/**
 * Thresholds (`dq_alert_settings`), the alert state of tables (`dq_alert_state`) and the alert log
 * (`dq_alerts`). Plain queries: the service decides and validates.
 */
import { sql } from 'kysely';

import type { Alert, AlertDelivery, AlertEmailDelivery, AlertSettings, AlertState, AlertStateValue, Run, RuleThreshold } from '../types';

import type { Db } from './rule-sets';
import { readsNoneOf } from './visibility';

export async function findSettings(db: Db, tableName: string, options: { forUpdate?: boolean } = {}): Promise<AlertSettings | undefined> {
  const q = db.selectFrom('dq_alert_settings').selectAll().where('table_name', '=', tableName);
  return (options.forUpdate ? q.forUpdate() : q).executeTakeFirst();
}

/** Insert or replace; `webhookUrl` undefined keeps the stored one. */
export async function saveSettings(
  db: Db,
  values: { tableName: string; minPassRate: number | null; failOnErrorRows: boolean; rules: RuleThreshold[]; webhookUrl?: string | null; by: string },
): Promise<AlertSettings> {
  const row = {
    min_pass_rate: values.minPassRate,
    fail_on_error_rows: values.failOnErrorRows,
    rule_thresholds: JSON.stringify(values.rules),
    updated_by: values.by,
    ...(values.webhookUrl === undefined ? {} : { webhook_url: values.webhookUrl }),
  };
  return db
    .insertInto('dq_alert_settings')
    .values({ table_name: values.tableName, ...row })
    .onConflict((oc) => oc.column('table_name').doUpdateSet({ ...row, updated_at: sql<Date>`now()` }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findState(db: Db, tableName: string): Promise<AlertState | undefined> {
  return db.selectFrom('dq_alert_state').selectAll().where('table_name', '=', tableName).executeTakeFirst();
}

/**
 * Move the table to `state` on behalf of a run that finished at `finishedAt`. Returns the row only
 * when this call changed the state: the UPDATE is conditional on the state being another and on no
 * later run having been evaluated, so of runs finishing together exactly one makes a transition
 * (the others find the row locked, then see the state already set). A table never evaluated
 * starts `ok`: its first breach is a transition, its first success is not.
 */
export async function transitionState(
  db: Db,
  values: { tableName: string; state: AlertStateValue; runId: string; finishedAt: Date },
): Promise<AlertState | undefined> {
  await db
    .insertInto('dq_alert_state')
    .values({ table_name: values.tableName, state: 'ok' })
    .onConflict((oc) => oc.column('table_name').doNothing())
    .execute();
  const later = sql<boolean>`(run_finished_at IS NULL OR run_finished_at <= ${values.finishedAt})`;
  const changed = await db
    .updateTable('dq_alert_state')
    .set({ state: values.state, run_id: values.runId, run_finished_at: values.finishedAt, changed_at: sql<Date>`now()` })
    .where('table_name', '=', values.tableName)
    .where('state', '<>', values.state)
    .where(later)
    .returningAll()
    .executeTakeFirst();
  if (!changed) {
    // Same state: only remember the latest run evaluated.
    await db
      .updateTable('dq_alert_state')
      .set({ run_id: values.runId, run_finished_at: values.finishedAt })
      .where('table_name', '=', values.tableName)
      .where('state', '=', values.state)
      .where(later)
      .execute();
  }
  return changed;
}

export async function insertAlert(
  db: Db,
  values: {
    tableName: string;
    runId: string;
    state: AlertStateValue;
    payload: Record<string, unknown>;
    delivery?: AlertDelivery;
    /** The e-mail (databricks mode): its first delivery state and the recipients; omitted: no e-mail in this mode. */
    email?: { delivery: AlertEmailDelivery; recipients: string[] };
  },
): Promise<Alert> {
  return db
    .insertInto('dq_alerts')
    .values({
      table_name: values.tableName,
      run_id: values.runId,
      state: values.state,
      payload: JSON.stringify(values.payload),
      delivery: values.delivery,
      ...(values.email ? { email_delivery: values.email.delivery, email_recipients: JSON.stringify(values.email.recipients) } : {}),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function recordDelivery(db: Db, id: string, values: { delivery: AlertDelivery; attempts: number; error: string | null }): Promise<void> {
  await db
    .updateTable('dq_alerts')
    .set({
      delivery: values.delivery,
      attempts: values.attempts,
      delivery_error: values.error,
      delivered_at: values.delivery === 'sent' ? sql<Date>`now()` : null,
    })
    .where('id', '=', id)
    .execute();
}

export async function recordEmailDelivery(
  db: Db,
  id: string,
  values: { delivery: 'sent' | 'failed'; attempts: number; error: string | null; jobRunId: string | null },
): Promise<void> {
  await db
    .updateTable('dq_alerts')
    .set({
      email_delivery: values.delivery,
      email_attempts: values.attempts,
      email_error: values.error,
      email_job_run_id: values.jobRunId,
      emailed_at: values.delivery === 'sent' ? sql<Date>`now()` : null,
    })
    .where('id', '=', id)
    .execute();
}

/** Newest first. */
export async function listAlerts(db: Db, tableName: string, limit: number): Promise<Alert[]> {
  return db.selectFrom('dq_alerts').selectAll().where('table_name', '=', tableName).orderBy('created_at', 'desc').orderBy('id').limit(limit).execute();
}

/** The table's latest succeeded validation run that is not a dry run; runs reading a `hidden` table are passed over. */
export async function latestEvaluatedRun(db: Db, tableName: string, hidden: readonly string[] = []): Promise<Run | undefined> {
  return db
    .selectFrom('dq_runs')
    .selectAll()
    .where('table_name', '=', tableName)
    .where('kind', '=', 'validation')
    .where('status', '=', 'succeeded')
    .where(sql<boolean>`coalesce((parameters ->> 'dry_run')::boolean, false) = false`)
    .where(sql<boolean>`summary IS NOT NULL`)
    .where(readsNoneOf('dq_runs', hidden))
    .orderBy('finished_at', 'desc')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
}
