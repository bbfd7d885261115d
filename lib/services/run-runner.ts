/**
 * The process's in-process runner: one per server process (kept on globalThis, so a dev reload does
 * not start a second), started on first use or at server start (instrumentation), when it also
 * recovers the runs a previous process left unfinished. Runs that a Databricks job executes are
 * taken over (the job went on without the app); every other abandoned run is failed as interrupted.
 */
import 'server-only';

import { getConfig } from '@/lib/config';
import { LocalRunner } from '@/lib/jobs/local/local-runner';
import { log } from '@/lib/log';

import type { RunDto } from './runs';

const KEY = Symbol.for('dqx.runRunner');
type Holder = { [KEY]?: { runner: LocalRunner; started: Promise<unknown> } };

async function adoptJobRun(run: RunDto) {
  if (run.engine !== 'job' || !run.external_id) return null;
  if (run.kind === 'generation') return (await import('./generation')).adoptGenerationJob(run);
  return (await import('./validation')).adoptValidationJob(run);
}

/** The process's runner, started (runs left behind by a previous process are recovered first). */
export async function getRunRunner(): Promise<LocalRunner> {
  const holder = globalThis as Holder;
  if (!holder[KEY]) {
    const { jobs } = getConfig();
    const runner = new LocalRunner({ concurrency: jobs.runnerConcurrency, staleAfterMs: jobs.ownerGraceSeconds * 1000, adopt: adoptJobRun });
    const started = runner.start().catch((error: unknown) => {
      log.warn('could not recover the runs of a previous process', { error });
    });
    holder[KEY] = { runner, started };
  }
  await holder[KEY].started;
  return holder[KEY].runner;
}
