/**
 * A local stand-in for the Databricks workspace endpoints the job runner uses, speaking the
 * documented protocol: OAuth M2M token (`POST /oidc/v1/token`), Jobs API 2.2 (`run-now`,
 * `runs/get`, `runs/get-output`, `runs/cancel`, `runs/submit`) and the Files API (`/api/2.0/fs/files/...`).
 * Errors are `{ error_code, message }` with the documented status codes.
 *
 * What a run returns comes from recordings of the real notebooks on local Spark
 * (`tests/fixtures/jobs/*.json`): a run-now whose job_parameters equal a recording's plays that
 * recording, so the app's encoding of a request is checked against what the notebooks received.
 * Test support only; never imported by the application.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recording {
  description: string;
  kind: 'generation' | 'validation' | 'monitoring';
  job_parameters: Record<string, string>;
  notebook: { exit: string } | { raised: { class: string; message: string } };
  volume_files: Record<string, string>;
}

export interface FakeJob {
  jobId: string;
  taskKey: string;
  /** Declared job-level parameters; run-now with any other name is refused. */
  parameters: string[];
}

/** One step of a run's life: the legacy `state` and the 2.2 `status`. */
export interface RunStep {
  life: string;
  result?: string;
  v2: string;
  code?: string;
  message?: string;
}

export const NORMAL_LIFE: RunStep[] = [
  { life: 'QUEUED', v2: 'QUEUED' },
  { life: 'PENDING', v2: 'PENDING' },
  { life: 'RUNNING', v2: 'RUNNING' },
  { life: 'TERMINATING', v2: 'TERMINATING' },
];

interface FakeRun {
  runId: number;
  taskRunId: number;
  job: FakeJob;
  parameters: Record<string, string>;
  recording: Recording | undefined;
  steps: RunStep[];
  final: RunStep;
  position: number;
  startTime: number;
  /** get-output of the task as the API would return it once terminal. */
  output: Record<string, unknown>;
  /** Set to answer this run's get-output with a truncated notebook result. */
  truncate?: boolean;
  /** A computed run (options.compute) stays RUNNING until its notebook has finished. */
  computing?: boolean;
  /** The Jobs API trigger type (ONE_TIME for run-now, PERIODIC for a schedule slot). */
  trigger?: string;
}

/** A job created through `jobs/create` (the settings exactly as sent), as `jobs/get` returns it. */
export interface CreatedJob {
  job_id: string;
  creator_user_name: string;
  created_time: number;
  settings: Record<string, unknown>;
}

export interface FakeWorkspaceOptions {
  clientId: string;
  clientSecret: string;
  jobs: FakeJob[];
  recordings: Recording[];
  /**
   * Computes a run's notebook result instead of playing a recording (the rehearsal runs the real
   * notebooks on local Spark). The run stays RUNNING until it resolves.
   */
  compute?: (job: FakeJob, parameters: Record<string, string>) => Promise<Recording['notebook']>;
  /**
   * Users' own tokens the Files API accepts besides the service principal's (calls made on a user's
   * behalf, e.g. publishing a checks file), each with the volume paths it may write (prefixes).
   */
  userTokens?: Record<string, { canWrite: string[] }>;
  /** `jobs/get` settings of the bundle's jobs (by job id), e.g. the validation job's deployed notebook path. */
  jobSettings?: Record<string, { settings: Record<string, unknown>; run_as_user_name?: string }>;
  /** The identity jobs/create records as creator (the app's service principal). */
  principal?: string;
  /** Answers other workspace endpoints first (true when it answered); the rehearsal's SCIM, serving, Lakebase. */
  extra?: (req: IncomingMessage, url: URL, raw: Buffer, res: ServerResponse) => Promise<boolean>;
}

export class FakeWorkspace {
  readonly requests: { method: string; path: string; authorization: string | undefined; body: string }[] = [];
  readonly files = new Map<string, Buffer>();
  readonly directories = new Set<string>();
  readonly runs = new Map<number, FakeRun>();
  readonly issuedTokens: string[] = [];
  private readonly idempotency = new Map<string, number>();
  /** Jobs created with jobs/create (and changed with jobs/reset), by job id. */
  readonly createdJobs = new Map<string, CreatedJob>();
  private nextJobId = 1_125_899_906_842_624; // 2^50: large ids as the service hands out
  private nextRunId = 9_007_199_254_740_000; // above 2^53: ids must be handled as exact integers
  private server: Server | undefined;
  /** Life cycle of the next started run (then reset to NORMAL_LIFE). */
  nextLife: { steps: RunStep[]; final?: RunStep } | undefined;
  /** Answer the next N API calls with 503 TEMPORARILY_UNAVAILABLE. */
  failNext = 0;
  /** One-time runs accepted by `runs/submit` (one per idempotency token), with the body as sent. */
  readonly submittedRuns: { runId: number; body: Record<string, unknown> }[] = [];
  /** Answer the next N `runs/submit` calls with this error (e.g. the principal lacks a right). */
  failSubmits: { count: number; status: number; error_code: string; message: string } = { count: 0, status: 503, error_code: 'TEMPORARILY_UNAVAILABLE', message: '' };
  url = '';

  constructor(private readonly options: FakeWorkspaceOptions) {
    for (const recording of options.recordings) {
      for (const [path, text] of Object.entries(recording.volume_files)) this.files.set(path, Buffer.from(text, 'utf8'));
    }
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req, res).catch((error: unknown) => {
        this.send(res, 500, { error_code: 'INTERNAL_ERROR', message: String(error) });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Replaces what get-output returns for a run (tests of hostile or broken outputs). */
  setOutput(runId: number, output: Record<string, unknown>): void {
    const run = this.runs.get(runId);
    if (run) run.output = output;
  }

  /** Moves a run straight to its end (tests that do not care about the intermediate states). */
  finish(runId: number): void {
    const run = this.runs.get(runId);
    if (run) run.position = run.steps.length;
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(text);
  }

  private async body(req: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const raw = await this.body(req);
    this.requests.push({ method: req.method ?? '', path: url.pathname + url.search, authorization: req.headers.authorization, body: raw.toString('utf8') });

    if (req.method === 'POST' && url.pathname === '/oidc/v1/token') return this.token(req, raw, res);
    if (this.options.extra && (await this.options.extra(req, url, raw, res))) return;

    const bearer = req.headers.authorization?.startsWith('Bearer ') ? req.headers.authorization.slice(7) : undefined;
    const user = bearer ? this.options.userTokens?.[bearer] : undefined;
    if (user && (url.pathname.startsWith('/api/2.0/fs/files/') || url.pathname.startsWith('/api/2.0/fs/directories/'))) {
      const path = decodeURIComponent(url.pathname.replace(/^\/api\/2\.0\/fs\/(files|directories)/, ''));
      if (req.method === 'PUT' && !user.canWrite.some((prefix) => path.startsWith(prefix))) {
        return this.send(res, 403, { error_code: 'PERMISSION_DENIED', message: `User does not have WRITE VOLUME on ${path}.` });
      }
      return url.pathname.startsWith('/api/2.0/fs/files/') ? this.fileCall(req.method ?? '', url, raw, res) : this.directoryCall(req.method ?? '', path, res);
    }
    if (!bearer || !this.issuedTokens.includes(bearer)) {
      return this.send(res, 401, { error_code: 'UNAUTHENTICATED', message: 'Invalid access token.' });
    }
    if (this.failNext > 0) {
      this.failNext -= 1;
      return this.send(res, 503, { error_code: 'TEMPORARILY_UNAVAILABLE', message: 'The service is temporarily unavailable.' });
    }

    if (req.method === 'POST' && url.pathname === '/api/2.2/jobs/run-now') return this.runNow(raw, res);
    if (req.method === 'POST' && url.pathname === '/api/2.2/jobs/create') return this.createJob(raw, res);
    if (req.method === 'POST' && url.pathname === '/api/2.2/jobs/reset') return this.resetJob(raw, res);
    if (req.method === 'POST' && url.pathname === '/api/2.2/jobs/delete') return this.deleteJob(raw, res);
    if (req.method === 'GET' && url.pathname === '/api/2.2/jobs/get') return this.getJob(url, res);
    if (req.method === 'GET' && url.pathname === '/api/2.2/jobs/list') return this.listJobs(url, res);
    if (req.method === 'GET' && url.pathname === '/api/2.2/jobs/runs/list') return this.listRuns(url, res);
    if (req.method === 'GET' && url.pathname === '/api/2.2/jobs/runs/get') return this.getRun(url, res);
    if (req.method === 'GET' && url.pathname === '/api/2.2/jobs/runs/get-output') return this.getOutput(url, res);
    if (req.method === 'POST' && url.pathname === '/api/2.2/jobs/runs/cancel') return this.cancel(raw, res);
    if (req.method === 'POST' && url.pathname === '/api/2.2/jobs/runs/submit') return this.submitRun(raw, res);
    if (url.pathname.startsWith('/api/2.0/fs/files/')) return this.fileCall(req.method ?? '', url, raw, res);
    if (url.pathname.startsWith('/api/2.0/fs/directories/')) {
      return this.directoryCall(req.method ?? '', decodeURIComponent(url.pathname.slice('/api/2.0/fs/directories'.length)), res);
    }
    return this.send(res, 404, { error_code: 'ENDPOINT_NOT_FOUND', message: `No API found for '${req.method} ${url.pathname}'` });
  }

  private token(req: IncomingMessage, raw: Buffer, res: ServerResponse): void {
    const expected = 'Basic ' + Buffer.from(`${this.options.clientId}:${this.options.clientSecret}`).toString('base64');
    const form = new URLSearchParams(raw.toString('utf8'));
    if (req.headers['content-type'] !== 'application/x-www-form-urlencoded') {
      return this.send(res, 400, { error: 'invalid_request', error_description: 'form body expected' });
    }
    if (req.headers.authorization !== expected) {
      return this.send(res, 401, { error: 'invalid_client', error_description: 'Client authentication failed' });
    }
    if (form.get('grant_type') !== 'client_credentials' || form.get('scope') !== 'all-apis') {
      return this.send(res, 400, { error: 'invalid_request', error_description: 'unsupported grant or scope' });
    }
    const token = `fake-sp-token-${this.issuedTokens.length + 1}-${Math.random().toString(36).slice(2)}`;
    this.issuedTokens.push(token);
    this.send(res, 200, { access_token: token, token_type: 'Bearer', expires_in: 3600, scope: 'all-apis' });
  }

  private runNow(raw: Buffer, res: ServerResponse): void {
    // job_id may exceed 2^53: read it from the text, as the service does
    const jobIdText = /"job_id"\s*:\s*(\d+)/.exec(raw.toString('utf8'))?.[1];
    const body = JSON.parse(raw.toString('utf8')) as { job_parameters?: Record<string, unknown>; idempotency_token?: string; notebook_params?: unknown };
    const job = this.options.jobs.find((j) => j.jobId === jobIdText);
    if (!job) return this.send(res, 400, { error_code: 'INVALID_PARAMETER_VALUE', message: `Job ${jobIdText} does not exist.` });
    if (body.notebook_params !== undefined) {
      return this.send(res, 400, { error_code: 'INVALID_PARAMETER_VALUE', message: 'notebook_params cannot be used with job parameters.' });
    }
    if (body.idempotency_token && body.idempotency_token.length > 64) {
      return this.send(res, 400, { error_code: 'INVALID_PARAMETER_VALUE', message: 'idempotency_token must be at most 64 characters.' });
    }
    const params = body.job_parameters ?? {};
    for (const [name, value] of Object.entries(params)) {
      if (!job.parameters.includes(name)) {
        return this.send(res, 400, { error_code: 'INVALID_PARAMETER_VALUE', message: `Job parameter '${name}' is not defined for job ${job.jobId}.` });
      }
      if (typeof value !== 'string') {
        return this.send(res, 400, { error_code: 'INVALID_PARAMETER_VALUE', message: `Job parameter '${name}' must be a string.` });
      }
    }
    if (body.idempotency_token && this.idempotency.has(body.idempotency_token)) {
      const existing = this.idempotency.get(body.idempotency_token)!;
      return this.send(res, 200, `{"run_id":${existing},"number_in_job":${existing}}`);
    }
    const parameters = params as Record<string, string>;
    if (this.options.compute) return this.computedRun(job, parameters, body.idempotency_token, res);
    const recording = this.options.recordings.find(
      (r) => JSON.stringify(sortKeys(r.job_parameters)) === JSON.stringify(sortKeys(parameters)),
    );
    const runId = this.nextRunId++;
    const taskRunId = this.nextRunId++;
    const life = this.nextLife;
    this.nextLife = undefined;
    const succeeded = recording && 'exit' in recording.notebook;
    const final: RunStep =
      life?.final ??
      (succeeded
        ? { life: 'TERMINATED', result: 'SUCCESS', v2: 'TERMINATED', code: 'SUCCESS', message: '' }
        : { life: 'TERMINATED', result: 'FAILED', v2: 'TERMINATED', code: 'RUN_EXECUTION_ERROR', message: 'Task generate_rules failed with message: Workload failed, see run output for details.' });
    const output: Record<string, unknown> = {};
    if (recording && 'exit' in recording.notebook) output.notebook_output = { result: recording.notebook.exit, truncated: false };
    if (recording && 'raised' in recording.notebook) {
      output.error = `${recording.notebook.raised.class}: ${recording.notebook.raised.message}`;
      output.error_trace = `---------------------------------------------------------------------------\n${recording.notebook.raised.class}                                 Traceback (most recent call last)\nFile <command-1>, line 3\n----> 3 finish(output, dbutils, results_volume=parameters.get("results_volume"))\n${recording.notebook.raised.class}: ${recording.notebook.raised.message}`;
    }
    if (!recording) {
      output.error = 'NameError: no recording matches these job parameters';
      output.error_trace = 'NameError: no recording matches these job parameters';
    }
    this.runs.set(runId, { runId, taskRunId, job, parameters, recording, steps: life?.steps ?? NORMAL_LIFE, final, position: 0, startTime: Date.now(), output });
    if (body.idempotency_token) this.idempotency.set(body.idempotency_token, runId);
    this.send(res, 200, `{"run_id":${runId},"number_in_job":${runId}}`);
  }

  private computedRun(job: FakeJob, parameters: Record<string, string>, idempotency: string | undefined, res: ServerResponse): void {
    const runId = this.nextRunId++;
    const taskRunId = this.nextRunId++;
    const running: RunStep = { life: 'RUNNING', v2: 'RUNNING' };
    const run: FakeRun = { runId, taskRunId, job, parameters, recording: undefined, steps: [...NORMAL_LIFE], final: running, position: 0, startTime: Date.now(), output: {}, computing: true };
    this.runs.set(runId, run);
    if (idempotency) this.idempotency.set(idempotency, runId);
    void this.options.compute!(job, parameters)
      .then((notebook) => {
        if (run.final.result === 'CANCELED') return;
        if ('exit' in notebook) {
          run.output = { notebook_output: { result: notebook.exit, truncated: false } };
          run.final = { life: 'TERMINATED', result: 'SUCCESS', v2: 'TERMINATED', code: 'SUCCESS', message: '' };
        } else {
          run.output = { error: `${notebook.raised.class}: ${notebook.raised.message}`, error_trace: `${notebook.raised.class}: ${notebook.raised.message}` };
          run.final = { life: 'TERMINATED', result: 'FAILED', v2: 'TERMINATED', code: 'RUN_EXECUTION_ERROR', message: `Task ${job.taskKey} failed with message: Workload failed, see run output for details.` };
        }
      })
      .catch((error: unknown) => {
        run.output = { error: String(error), error_trace: String(error) };
        run.final = { life: 'INTERNAL_ERROR', v2: 'TERMINATED', code: 'INTERNAL_ERROR', message: String(error) };
      })
      .finally(() => {
        run.computing = false;
      });
    this.send(res, 200, `{"run_id":${runId},"number_in_job":${runId}}`);
  }

  private current(run: FakeRun): { step: RunStep; terminal: boolean } {
    // a computed run shows RUNNING (its last live state) until the notebook has finished
    if (run.computing && run.position >= run.steps.length - 1) return { step: { life: 'RUNNING', v2: 'RUNNING' }, terminal: false };
    if (run.position < run.steps.length) return { step: run.steps[run.position]!, terminal: false };
    return { step: run.final, terminal: true };
  }

  private runJson(run: FakeRun, advance: boolean): string {
    const { step, terminal } = this.current(run);
    if (advance && !terminal) run.position += 1;
    const state = { life_cycle_state: step.life, ...(step.result ? { result_state: step.result } : {}), state_message: step.message ?? '', user_cancelled_or_timedout: false };
    const status = {
      state: step.v2,
      ...(step.code ? { termination_details: { code: step.code, type: step.code === 'SUCCESS' ? 'SUCCESS' : 'CLIENT_ERROR', message: step.message ?? '' } } : {}),
      ...(step.v2 === 'QUEUED' ? { queue_details: { code: 'ACTIVE_RUNS_LIMIT_REACHED', message: 'The run is queued because the workspace has reached its active runs limit.' } } : {}),
    };
    const task = { run_id: `@@${run.taskRunId}@@`, task_key: run.job.taskKey, state, status, start_time: run.startTime, end_time: terminal ? run.startTime + 60_000 : 0, attempt_number: 0 };
    const body = {
      job_id: `@@${run.job.jobId}@@`,
      run_id: `@@${run.runId}@@`,
      number_in_job: `@@${run.runId}@@`,
      state,
      status,
      tasks: [task],
      job_parameters: Object.entries(run.parameters).map(([name, value]) => ({ name, value, default: '' })),
      start_time: run.startTime,
      end_time: terminal ? run.startTime + 60_000 : 0,
      run_page_url: `${this.url}/jobs/${run.job.jobId}/runs/${run.runId}`,
      run_type: 'JOB_RUN',
      trigger: run.trigger ?? 'ONE_TIME',
      format: 'MULTI_TASK',
    };
    // 64-bit ids are JSON numbers on the wire
    return JSON.stringify(body).replace(/"@@(\d+)@@"/g, '$1');
  }

  private getRun(url: URL, res: ServerResponse): void {
    const run = this.runs.get(Number(url.searchParams.get('run_id')));
    if (!run) return this.send(res, 404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Run does not exist.' });
    this.send(res, 200, this.runJson(run, true));
  }

  private getOutput(url: URL, res: ServerResponse): void {
    const id = Number(url.searchParams.get('run_id'));
    if (this.runs.has(id)) {
      return this.send(res, 400, {
        error_code: 'INVALID_PARAMETER_VALUE',
        message: 'Retrieving the output of runs with multiple tasks is not supported. Please retrieve the output of each individual task run instead.',
      });
    }
    const run = [...this.runs.values()].find((r) => r.taskRunId === id);
    if (!run) return this.send(res, 404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Run does not exist.' });
    const { terminal, step } = this.current(run);
    const neverRan = step.life === 'SKIPPED' || step.code === 'SKIPPED' || step.code === 'USER_CANCELED';
    const output: Record<string, unknown> = !terminal || neverRan ? {} : { ...run.output };
    if (run.truncate && output.notebook_output) {
      const result = (output.notebook_output as { result: string }).result;
      output.notebook_output = { result: result.slice(0, Math.floor(result.length / 2)), truncated: true };
    }
    const metadata = JSON.parse(this.runJson(run, false).replace(/"run_id":(\d{16,})/g, '"run_id":"$1"')) as Record<string, unknown>;
    this.send(res, 200, JSON.stringify({ ...output, metadata }).replace(/"run_id":"(\d+)"/g, '"run_id":$1'));
  }

  private cancel(raw: Buffer, res: ServerResponse): void {
    const id = Number(/"run_id"\s*:\s*(\d+)/.exec(raw.toString('utf8'))?.[1]);
    const run = this.runs.get(id);
    if (!run) return this.send(res, 400, { error_code: 'INVALID_PARAMETER_VALUE', message: `Run ${id} does not exist.` });
    if (!this.current(run).terminal) {
      run.steps = [{ life: 'TERMINATING', v2: 'TERMINATING' }];
      run.position = 0;
      run.final = { life: 'TERMINATED', result: 'CANCELED', v2: 'TERMINATED', code: 'USER_CANCELED', message: 'Run was canceled by the user.' };
      run.computing = false;
    }
    this.send(res, 200, {});
  }

  // ---- One-time runs (runs/submit) -------------------------------------------------------------

  /**
   * `POST /api/2.2/jobs/runs/submit`: a one-time run of `tasks` (no job), answered `{ run_id }`.
   * Checked as the service checks it: `run_name` a string (default `Untitled`), `tasks` a non-empty
   * list of tasks with a `task_key` and here a `notebook_task.notebook_path`, each `environment_key`
   * one of `environments` (each with an `environment_key` and a `spec`), `email_notifications` with
   * its known lists of addresses, `idempotency_token` at most 64 characters: a token already used
   * returns that run's id and starts nothing. The run is recorded as succeeded (so its
   * `on_success` addresses would be e-mailed); tests read `submittedRuns`.
   */
  private submitRun(raw: Buffer, res: ServerResponse): void {
    const invalid = (message: string) => this.send(res, 400, { error_code: 'INVALID_PARAMETER_VALUE', message });
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    } catch {
      return this.send(res, 400, { error_code: 'MALFORMED_REQUEST', message: 'Could not parse request object.' });
    }
    if (this.failSubmits.count > 0) {
      this.failSubmits.count -= 1;
      const { status, error_code, message } = this.failSubmits;
      return this.send(res, status, { error_code, message });
    }
    const token = body.idempotency_token;
    if (token !== undefined && (typeof token !== 'string' || token.length > 64)) return invalid('idempotency_token must be a string of at most 64 characters.');
    if (body.run_name !== undefined && (typeof body.run_name !== 'string' || body.run_name.length > 4096)) return invalid('run_name must be a string of at most 4096 characters.');
    const environments = body.environments;
    if (environments !== undefined) {
      if (!Array.isArray(environments)) return invalid('environments must be a list.');
      for (const e of environments as Record<string, unknown>[]) {
        if (typeof e.environment_key !== 'string' || !e.environment_key) return invalid('Every environment needs an environment_key.');
        if (!e.spec || typeof e.spec !== 'object') return invalid(`Environment ${e.environment_key} has no spec.`);
      }
    }
    const tasks = body.tasks;
    if (!Array.isArray(tasks) || tasks.length === 0) return invalid('A run must have at least one task.');
    const keys = new Set<string>();
    for (const task of tasks as Record<string, unknown>[]) {
      if (typeof task.task_key !== 'string' || !/^[A-Za-z0-9_-]{1,100}$/.test(task.task_key)) return invalid(`Invalid task_key ${String(task.task_key)}.`);
      if (keys.has(task.task_key)) return invalid(`Task key ${task.task_key} is used twice.`);
      keys.add(task.task_key);
      const notebook = task.notebook_task as { notebook_path?: unknown; base_parameters?: unknown } | undefined;
      if (!notebook || typeof notebook.notebook_path !== 'string' || !notebook.notebook_path) return invalid(`Task ${task.task_key} has no notebook_task.notebook_path.`);
      if (notebook.base_parameters !== undefined) {
        const params = notebook.base_parameters as Record<string, unknown>;
        if (typeof params !== 'object' || params === null || Array.isArray(params) || Object.values(params).some((v) => typeof v !== 'string')) {
          return invalid(`Task ${task.task_key}: notebook_task.base_parameters must map names to strings.`);
        }
      }
      if (task.environment_key !== undefined && !((environments as { environment_key?: string }[] | undefined) ?? []).some((e) => e.environment_key === task.environment_key)) {
        return invalid(`Task ${task.task_key} refers to environment ${String(task.environment_key)}, which the run does not define.`);
      }
    }
    const emails = body.email_notifications as Record<string, unknown> | undefined;
    if (emails !== undefined) {
      const known = ['on_start', 'on_success', 'on_failure', 'on_duration_warning_threshold_exceeded', 'on_streaming_backlog_exceeded', 'no_alert_for_skipped_runs'];
      for (const [key, value] of Object.entries(emails)) {
        if (!known.includes(key)) return invalid(`Unknown field email_notifications.${key}.`);
        if (key !== 'no_alert_for_skipped_runs' && (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))) return invalid(`email_notifications.${key} must be a list of addresses.`);
      }
    }
    if (typeof token === 'string' && this.idempotency.has(token)) {
      return this.send(res, 200, `{"run_id":${this.idempotency.get(token)!}}`);
    }
    const runId = this.nextRunId++;
    this.submittedRuns.push({ runId, body });
    if (typeof token === 'string') this.idempotency.set(token, runId);
    this.send(res, 200, `{"run_id":${runId}}`);
  }

  // ---- Job definitions (jobs/create, reset, delete, get, list) ---------------------------------

  /** Checks a JobSettings object as the service does for the fields the app sends; null when valid. */
  private settingsProblem(settings: Record<string, unknown>): string | null {
    if (typeof settings.name !== 'string' || settings.name.length > 4096) return 'name must be a string of at most 4096 characters.';
    const tasks = settings.tasks;
    if (!Array.isArray(tasks) || tasks.length === 0) return 'A job must have at least one task.';
    for (const task of tasks as Record<string, unknown>[]) {
      if (typeof task.task_key !== 'string' || !/^[A-Za-z0-9_-]{1,100}$/.test(task.task_key)) return `Invalid task_key ${String(task.task_key)}.`;
      const notebook = task.notebook_task as { notebook_path?: unknown } | undefined;
      if (!notebook || typeof notebook.notebook_path !== 'string' || !notebook.notebook_path) return `Task ${task.task_key} has no notebook_task.notebook_path.`;
      const envs = (settings.environments as { environment_key?: string }[] | undefined) ?? [];
      if (task.environment_key !== undefined && !envs.some((e) => e.environment_key === task.environment_key)) {
        return `Task ${task.task_key} refers to environment ${String(task.environment_key)}, which the job does not define.`;
      }
    }
    const schedule = settings.schedule as Record<string, unknown> | undefined;
    if (schedule !== undefined) {
      if (typeof schedule.quartz_cron_expression !== 'string' || !schedule.quartz_cron_expression) return 'schedule.quartz_cron_expression is required.';
      if (typeof schedule.timezone_id !== 'string' || !schedule.timezone_id) return 'schedule.timezone_id is required.';
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: schedule.timezone_id });
      } catch {
        return `Invalid timezone_id '${schedule.timezone_id}'.`;
      }
      if (schedule.pause_status !== undefined && schedule.pause_status !== 'PAUSED' && schedule.pause_status !== 'UNPAUSED') {
        return `Invalid pause_status ${String(schedule.pause_status)}; expected PAUSED or UNPAUSED.`;
      }
      const fields = schedule.quartz_cron_expression.trim().split(/\s+/);
      if (fields.length < 6 || fields.length > 7 || (fields[3] !== '?') === (fields[5] !== '?')) {
        return `Invalid quartz_cron_expression '${schedule.quartz_cron_expression}': 6 or 7 fields, with '?' in exactly one of day-of-month and day-of-week.`;
      }
    }
    const emails = settings.email_notifications as Record<string, unknown> | undefined;
    if (emails !== undefined) {
      const known = ['on_start', 'on_success', 'on_failure', 'on_duration_warning_threshold_exceeded', 'on_streaming_backlog_exceeded', 'no_alert_for_skipped_runs'];
      for (const [key, value] of Object.entries(emails)) {
        if (!known.includes(key)) return `Unknown field email_notifications.${key}.`;
        if (key !== 'no_alert_for_skipped_runs' && (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))) return `email_notifications.${key} must be a list of addresses.`;
      }
    }
    if (settings.max_concurrent_runs !== undefined && (typeof settings.max_concurrent_runs !== 'number' || settings.max_concurrent_runs < 0)) {
      return 'max_concurrent_runs must be a non-negative number.';
    }
    const parameters = settings.parameters as { name?: unknown; default?: unknown }[] | undefined;
    for (const p of parameters ?? []) {
      if (typeof p.name !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(p.name) || typeof p.default !== 'string') return `Invalid job parameter ${JSON.stringify(p)}.`;
    }
    const runAs = settings.run_as as Record<string, unknown> | undefined;
    if (runAs !== undefined && Object.keys(runAs).length !== 1) return 'run_as must name exactly one of user_name or service_principal_name.';
    return null;
  }

  private jobIdOf(raw: Buffer): string | undefined {
    return /"job_id"\s*:\s*(\d+)/.exec(raw.toString('utf8'))?.[1];
  }

  private createJob(raw: Buffer, res: ServerResponse): void {
    const settings = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    const problem = this.settingsProblem(settings);
    if (problem) return this.send(res, 400, { error_code: 'INVALID_PARAMETER_VALUE', message: problem });
    const jobId = String(this.nextJobId++);
    this.createdJobs.set(jobId, { job_id: jobId, creator_user_name: this.options.principal ?? this.options.clientId, created_time: Date.now(), settings });
    this.send(res, 200, `{"job_id":${jobId}}`);
  }

  private resetJob(raw: Buffer, res: ServerResponse): void {
    const jobId = this.jobIdOf(raw);
    const body = JSON.parse(raw.toString('utf8')) as { new_settings?: Record<string, unknown> };
    if (!jobId || !body.new_settings) return this.send(res, 400, { error_code: 'INVALID_PARAMETER_VALUE', message: 'job_id and new_settings are required.' });
    const job = this.createdJobs.get(jobId);
    if (!job) return this.send(res, 400, { error_code: 'INVALID_PARAMETER_VALUE', message: `Job ${jobId} does not exist.` });
    const problem = this.settingsProblem(body.new_settings);
    if (problem) return this.send(res, 400, { error_code: 'INVALID_PARAMETER_VALUE', message: problem });
    job.settings = body.new_settings;
    this.send(res, 200, {});
  }

  private deleteJob(raw: Buffer, res: ServerResponse): void {
    const jobId = this.jobIdOf(raw);
    if (!jobId || !this.createdJobs.delete(jobId)) {
      return this.send(res, 400, { error_code: 'INVALID_PARAMETER_VALUE', message: `Job ${jobId ?? ''} does not exist.` });
    }
    this.send(res, 200, {});
  }

  private jobJson(job: CreatedJob): string {
    const runAs = job.settings.run_as as { user_name?: string; service_principal_name?: string } | undefined;
    const body = { job_id: `@@${job.job_id}@@`, creator_user_name: job.creator_user_name, run_as_user_name: runAs?.service_principal_name ?? runAs?.user_name ?? job.creator_user_name, created_time: job.created_time, settings: job.settings };
    return JSON.stringify(body).replace(/"@@(\d+)@@"/g, '$1');
  }

  private getJob(url: URL, res: ServerResponse): void {
    const jobId = url.searchParams.get('job_id') ?? '';
    const bundleJob = this.options.jobSettings?.[jobId];
    if (bundleJob) {
      return this.send(res, 200, JSON.stringify({ job_id: `@@${jobId}@@`, creator_user_name: 'deployer@example.com', ...bundleJob }).replace(/"@@(\d+)@@"/g, '$1'));
    }
    const job = this.createdJobs.get(jobId);
    if (!job) return this.send(res, 400, { error_code: 'INVALID_PARAMETER_VALUE', message: `Job ${jobId} does not exist.` });
    this.send(res, 200, this.jobJson(job));
  }

  /** `GET /api/2.2/jobs/list`: `name` filters by exact name (case-insensitive), newest first. */
  private listJobs(url: URL, res: ServerResponse): void {
    const name = url.searchParams.get('name');
    const jobs = [...this.createdJobs.values()].filter((j) => name === null || String(j.settings.name).toLowerCase() === name.toLowerCase()).reverse();
    this.send(res, 200, `{"jobs":[${jobs.map((j) => this.jobJson(j)).join(',')}],"has_more":false}`);
  }

  // ---- Scheduled runs ------------------------------------------------------------------------

  /**
   * A run the job's schedule started (trigger PERIODIC), already finished with this notebook result.
   * Its parameters are the job's declared defaults, with `{{job.run_id}}` resolved as Databricks does.
   */
  scheduledRun(jobId: string, notebook: Recording['notebook'], options: { runId?: bigint; final?: RunStep } = {}): number {
    const job = this.createdJobs.get(jobId);
    if (!job) throw new Error(`job ${jobId} was not created`);
    const runId = options.runId !== undefined ? Number(options.runId) : this.nextRunId++;
    const taskRunId = this.nextRunId++;
    const task = (job.settings.tasks as { task_key: string }[])[0]!;
    const declared = (job.settings.parameters as { name: string; default: string }[] | undefined) ?? [];
    const parameters = Object.fromEntries(declared.map((p) => [p.name, p.default.replace('{{job.run_id}}', String(options.runId ?? runId))]));
    const fakeJob: FakeJob = { jobId, taskKey: task.task_key, parameters: declared.map((p) => p.name) };
    const succeeded = 'exit' in notebook;
    const final: RunStep =
      options.final ??
      (succeeded
        ? { life: 'TERMINATED', result: 'SUCCESS', v2: 'TERMINATED', code: 'SUCCESS', message: '' }
        : { life: 'TERMINATED', result: 'FAILED', v2: 'TERMINATED', code: 'RUN_EXECUTION_ERROR', message: `Task ${task.task_key} failed with message: Workload failed, see run output for details.` });
    const output: Record<string, unknown> =
      'exit' in notebook
        ? { notebook_output: { result: notebook.exit, truncated: false } }
        : { error: `${notebook.raised.class}: ${notebook.raised.message}`, error_trace: `${notebook.raised.class}: ${notebook.raised.message}` };
    this.runs.set(runId, { runId, taskRunId, job: fakeJob, parameters, recording: undefined, steps: [], final, position: 0, startTime: Date.now(), output, trigger: 'PERIODIC' });
    return runId;
  }

  /**
   * `GET /api/2.2/jobs/runs/list`: newest first; `limit` 1-25 (default 20), `page_token` from
   * `next_page_token`; `completed_only` / `active_only`; tasks only with `expand_tasks=true`.
   */
  private listRuns(url: URL, res: ServerResponse): void {
    const q = url.searchParams;
    if (q.get('active_only') === 'true' && q.get('completed_only') === 'true') {
      return this.send(res, 400, { error_code: 'INVALID_PARAMETER_VALUE', message: 'active_only and completed_only cannot both be true.' });
    }
    const limit = Number(q.get('limit') ?? '20');
    if (!Number.isInteger(limit) || limit < 1 || limit > 25) return this.send(res, 400, { error_code: 'INVALID_PARAMETER_VALUE', message: 'limit must be between 1 and 25.' });
    const jobId = q.get('job_id');
    const offset = q.get('page_token') ? Number(Buffer.from(q.get('page_token')!, 'base64url').toString('utf8')) : 0;
    const all = [...this.runs.values()]
      .filter((r) => jobId === null || r.job.jobId === jobId)
      .filter((r) => {
        const terminal = this.current(r).terminal;
        return q.get('completed_only') === 'true' ? terminal : q.get('active_only') === 'true' ? !terminal : true;
      })
      .sort((a, b) => b.runId - a.runId);
    const page = all.slice(offset, offset + limit);
    const expand = q.get('expand_tasks') === 'true';
    const runs = page.map((r) => {
      const json = this.runJson(r, false);
      return expand ? json : json.replace(/,"tasks":\[[^\]]*\]/, '');
    });
    const more = offset + limit < all.length;
    const next = more ? `,"next_page_token":"${Buffer.from(String(offset + limit)).toString('base64url')}"` : '';
    this.send(res, 200, `{"runs":[${runs.join(',')}],"has_more":${more}${next}}`);
  }

  /** `PUT /api/2.0/fs/directories{path}`: creates the directory and its parents (mkdir -p) in an existing volume. */
  private directoryCall(method: string, path: string, res: ServerResponse): void {
    const parts = path.split('/');
    if (!path.startsWith('/Volumes/') || parts.length < 5) return this.send(res, 400, { error_code: 'INVALID_PARAMETER_VALUE', message: 'Path must be inside a volume.' });
    if (method !== 'PUT') return this.send(res, 405, { error_code: 'METHOD_NOT_ALLOWED', message: method });
    const volume = parts.slice(0, 5).join('/');
    if (this.volumes && !this.volumes.has(volume)) return this.send(res, 404, { error_code: 'NOT_FOUND', message: `Volume ${volume} does not exist.` });
    for (let i = 5; i <= parts.length; i++) this.directories.add(parts.slice(0, i).join('/'));
    res.writeHead(204);
    res.end();
  }

  /** Volumes that exist (`/Volumes/c/s/v`); unset: every volume does. */
  volumes: Set<string> | undefined;

  private fileCall(method: string, url: URL, raw: Buffer, res: ServerResponse): void {
    const path = decodeURIComponent(url.pathname.slice('/api/2.0/fs/files'.length));
    if (!path.startsWith('/Volumes/')) return this.send(res, 400, { error_code: 'INVALID_PARAMETER_VALUE', message: 'Path must be under /Volumes.' });
    if (method === 'GET') {
      const data = this.files.get(path);
      if (!data) return this.send(res, 404, { error_code: 'NOT_FOUND', message: 'The file being accessed is not found.' });
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(data.length) });
      return void res.end(data);
    }
    if (method === 'PUT') {
      const volume = path.split('/').slice(0, 5).join('/');
      if (this.volumes && !this.volumes.has(volume)) return this.send(res, 404, { error_code: 'NOT_FOUND', message: `Volume ${volume} does not exist.` });
      if (this.files.has(path) && url.searchParams.get('overwrite') !== 'true') {
        return this.send(res, 409, { error_code: 'ALREADY_EXISTS', message: 'The file being created already exists.' });
      }
      this.files.set(path, raw);
      res.writeHead(204);
      return void res.end();
    }
    this.send(res, 405, { error_code: 'METHOD_NOT_ALLOWED', message: method });
  }
}

function sortKeys(value: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)));
}
