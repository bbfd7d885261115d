import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

import { isAppError } from '@/lib/errors';

import { JOB_PARAMETER_NAMES, JOB_TASK_KEYS, type ValidationJobRequest } from '../contract';
import type { JobHandle, JobRunner } from '../port';
import { DatabricksJobRunner } from './databricks-job-runner';
import { FakeWorkspace, type Recording } from './testing/fake-workspace';
import { m2mTokenProvider } from './testing/m2m-token';

const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'tests', 'fixtures', 'jobs');
const recordings: Record<string, Recording> = Object.fromEntries(
  readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.json'))
    .map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(path.join(FIXTURES, f), 'utf8')) as Recording]),
);
const recording = (name: string) => {
  const r = recordings[name];
  if (!r) throw new Error(`missing recording ${name}: run npm run test:notebooks with DQX_RECORD_FIXTURES=1`);
  return r;
};

const GENERATION_JOB = '884422113355';
const VALIDATION_JOB = '9007199254740993'; // above 2^53: must be sent exactly
const table = { catalog: 'spark_catalog', schema: 'dqx_test', table: 'orders' };
const RULES = JSON.parse(recording('validation-success').job_parameters.rules!) as ValidationJobRequest['rules'];

let workspace: FakeWorkspace;
let host: string;

function runner(extra: Partial<ConstructorParameters<typeof DatabricksJobRunner>[0]> = {}): JobRunner {
  return new DatabricksJobRunner({
    host,
    generationJobId: GENERATION_JOB,
    validationJobId: VALIDATION_JOB,
    tokenProvider: m2mTokenProvider({ host, clientId: 'app-sp-client-id', clientSecret: 'app-sp-secret' }),
    retryBaseDelayMs: 1,
    ...extra,
  });
}

async function untilTerminal(r: JobRunner, handle: JobHandle) {
  const seen: string[] = [];
  for (let i = 0; i < 20; i += 1) {
    const status = await r.status(handle);
    seen.push(status.state);
    if (status.terminal) return { status, seen };
  }
  throw new Error(`never terminal: ${seen.join(',')}`);
}

const logged: string[] = [];
beforeAll(async () => {
  workspace = new FakeWorkspace({
    clientId: 'app-sp-client-id',
    clientSecret: 'app-sp-secret',
    jobs: [
      { jobId: GENERATION_JOB, taskKey: JOB_TASK_KEYS.generation, parameters: JOB_PARAMETER_NAMES.generation },
      { jobId: VALIDATION_JOB, taskKey: JOB_TASK_KEYS.validation, parameters: JOB_PARAMETER_NAMES.validation },
    ],
    recordings: Object.values(recordings),
  });
  host = await workspace.start();
});
afterAll(() => workspace.stop());
beforeEach(() => {
  logged.length = 0;
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (logged.push(String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (logged.push(String(chunk)), true));
});
afterEach(() => {
  vi.restoreAllMocks();
  // the service principal's token is never written anywhere
  for (const token of workspace.issuedTokens) expect(logged.join('')).not.toContain(token);
});

describe('DatabricksJobRunner against the Jobs API 2.2 stand-in', () => {
  it('runs a generation and returns the notebook output recorded on local Spark', async () => {
    const r = runner();
    const params = recording('generation-success').job_parameters;
    const handle = await r.start({
      kind: 'generation',
      runId: 'fixture-generation',
      table,
      userPrompt: params.user_prompt,
      sampleLimit: 150,
    });
    expect(handle).toMatchObject({ runner: 'databricks', kind: 'generation', appRunId: 'fixture-generation' });

    const { status, seen } = await untilTerminal(r, handle);
    expect(seen).toEqual(['queued', 'starting', 'running', 'stopping', 'succeeded']);
    expect(status.url).toContain(`/runs/${handle.externalRunId}`);

    const outcome = await r.output(handle);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok || outcome.kind !== 'generation') throw new Error('expected a generation result');
    expect(outcome.result.sample.profiled_rows).toBe(150);
    expect(outcome.result.profile_rules.length).toBeGreaterThan(0);

    const runNow = workspace.requests.find((q) => q.path === '/api/2.2/jobs/run-now')!;
    expect(runNow.authorization).toMatch(/^Bearer fake-sp-token-/);
    expect(runNow.body).toContain(`"job_id":${GENERATION_JOB}`);
    expect(JSON.parse(runNow.body).idempotency_token).toBe('dqx-generation-fixture-generation');
    // the output is asked of the TASK run, never the job run (which the API refuses)
    const outputCall = workspace.requests.filter((q) => q.path.startsWith('/api/2.2/jobs/runs/get-output')).at(-1)!;
    expect(outputCall.path).not.toContain(`run_id=${handle.externalRunId}`);
  });

  it('runs a validation with a 64-bit job id and reads per-rule results', async () => {
    const r = runner();
    const handle = await r.start({ kind: 'validation', runId: 'fixture-validation', table, rules: RULES, failingRowsSample: 3 });
    expect(workspace.requests.at(-1)!.body).toContain(`"job_id":${VALIDATION_JOB}`);
    expect(handle.externalRunId).toMatch(/^\d{16}$/);
    await untilTerminal(r, handle);
    const outcome = await r.output(handle);
    if (!outcome.ok || outcome.kind !== 'validation') throw new Error(JSON.stringify(outcome));
    const byName = Object.fromEntries(outcome.result.rules.map((rule) => [rule.name, rule]));
    expect(byName.customer_present).toMatchObject({ status: 'fail', failed_rows: 8, rows_evaluated: 200 });
    expect(byName.known_status?.status).toBe('warn');
    expect(byName.new_qty_in_range?.rows_evaluated).toBeLessThan(200);
    expect(outcome.result.failing_rows.rows).toHaveLength(3);
  });

  it('reports a notebook failure as a failed run with its cause and hint', async () => {
    const r = runner();
    const bad = JSON.parse(recording('validation-invalid-rules').job_parameters.rules!) as ValidationJobRequest['rules'];
    const handle = await r.start({ kind: 'validation', runId: 'fixture-invalid-rules', table, rules: bad, failingRowsSample: 5 });
    const { status } = await untilTerminal(r, handle);
    expect(status.state).toBe('failed');
    const outcome = await r.output(handle);
    expect(outcome).toMatchObject({ ok: false, kind: 'validation', error: { type: 'invalid_rules' } });
    if (outcome.ok) throw new Error('expected a failure');
    expect(outcome.error.cause).toContain('is_not_nul');
    expect(outcome.error.hint).toContain('editor');
  });

  it('reports a table the job cannot find', async () => {
    const r = runner();
    const handle = await r.start({ kind: 'generation', runId: 'fixture-missing-table', table: { ...table, table: 'no_such_table' }, sampleLimit: null, userPrompt: 'order ids are unique; quantities between 1 and 10' });
    await untilTerminal(r, handle);
    const outcome = await r.output(handle);
    expect(outcome).toMatchObject({ ok: false, error: { type: 'table_not_found' } });
  });

  it('reads a large output from the results volume and checks its checksum', async () => {
    const r = runner({ resultsVolume: 'main.dqx.job_results' });
    const handle = await r.start({ kind: 'validation', runId: 'fixture-large-output', table, rules: RULES, failingRowsSample: 20 });
    await untilTerminal(r, handle);
    const outcome = await r.output(handle);
    if (!outcome.ok || outcome.kind !== 'validation') throw new Error(JSON.stringify(outcome));
    expect(outcome.result.failing_rows.rows.length).toBeGreaterThan(3);
    expect(workspace.requests.some((q) => q.method === 'GET' && q.path === '/api/2.0/fs/files/Volumes/main/dqx/job_results/runs/fixture-large-output/validation-output.json')).toBe(true);

    const file = '/Volumes/main/dqx/job_results/runs/fixture-large-output/validation-output.json';
    const original = workspace.files.get(file)!;
    workspace.files.set(file, Buffer.from(original.toString('utf8').replace('"total_rows":200', '"total_rows":201')));
    try {
      expect(await r.output(handle)).toMatchObject({ ok: false, error: { type: 'output_corrupt' } });
    } finally {
      workspace.files.set(file, original);
    }
  });

  it('refuses a truncated notebook output instead of misreading it', async () => {
    const r = runner();
    const handle = await r.start({ kind: 'validation', runId: 'fixture-validation', table, rules: RULES, failingRowsSample: 3 });
    workspace.runs.get(Number(handle.externalRunId))!.truncate = true;
    workspace.finish(Number(handle.externalRunId));
    expect(await r.output(handle)).toMatchObject({ ok: false, error: { type: 'output_truncated' } });
    workspace.runs.get(Number(handle.externalRunId))!.truncate = false;
  });

  it('is idempotent per app run: starting twice gives the same run', async () => {
    const r = runner();
    const request = { kind: 'validation' as const, runId: 'idempotent-run', table, rules: RULES };
    const first = await r.start(request);
    const second = await r.start(request);
    expect(second.externalRunId).toBe(first.externalRunId);
  });

  it('ends SKIPPED runs (the original polled them forever)', async () => {
    const r = runner();
    workspace.nextLife = { steps: [{ life: 'PENDING', v2: 'PENDING' }], final: { life: 'SKIPPED', v2: 'TERMINATED', code: 'SKIPPED', message: 'An active run of this job already exists.' } };
    const handle = await r.start({ kind: 'validation', runId: 'skipped-run', table, rules: RULES });
    const { status } = await untilTerminal(r, handle);
    expect(status).toMatchObject({ state: 'skipped', terminal: true, message: 'An active run of this job already exists.' });
    expect(await r.output(handle)).toMatchObject({ ok: false, error: { type: 'skipped' } });
  });

  it('reports BLOCKED as blocked, not running, and has no output yet', async () => {
    const r = runner();
    workspace.nextLife = { steps: [{ life: 'BLOCKED', v2: 'BLOCKED' }, { life: 'BLOCKED', v2: 'BLOCKED' }] };
    const handle = await r.start({ kind: 'validation', runId: 'blocked-run', table, rules: RULES });
    expect((await r.status(handle)).state).toBe('blocked');
    const error = await r.output(handle).catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe('conflict');
  });

  it('maps an INTERNAL_ERROR run to a failure', async () => {
    const r = runner();
    workspace.nextLife = { steps: [], final: { life: 'INTERNAL_ERROR', v2: 'TERMINATED', code: 'INTERNAL_ERROR', message: 'Jobs service hiccup.' } };
    const handle = await r.start({ kind: 'validation', runId: 'internal-error-run', table, rules: RULES });
    expect(await r.status(handle)).toMatchObject({ state: 'failed', terminal: true, message: 'Jobs service hiccup.' });
  });

  it('cancels a run', async () => {
    const r = runner();
    const handle = await r.start({ kind: 'validation', runId: 'cancel-me', table, rules: RULES });
    await r.status(handle);
    await r.cancel(handle);
    expect(workspace.requests.at(-1)).toMatchObject({ method: 'POST', path: '/api/2.2/jobs/runs/cancel', body: `{"run_id":${handle.externalRunId}}` });
    const { status, seen } = await untilTerminal(r, handle);
    expect(seen).toEqual(['stopping', 'canceled']);
    expect(status.message).toBe('Run was canceled by the user.');
    expect(await r.output(handle)).toMatchObject({ ok: false, error: { type: 'canceled' } });
  });

  it('retries when the API is temporarily unavailable', async () => {
    const r = runner();
    workspace.failNext = 2;
    const handle = await r.start({ kind: 'validation', runId: 'retry-run', table, rules: RULES });
    expect(handle.externalRunId).toMatch(/^\d+$/);
  });

  it('uploads a large rule set to the volume and sends only its path', async () => {
    const r = runner({ resultsVolume: '/Volumes/main/dqx/job_results' });
    const many = Array.from({ length: 120 }, (_, i) => ({
      name: `amount_not_null_${i}`,
      criticality: 'error' as const,
      check: { function: 'is_not_null', arguments: { column: 'amount' } },
    }));
    await r.start({ kind: 'validation', runId: 'big-rules', table, rules: many });
    const put = workspace.requests.find((q) => q.method === 'PUT')!;
    expect(put.path).toBe('/api/2.0/fs/files/Volumes/main/dqx/job_results/runs/big-rules/rules.json?overwrite=true');
    expect(JSON.parse(put.body)).toEqual(many);
    const params = JSON.parse(workspace.requests.at(-1)!.body).job_parameters;
    expect(params).toMatchObject({ rules: '', rules_path: '/Volumes/main/dqx/job_results/runs/big-rules/rules.json' });
  });

  it('refuses a large rule set when there is no results volume', async () => {
    const many = Array.from({ length: 120 }, (_, i) => ({ name: `r${i}`, check: { function: 'is_not_null', arguments: { column: 'amount' } } }));
    const error = await runner().start({ kind: 'validation', runId: 'big-no-volume', table, rules: many }).catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe('bad_request');
  });

  it('turns a rejected service-principal token into a 503 without the token in the message', async () => {
    const r = runner({ tokenProvider: async () => 'not-a-real-token-123' });
    const error = await r.start({ kind: 'validation', runId: 'bad-token', table, rules: RULES }).catch((e: unknown) => e);
    expect(isAppError(error) && error.status).toBe(503);
    expect(String((error as Error).message)).not.toContain('not-a-real-token-123');
    expect(logged.join('')).not.toContain('not-a-real-token-123');
  });
});

describe('a revoked service-principal token', () => {
  it('is dropped once on a 401 and the request is sent again with a new token', async () => {
    const real = m2mTokenProvider({ host, clientId: 'app-sp-client-id', clientSecret: 'app-sp-secret' });
    let stale = true;
    let invalidations = 0;
    const r = runner({
      tokenProvider: async () => (stale ? 'revoked-token-456' : real()),
      invalidateToken: () => {
        invalidations += 1;
        stale = false;
      },
    });
    const handle = await r.start({ kind: 'validation', runId: 'revoked-token', table, rules: RULES });
    expect(handle.externalRunId).toBeTruthy();
    expect(invalidations).toBe(1);
    expect(logged.join('')).not.toContain('revoked-token-456');
  });

  it('is dropped only once: a token refused twice is a 503', async () => {
    let invalidations = 0;
    const r = runner({ tokenProvider: async () => 'always-refused', invalidateToken: () => (invalidations += 1) });
    const error = await r.start({ kind: 'validation', runId: 'refused-twice', table, rules: RULES }).catch((e: unknown) => e);
    expect(isAppError(error) && error.status).toBe(503);
    expect(invalidations).toBe(1);
  });
});

describe('outputs the adapter must not trust', () => {
  const pointerFor = (runId: string, outputPath: string) =>
    JSON.stringify({ contract_version: 1, run_id: runId, kind: 'validation', ok: true, output_path: outputPath, output_bytes: 10, output_sha256: 'a'.repeat(64) });

  it('refuses a pointer to any file but the one its run may write, without fetching it', async () => {
    const r = runner({ resultsVolume: '/Volumes/main/dqx/job_results' });
    const handle = await r.start({ kind: 'validation', runId: 'hostile-pointer', table, rules: RULES });
    const id = Number(handle.externalRunId);
    workspace.setOutput(id, { notebook_output: { result: pointerFor('hostile-pointer', '/Volumes/main/hr/salaries/export.json'), truncated: false } });
    workspace.finish(id);
    const before = workspace.requests.length;
    expect(await r.output(handle)).toMatchObject({ ok: false, error: { type: 'contract_violation' } });
    expect(workspace.requests.slice(before).some((q) => q.path.startsWith('/api/2.0/fs/files'))).toBe(false);
  });

  it("refuses another run's output and an output of another contract version", async () => {
    const r = runner();
    const handle = await r.start({ kind: 'validation', runId: 'mixed-up', table, rules: RULES });
    const id = Number(handle.externalRunId);
    const other = JSON.parse(JSON.parse(readFileSync(path.join(FIXTURES, 'validation-success.json'), 'utf8')).notebook.exit) as Record<string, unknown>;
    workspace.setOutput(id, { notebook_output: { result: JSON.stringify(other), truncated: false } });
    workspace.finish(id);
    expect(await r.output(handle)).toMatchObject({ ok: false, error: { type: 'contract_violation', cause: 'The job returned the output of another run.' } });
    workspace.setOutput(id, { notebook_output: { result: JSON.stringify({ ...other, run_id: 'mixed-up', contract_version: 2 }), truncated: false } });
    expect(await r.output(handle)).toMatchObject({ ok: false, error: { type: 'contract_violation', cause: expect.stringContaining('version 2') } });
  });

  it('reports an unhandled notebook exception with its first line and keeps the trace', async () => {
    const r = runner();
    const handle = await r.start({ kind: 'validation', runId: 'unhandled', table, rules: RULES });
    const id = Number(handle.externalRunId);
    workspace.setOutput(id, { error: 'ModuleNotFoundError: No module named dqx_jobs\nmore', error_trace: 'Traceback (most recent call last): ...' });
    workspace.finish(id);
    const outcome = await r.output(handle);
    expect(outcome).toMatchObject({ ok: false, error: { type: 'job_failed', cause: 'The job failed: ModuleNotFoundError: No module named dqx_jobs' }, trace: 'Traceback (most recent call last): ...' });
  });
});

describe('helpers', () => {
  it('normalises the results volume from either form the platform may inject', async () => {
    const { normaliseVolume, filesApiPath, parseRaisedFailure } = await import('./databricks-job-runner');
    expect(normaliseVolume('main.dqx.job_results')).toBe('/Volumes/main/dqx/job_results');
    expect(normaliseVolume('/Volumes/main/dqx/job_results/')).toBe('/Volumes/main/dqx/job_results');
    expect(normaliseVolume('/Volumes/main/../x')).toBeUndefined();
    expect(normaliseVolume('main.dqx')).toBeUndefined();
    expect(filesApiPath('/Volumes/c/s/v/runs/a b#1/x.json')).toBe('/api/2.0/fs/files/Volumes/c/s/v/runs/a%20b%231/x.json');
    const envelope = { contract_version: 1, run_id: 'r', kind: 'validation', ok: false, error: { type: 't', cause: 'c } {', hint: 'h' } };
    expect(parseRaisedFailure(`JobFailed: DQX_JOB_ERROR:${JSON.stringify(envelope)}`)).toEqual(envelope);
    expect(parseRaisedFailure(`DQX_JOB_ERROR:${JSON.stringify(envelope)}\n  at line 3 }`)).toEqual(envelope);
    expect(parseRaisedFailure('ValueError: nope')).toBeUndefined();
  });
});
