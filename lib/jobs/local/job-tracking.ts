/**
 * Following a Databricks job run from the in-process runner: poll its status, write what the
 * platform says to the stored run's progress message, cancel the job when the run is cancelled,
 * and hand back its outcome when it ends.
 */
import 'server-only';

import { isAppError } from '@/lib/errors';
import { log } from '@/lib/log';

import type { JobHandle, JobOutcome, JobRunner } from '../port';
import type { RunContext } from './local-runner';
import { RunCancelled, RunFailure } from './run-failure';

/** An error that says the Jobs API could not be reached or was busy (the status may be read later). */
const isOutage = (error: unknown): boolean => isAppError(error) && error.code === 'unavailable';

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new RunCancelled());
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new RunCancelled());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

const STATE_WORDS: Record<string, string> = {
  queued: 'The job is queued on Databricks.',
  starting: 'The job is starting (serverless compute can take a minute or two).',
  running: 'The job is running on Databricks.',
  retrying: 'The job failed once and is being retried.',
  blocked: 'The job is waiting for another run to finish.',
  stopping: 'The job is stopping.',
};

/**
 * Poll `handle` until it ends; cancel it when the run is cancelled. A Jobs API that cannot be reached
 * (each request already retried a few times) is polled on for up to `outageMs`; past that the app
 * gives up, cancels the job so it does not keep running (and billing) unwatched, and fails the run.
 */
export async function trackJob(
  jobRunner: JobRunner,
  handle: JobHandle,
  ctx: RunContext,
  options: { pollMs: number; outageMs?: number },
): Promise<JobOutcome> {
  let lastMessage = '';
  let outageSince: number | null = null;
  const outageMs = options.outageMs ?? 600_000;
  try {
    for (;;) {
      let status;
      try {
        status = await jobRunner.status(handle, { signal: ctx.signal });
        if (outageSince !== null) log.info('Jobs API answers again', { runId: ctx.runId, outageMs: Date.now() - outageSince });
        outageSince = null;
      } catch (error) {
        if (!isOutage(error) || ctx.signal.aborted) throw error;
        outageSince ??= Date.now();
        const lasted = Date.now() - outageSince;
        if (lasted >= outageMs) {
          log.warn('Jobs API unreachable for too long; cancelling the job run', { runId: ctx.runId, outageMs: lasted });
          await jobRunner.cancel(handle).catch(() => undefined);
          throw new RunFailure(
            {
              code: 'job_unreachable',
              message: `The Jobs API did not answer for ${Math.round(lasted / 1000)} s, so the app stopped following the job and cancelled it.`,
              action: 'Start the run again; if the Databricks workspace has an outage, wait until it is over (DQX_JOB_OUTAGE_SECONDS sets how long the app waits).',
            },
            { cause: error },
          );
        }
        const message = 'Databricks does not answer right now; the job keeps running and the app keeps asking.';
        if (message !== lastMessage) {
          lastMessage = message;
          await ctx.message(message);
        }
        await sleep(options.pollMs, ctx.signal);
        continue;
      }
      if (status.terminal) return await jobRunner.output(handle, { signal: ctx.signal });
      const message = status.message ?? STATE_WORDS[status.state] ?? 'The job is running on Databricks.';
      if (message !== lastMessage) {
        lastMessage = message;
        await ctx.message(message);
      }
      await sleep(options.pollMs, ctx.signal);
    }
  } catch (error) {
    if (ctx.signal.aborted || error instanceof RunCancelled) {
      // The job runs with the service principal: stop it, so a cancelled run costs nothing more.
      await jobRunner.cancel(handle).catch(() => undefined);
      throw new RunCancelled();
    }
    throw error;
  }
}
