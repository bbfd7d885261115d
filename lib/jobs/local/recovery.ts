/**
 * Start-up recovery, run once when the server starts (instrumentation.ts): runs that a previous
 * process was executing in the app (engine `local` or `warehouse`) and that nobody has reported for
 * a few seconds can no longer finish; they are failed as interrupted ("start it again"). Runs that a
 * Databricks job executes (engine `job`) are left to the runner, which takes them over (the job goes
 * on without the app).
 *
 * No 'server-only' marker here (instrumentation cannot load such modules); it talks to the store
 * through the repositories only.
 */
import type { Kysely } from 'kysely';

import type { Database } from '@/db';
import * as repo from '@/db/repositories/runs';
import { log } from '@/lib/log';

import { INTERRUPTED } from './run-failure';

/** Fail the abandoned in-app runs not updated since `before`; returns their ids. */
export async function failAbandonedRuns(db: Kysely<Database>, before: Date): Promise<string[]> {
  const failed: string[] = [];
  for (const run of await repo.listStaleRuns(db, before, 1000)) {
    if (run.engine === 'job') continue;
    if (!(await repo.claimStaleRun(db, run.id, before))) continue;
    const finished = await repo.finishRun(db, run.id, {
      status: 'failed',
      error: INTERRUPTED,
      progressMessage: INTERRUPTED.message,
    });
    if (finished) failed.push(run.id);
  }
  return failed;
}

/** At server start: fail what the previous process left behind (failures are logged, not thrown). */
export async function recoverAtStartup(options: { graceMs?: number } = {}): Promise<void> {
  try {
    const { getStore } = await import('@/db');
    const db = await getStore();
    const failed = await failAbandonedRuns(db, new Date(Date.now() - (options.graceMs ?? 5_000)));
    if (failed.length) log.info('runs interrupted by the restart marked as failed', { failed });
  } catch (error) {
    log.warn('could not check for runs interrupted by a restart', { error });
  }
}
