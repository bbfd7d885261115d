/**
 * Start-up recovery, run once when the server starts (instrumentation.ts): in-app runs (engine
 * `local` or `warehouse`) whose owner is gone (./run-owners.ts: a process on this host that is no
 * longer there, or an owner whose heartbeat is older than DQX_RUN_OWNER_GRACE_SECONDS) can no
 * longer finish; they are failed as interrupted ("start it again"). Runs of a live owner, such as
 * a second app process on the same store, are left alone. Runs that a Databricks job executes
 * (engine `job`) are left to the runner, which takes them over (the job goes on without the app).
 *
 * No 'server-only' marker here (instrumentation cannot load such modules); it talks to the store
 * through the repositories only.
 */
import type { Kysely } from 'kysely';

import type { Database } from '@/db';
import * as owners from '@/db/repositories/run-owners';
import * as repo from '@/db/repositories/runs';
import { getConfig } from '@/lib/config';
import { log } from '@/lib/log';

import { INTERRUPTED } from './run-failure';
import { newOwnerIdentity, ownerIsGone, processExists, type OwnerIdentity } from './run-owners';

export interface RecoveryOptions {
  /** An owner whose heartbeat is older than this is gone (ms). */
  graceMs: number;
  /** A run without an owner not updated for this long is abandoned (ms). */
  unownedGraceMs: number;
  /** Who is looking: this process by default (tests stand for another). */
  me?: Pick<OwnerIdentity, 'host' | 'pid' | 'processStartedAt'>;
  processExists?: (pid: number) => boolean;
}

/** Fail the in-app runs whose owner is gone; returns their ids. */
export async function failAbandonedRuns(db: Kysely<Database>, options: RecoveryOptions): Promise<string[]> {
  const me = options.me ?? newOwnerIdentity();
  const failed: string[] = [];
  for (const candidate of await owners.listOrphanCandidates(db, {
    me: null,
    graceMs: options.graceMs,
    unownedGraceMs: options.unownedGraceMs,
  })) {
    if (candidate.run.engine === 'job') continue;
    if (!ownerIsGone(candidate, me, options.processExists ?? processExists)) continue;
    if (!(await owners.claimRun(db, candidate.run.id, candidate.owner?.id ?? null, null))) continue;
    const finished = await repo.finishRun(db, candidate.run.id, {
      status: 'failed',
      error: INTERRUPTED,
      progressMessage: INTERRUPTED.message,
    });
    if (finished) failed.push(candidate.run.id);
  }
  return failed;
}

/** At server start: fail what a stopped process left behind (failures are logged, not thrown). */
export async function recoverAtStartup(options: { unownedGraceMs?: number } = {}): Promise<void> {
  try {
    const { getStore } = await import('@/db');
    const db = await getStore();
    const failed = await failAbandonedRuns(db, {
      graceMs: getConfig().jobs.ownerGraceSeconds * 1000,
      unownedGraceMs: options.unownedGraceMs ?? 5_000,
    });
    if (failed.length) log.info('runs interrupted by the restart marked as failed', { failed });
  } catch (error) {
    log.warn('could not check for runs interrupted by a restart', { error });
  }
}
