/**
 * JobRunner for databricks mode: the notebooks of `notebooks/` as Jobs API 2.2 runs, started and
 * read with the app's service-principal token.
 *
 *   start   POST /api/2.2/jobs/run-now        { job_id, job_parameters, idempotency_token }
 *   status  GET  /api/2.2/jobs/runs/get        ?run_id=<job run>
 *   output  GET  /api/2.2/jobs/runs/get-output ?run_id=<TASK run> (never the job run: the API refuses it)
 *           GET  /api/2.0/fs/files/Volumes/... when the notebook returned a pointer to a large output
 *   cancel  POST /api/2.2/jobs/runs/cancel     { run_id }
 *   large rule sets: PUT /api/2.0/fs/files/Volumes/...?overwrite=true, then `rules_path`
 *
 * See the security contract in ../port.ts: callers must have checked the user's access first.
 */
import { createHash } from 'node:crypto';

import { AppError, conflict } from '@/lib/errors';
import { log } from '@/lib/log';

import {
  encodeJobParameters,
  INLINE_RULES_LIMIT_BYTES,
  JOB_ERROR_MARKER,
  JOB_TASK_KEYS,
  JobOutputSchema,
  JobRequestSchema,
  outputFilePath,
  rulesFilePath,
  rulesJson,
  type JobError,
  type JobKind,
  type JobOutput,
  type JobRequest,
} from '../contract';
import type { JobCallOptions, JobHandle, JobOutcome, JobRunner, JobStatus } from '../port';
import { DatabricksApiError, DatabricksRestClient, type FetchLike, type TokenProvider } from './rest-client';
import { mapRunState, type RunStateV1, type RunStatusV2 } from './run-state';

export interface DatabricksJobRunnerOptions {
  /** `https://<workspace-host>`. */
  host: string;
  generationJobId: string;
  validationJobId: string;
  /** `/Volumes/<catalog>/<schema>/<volume>` for large outputs and rule sets; optional. */
  resultsVolume?: string | undefined;
  /** Serving endpoint handed to the generation job for AI-assisted generation; optional. */
  llmEndpoint?: string | undefined;
  /** The app service principal's OAuth token (M2M), refreshed by the provider. */
  tokenProvider: TokenProvider;
  /** Drops the cached service-principal token (a 401 is retried once with a new one). */
  invalidateToken?: () => void;
  fetch?: FetchLike;
  timeoutMs?: number;
  retries?: number;
  retryBaseDelayMs?: number;
}

interface RunTask extends Record<string, unknown> {
  run_id?: string | number;
  task_key?: string;
  state?: RunStateV1;
  status?: RunStatusV2;
}

interface Run extends Record<string, unknown> {
  run_id?: string | number;
  state?: RunStateV1;
  status?: RunStatusV2;
  tasks?: RunTask[];
  start_time?: number;
  end_time?: number;
  run_page_url?: string;
  next_page_token?: string;
}

interface RunOutput {
  notebook_output?: { result?: string; truncated?: boolean };
  error?: string;
  error_trace?: string;
  metadata?: Run;
}

const TRACE_LIMIT = 20_000;
const VOLUME_PREFIX = /^\/Volumes\/[^/]+\/[^/]+\/[^/]+$/;

/** `c.s.v` or `/Volumes/c/s/v[/]` -> `/Volumes/c/s/v`; anything else -> undefined. */
export function normaliseVolume(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const trimmed = value.trim().replace(/\/+$/, '');
  const path = trimmed.startsWith('/Volumes/') ? trimmed : `/Volumes/${trimmed.split('.').join('/')}`;
  return VOLUME_PREFIX.test(path) && !path.split('/').some((s) => s === '..' || s === '.') ? path : undefined;
}

/** Files API path: each segment percent-encoded, slashes kept. */
export function filesApiPath(volumePath: string): string {
  return '/api/2.0/fs/files' + volumePath.split('/').map(encodeURIComponent).join('/');
}

/** The failure envelope a notebook raised, found after the marker in `runs/get-output` `error`. */
export function parseRaisedFailure(error: string): unknown {
  const at = error.indexOf(JOB_ERROR_MARKER);
  if (at < 0) return undefined;
  const rest = error.slice(at + JOB_ERROR_MARKER.length).trim();
  for (let end = rest.lastIndexOf('}'); end > 0; end = rest.lastIndexOf('}', end - 1)) {
    try {
      return JSON.parse(rest.slice(0, end + 1));
    } catch {
      // the runtime may append text after the message; try a shorter candidate
    }
  }
  return undefined;
}

const firstLine = (text: string, limit = 500) => {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > limit ? line.slice(0, limit - 1) + '…' : line;
};

export class DatabricksJobRunner implements JobRunner {
  readonly kind = 'databricks' as const;
  private readonly client: DatabricksRestClient;
  private readonly resultsVolume: string | undefined;

  constructor(private readonly options: DatabricksJobRunnerOptions) {
    for (const [name, id] of [
      ['generation', options.generationJobId],
      ['validation', options.validationJobId],
    ] as const) {
      if (!/^\d+$/.test(id)) throw new AppError('unavailable', `The ${name} job id is not configured for the app.`);
    }
    this.resultsVolume = normaliseVolume(options.resultsVolume);
    this.client = new DatabricksRestClient({
      host: options.host,
      tokenProvider: options.tokenProvider,
      invalidateToken: options.invalidateToken,
      fetch: options.fetch,
      timeoutMs: options.timeoutMs,
      retries: options.retries,
      retryBaseDelayMs: options.retryBaseDelayMs,
    });
  }

  private jobId(kind: JobKind): string {
    return kind === 'generation' ? this.options.generationJobId : this.options.validationJobId;
  }

  async start(input: JobRequest, options: JobCallOptions = {}): Promise<JobHandle> {
    const request = JobRequestSchema.parse(input);
    let rulesPath: string | undefined;
    if (request.kind === 'validation') {
      const bytes = Buffer.from(rulesJson((input as typeof request).rules), 'utf8');
      if (bytes.length > INLINE_RULES_LIMIT_BYTES) {
        if (!this.resultsVolume) {
          throw new AppError(
            'bad_request',
            `This rule set (${bytes.length} bytes) is too large to send to the validation job without a results volume. Configure DQX_RESULTS_VOLUME or validate fewer rules at once.`,
          );
        }
        rulesPath = rulesFilePath(this.resultsVolume, request.runId);
        await this.client.putBytes(filesApiPath(rulesPath) + '?overwrite=true', bytes, options.signal);
      }
    }
    const parameters = encodeJobParameters(input, {
      resultsVolume: this.resultsVolume,
      llmEndpoint: request.kind === 'generation' ? this.options.llmEndpoint : undefined,
      rulesPath,
    });
    const jobId = this.jobId(request.kind);
    // job_id is written as digits so a 64-bit id stays exact; the idempotency token makes retries safe.
    const body = `{"job_id":${jobId},"job_parameters":${JSON.stringify(parameters)},"idempotency_token":${JSON.stringify(`dqx-${request.kind}-${request.runId}`)}}`;
    const response = (await this.client.postJson('/api/2.2/jobs/run-now', body, options.signal)) as { run_id?: string | number };
    if (response.run_id === undefined) throw new Error('run-now answered without a run_id');
    const externalRunId = String(response.run_id);
    log.info('job run started', { kind: request.kind, appRunId: request.runId, jobId, jobRunId: externalRunId });
    return { runner: 'databricks', kind: request.kind, appRunId: request.runId, externalRunId, url: null };
  }

  private async getRun(handle: JobHandle, signal?: AbortSignal): Promise<Run> {
    this.checkHandle(handle);
    const run = (await this.client.getJson('/api/2.2/jobs/runs/get', { run_id: handle.externalRunId }, signal)) as Run;
    // 2.2 pages arrays longer than 100 elements; gather every task so the notebook task is found.
    let next = run.next_page_token;
    while (next) {
      const page = (await this.client.getJson(
        '/api/2.2/jobs/runs/get',
        { run_id: handle.externalRunId, page_token: next },
        signal,
      )) as Run;
      run.tasks = [...(run.tasks ?? []), ...(page.tasks ?? [])];
      next = page.next_page_token;
    }
    return run;
  }

  private checkHandle(handle: JobHandle): void {
    if (handle.runner !== 'databricks' || !/^\d+$/.test(handle.externalRunId)) {
      throw new AppError('bad_request', 'This run was not started by the Databricks job runner.');
    }
  }

  async status(handle: JobHandle, options: JobCallOptions = {}): Promise<JobStatus> {
    return mapRunState(await this.getRun(handle, options.signal));
  }

  async cancel(handle: JobHandle, options: JobCallOptions = {}): Promise<void> {
    this.checkHandle(handle);
    await this.client.postJson('/api/2.2/jobs/runs/cancel', `{"run_id":${handle.externalRunId}}`, options.signal);
  }

  async output(handle: JobHandle, options: JobCallOptions = {}): Promise<JobOutcome> {
    const run = await this.getRun(handle, options.signal);
    const status = mapRunState(run);
    if (!status.terminal) throw conflict('The run has not finished yet.', { state: status.state });

    const taskKey = JOB_TASK_KEYS[handle.kind];
    const task = (run.tasks ?? []).find((t) => t.task_key === taskKey);
    if (!task || task.run_id === undefined) {
      return this.failure(handle, 'job_misconfigured', `The run has no task '${taskKey}'.`, 'Redeploy the bundle so the job matches this app.', null, status);
    }

    let output: RunOutput;
    try {
      output = (await this.client.getJson('/api/2.2/jobs/runs/get-output', { run_id: String(task.run_id) }, options.signal)) as RunOutput;
    } catch (error) {
      if (error instanceof DatabricksApiError && status.state !== 'succeeded') {
        // A run that never started (skipped, canceled while queued) may have no output to fetch.
        return this.stateFailure(handle, status);
      }
      throw error;
    }

    const notebook = output.notebook_output;
    if (notebook?.result) {
      if (notebook.truncated) {
        return this.failure(
          handle,
          'output_truncated',
          'The job output was larger than the Jobs API returns and was cut off.',
          'Configure a results volume (DQX_RESULTS_VOLUME) so large outputs are written there.',
          null,
          status,
        );
      }
      return this.fromEnvelope(handle, notebook.result, status, options.signal);
    }
    if (output.error) {
      const raised = parseRaisedFailure(output.error);
      if (raised !== undefined) return this.fromParsed(handle, raised, status, options.signal);
      return this.failure(
        handle,
        'job_failed',
        `The job failed: ${firstLine(output.error)}`,
        status.url ? `Open the run in Databricks for details: ${status.url}` : 'Open the run in Databricks for details.',
        output.error_trace ? output.error_trace.slice(0, TRACE_LIMIT) : null,
        status,
      );
    }
    return this.stateFailure(handle, status);
  }

  private stateFailure(handle: JobHandle, status: JobStatus): JobOutcome {
    const type = status.state === 'succeeded' ? 'no_output' : status.state;
    const cause =
      status.state === 'succeeded' ? 'The job finished without returning an output.' : (status.message ?? `The run ended ${status.state}.`);
    return this.failure(handle, type, cause, 'Start the run again; if it keeps failing, open the run in Databricks.', null, status);
  }

  private failure(handle: JobHandle, type: string, cause: string, hint: string, trace: string | null, status: JobStatus): JobOutcome {
    log.warn('job run failed', { kind: handle.kind, appRunId: handle.appRunId, jobRunId: handle.externalRunId, type, state: status.platformState });
    return { ok: false, kind: handle.kind, error: { type, cause, hint }, trace };
  }

  private async fromEnvelope(handle: JobHandle, text: string, status: JobStatus, signal?: AbortSignal): Promise<JobOutcome> {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return this.failure(handle, 'contract_violation', 'The job returned an output that is not JSON.', 'Redeploy the bundle so the notebooks match this app.', null, status);
    }
    return this.fromParsed(handle, value, status, signal);
  }

  private async fromParsed(handle: JobHandle, value: unknown, status: JobStatus, signal?: AbortSignal, depth = 0): Promise<JobOutcome> {
    const parsed = JobOutputSchema.safeParse(value);
    if (!parsed.success) {
      const version = (value as { contract_version?: unknown })?.contract_version;
      const cause =
        version !== undefined && version !== 1
          ? `The notebooks speak job contract version ${String(version)}; this app speaks version 1.`
          : 'The job returned an output that does not match the job contract.';
      log.warn('job output violates the contract', { issues: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`) });
      return this.failure(handle, 'contract_violation', cause, 'Deploy the app and the notebooks from the same release.', null, status);
    }
    const output: JobOutput = parsed.data;
    if (output.run_id !== handle.appRunId || output.kind !== handle.kind) {
      return this.failure(handle, 'contract_violation', 'The job returned the output of another run.', 'Start the run again.', null, status);
    }
    if (output.ok === false) {
      return { ok: false, kind: handle.kind, error: output.error as JobError, trace: null };
    }
    if ('output_path' in output) {
      if (depth > 0) return this.failure(handle, 'contract_violation', 'A large-output file points to another file.', '', null, status);
      return this.fromPointer(handle, output, status, signal);
    }
    if (output.kind === 'generation') return { ok: true, kind: 'generation', result: output.result };
    return { ok: true, kind: 'validation', result: output.result };
  }

  private async fromPointer(
    handle: JobHandle,
    pointer: { output_path: string; output_bytes: number; output_sha256: string },
    status: JobStatus,
    signal?: AbortSignal,
  ): Promise<JobOutcome> {
    // Only the one file this run may write is ever read: a pointer cannot send the app elsewhere.
    const expected = this.resultsVolume ? outputFilePath(this.resultsVolume, handle.kind, handle.appRunId) : undefined;
    if (!expected || pointer.output_path !== expected) {
      return this.failure(
        handle,
        'contract_violation',
        'The job wrote its output to an unexpected location.',
        'Check that the app and the job use the same results volume.',
        null,
        status,
      );
    }
    const data = await this.client.getBytes(filesApiPath(expected), signal);
    const sha = createHash('sha256').update(data).digest('hex');
    if (data.length !== pointer.output_bytes || sha !== pointer.output_sha256) {
      return this.failure(handle, 'output_corrupt', 'The large-output file does not match its checksum.', 'Start the run again.', null, status);
    }
    let value: unknown;
    try {
      value = JSON.parse(data.toString('utf8'));
    } catch {
      return this.failure(handle, 'contract_violation', 'The large-output file is not JSON.', '', null, status);
    }
    return this.fromParsed(handle, value, status, signal, 1);
  }
}
