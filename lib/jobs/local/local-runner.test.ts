/**
 * The in-process runner against a real store (PGlite) and, for cancellation, a real DuckDB query
 * that would run for minutes if the cancel did not interrupt it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { pgliteTestStore, type TestStore } from '@/db/testing/test-stores';
import { notFound } from '@/lib/errors';
import { tableAccessVia } from '@/lib/services/access';
import { createRun, getRun, markRunStarted, requestRunCancel, type RunDetail } from '@/lib/services/runs';
import type { StoreDeps } from '@/lib/services/store-deps';
import { createDuckDbWarehouse, type DuckDbWarehouse } from '@/lib/warehouse/duckdb';
import { InMemoryCatalog, testCaller } from '@/tests/support/in-memory-warehouse';

import { LocalRunner, type RunTask } from './local-runner';

const alice = testCaller('alice@example.com');
const TABLE = 'main.sales.orders';
/** Minutes of work for DuckDB: only an interrupt ends it in time. */
const ENDLESS_SQL = 'SELECT count(*) AS n FROM range(1000000000000) t(x) WHERE (x * 7919) % 104729 = 3';

let store: TestStore;
let deps: StoreDeps;
let duck: DuckDbWarehouse;
let root: string;
const runners: LocalRunner[] = [];

function runner(options: Partial<ConstructorParameters<typeof LocalRunner>[0]> = {}) {
  const r = new LocalRunner({ db: store.db, concurrency: 1, pollMs: 25, ...options });
  runners.push(r);
  return r;
}

async function newRun() {
  return createRun(alice, { kind: 'validation', table: TABLE, engine: 'local' }, deps);
}

async function until(runId: string, done: (run: RunDetail) => boolean, timeoutMs = 20_000): Promise<RunDetail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await getRun(alice, runId, deps);
    if (done(run)) return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} is still ${run.status}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
const finished = (run: RunDetail) => ['succeeded', 'failed', 'cancelled'].includes(run.status);

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

beforeAll(async () => {
  store = await pgliteTestStore();
  const catalog = new InMemoryCatalog([{ name: TABLE, columns: [{ name: 'id', type: 'bigint' }] }], (caller) => caller === alice.id);
  deps = { db: store.db, access: tableAccessVia((c) => catalog.warehouseFor(c)) };
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'dqx-runner-'));
  duck = createDuckDbWarehouse({ dataDir: path.join(root, 'data'), stateDir: path.join(root, 'state'), sampleCatalog: false, sampleBigRows: 1000 });
  await duck.ping();
});
afterEach(async () => {
  for (const r of runners.splice(0)) await r.stop();
});
afterAll(async () => {
  duck?.close();
  await store?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('LocalRunner', () => {
  it('runs a run in the background, writing its steps, percentage and message as it goes', async () => {
    const r = runner();
    const run = await newRun();
    const step1 = gate();
    r.enqueue({
      runId: run.id,
      lane: 'work',
      steps: [
        { key: 'read', label: 'Read', weight: 1 },
        { key: 'scan', label: 'Scan', weight: 3 },
      ],
      async execute(ctx) {
        await ctx.step('read', async () => undefined);
        await ctx.step('scan', () => step1.opened, 'Scanning the table…');
        return { output: { answer: 42 }, message: 'All done.' };
      },
    });
    const midway = await until(run.id, (x) => x.progress.steps.some((s) => s.key === 'scan' && s.status === 'running'));
    expect(midway.status).toBe('running');
    expect(midway.progress).toMatchObject({ percent: 25, message: 'Scanning the table…' });
    expect(midway.progress.steps.map((s) => [s.key, s.label, s.status])).toEqual([
      ['read', 'Read', 'done'],
      ['scan', 'Scan', 'running'],
    ]);
    step1.open();
    const done = await until(run.id, finished);
    expect(done).toMatchObject({ status: 'succeeded', output: { answer: 42 }, progress: { percent: 100, message: 'All done.' } });
    expect(done.progress.steps.every((s) => s.status === 'done')).toBe(true);
  });

  it('runs at most `concurrency` runs at once; the others wait queued', async () => {
    const r = runner({ concurrency: 1 });
    const [first, second] = [await newRun(), await newRun()];
    const gates = { [first.id]: gate(), [second.id]: gate() };
    const started: string[] = [];
    const task = (runId: string): RunTask => ({
      runId,
      lane: 'work',
      steps: [{ key: 'work', label: 'Work' }],
      async execute(ctx) {
        started.push(runId);
        await ctx.step('work', () => gates[runId]!.opened);
        return {};
      },
    });
    r.enqueue(task(first.id));
    r.enqueue(task(second.id));
    await until(first.id, (x) => x.status === 'running');
    await new Promise((res) => setTimeout(res, 150));
    expect(started).toEqual([first.id]);
    expect((await getRun(alice, second.id, deps)).status).toBe('queued');
    gates[first.id]!.open();
    await until(second.id, (x) => x.status === 'running');
    gates[second.id]!.open();
    await until(second.id, finished);
    expect(started).toEqual([first.id, second.id]);
  });

  it('cancels a running run by interrupting its DuckDB query', async () => {
    const r = runner();
    const run = await newRun();
    let queryEnded: number | null = null;
    r.enqueue({
      runId: run.id,
      lane: 'work',
      steps: [{ key: 'scan', label: 'Scan' }],
      async execute(ctx) {
        await ctx.step('scan', async () => {
          try {
            await duck.query(ENDLESS_SQL, { signal: ctx.signal });
          } finally {
            queryEnded = Date.now();
          }
        });
        return { output: 'should not get here' };
      },
    });
    await until(run.id, (x) => x.progress.steps[0]?.status === 'running');
    await new Promise((res) => setTimeout(res, 200)); // the query is under way
    const asked = Date.now();
    const requested = await requestRunCancel(alice, run.id, deps);
    expect(requested.cancel_requested).toBe(true);
    const done = await until(run.id, finished);
    expect(done.status).toBe('cancelled');
    expect(done.output).toBeNull();
    expect(done.cancel_requested_by).toBe(alice.id);
    expect(queryEnded).not.toBeNull();
    // interrupted, not finished: the statement needs minutes
    expect(queryEnded! - asked).toBeLessThan(10_000);
  });

  it("fails a queued run whose user's sign-in expired while it waited, without starting it, and says what to do", async () => {
    const r = runner({ concurrency: 1 });
    const [blocker, waiting] = [await newRun(), await newRun()];
    const hold = gate();
    let executed = false;
    r.enqueue({ runId: blocker.id, lane: 'work', steps: [], execute: async () => (await hold.opened, {}) });
    r.enqueue({ runId: waiting.id, lane: 'work', tokenExpiresAt: Date.now() + 200, steps: [], execute: async () => ((executed = true), {}) });
    await until(blocker.id, (x) => x.status === 'running');
    await new Promise((resolve) => setTimeout(resolve, 300));
    hold.open();
    const done = await until(waiting.id, finished);
    expect(done).toMatchObject({ status: 'failed', error: { code: 'sign_in_expired', action: 'Reload the page to sign in again, then start the run again.' } });
    await r.idle();
    expect(executed).toBe(false);
  });

  it('cancels a queued run without starting it', async () => {
    const r = runner({ concurrency: 1 });
    const [blocker, waiting] = [await newRun(), await newRun()];
    const hold = gate();
    let executed = false;
    r.enqueue({ runId: blocker.id, lane: 'work', steps: [], execute: async () => (await hold.opened, {}) });
    r.enqueue({ runId: waiting.id, lane: 'work', steps: [], execute: async () => ((executed = true), {}) });
    await until(blocker.id, (x) => x.status === 'running');
    await requestRunCancel(alice, waiting.id, deps);
    const done = await until(waiting.id, finished);
    expect(done.status).toBe('cancelled');
    expect(done.progress.message).toBe('Cancelled before it started.');
    hold.open();
    await r.idle();
    expect(executed).toBe(false);
  });

  it('records a failure with its cause and what to do, never a stack trace', async () => {
    const r = runner();
    const sqlRun = await newRun();
    r.enqueue({
      runId: sqlRun.id,
      lane: 'work',
      steps: [{ key: 'scan', label: 'Scan' }],
      execute: async (ctx) => {
        await ctx.step('scan', () => duck.query('SELECT no_such_column FROM range(3)', { signal: ctx.signal }));
        return {};
      },
    });
    const sqlFailed = await until(sqlRun.id, finished);
    expect(sqlFailed.status).toBe('failed');
    expect(sqlFailed.error).toMatchObject({ code: 'warehouse_error' });
    expect(sqlFailed.error!.message).toMatch(/no_such_column/);
    expect(sqlFailed.error!.action).toMatch(/rules/);
    expect(sqlFailed.progress.steps[0]?.status).toBe('failed');

    const goneRun = await newRun();
    r.enqueue({
      runId: goneRun.id,
      lane: 'work',
      steps: [],
      execute: async () => {
        throw notFound('Table main.sales.orders was not found, or you do not have permission to read it any more.');
      },
    });
    const gone = await until(goneRun.id, finished);
    expect(gone.error).toMatchObject({ code: 'not_found', message: expect.stringMatching(/not found/) });
    expect(gone.error!.action).toMatch(/start the run again/);

    const bugRun = await newRun();
    r.enqueue({
      runId: bugRun.id,
      lane: 'work',
      steps: [],
      execute: async () => {
        throw new TypeError("Cannot read properties of undefined (reading 'x')");
      },
    });
    const bug = await until(bugRun.id, finished);
    expect(bug.error).toMatchObject({ code: 'internal' });
    expect(bug.error!.message).toContain(bugRun.id);
    for (const e of [sqlFailed.error, gone.error, bug.error]) {
      expect(JSON.stringify(e)).not.toMatch(/\n\s+at |reading 'x'/);
    }
  });

  it('gives a free slot to the owner with the fewest runs working, and never a slot to a run that only waits', async () => {
    const r = runner({ concurrency: 1 });
    const runs = [await newRun(), await newRun(), await newRun(), await newRun()];
    const gates = new Map(runs.map((run) => [run.id, gate()]));
    const started: string[] = [];
    const task = (runId: string, owner: string, lane: 'work' | 'wait' = 'work'): RunTask => ({
      runId,
      lane,
      owner,
      steps: [],
      async execute() {
        started.push(`${owner}:${runs.findIndex((x) => x.id === runId)}`);
        await gates.get(runId)!.opened;
        return {};
      },
    });
    r.enqueue(task(runs[0]!.id, 'ann')); // takes the slot
    r.enqueue(task(runs[1]!.id, 'ann')); // queued
    r.enqueue(task(runs[2]!.id, 'ben')); // queued after ann's second run
    r.enqueue(task(runs[3]!.id, 'cat', 'wait')); // waits on a warehouse: needs no slot
    await until(runs[3]!.id, (x) => x.status === 'running');
    expect(started).toEqual(['ann:0', 'cat:3']);
    gates.get(runs[0]!.id)!.open();
    await until(runs[2]!.id, (x) => x.status === 'running');
    expect(started).toEqual(['ann:0', 'cat:3', 'ben:2']); // ben's first run before ann's second
    for (const g of gates.values()) g.open();
    await r.idle();
    expect(started.at(-1)).toBe('ann:1');
  });

  it('fails the runs a stopped process left behind, and only those', async () => {
    // a run a previous process started and then lost
    const orphan = await newRun();
    await markRunStarted(orphan.id, { percent: 40, message: 'Scanning' }, deps);
    const orphanQueued = await newRun();
    // a run another live process is working on (it reports every 25 ms)
    const alive = runner();
    const liveRun = await newRun();
    const hold = gate();
    alive.enqueue({ runId: liveRun.id, lane: 'work', steps: [], execute: async () => (await hold.opened, {}) });
    await until(liveRun.id, (x) => x.status === 'running');
    await new Promise((res) => setTimeout(res, 300));

    const restarted = runner({ startupGraceMs: 200 });
    const recovered = await restarted.start();
    expect(recovered.failed).toEqual(expect.arrayContaining([orphan.id, orphanQueued.id]));
    expect(recovered.failed).not.toContain(liveRun.id);
    for (const id of [orphan.id, orphanQueued.id]) {
      const run = await getRun(alice, id, deps);
      expect(run.status).toBe('failed');
      expect(run.error).toEqual({
        code: 'interrupted',
        message: 'The run was interrupted by a restart of the app before it finished.',
        action: 'Start it again.',
      });
    }
    expect((await getRun(alice, liveRun.id, deps)).status).toBe('running');
    hold.open();
    expect((await until(liveRun.id, finished)).status).toBe('succeeded');
  });

  it('takes over an abandoned run when told how (a Databricks job goes on without the app)', async () => {
    const orphan = await newRun();
    await markRunStarted(orphan.id, {}, deps);
    const restarted = runner({
      startupGraceMs: 0,
      adopt: (run) => ({
        runId: run.id,
        lane: 'wait',
        steps: [
          { key: 'start_job', label: 'Start', done: true },
          { key: 'wait_job', label: 'Wait' },
        ],
        execute: async (ctx) => {
          await ctx.step('wait_job', async () => undefined);
          return { output: { adopted: true } };
        },
      }),
    });
    await new Promise((res) => setTimeout(res, 10));
    const recovered = await restarted.start();
    expect(recovered.adopted).toContain(orphan.id);
    const done = await until(orphan.id, finished);
    expect(done).toMatchObject({ status: 'succeeded', output: { adopted: true } });
  });
});

describe('start-up recovery (instrumentation)', () => {
  it('fails in-app runs left unfinished, and leaves job runs to be taken over', async () => {
    const { failAbandonedRuns } = await import('./recovery');
    const orphan = await newRun();
    await markRunStarted(orphan.id, { percent: 10 }, deps);
    const job = await createRun(alice, { kind: 'validation', table: TABLE, engine: 'job' }, deps);
    await new Promise((res) => setTimeout(res, 20));
    const failed = await failAbandonedRuns(store.db, { graceMs: 60_000, unownedGraceMs: 0 });
    expect(failed).toContain(orphan.id);
    expect(failed).not.toContain(job.id);
    expect(await getRun(alice, orphan.id, deps)).toMatchObject({ status: 'failed', error: { code: 'interrupted', action: 'Start it again.' } });
    expect((await getRun(alice, job.id, deps)).status).toBe('queued');
  });
});
