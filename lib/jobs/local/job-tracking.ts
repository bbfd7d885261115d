/**
 * Following a Databricks job run from the in-process runner: poll its status, write what the
 * platform says to the stored run's progress message, cancel the job when the run is cancelled,
 * and hand back its outcome when it ends.
 */
import 'server-only';

import type { JobHandle, JobOutcome, JobRunner } from '../port';
import type { RunContext } from './local-runner';
import { RunCancelled } from './run-failure';

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

/** Poll `handle` until it ends; cancel it when the run is cancelled. */
export async function trackJob(
  jobRunner: JobRunner,
  handle: JobHandle,
  ctx: RunContext,
  options: { pollMs: number },
): Promise<JobOutcome> {
  let lastMessage = '';
  try {
    for (;;) {
      const status = await jobRunner.status(handle, { signal: ctx.signal });
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
