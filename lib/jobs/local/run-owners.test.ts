/**
 * Runs have owners: a second app process on the same store (here: a second runner instance standing
 * for another process, with the id of a real, living child process) does not fail the first one's
 * runs, at start-up or in its sweeps; the runs of an owner that is gone are failed: at once when its
 * process on this host has ended or the id was reused by a restarted container, after the grace
 * period when its heartbeat stopped on another host. On PGlite and, when TEST_DATABASE_URL is set,
 * on a real Postgres server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import os from 'node:os';

import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { storeTargets, type TestStore } from '@/db/testing/test-stores';
import * as owners from '@/db/repositories/run-owners';
import { tableAccessVia } from '@/lib/services/access';
import { createRun, getRun, type RunDetail } from '@/lib/services/runs';
import type { StoreDeps } from '@/lib/services/store-deps';
import { InMemoryCatalog, testCaller } from '@/tests/support/in-memory-warehouse';

import { LocalRunner } from './local-runner';
import { failAbandonedRuns } from './recovery';
import { processStartedAt } from './run-owners';

const alice = testCaller('alice@example.com');
const TABLE = 'main.sales.orders';

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

/** A real process that lives until it is killed: "the other app process". */
function otherProcess(): ChildProcess {
  return spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
}

describe.each(storeTargets(process.env.TEST_DATABASE_URL))('run owners on $name', (target) => {
  let store: TestStore;
  let deps: StoreDeps;
  const runners: LocalRunner[] = [];
  const children: ChildProcess[] = [];

  const runner = (options: Partial<ConstructorParameters<typeof LocalRunner>[0]> = {}) => {
    const r = new LocalRunner({ db: store.db, concurrency: 2, pollMs: 20, ...options });
    runners.push(r);
    return r;
  };
  const newRun = () =>
    createRun(alice, { kind: 'validation', table: TABLE, engine: 'local' }, { ...deps, runsPerUser: 100 });
  const status = async (id: string) => (await getRun(alice, id, deps)).status;
  async function until(
    id: string,
    done: (run: RunDetail) => boolean,
    timeoutMs = 20_000,
  ): Promise<RunDetail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const run = await getRun(alice, id, deps);
      if (done(run)) return run;
      if (Date.now() > deadline) throw new Error(`run ${id} is still ${run.status}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  /** A run that runner `r` executes until `hold` opens. */
  async function heldRun(r: LocalRunner, hold: ReturnType<typeof gate>) {
    const run = await newRun();
    r.enqueue({ runId: run.id, lane: 'work', steps: [], execute: async () => (await hold.opened, {}) });
    await until(run.id, (x) => x.status === 'running');
    // the owner is recorded with the run
    for (
      let i = 0;
      i < 100 &&
      (
        await store.db
          .selectFrom('dq_runs')
          .select('owner_id')
          .where('id', '=', run.id)
          .executeTakeFirstOrThrow()
      ).owner_id !== r.ownerId;
      i++
    ) {
      await new Promise((res) => setTimeout(res, 10));
    }
    return run;
  }

  beforeAll(async () => {
    store = await target.open();
    const catalog = new InMemoryCatalog(
      [{ name: TABLE, columns: [{ name: 'id', type: 'bigint' }] }],
      (caller) => caller === alice.id,
    );
    deps = { db: store.db, access: tableAccessVia((c) => catalog.warehouseFor(c)) };
  });
  afterEach(async () => {
    for (const r of runners.splice(0)) await r.stop();
    for (const c of children.splice(0)) c.kill('SIGKILL');
  });
  afterAll(async () => {
    await store?.close();
  });

  it('a second process starting up leaves the first one’s runs alone, and fails them once that process is gone', async () => {
    const child = otherProcess();
    children.push(child);
    // the first process: its runner, with the pid of a living process on this host
    const first = runner({ owner: { pid: child.pid!, processStartedAt: new Date(Date.now() - 60_000) } });
    await first.start();
    const hold = gate();
    const running = await heldRun(first, hold);
    await new Promise((res) => setTimeout(res, 150));

    // the second process starts: instrumentation's recovery, then its runner
    expect(await failAbandonedRuns(store.db, { graceMs: 60_000, unownedGraceMs: 0 })).not.toContain(
      running.id,
    );
    const second = runner({ staleAfterMs: 60_000, startupGraceMs: 0 });
    expect((await second.start()).failed).not.toContain(running.id);
    expect(await second.recover()).toEqual({ failed: [], adopted: [] });
    expect(await status(running.id)).toBe('running');

    // the first process ends (killed: no goodbye): its runs are failed at once, not after the grace period
    child.kill('SIGKILL');
    await new Promise<void>((res) => child.once('exit', () => res()));
    await first.crashForTests();
    expect((await second.recover()).failed).toEqual([running.id]);
    expect(await getRun(alice, running.id, deps)).toMatchObject({
      status: 'failed',
      error: { code: 'interrupted' },
    });
    hold.open();
  });

  it('an owner on another host is gone only when its heartbeat is older than the grace period', async () => {
    const remote = runner({ owner: { host: `other-host-${randomUUID()}` }, heartbeatMs: 20 });
    await remote.start();
    const hold = gate();
    const running = await heldRun(remote, hold);
    const here = runner({ staleAfterMs: 1_000 });
    await here.start();
    await new Promise((res) => setTimeout(res, 300));
    expect(await here.recover()).toEqual({ failed: [], adopted: [] }); // it is alive: its heartbeat is fresh

    await remote.crashForTests(); // stops without a word: the heartbeat stops
    await store.db
      .updateTable('dq_run_owners')
      .set({ heartbeat_at: sql<Date>`now() - interval '2 seconds'` })
      .where('id', '=', remote.ownerId)
      .execute();
    expect((await here.recover()).failed).toEqual([running.id]);
    hold.open();
  });

  it('a restarted container (same process id, started later) takes over at once', async () => {
    // the previous incarnation: this process's id, but it started an hour earlier
    const previous = {
      id: randomUUID(),
      host: os.hostname(),
      pid: process.pid,
      processStartedAt: new Date(Date.now() - 3_600_000),
    };
    await owners.registerOwner(store.db, previous);
    const orphan = await newRun();
    await owners.takeRun(store.db, orphan.id, previous.id);
    expect(
      await failAbandonedRuns(store.db, {
        graceMs: 600_000,
        unownedGraceMs: 600_000,
        me: { host: os.hostname(), pid: process.pid, processStartedAt: processStartedAt() },
      }),
    ).toEqual([orphan.id]);
  });

  it('two recoveries at once fail each abandoned run once', async () => {
    const gone = { id: randomUUID(), host: `gone-${randomUUID()}`, pid: 4242, processStartedAt: new Date() };
    await owners.registerOwner(store.db, gone);
    await store.db
      .updateTable('dq_run_owners')
      .set({ heartbeat_at: sql<Date>`now() - interval '1 hour'` })
      .where('id', '=', gone.id)
      .execute();
    const runs = [await newRun(), await newRun(), await newRun()];
    for (const r of runs) await owners.takeRun(store.db, r.id, gone.id);
    const options = { graceMs: 60_000, unownedGraceMs: 60_000 };
    const [a, b] = await Promise.all([
      failAbandonedRuns(store.db, options),
      failAbandonedRuns(store.db, options),
    ]);
    expect([...a, ...b].sort()).toEqual(runs.map((r) => r.id).sort());
  });
});
