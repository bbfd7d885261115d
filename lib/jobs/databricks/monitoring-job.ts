/**
 * Scheduled checks in databricks mode: one Databricks job per monitored table, created and kept in
 * step by the app (as its service principal) with the Jobs API 2.2, running
 * `notebooks/monitor_table.py` (real DQX on the table's PUBLISHED checks; docs/jobs.md).
 *
 *   sync    GET  /api/2.2/jobs/get      ?job_id=<the bundle's validation job>   (the deployment: below)
 *           POST /api/2.2/jobs/reset    { job_id, new_settings }   the schedule's job exists
 *           GET  /api/2.2/jobs/list     ?name=<job name>            adopt a job a lost answer created
 *           POST /api/2.2/jobs/create   <settings>                  otherwise
 *   remove  POST /api/2.2/jobs/delete   { job_id }                  (a job already gone is fine)
 *   collectScheduledRuns
 *           GET  /api/2.2/jobs/runs/list       ?job_id&completed_only=true&expand_tasks=true
 *           GET  /api/2.2/jobs/runs/get-output ?run_id=<task run>
 *
 * Where the deployment comes from: the bundle deploys the notebooks next to each other and binds
 * the validation job to the app (DQX_VALIDATION_JOB_ID). `jobs/get` of that job gives the deployed
 * notebook folder (monitor_table sits next to validate_rules), its serverless environment (the same
 * pinned DQX, jsonschema and sqlglot), its `run_as` and the bundle target (its name's suffix). So a
 * monitoring job always runs the notebooks and pins of the same deployment, with no new setting.
 *
 * Security: the adapter checks nothing itself. The schedules service checks the caller's rights
 * (MODIFY/MANAGE to set monitoring, SELECT on the table, no row filter or column mask as the user)
 * before it calls `sync`; the notebook refuses governed tables again at every run (as the job's
 * principal) and runs the SQL sandbox on the published rules.
 */
import { AppError, badRequest } from '@/lib/errors';
import { log } from '@/lib/log';

import {
  JOB_CONTRACT_VERSION,
  JOB_PARAMETER_NAMES,
  JobOutputSchema,
  MONITORING_TASK_KEY,
  type JobError,
  type MonitoringJobParameters,
  type MonitoringResult,
} from '../contract';
import type { AlertEmail, AlertEmails, MonitoringJobs, MonitoringSchedule } from '../monitoring-port';
import { alertNoticeRunBody } from './alert-notice';
import type { JobStatus } from '../port';
import { filesApiPath, normaliseVolume, parseRaisedFailure } from './databricks-job-runner';
import { DatabricksApiError, DatabricksRestClient, type FetchLike, type TokenProvider } from './rest-client';
import { mapRunState, type RunStateV1, type RunStatusV2 } from './run-state';
import { CronConversionError, unixCronToQuartz } from './quartz-cron';

/** Where the table's active version is published (the publishing settings of its rule set). */
export type MonitoringChecksSource =
  /** DQX's checks table; `runConfigName` is the monitored table's name; a fingerprint pins a version's batch. */
  | { kind: 'table'; table: string; runConfigName: string; ruleSetFingerprint?: string | null }
  /** A checks file in a Unity Catalog volume. */
  | { kind: 'volume_file'; path: string }
  /** A checks file in the workspace. */
  | { kind: 'workspace_file'; path: string };

export interface DatabricksMonitoringJobsOptions {
  /** `https://<workspace-host>`. */
  host: string;
  /** The bundle's validation job (DQX_VALIDATION_JOB_ID): the deployment the monitoring jobs copy. */
  validationJobId: string;
  /** Where the schedule's rule set is published; throws a clear AppError when it is not published. */
  checksSource: (schedule: MonitoringSchedule) => Promise<MonitoringChecksSource>;
  /** `/Volumes/<catalog>/<schema>/<volume>` for large outputs; optional. */
  resultsVolume?: string | undefined;
  /** Failing rows kept in each run's output (0-1000; default 20). */
  failingRowsSample?: number;
  tokenProvider: TokenProvider;
  invalidateToken?: () => void;
  fetch?: FetchLike;
  timeoutMs?: number;
  retries?: number;
  retryBaseDelayMs?: number;
  /** How long the validation job's settings are reused before `jobs/get` is asked again. */
  templateTtlMs?: number;
  /** Timeout of the request that submits an alert's e-mail run (one attempt; the alerting service retries once). */
  alertTimeoutMs?: number;
}

/** What a monitoring job copies from the deployed validation job. */
export interface DeploymentTemplate {
  /** Workspace folder of the deployed notebooks (no trailing slash). */
  notebookFolder: string;
  environments: { environment_key: string; spec: Record<string, unknown> }[];
  environmentKey: string;
  runAs: { service_principal_name: string } | { user_name: string } | null;
  target: string;
  performanceTarget: string | null;
}

export const MONITORING_JOB_TIMEOUT_SECONDS = 7200;
const PROJECT_TAG = 'dqx-data-quality-manager';

const isNotFound = (error: unknown) =>
  error instanceof DatabricksApiError &&
  (error.status === 404 ||
    error.errorCode === 'RESOURCE_DOES_NOT_EXIST' ||
    (error.errorCode === 'INVALID_PARAMETER_VALUE' && /does not exist/i.test(error.message)));

/** `DQX monitoring: main.sales.orders (prod)`: the name users find the job by in Databricks. */
export function monitoringJobName(tableName: string, target: string): string {
  return `DQX monitoring: ${tableName} (${target})`;
}

/** Job tag values: at most 255 characters. */
const tagValue = (text: string) => text.slice(0, 255);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface JobGetResponse {
  job_id?: string | number;
  run_as_user_name?: string;
  settings?: {
    name?: string;
    tasks?: { task_key?: string; environment_key?: string; notebook_task?: { notebook_path?: string } }[];
    environments?: { environment_key: string; spec: Record<string, unknown> }[];
    run_as?: { service_principal_name?: string; user_name?: string };
    performance_target?: string;
  };
}

/** The deployment a monitoring job copies, from `jobs/get` of the validation job. */
export function templateFromValidationJob(job: JobGetResponse): DeploymentTemplate {
  const settings = job.settings ?? {};
  const task = (settings.tasks ?? []).find((t) => t.notebook_task?.notebook_path);
  const path = task?.notebook_task?.notebook_path;
  if (!task || !path || !path.includes('/')) {
    throw new AppError(
      'unavailable',
      'The validation job bound to the app has no notebook task; redeploy the bundle.',
    );
  }
  const environments = settings.environments ?? [];
  const environmentKey = task.environment_key ?? environments[0]?.environment_key;
  if (!environmentKey || !environments.some((e) => e.environment_key === environmentKey)) {
    throw new AppError(
      'unavailable',
      'The validation job bound to the app has no serverless environment; redeploy the bundle.',
    );
  }
  let runAs: DeploymentTemplate['runAs'] = null;
  if (settings.run_as?.service_principal_name)
    runAs = { service_principal_name: settings.run_as.service_principal_name };
  else if (!settings.run_as && job.run_as_user_name && UUID.test(job.run_as_user_name))
    runAs = { service_principal_name: job.run_as_user_name };
  // A person (dev: the deployer) is never copied: only workspace admins may make a job run as
  // someone else, and a person's identity must not run unattended jobs. Such a job runs as its
  // owner, the app's service principal (docs/jobs.md).
  const target = /\(([^()]+)\)\s*$/.exec(settings.name ?? '')?.[1] ?? 'databricks';
  return {
    notebookFolder: path.slice(0, path.lastIndexOf('/')),
    environments: environments.filter((e) => e.environment_key === environmentKey),
    environmentKey,
    runAs,
    target,
    performanceTarget: settings.performance_target ?? null,
  };
}

/** The job parameters of a schedule's job (`{{job.run_id}}`: each run's own id, resolved by Databricks). */
export function monitoringJobParameters(
  schedule: MonitoringSchedule,
  source: MonitoringChecksSource,
  options: { resultsVolume?: string | undefined; failingRowsSample?: number } = {},
): Record<keyof MonitoringJobParameters, string> {
  const parts = schedule.table_name.split('.');
  if (parts.length !== 3 || parts.some((p) => p === ''))
    throw badRequest(`${schedule.table_name} is not catalog.schema.table.`);
  if (!schedule.outputs.metrics_table) {
    throw badRequest(
      'Scheduled checks on Databricks need a metrics table (outputs.metrics_table): the run history is read from the DQX metrics each run writes.',
    );
  }
  const sample = options.failingRowsSample ?? 20;
  const values: Record<keyof MonitoringJobParameters, string> = {
    contract_version: String(JOB_CONTRACT_VERSION),
    run_id: '{{job.run_id}}',
    catalog: parts[0]!,
    schema: parts[1]!,
    table: parts[2]!,
    results_volume: normaliseVolume(options.resultsVolume) ?? '',
    checks_source: source.kind,
    checks_location: source.kind === 'table' ? source.table : source.path,
    run_config_name: source.kind === 'table' ? source.runConfigName : '',
    rule_set_fingerprint: source.kind === 'table' ? (source.ruleSetFingerprint ?? '') : '',
    valid_table: schedule.outputs.valid_table ?? '',
    quarantine_table: schedule.outputs.quarantine_table ?? '',
    metrics_table: schedule.outputs.metrics_table,
    failing_rows_sample: String(Math.max(0, Math.min(1000, Math.trunc(sample)))),
  };
  // the declared order is the contract's (the notebook reads exactly these names)
  return Object.fromEntries(JOB_PARAMETER_NAMES.monitoring.map((name) => [name, values[name]])) as Record<
    keyof MonitoringJobParameters,
    string
  >;
}

/** The full job settings (`jobs/create` body, `jobs/reset` `new_settings`) of a schedule. */
export function monitoringJobSettings(
  schedule: MonitoringSchedule,
  template: DeploymentTemplate,
  source: MonitoringChecksSource,
  options: { resultsVolume?: string | undefined; failingRowsSample?: number } = {},
): Record<string, unknown> {
  let quartz: string;
  try {
    quartz = unixCronToQuartz(schedule.cron);
  } catch (error) {
    if (error instanceof CronConversionError) throw badRequest(error.message, { field: 'cron' });
    throw error;
  }
  const parameters = monitoringJobParameters(schedule, source, options);
  const emails = [...new Set(schedule.notify_emails.map((e) => e.trim()).filter(Boolean))];
  return {
    name: monitoringJobName(schedule.table_name, template.target),
    description: `Scheduled DQX checks of ${schedule.table_name}: the published checks applied by DQX, valid rows, quarantine and DQX metrics written. Created and updated by DQX Data Quality Manager; edit the schedule in the app, not here.`,
    tags: { project: PROJECT_TAG, component: 'monitoring', dqx_table: tagValue(schedule.table_name) },
    schedule: {
      quartz_cron_expression: quartz,
      timezone_id: schedule.timezone,
      pause_status: schedule.paused ? 'PAUSED' : 'UNPAUSED',
    },
    // one run at a time; a run still going when the next slot comes is queued, never run twice at once
    max_concurrent_runs: 1,
    queue: { enabled: true },
    timeout_seconds: MONITORING_JOB_TIMEOUT_SECONDS,
    ...(template.performanceTarget ? { performance_target: template.performanceTarget } : {}),
    email_notifications: emails.length
      ? {
          on_failure: emails,
          on_duration_warning_threshold_exceeded: emails,
          no_alert_for_skipped_runs: true,
        }
      : {},
    parameters: Object.entries(parameters).map(([name, value]) => ({ name, default: value })),
    environments: template.environments,
    tasks: [
      {
        task_key: MONITORING_TASK_KEY,
        environment_key: template.environmentKey,
        timeout_seconds: MONITORING_JOB_TIMEOUT_SECONDS,
        max_retries: 0,
        notebook_task: { notebook_path: `${template.notebookFolder}/monitor_table`, source: 'WORKSPACE' },
      },
    ],
    ...(template.runAs ? { run_as: template.runAs } : {}),
  };
}

export class DatabricksMonitoringJobs implements MonitoringJobs, AlertEmails {
  readonly client: DatabricksRestClient;
  /** For alert e-mails: no retries of its own and a short timeout, so an alert never waits long. */
  private readonly alertClient: DatabricksRestClient;
  private template: { value: DeploymentTemplate; at: number } | undefined;

  constructor(private readonly options: DatabricksMonitoringJobsOptions) {
    if (!/^\d+$/.test(options.validationJobId))
      throw new AppError('unavailable', 'The validation job id is not configured for the app.');
    // one connection to the workspace, two policies: the schedules' calls retry, the alerts' do not
    const { host, tokenProvider, invalidateToken, fetch } = options;
    const connection = { host, tokenProvider, invalidateToken, fetch };
    this.client = new DatabricksRestClient({
      ...connection,
      timeoutMs: options.timeoutMs,
      retries: options.retries,
      retryBaseDelayMs: options.retryBaseDelayMs,
    });
    this.alertClient = new DatabricksRestClient({ ...connection, timeoutMs: options.alertTimeoutMs ?? 10_000, retries: 0 });
  }

  /**
   * E-mail an alert: `POST /api/2.2/jobs/runs/submit` of the deployment's `alert_notice` notebook,
   * `email_notifications.on_success` = the recipients, `idempotency_token` from the alert id
   * (./alert-notice.ts). One attempt; the same alert submitted again returns the same run.
   */
  async sendAlertEmail(email: AlertEmail): Promise<{ job_run_id: string }> {
    const template = await this.deployment();
    const body = alertNoticeRunBody(email, template);
    const answer = (await this.alertClient.postJson('/api/2.2/jobs/runs/submit', JSON.stringify(body))) as {
      run_id?: string | number;
    };
    if (answer.run_id === undefined) throw new Error('runs/submit answered without a run_id');
    log.info('alert e-mail run submitted', {
      table: email.table,
      alertId: email.alert_id,
      jobRunId: String(answer.run_id),
      recipients: email.recipients.length,
    });
    return { job_run_id: String(answer.run_id) };
  }

  /** The validation job's deployment, cached for a few minutes (a redeploy is picked up after that). */
  async deployment(): Promise<DeploymentTemplate> {
    const ttl = this.options.templateTtlMs ?? 5 * 60_000;
    if (this.template && Date.now() - this.template.at < ttl) return this.template.value;
    const job = (await this.client.getJson('/api/2.2/jobs/get', {
      job_id: this.options.validationJobId,
    })) as JobGetResponse;
    const value = templateFromValidationJob(job);
    this.template = { value, at: Date.now() };
    return value;
  }

  async sync(schedule: MonitoringSchedule, existingJobId: string | null): Promise<{ job_id: string }> {
    if (existingJobId !== null && !/^\d+$/.test(existingJobId))
      throw badRequest('The stored job id is not a Databricks job id.');
    const template = await this.deployment();
    const source = await this.options.checksSource(schedule);
    const settings = monitoringJobSettings(schedule, template, source, this.options);
    const settingsJson = JSON.stringify(settings);

    if (existingJobId !== null) {
      try {
        await this.post('/api/2.2/jobs/reset', `{"job_id":${existingJobId},"new_settings":${settingsJson}}`);
        log.info('monitoring job updated', {
          table: schedule.table_name,
          jobId: existingJobId,
          paused: schedule.paused,
        });
        return { job_id: existingJobId };
      } catch (error) {
        if (!isNotFound(error)) throw error;
        log.warn('monitoring job was deleted in Databricks; creating it again', {
          table: schedule.table_name,
          jobId: existingJobId,
        });
      }
    }

    // A create whose answer was lost (timeout, restart) left a job with this name and tag: adopt it.
    const adopted = await this.findJob(String(settings.name), schedule.table_name);
    if (adopted) {
      await this.post('/api/2.2/jobs/reset', `{"job_id":${adopted},"new_settings":${settingsJson}}`);
      log.info('monitoring job adopted', { table: schedule.table_name, jobId: adopted });
      return { job_id: adopted };
    }
    const created = (await this.post('/api/2.2/jobs/create', settingsJson)) as {
      job_id?: string | number;
    };
    if (created.job_id === undefined) throw new Error('jobs/create answered without a job_id');
    log.info('monitoring job created', { table: schedule.table_name, jobId: String(created.job_id) });
    return { job_id: String(created.job_id) };
  }

  /** A settings change Databricks refuses (400) is the schedule's problem: a 400 naming the reason. */
  private async post(path: string, body: string): Promise<unknown> {
    try {
      return await this.client.postJson(path, body);
    } catch (error) {
      if (error instanceof DatabricksApiError && error.status === 400 && !isNotFound(error)) {
        throw new AppError(
          'bad_request',
          `Databricks refused the schedule's job: ${error.message.replace(/^POST \S+: /, '')}`,
          {
            cause: error,
          },
        );
      }
      throw error;
    }
  }

  private async findJob(name: string, tableName: string): Promise<string | null> {
    const list = (await this.client.getJson('/api/2.2/jobs/list', { name, limit: '25' })) as {
      jobs?: { job_id: string | number; settings?: { name?: string; tags?: Record<string, string> } }[];
    };
    const job = (list.jobs ?? []).find(
      (j) =>
        j.settings?.name === name &&
        j.settings?.tags?.project === PROJECT_TAG &&
        j.settings?.tags?.dqx_table === tagValue(tableName),
    );
    return job ? String(job.job_id) : null;
  }

  async remove(jobId: string): Promise<void> {
    if (!/^\d+$/.test(jobId)) throw badRequest('Not a Databricks job id.');
    try {
      await this.client.postJson('/api/2.2/jobs/delete', `{"job_id":${jobId}}`);
      log.info('monitoring job deleted', { jobId });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Scheduled runs -> the app's run history
// ---------------------------------------------------------------------------------------------

interface ListedRun {
  run_id: string | number;
  state?: RunStateV1;
  status?: RunStatusV2;
  tasks?: { run_id?: string | number; task_key?: string; state?: RunStateV1; status?: RunStatusV2 }[];
  start_time?: number;
  end_time?: number;
  run_page_url?: string;
  trigger?: string;
}

export type ScheduledRunOutcome =
  { ok: true; result: MonitoringResult } | { ok: false; error: JobError; trace: string | null };

/** One finished run of a schedule's job, with what its notebook returned. */
export interface ScheduledRun {
  /** The Databricks job run id (also DQX's run id in the quarantine and metrics rows). */
  job_run_id: string;
  /** The Jobs API trigger: PERIODIC for a schedule slot; ONE_TIME (run now), RETRY, ... otherwise. */
  trigger: string | null;
  started_at: string | null;
  ended_at: string | null;
  status: JobStatus;
  outcome: ScheduledRunOutcome;
}

const isoOf = (ms: number | undefined) => (ms && ms > 0 ? new Date(ms).toISOString() : null);

function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

const failure = (
  type: string,
  cause: string,
  hint: string,
  trace: string | null = null,
): ScheduledRunOutcome => ({
  ok: false,
  error: { type, cause, hint },
  trace,
});

async function outcomeOf(
  client: DatabricksRestClient,
  run: ListedRun,
  status: JobStatus,
  resultsVolume: string | undefined,
): Promise<ScheduledRunOutcome> {
  const jobRunId = String(run.run_id);
  const task = (run.tasks ?? []).find((t) => t.task_key === MONITORING_TASK_KEY);
  if (!task || task.run_id === undefined) {
    return status.state === 'succeeded'
      ? failure(
          'job_misconfigured',
          `The run has no task '${MONITORING_TASK_KEY}'.`,
          'Save the schedule again so the app rewrites its job.',
        )
      : failure(
          status.state,
          status.message ?? `The run ended ${status.state}.`,
          'Open the run in Databricks for details.',
        );
  }
  let output: {
    notebook_output?: { result?: string; truncated?: boolean };
    error?: string;
    error_trace?: string;
  };
  try {
    output = (await client.getJson('/api/2.2/jobs/runs/get-output', {
      run_id: String(task.run_id),
    })) as typeof output;
  } catch (error) {
    if (error instanceof DatabricksApiError && status.state !== 'succeeded') {
      return failure(
        status.state,
        status.message ?? `The run ended ${status.state}.`,
        'Open the run in Databricks for details.',
      );
    }
    throw error;
  }
  let value: unknown;
  if (output.notebook_output?.result) {
    if (output.notebook_output.truncated) {
      return failure(
        'output_truncated',
        'The job output was larger than the Jobs API returns and was cut off.',
        'Configure a results volume (DQX_RESULTS_VOLUME).',
      );
    }
    try {
      value = JSON.parse(output.notebook_output.result);
    } catch {
      return failure(
        'contract_violation',
        'The job returned an output that is not JSON.',
        'Redeploy the bundle so the notebooks match this app.',
      );
    }
  } else if (output.error) {
    value = parseRaisedFailure(output.error);
    if (value === undefined) {
      const first = output.error.trim().split('\n')[0] ?? '';
      return failure(
        'job_failed',
        `The job failed: ${first.slice(0, 500)}`,
        'Open the run in Databricks for details.',
        output.error_trace?.slice(0, 20_000) ?? null,
      );
    }
  } else {
    return status.state === 'succeeded'
      ? failure(
          'no_output',
          'The job finished without returning an output.',
          'Open the run in Databricks for details.',
        )
      : failure(
          status.state,
          status.message ?? `The run ended ${status.state}.`,
          'Open the run in Databricks for details.',
        );
  }

  for (let depth = 0; depth < 2; depth++) {
    const parsed = JobOutputSchema.safeParse(value);
    if (!parsed.success)
      return failure(
        'contract_violation',
        'The job returned an output that does not match the job contract.',
        'Deploy the app and the notebooks from the same release.',
      );
    const out = parsed.data;
    // the notebook's run_id parameter is {{job.run_id}}: the output must be this run's
    if (out.kind !== 'monitoring' || out.run_id !== jobRunId) {
      return failure(
        'contract_violation',
        'The job returned the output of another run.',
        'Save the schedule again so the app rewrites its job.',
      );
    }
    if (out.ok === false) return { ok: false, error: out.error, trace: null };
    if ('result' in out) return { ok: true, result: out.result as MonitoringResult };
    // a pointer to a large output: only the one file this run may write is read
    const expected = resultsVolume ? `${resultsVolume}/runs/${jobRunId}/monitoring-output.json` : undefined;
    if (depth > 0 || !expected || out.output_path !== expected) {
      return failure(
        'contract_violation',
        'The job wrote its output to an unexpected location.',
        'Check that the app and the job use the same results volume.',
      );
    }
    const data = await client.getBytes(filesApiPath(expected));
    const { createHash } = await import('node:crypto');
    if (
      data.length !== out.output_bytes ||
      createHash('sha256').update(data).digest('hex') !== out.output_sha256
    ) {
      return failure(
        'output_corrupt',
        'The large-output file does not match its checksum.',
        'The next scheduled run writes a new one.',
      );
    }
    try {
      value = JSON.parse(data.toString('utf8'));
    } catch {
      return failure('contract_violation', 'The large-output file is not JSON.', '');
    }
  }
  return failure('contract_violation', 'A large-output file points to another file.', '');
}

/**
 * The finished runs of a schedule's job newer than `sinceRunId` (null: every run the API still
 * keeps, 60 days), oldest first, each with its outcome, so the app can add them to the table's run
 * history. Newest-first pages of `runs/list` are read until a run at or below `sinceRunId`.
 */
export async function collectScheduledRuns(
  client: DatabricksRestClient,
  jobId: string,
  sinceRunId: string | null,
  options: { resultsVolume?: string | undefined; maxRuns?: number } = {},
): Promise<ScheduledRun[]> {
  if (!/^\d+$/.test(jobId)) throw badRequest('Not a Databricks job id.');
  if (sinceRunId !== null && !/^\d+$/.test(sinceRunId)) throw badRequest('Not a Databricks run id.');
  const maxRuns = options.maxRuns ?? 100;
  const resultsVolume = normaliseVolume(options.resultsVolume);
  const found: ListedRun[] = [];
  let pageToken: string | undefined;
  pages: for (;;) {
    const query: Record<string, string> = {
      job_id: jobId,
      completed_only: 'true',
      expand_tasks: 'true',
      limit: '20',
    };
    if (pageToken) query.page_token = pageToken;
    const page = (await client.getJson('/api/2.2/jobs/runs/list', query)) as {
      runs?: ListedRun[];
      has_more?: boolean;
      next_page_token?: string;
    };
    for (const run of page.runs ?? []) {
      if (sinceRunId !== null && compareIds(String(run.run_id), sinceRunId) <= 0) break pages;
      found.push(run);
      if (found.length >= maxRuns) break pages;
    }
    if (!page.has_more || !page.next_page_token) break;
    pageToken = page.next_page_token;
  }
  found.sort((a, b) => compareIds(String(a.run_id), String(b.run_id)));
  const out: ScheduledRun[] = [];
  for (const run of found) {
    const status = mapRunState(run);
    if (!status.terminal) continue;
    out.push({
      job_run_id: String(run.run_id),
      trigger: run.trigger ?? null,
      started_at: isoOf(run.start_time),
      ended_at: isoOf(run.end_time),
      status,
      outcome: await outcomeOf(client, run, status, resultsVolume),
    });
  }
  return out;
}
