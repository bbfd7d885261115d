/**
 * Scheduled checks of tables (`dq_schedules`). Plain queries: the service validates, computes the
 * next slot and decides. The two claims (a slot, a run's outputs) are single conditional UPDATEs,
 * so of two processes only one wins.
 */
import { sql } from 'kysely';

import type { Schedule, ScheduleOutputsStatus } from '../types';

import type { Db } from './rule-sets';

export interface ScheduleValues {
  tableName: string;
  cron: string;
  timezone: string;
  version: number | null;
  paused: boolean;
  validTable: string | null;
  quarantineTable: string | null;
  metricsTable: string | null;
  notifyEmails: string[];
  nextRunAt: Date | null;
  by: string;
}

export async function findSchedule(db: Db, tableName: string): Promise<Schedule | undefined> {
  return db.selectFrom('dq_schedules').selectAll().where('table_name', '=', tableName).executeTakeFirst();
}

export async function listSchedules(db: Db): Promise<Schedule[]> {
  return db.selectFrom('dq_schedules').selectAll().orderBy('table_name').execute();
}

/**
 * Insert or replace a schedule. A changed cron or time zone starts from now: `last_slot` is set to
 * `now` so that slots before the change are not taken as missed (`resetSlotsFrom`).
 */
export async function saveSchedule(db: Db, values: ScheduleValues, resetSlotsFrom: Date | null): Promise<Schedule> {
  const row = {
    cron: values.cron,
    timezone: values.timezone,
    version: values.version,
    paused: values.paused,
    valid_table: values.validTable,
    quarantine_table: values.quarantineTable,
    metrics_table: values.metricsTable,
    notify_emails: JSON.stringify(values.notifyEmails),
    next_run_at: values.nextRunAt,
    updated_by: values.by,
    ...(resetSlotsFrom ? { last_slot: resetSlotsFrom } : {}),
  };
  return db
    .insertInto('dq_schedules')
    .values({ table_name: values.tableName, ...row, created_by: values.by, last_slot: resetSlotsFrom })
    .onConflict((oc) => oc.column('table_name').doUpdateSet({ ...row, updated_at: sql<Date>`now()` }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function setExternalJobId(db: Db, tableName: string, jobId: string | null): Promise<void> {
  await db.updateTable('dq_schedules').set({ external_job_id: jobId }).where('table_name', '=', tableName).execute();
}

export async function deleteSchedule(db: Db, tableName: string): Promise<Schedule | undefined> {
  return db.deleteFrom('dq_schedules').where('table_name', '=', tableName).returningAll().executeTakeFirst();
}

/** Schedules not paused whose next run is due at `now`. */
export async function listDue(db: Db, now: Date): Promise<Schedule[]> {
  return db
    .selectFrom('dq_schedules')
    .selectAll()
    .where('paused', '=', false)
    .where('next_run_at', 'is not', null)
    .where('next_run_at', '<=', now)
    .orderBy('next_run_at')
    .execute();
}

/**
 * Claim `slot` of a schedule: succeeds only when no slot as late was claimed before (by this or any
 * other process) and the schedule is not paused. Sets the next run. Returns the row when claimed.
 */
export async function claimSlot(db: Db, tableName: string, slot: Date, nextRunAt: Date | null): Promise<Schedule | undefined> {
  return db
    .updateTable('dq_schedules')
    .set({ last_slot: slot, next_run_at: nextRunAt })
    .where('table_name', '=', tableName)
    .where('paused', '=', false)
    .where((eb) => eb.or([eb('last_slot', 'is', null), eb('last_slot', '<', slot)]))
    .returningAll()
    .executeTakeFirst();
}

/** Move the next run only (a slot that was already claimed elsewhere, or a schedule without slots). */
export async function setNextRun(db: Db, tableName: string, nextRunAt: Date | null): Promise<void> {
  await db.updateTable('dq_schedules').set({ next_run_at: nextRunAt }).where('table_name', '=', tableName).execute();
}

/** The run started for the slot just claimed; its outputs are to be written once it finished. */
export async function recordRun(db: Db, tableName: string, runId: string, at: Date, withOutputs: boolean): Promise<void> {
  await db
    .updateTable('dq_schedules')
    .set({
      last_run_id: runId,
      last_run_at: at,
      outputs_run_id: withOutputs ? runId : null,
      outputs_status: null,
      outputs_message: null,
    })
    .where('table_name', '=', tableName)
    .execute();
}

/** A slot claimed whose run could not start: say why (kept until the next run). */
export async function recordStartFailure(db: Db, tableName: string, at: Date, message: string): Promise<void> {
  await db
    .updateTable('dq_schedules')
    .set({ last_run_at: at, last_run_id: null, outputs_run_id: null, outputs_status: 'failed', outputs_message: message })
    .where('table_name', '=', tableName)
    .execute();
}

/** Schedules with a run whose outputs are still to be written. */
export async function listPendingOutputs(db: Db): Promise<Schedule[]> {
  return db.selectFrom('dq_schedules').selectAll().where('outputs_run_id', 'is not', null).execute();
}

/** Take the writing of `runId`'s outputs (one process only). */
export async function claimOutputs(db: Db, tableName: string, runId: string): Promise<boolean> {
  const row = await db
    .updateTable('dq_schedules')
    .set({ outputs_run_id: null })
    .where('table_name', '=', tableName)
    .where('outputs_run_id', '=', runId)
    .returning('table_name')
    .executeTakeFirst();
  return !!row;
}

export async function recordOutputs(db: Db, tableName: string, runId: string, status: ScheduleOutputsStatus, message: string | null): Promise<void> {
  await db
    .updateTable('dq_schedules')
    .set({ outputs_status: status, outputs_message: message })
    .where('table_name', '=', tableName)
    .where('last_run_id', '=', runId)
    .execute();
}

/** A run of the schedule's Databricks job recorded in the history, with what became of its outputs (written by the job). */
export async function recordIngestedRun(
  db: Db,
  tableName: string,
  runId: string,
  at: Date,
  outputsStatus: ScheduleOutputsStatus,
  message: string | null,
): Promise<void> {
  await db
    .updateTable('dq_schedules')
    .set({ last_run_id: runId, last_run_at: at, outputs_run_id: null, outputs_status: outputsStatus, outputs_message: message })
    .where('table_name', '=', tableName)
    .execute();
}
