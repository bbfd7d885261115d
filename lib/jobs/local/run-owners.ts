/**
 * Who owns a run, and whether that owner is gone. Every in-app runner (one per app process)
 * registers as an owner: a random instance id, the host and process id, when the process started.
 * It refreshes a heartbeat while it lives (db/repositories/run-owners.ts). An owner is gone when:
 *
 * - its heartbeat is older than the grace period (DQX_RUN_OWNER_GRACE_SECONDS): a process that
 *   stopped, on this host or another;
 * - it ran on this host, and its process is no longer there (an earlier `npm start`), or has this
 *   process's id but started before this process did (a restarted container reuses process ids):
 *   known at once, without waiting for the grace period.
 *
 * A run without an owner (created by a process that stopped before handing it to its runner, or
 * before owners were recorded) is abandoned when it was not updated for the grace period.
 * No 'server-only' marker: instrumentation.ts loads this through ./recovery.ts.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';

import type { OrphanCandidate } from '@/db/repositories/run-owners';

export interface OwnerIdentity {
  id: string;
  host: string;
  pid: number;
  processStartedAt: Date;
}

/** When this process started (to the millisecond). */
export const processStartedAt = (): Date => new Date(Math.floor(Date.now() - process.uptime() * 1000));

/** A new owner identity for a runner of this process. */
export function newOwnerIdentity(overrides: Partial<OwnerIdentity> = {}): OwnerIdentity {
  return {
    id: randomUUID(),
    host: os.hostname(),
    pid: process.pid,
    processStartedAt: processStartedAt(),
    ...overrides,
  };
}

/** Whether a process with this id exists on this host. */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Clocks of one host disagree by rounding only; a process that started this much earlier is another one. */
const SAME_START_TOLERANCE_MS = 2_000;

/**
 * Whether the run's owner is gone, seen from `me` (this process: host, pid and start time).
 * `exists` checks a process id on this host (injectable for tests).
 */
export function ownerIsGone(
  candidate: OrphanCandidate,
  me: Pick<OwnerIdentity, 'host' | 'pid' | 'processStartedAt'>,
  exists: (pid: number) => boolean = processExists,
): boolean {
  const { owner } = candidate;
  if (!owner) return candidate.runStale;
  if (candidate.ownerStale) return true;
  if (owner.host !== me.host) return false;
  if (owner.pid === me.pid) {
    return (
      new Date(owner.process_started_at).getTime() < me.processStartedAt.getTime() - SAME_START_TOLERANCE_MS
    );
  }
  return !exists(owner.pid);
}
