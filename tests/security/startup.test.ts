/**
 * A user's very first `npm start` stays responsive. The embedded rule store (PGlite: Postgres in
 * WebAssembly, on the main thread) creates its data folder and migrates it in long synchronous
 * calls; started beside a running server, that froze every page and API, those that need no store
 * included, for 9–28 s a few seconds after the first answer. The launcher now does that work before
 * the server listens (db/launch.ts).
 *
 * This starts its own production server (`scripts/serve.ts start`, as `npm start` does) on a fresh
 * data folder and asks a store-free endpoint (/api/health) for an answer every 100 ms, from its
 * first answer until the store is ready (/api/ready, asked beside it, says so) and health has
 * answered once more. The longest wait between two answers must stay short: a bound far above what
 * a responsive server shows on a loaded machine (well under a second) and far below the freeze.
 */
import type { ChildProcess } from 'node:child_process';

import { afterAll, expect, it } from 'vitest';

import { stopProcess } from '@/tests/support/processes';

import { logOf, startApp } from './support/launch';
import { securityPort } from './support/servers';

const port = securityPort + 2;
const base = `http://127.0.0.1:${port}`;
/** Longest acceptable wait between two answers of /api/health once the server answers. */
const LONGEST_GAP_MS = 2_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let child: ChildProcess | undefined;
afterAll(() => stopProcess(child));

async function storeIsReady(): Promise<boolean> {
  try {
    const response = await fetch(`${base}/api/ready`, { signal: AbortSignal.timeout(120_000) });
    const body = (await response.json()) as { dependencies?: { name: string; status: string }[] };
    return body.dependencies?.some((d) => d.name === 'store' && d.status === 'ok') ?? false;
  } catch {
    return false;
  }
}

it('keeps answering while a fresh embedded rule store is created and migrated', async () => {
  const log = logOf('startup');
  child = startApp('startup', {
    DQX_MODE: 'local',
    PORT: String(port),
    DQX_LOCAL_USER: 'startup-user',
    DQX_SAMPLE_BIG_ROWS: '1000',
  });
  const running = child;
  const deadline = Date.now() + 180_000;
  const answers: number[] = [];
  let storeReady = false;
  let answeredSinceReady = false;
  const readiness = (async () => {
    while (!storeReady && Date.now() < deadline && running.exitCode === null) {
      if (answers.length > 0) storeReady = await storeIsReady();
      if (!storeReady) await sleep(500);
    }
  })();
  while (!answeredSinceReady && Date.now() < deadline) {
    if (running.exitCode !== null) throw new Error(`the server stopped (see ${log})`);
    const readyBefore = storeReady;
    try {
      const response = await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(120_000) });
      await response.arrayBuffer();
      if (response.ok) {
        answers.push(Date.now());
        answeredSinceReady = readyBefore;
      }
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  await readiness;
  expect(storeReady, `the rule store did not become ready (see ${log})`).toBe(true);
  const gaps = answers.slice(1).map((at, i) => at - answers[i]!);
  expect(Math.max(...gaps), `answers: ${answers.length}, see ${log}`).toBeLessThan(LONGEST_GAP_MS);
}, 240_000);
