/**
 * A run that follows a Databricks job (databricks mode): start the job, record its id with the run
 * so a later process can adopt it, poll it to the end, and turn its result into the run's outcome.
 * Generation and validation differ only in the request they send and what they make of the result.
 */
import 'server-only';

import type { JobRequest } from '@/lib/jobs/contract';
import { trackJob } from '@/lib/jobs/local/job-tracking';
import type { RunContext, RunSuccess, RunTask, StepSpec } from '@/lib/jobs/local/local-runner';
import { RunFailure } from '@/lib/jobs/local/run-failure';
import type { JobHandle, JobKind, JobOutcome } from '@/lib/jobs/port';
import type { TableRef } from '@/lib/warehouse/port';

import type { ResolvedRunDeps } from './run-deps';
import { setRunExternalId, type RunDto } from './runs';

type JobResult<K extends JobKind> = Extract<JobOutcome, { ok: true; kind: K }>['result'];

export interface JobRunSpec<K extends JobKind> {
  runId: string;
  kind: K;
  /** The run's steps: `start_job`, `wait_job`, then the one `finish` runs. */
  steps: StepSpec[];
  /** The job already started (a run adopted after a restart), or null to start one. */
  existing: JobHandle | null;
  request: () => Extract<JobRequest, { kind: K }>;
  finish: (ctx: RunContext, result: JobResult<K>) => Promise<RunSuccess>;
}

export function jobRunTask<K extends JobKind>(spec: JobRunSpec<K>, d: ResolvedRunDeps): RunTask {
  const { runId, kind, existing } = spec;
  return {
    runId,
    lane: 'wait',
    steps: existing ? spec.steps.map((s) => (s.key === 'start_job' ? { ...s, done: true } : s)) : spec.steps,
    async execute(ctx) {
      const jobRunner = d.jobRunner();
      const handle =
        existing ??
        (await ctx.step('start_job', async () => {
          const started = await jobRunner.start(spec.request(), { signal: ctx.signal });
          await setRunExternalId(runId, started.externalRunId, d);
          return started;
        }));
      const outcome = await ctx.step('wait_job', () => trackJob(jobRunner, handle, ctx, { pollMs: d.jobPollMs, outageMs: d.jobOutageMs }));
      if (!outcome.ok) {
        throw new RunFailure({ code: outcome.error.type, message: outcome.error.cause, action: outcome.error.hint || 'Start the run again.' });
      }
      if (outcome.kind !== kind) throw new Error(`The job returned a ${outcome.kind} result for a ${kind} run.`);
      return spec.finish(ctx, outcome.result as JobResult<K>);
    },
  };
}

/** The job a stored run follows and the table it reads, for adopting the run; null without a job. */
export function adoptedJob(run: RunDto, kind: JobKind): { handle: JobHandle; ref: TableRef } | null {
  if (!run.external_id) return null;
  const [catalog = '', schema = '', table = ''] = run.table_name.split('.');
  return {
    handle: { runner: 'databricks', kind, appRunId: run.id, externalRunId: run.external_id, url: null },
    ref: { catalog, schema, table },
  };
}
