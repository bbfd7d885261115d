/**
 * Following a job run through a Jobs API outage: the app keeps asking for as long as
 * DQX_JOB_OUTAGE_SECONDS allows and the run ends normally when the API answers again; past that it
 * cancels the job (so it does not run on unwatched) and fails the run with what to do.
 */
import { describe, expect, it } from 'vitest';

import { unavailable } from '@/lib/errors';

import type { JobHandle, JobOutcome, JobRunner, JobStatus } from '../port';
import type { RunContext } from './local-runner';
import { RunFailure } from './run-failure';
import { trackJob } from './job-tracking';

const handle: JobHandle = { runner: 'databricks', kind: 'validation', appRunId: 'r1', externalRunId: '42', url: null };
const done = { ok: true, kind: 'validation', result: {} } as unknown as JobOutcome;

function fakeRunner(statuses: (JobStatus | 'outage')[]) {
  const calls = { status: 0, cancel: 0 };
  const runner = {
    async status() {
      const next = statuses[Math.min(calls.status, statuses.length - 1)]!;
      calls.status += 1;
      if (next === 'outage') throw unavailable('Databricks is busy or unavailable. Try again in a moment.');
      return next;
    },
    async output() {
      return done;
    },
    async cancel() {
      calls.cancel += 1;
    },
  } as unknown as JobRunner;
  return { runner, calls };
}

function context() {
  const messages: string[] = [];
  const ctx = { runId: 'r1', signal: new AbortController().signal, message: async (m: string) => void messages.push(m) } as unknown as RunContext;
  return { ctx, messages };
}

const running = { state: 'running', terminal: false } as JobStatus;
const terminated = { state: 'succeeded', terminal: true } as JobStatus;

describe('trackJob through a Jobs API outage', () => {
  it('keeps asking while the outage is shorter than allowed, and the run ends normally', async () => {
    const { runner, calls } = fakeRunner([running, 'outage', 'outage', 'outage', running, terminated]);
    const { ctx, messages } = context();
    const outcome = await trackJob(runner, handle, ctx, { pollMs: 5, outageMs: 5_000 });
    expect(outcome).toBe(done);
    expect(calls).toEqual({ status: 6, cancel: 0 });
    expect(messages).toContain('Databricks does not answer right now; the job keeps running and the app keeps asking.');
  });

  it('gives up after the allowed outage, cancels the job and says what to do', async () => {
    const { runner, calls } = fakeRunner([running, 'outage']);
    const { ctx } = context();
    const error = await trackJob(runner, handle, ctx, { pollMs: 10, outageMs: 60 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunFailure);
    expect((error as RunFailure).runError).toMatchObject({ code: 'job_unreachable' });
    expect((error as RunFailure).runError.message).toMatch(/did not answer for \d+ s/);
    expect((error as RunFailure).runError.action).toContain('DQX_JOB_OUTAGE_SECONDS');
    expect(calls.cancel).toBe(1);
  });

  it('does not wait on an error that is not an outage', async () => {
    const { runner, calls } = fakeRunner([running]);
    (runner as unknown as { status: () => Promise<JobStatus> }).status = async () => {
      throw new Error('INVALID_PARAMETER_VALUE: run 42 does not exist');
    };
    const { ctx } = context();
    await expect(trackJob(runner, handle, ctx, { pollMs: 5, outageMs: 5_000 })).rejects.toThrow(/does not exist/);
    expect(calls.cancel).toBe(0);
  });
});
