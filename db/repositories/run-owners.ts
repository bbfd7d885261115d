/**
 * Runner instances (`dq_run_owners`) and the runs they own (`dq_runs.owner_id`). An owner refreshes
 * its heartbeat while its process lives; who is gone is decided by lib/jobs/local/run-owners.ts from
 * what `listOrphanCandidates` returns. Taking a run over is a conditional update on the previous
 * owner, so of several processes recovering at once only one gets each run.
 */
import { sql } from 'kysely';

import type { Run, RunOwner } from '../types';

import type { Db } from './rule-sets';

export interface NewOwner {
  id: string;
  host: string;
  pid: number;
  processStartedAt: Date;
}

export async function registerOwner(db: Db, owner: NewOwner): Promise<void> {
  await db
    .insertInto('dq_run_owners')
    .values({ id: owner.id, host: owner.host, pid: owner.pid, process_started_at: owner.processStartedAt })
    .onConflict((oc) => oc.column('id').doUpdateSet({ heartbeat_at: sql<Date>`now()` }))
    .execute();
}

/** Refresh the owner's heartbeat; false when its row is gone (deleted as abandoned): register again. */
export async function heartbeatOwner(db: Db, id: string): Promise<boolean> {
  const row = await db
    .updateTable('dq_run_owners')
    .set({ heartbeat_at: sql<Date>`now()` })
    .where('id', '=', id)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function removeOwner(db: Db, id: string): Promise<void> {
  await db.deleteFrom('dq_run_owners').where('id', '=', id).execute();
}

/** Make `ownerId` the owner of an unfinished run (a runner that was handed it). */
export async function takeRun(db: Db, runId: string, ownerId: string): Promise<boolean> {
  const row = await db
    .updateTable('dq_runs')
    .set({ owner_id: ownerId })
    .where('id', '=', runId)
    .where('status', 'in', ['queued', 'running'])
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** An unfinished run that is not ours, with what is known of its owner. */
export interface OrphanCandidate {
  run: Run;
  owner: Pick<RunOwner, 'id' | 'host' | 'pid' | 'process_started_at'> | null;
  /** The owner's heartbeat is older than the grace period. */
  ownerStale: boolean;
  /** The run itself was not updated for the grace period (what counts for a run without owner). */
  runStale: boolean;
}

/**
 * Unfinished runs owned by someone else (or by nobody), oldest first, with their owner and whether
 * the owner's heartbeat and the run are older than `graceMs` (by the database's clock). Runs without
 * owner count as stale after `unownedGraceMs`.
 */
export async function listOrphanCandidates(
  db: Db,
  options: { me: string | null; graceMs: number; unownedGraceMs: number; limit?: number },
): Promise<OrphanCandidate[]> {
  const grace = sql`make_interval(secs => ${options.graceMs / 1000})`;
  const unownedGrace = sql`make_interval(secs => ${options.unownedGraceMs / 1000})`;
  let query = db
    .selectFrom('dq_runs as r')
    .leftJoin('dq_run_owners as o', 'o.id', 'r.owner_id')
    .selectAll('r')
    .select([
      'o.id as o_id',
      'o.host as o_host',
      'o.pid as o_pid',
      'o.process_started_at as o_process_started_at',
      sql<boolean>`coalesce(o.heartbeat_at < now() - ${grace}, true)`.as('owner_stale'),
      sql<boolean>`r.updated_at < now() - ${unownedGrace}`.as('run_stale'),
    ])
    .where('r.status', 'in', ['queued', 'running']);
  if (options.me)
    query = query.where((eb) => eb.or([eb('r.owner_id', 'is', null), eb('r.owner_id', '!=', options.me!)]));
  const rows = await query
    .orderBy('r.created_at')
    .limit(options.limit ?? 1000)
    .execute();
  return rows.map(({ o_id, o_host, o_pid, o_process_started_at, owner_stale, run_stale, ...run }) => ({
    run: run as Run,
    owner: o_id ? { id: o_id, host: o_host!, pid: o_pid!, process_started_at: o_process_started_at! } : null,
    ownerStale: Boolean(owner_stale),
    runStale: Boolean(run_stale),
  }));
}

/**
 * Take over an unfinished run from `previousOwner` (null: it had none): it becomes `newOwner`'s
 * (null: nobody's, for a recovery that only fails it). Undefined when it changed owner or finished
 * meanwhile.
 */
export async function claimRun(
  db: Db,
  runId: string,
  previousOwner: string | null,
  newOwner: string | null,
): Promise<Run | undefined> {
  let query = db
    .updateTable('dq_runs')
    .set({ owner_id: newOwner, updated_at: sql<Date>`now()` })
    .where('id', '=', runId)
    .where('status', 'in', ['queued', 'running']);
  query =
    previousOwner === null
      ? query.where('owner_id', 'is', null)
      : query.where('owner_id', '=', previousOwner);
  return query.returningAll().executeTakeFirst();
}

/** Forget owners that stopped long ago and own no unfinished run. */
export async function removeGoneOwners(db: Db, olderThanMs: number): Promise<number> {
  const result = await db
    .deleteFrom('dq_run_owners as o')
    .where('o.heartbeat_at', '<', sql<Date>`now() - make_interval(secs => ${olderThanMs / 1000})`)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('dq_runs as r')
            .select('r.id')
            .whereRef('r.owner_id', '=', 'o.id')
            .where('r.status', 'in', ['queued', 'running']),
        ),
      ),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows ?? 0);
}
