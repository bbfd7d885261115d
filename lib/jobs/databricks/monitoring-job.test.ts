import { readFileSync } from 'node:fs';
import path from 'node:path';

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

import { isAppError } from '@/lib/errors';

import {
  JOB_PARAMETER_NAMES,
  JOB_TASK_KEYS,
  MONITORING_TASK_KEY,
  MonitoringJobParametersSchema,
} from '../contract';
import type { MonitoringSchedule } from '../monitoring-port';
import {
  collectScheduledRuns,
  DatabricksMonitoringJobs,
  type MonitoringChecksSource,
  templateFromValidationJob,
} from './monitoring-job';
import { FakeWorkspace, type Recording } from './testing/fake-workspace';
import { m2mTokenProvider } from './testing/m2m-token';

const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'tests', 'fixtures', 'jobs');
const recording = (name: string) =>
  JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8')) as Recording;

const VALIDATION_JOB = '9007199254740993'; // above 2^53: sent exactly
const NOTEBOOKS =
  '/Workspace/Users/deployer@example.com/.bundle/dqx-data-quality-manager/prod/files/notebooks';
const JOBS_SP = '6f1d3c2a-8a7b-4c1e-9a51-2c3b4d5e6f70';
const VALIDATION_ENV = {
  environment_key: 'dqx',
  spec: {
    environment_version: '4',
    dependencies: ['databricks-labs-dqx==0.17.0', 'jsonschema==4.26.0', 'sqlglot==30.31.0'],
  },
};

const SOURCE: MonitoringChecksSource = {
  kind: 'table',
  table: 'main.dq.checks',
  runConfigName: 'main.sales.orders',
};

const schedule = (over: Partial<MonitoringSchedule> = {}): MonitoringSchedule => ({
  table_name: 'main.sales.orders',
  cron: '0 6 * * 1-5',
  timezone: 'Europe/Paris',
  version: null,
  paused: false,
  outputs: {
    valid_table: 'main.dq.orders_valid',
    quarantine_table: 'main.dq.orders_quarantine',
    metrics_table: 'main.dq.orders_metrics',
  },
  notify_emails: ['owner@example.com', 'oncall@example.com'],
  ...over,
});

let workspace: FakeWorkspace;
let host: string;

function jobs(extra: Partial<ConstructorParameters<typeof DatabricksMonitoringJobs>[0]> = {}) {
  return new DatabricksMonitoringJobs({
    host,
    validationJobId: VALIDATION_JOB,
    checksSource: async () => SOURCE,
    tokenProvider: m2mTokenProvider({ host, clientId: 'app-sp-client-id', clientSecret: 'app-sp-secret' }),
    retryBaseDelayMs: 1,
    ...extra,
  });
}

type Settings = {
  name: string;
  schedule: { quartz_cron_expression: string; timezone_id: string; pause_status: string };
  email_notifications: Record<string, unknown>;
  max_concurrent_runs: number;
  parameters: { name: string; default: string }[];
  environments: unknown[];
  tasks: {
    task_key: string;
    environment_key: string;
    notebook_task: { notebook_path: string; source: string };
  }[];
  run_as?: Record<string, string>;
  tags: Record<string, string>;
};
const settingsOf = (jobId: string) => workspace.createdJobs.get(jobId)!.settings as unknown as Settings;

const logged: string[] = [];
beforeAll(async () => {
  workspace = new FakeWorkspace({
    clientId: 'app-sp-client-id',
    clientSecret: 'app-sp-secret',
    jobs: [
      {
        jobId: VALIDATION_JOB,
        taskKey: JOB_TASK_KEYS.validation,
        parameters: JOB_PARAMETER_NAMES.validation,
      },
    ],
    recordings: [],
    // what jobs/get answers for the bundle's validation job in a prod deployment
    jobSettings: {
      [VALIDATION_JOB]: {
        run_as_user_name: JOBS_SP,
        settings: {
          name: 'DQX rule validation (prod)',
          performance_target: 'STANDARD',
          environments: [VALIDATION_ENV],
          tasks: [
            {
              task_key: 'validate_rules',
              environment_key: 'dqx',
              notebook_task: { notebook_path: `${NOTEBOOKS}/validate_rules`, source: 'WORKSPACE' },
            },
          ],
          run_as: { service_principal_name: JOBS_SP },
        },
      },
    },
  });
  host = await workspace.start();
});
afterAll(() => workspace.stop());
beforeEach(() => {
  logged.length = 0;
  workspace.createdJobs.clear();
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (logged.push(String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (logged.push(String(chunk)), true));
});
afterEach(() => {
  vi.restoreAllMocks();
  for (const token of workspace.issuedTokens) expect(logged.join('')).not.toContain(token);
});

describe('DatabricksMonitoringJobs against the Jobs API 2.2 stand-in', () => {
  it('creates one scheduled serverless job per table, as the deployment runs the validation job', async () => {
    const { job_id } = await jobs().sync(schedule(), null);
    expect(job_id).toMatch(/^\d{16}$/);
    const s = settingsOf(job_id);
    expect(s.name).toBe('DQX monitoring: main.sales.orders (prod)');
    expect(s.schedule).toEqual({
      quartz_cron_expression: '0 0 6 ? * MON-FRI',
      timezone_id: 'Europe/Paris',
      pause_status: 'UNPAUSED',
    });
    expect(s.max_concurrent_runs).toBe(1);
    expect(s.email_notifications).toEqual({
      on_failure: ['owner@example.com', 'oncall@example.com'],
      on_duration_warning_threshold_exceeded: ['owner@example.com', 'oncall@example.com'],
      no_alert_for_skipped_runs: true,
    });
    // the same pinned environment, the notebook next to validate_rules, the same dedicated principal
    expect(s.environments).toEqual([VALIDATION_ENV]);
    expect(s.tasks).toEqual([
      expect.objectContaining({
        task_key: MONITORING_TASK_KEY,
        environment_key: 'dqx',
        notebook_task: { notebook_path: `${NOTEBOOKS}/monitor_table`, source: 'WORKSPACE' },
      }),
    ]);
    expect(s.run_as).toEqual({ service_principal_name: JOBS_SP });
    expect(s.tags).toMatchObject({
      project: 'dqx-data-quality-manager',
      component: 'monitoring',
      dqx_table: 'main.sales.orders',
    });
    // exactly the contract's parameters; each run gets its own id from Databricks
    expect(s.parameters.map((p) => p.name)).toEqual(JOB_PARAMETER_NAMES.monitoring);
    const defaults = Object.fromEntries(s.parameters.map((p) => [p.name, p.default]));
    expect(defaults).toMatchObject({
      run_id: '{{job.run_id}}',
      catalog: 'main',
      schema: 'sales',
      table: 'orders',
      checks_source: 'table',
      checks_location: 'main.dq.checks',
      run_config_name: 'main.sales.orders',
      quarantine_table: 'main.dq.orders_quarantine',
      metrics_table: 'main.dq.orders_metrics',
    });
    expect(MonitoringJobParametersSchema.safeParse({ ...defaults, run_id: '733295561940183' }).success).toBe(
      true,
    );
    const create = workspace.requests.filter((r) => r.path === '/api/2.2/jobs/create');
    expect(create.at(-1)!.authorization).toMatch(/^Bearer fake-sp-token-/);
  });

  it('resets the existing job on a change, pauses and resumes it, and keeps its id', async () => {
    const m = jobs();
    const { job_id } = await m.sync(schedule(), null);
    const again = await m.sync(
      schedule({ cron: '30 22 * * 0', timezone: 'UTC', notify_emails: ['new@example.com'] }),
      job_id,
    );
    expect(again.job_id).toBe(job_id);
    expect(workspace.createdJobs.size).toBe(1);
    expect(settingsOf(job_id).schedule).toEqual({
      quartz_cron_expression: '0 30 22 ? * SUN',
      timezone_id: 'UTC',
      pause_status: 'UNPAUSED',
    });
    expect(settingsOf(job_id).email_notifications).toMatchObject({ on_failure: ['new@example.com'] });
    const reset = workspace.requests.filter((r) => r.path === '/api/2.2/jobs/reset').at(-1)!;
    expect(reset.body.startsWith(`{"job_id":${job_id},"new_settings":{`)).toBe(true);

    await m.sync(schedule({ paused: true }), job_id);
    expect(settingsOf(job_id).schedule.pause_status).toBe('PAUSED');
    await m.sync(schedule({ paused: false }), job_id);
    expect(settingsOf(job_id).schedule.pause_status).toBe('UNPAUSED');
  });

  it('without addresses the job sends no e-mail', async () => {
    const { job_id } = await jobs().sync(schedule({ notify_emails: [] }), null);
    expect(settingsOf(job_id).email_notifications).toEqual({});
  });

  it('recreates a job deleted in Databricks, and adopts one whose create answer was lost', async () => {
    const m = jobs();
    const { job_id } = await m.sync(schedule(), null);
    workspace.createdJobs.delete(job_id);
    const recreated = await m.sync(schedule(), job_id);
    expect(recreated.job_id).not.toBe(job_id);
    expect(workspace.createdJobs.size).toBe(1);
    // the app lost the id (e.g. it stopped between create and save): the next sync finds the job by name and tag
    const adopted = await m.sync(schedule({ cron: '0 7 * * *' }), null);
    expect(adopted.job_id).toBe(recreated.job_id);
    expect(workspace.createdJobs.size).toBe(1);
    expect(settingsOf(adopted.job_id).schedule.quartz_cron_expression).toBe('0 0 7 * * ?');
  });

  it('deletes the job; a job already gone is not an error', async () => {
    const m = jobs();
    const { job_id } = await m.sync(schedule(), null);
    await m.remove(job_id);
    expect(workspace.createdJobs.has(job_id)).toBe(false);
    await expect(m.remove(job_id)).resolves.toBeUndefined();
    expect(workspace.requests.filter((r) => r.path === '/api/2.2/jobs/delete').at(-1)!.body).toBe(
      `{"job_id":${job_id}}`,
    );
  });

  it.each([
    [{ cron: '0 6 1 * 1' }, /day of month and the day of week/],
    [{ cron: 'every day' }, /five cron fields/],
    [{ outputs: { valid_table: null, quarantine_table: 'main.dq.q', metrics_table: null } }, /metrics table/],
  ])('refuses %j with a clear 400 and touches no job', async (over, message) => {
    const before = workspace.requests.filter((r) => /jobs\/(create|reset)/.test(r.path)).length;
    const error = await jobs()
      .sync(schedule(over as Partial<MonitoringSchedule>), null)
      .catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe('bad_request');
    expect((error as Error).message).toMatch(message);
    expect(workspace.requests.filter((r) => /jobs\/(create|reset)/.test(r.path)).length).toBe(before);
  });

  it('a setting Databricks refuses comes back as a 400 with its reason', async () => {
    const error = await jobs()
      .sync(schedule({ timezone: 'Mars/Olympus_Mons' }), null)
      .catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe('bad_request');
    expect((error as Error).message).toBe(
      "Databricks refused the schedule's job: 400 INVALID_PARAMETER_VALUE: Invalid timezone_id 'Mars/Olympus_Mons'.",
    );
  });

  it('checks from a volume file, pinned versions of the checks table', async () => {
    const file = await jobs({
      checksSource: async () => ({ kind: 'volume_file', path: '/Volumes/main/dq/checks/orders.yml' }),
    }).sync(schedule(), null);
    const d1 = Object.fromEntries(settingsOf(file.job_id).parameters.map((p) => [p.name, p.default]));
    expect(d1).toMatchObject({
      checks_source: 'volume_file',
      checks_location: '/Volumes/main/dq/checks/orders.yml',
      run_config_name: '',
      rule_set_fingerprint: '',
    });
    const fp = 'a'.repeat(64);
    const pinned = await jobs({ checksSource: async () => ({ ...SOURCE, ruleSetFingerprint: fp }) }).sync(
      schedule({ table_name: 'main.sales.items', version: 3 }),
      null,
    );
    const d2 = Object.fromEntries(settingsOf(pinned.job_id).parameters.map((p) => [p.name, p.default]));
    expect(d2.rule_set_fingerprint).toBe(fp);
  });

  it('in dev (validation job run as the deployer) sets no run_as: the job runs as its owner, the app', () => {
    const t = templateFromValidationJob({
      run_as_user_name: 'deployer@example.com',
      settings: {
        name: 'DQX rule validation (dev)',
        environments: [VALIDATION_ENV],
        tasks: [
          {
            task_key: 'validate_rules',
            environment_key: 'dqx',
            notebook_task: { notebook_path: '/Workspace/x/notebooks/validate_rules' },
          },
        ],
      },
    });
    expect(t).toMatchObject({
      runAs: null,
      target: 'dev',
      notebookFolder: '/Workspace/x/notebooks',
      environmentKey: 'dqx',
    });
  });
});

describe('collectScheduledRuns', () => {
  it('lists the finished runs after the last one seen, oldest first, with their DQX results', async () => {
    const m = jobs();
    const { job_id } = await m.sync(schedule({ table_name: 'spark_catalog.dqx_test.orders' }), null);
    const success = recording('monitoring-success');
    const failed = recording('monitoring-no-checks');
    const first = workspace.scheduledRun(job_id, success.notebook, {
      runId: BigInt(success.job_parameters.run_id!),
    });
    const second = workspace.scheduledRun(job_id, failed.notebook, {
      runId: BigInt(failed.job_parameters.run_id!),
    });

    const runs = await collectScheduledRuns(m.client, job_id, null);
    expect(runs.map((r) => r.job_run_id)).toEqual([String(first), String(second)]);
    const [ok, bad] = runs;
    expect(ok!.trigger).toBe('PERIODIC');
    expect(ok!.status.state).toBe('succeeded');
    if (!ok!.outcome.ok) throw new Error('expected a result');
    expect(ok!.outcome.result).toMatchObject({ total_rows: 200, error_rows: 11, pass_rate: 94.5 });
    expect(ok!.outcome.result.monitoring.dqx_run_id).toBe(String(first));
    expect(bad!.status.state).toBe('failed');
    expect(bad!.outcome).toMatchObject({ ok: false, error: { type: 'no_published_checks' } });

    // only runs newer than the last one ingested
    expect((await collectScheduledRuns(m.client, job_id, String(first))).map((r) => r.job_run_id)).toEqual([
      String(second),
    ]);
    expect(await collectScheduledRuns(m.client, job_id, String(second))).toEqual([]);
    const list = workspace.requests.filter((r) => r.path.startsWith('/api/2.2/jobs/runs/list')).at(-1)!;
    expect(list.path).toContain('completed_only=true');
    expect(list.path).toContain('expand_tasks=true');
  });

  it('pages through more than one page of runs and refuses an output of another run', async () => {
    const m = jobs();
    const { job_id } = await m.sync(schedule({ table_name: 'spark_catalog.dqx_test.orders' }), null);
    const success = recording('monitoring-success');
    const ids: number[] = [];
    for (let i = 0; i < 30; i++) ids.push(workspace.scheduledRun(job_id, success.notebook));
    const runs = await collectScheduledRuns(m.client, job_id, null);
    expect(runs).toHaveLength(30);
    expect(runs.map((r) => r.job_run_id)).toEqual([...ids].sort((a, b) => a - b).map(String));
    // these runs' ids differ from the recorded output's run_id: never taken for this run's result
    expect(runs.every((r) => !r.outcome.ok && r.outcome.error.type === 'contract_violation')).toBe(true);
  });
});
