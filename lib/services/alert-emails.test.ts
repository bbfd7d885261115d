/**
 * E-mails of alerts in databricks mode (issue 15 item 3): each breach and each recovery asks
 * Databricks, through the Jobs API stand-in, for ONE one-time run (`runs/submit`) whose e-mail
 * notification goes to the recipients of the table's schedule; runs that leave the state as it was
 * send nothing, a refused request is recorded with the alert and never touches the run, and local
 * mode or a table without recipients sends none. On PGlite, and Postgres when TEST_DATABASE_URL is set.
 */
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Database } from '@/db';
import { storeTargets, type TestStore } from '@/db/testing/test-stores';
import { ALERT_NOTICE_PARAMETER_NAMES, JOB_PARAMETER_NAMES, JOB_TASK_KEYS } from '@/lib/jobs/contract';
import { DatabricksMonitoringJobs } from '@/lib/jobs/databricks/monitoring-job';
import { FakeWorkspace } from '@/lib/jobs/databricks/testing/fake-workspace';
import { m2mTokenProvider } from '@/lib/jobs/databricks/testing/m2m-token';
import type { AlertEmail } from '@/lib/jobs/monitoring-port';
import { InMemoryCatalog, testCaller } from '@/tests/support/in-memory-warehouse';

import { tableAccessVia } from './access';
import { alertDeliveriesSettled, listAlerts, saveThresholds, type AlertingDeps } from './alerting';
import { ThresholdsBody } from './alerting-schemas';
import { completeRun, createRun, getRun } from './runs';
import { ScheduleBody } from './schedule-schemas';
import { saveSchedule } from './schedules';

const VALIDATION_JOB = '9007199254740993';
const NOTEBOOKS =
  '/Workspace/Users/deployer@example.com/.bundle/dqx-data-quality-manager/prod/files/notebooks';
const CLIENT = { clientId: 'app-sp-client-id', clientSecret: 'app-sp-secret' };
const alice = testCaller('alice@example.com');

let workspace: FakeWorkspace;
let host: string;
let counter = 0;

beforeAll(async () => {
  workspace = new FakeWorkspace({
    ...CLIENT,
    jobs: [
      {
        jobId: VALIDATION_JOB,
        taskKey: JOB_TASK_KEYS.validation,
        parameters: JOB_PARAMETER_NAMES.validation,
      },
    ],
    recordings: [],
    jobSettings: {
      [VALIDATION_JOB]: {
        settings: {
          name: 'DQX rule validation (prod)',
          environments: [
            {
              environment_key: 'dqx',
              spec: { environment_version: '4', dependencies: ['databricks-labs-dqx==0.17.0'] },
            },
          ],
          tasks: [
            {
              task_key: 'validate_rules',
              environment_key: 'dqx',
              notebook_task: { notebook_path: `${NOTEBOOKS}/validate_rules`, source: 'WORKSPACE' },
            },
          ],
        },
      },
    },
  });
  host = await workspace.start();
});
afterAll(() => workspace.stop());

interface SubmittedBody {
  run_name: string;
  idempotency_token: string;
  email_notifications: Record<string, string[]>;
  environments: { environment_key: string; spec: Record<string, unknown> }[];
  tasks: {
    task_key: string;
    environment_key: string;
    notebook_task: { notebook_path: string; base_parameters: Record<string, string> };
  }[];
}

/** The one-time runs submitted for `table`, oldest first. */
const submitted = (table: string) =>
  workspace.submittedRuns
    .map((r) => ({ runId: r.runId, body: r.body as unknown as SubmittedBody }))
    .filter((r) => r.body.tasks[0]?.notebook_task.base_parameters.table === table);

for (const target of storeTargets(process.env.TEST_DATABASE_URL)) {
  describe(`alert e-mails through Databricks job notifications (${target.name})`, () => {
    let store: TestStore;
    let db: Kysely<Database>;
    let catalog: InMemoryCatalog;
    let deps: AlertingDeps;
    let jobs: DatabricksMonitoringJobs;

    const newTable = () => {
      const name = `main.sales.mailed_${++counter}`;
      catalog.add({ name, columns: [{ name: 'id', type: 'bigint' }] });
      return name;
    };
    /** A table with a 90% minimum, and a schedule with these recipients (saved in local mode: no job is involved here). */
    const watched = async (recipients: string[] | null) => {
      const table = newTable();
      await saveThresholds(
        alice,
        table,
        ThresholdsBody.parse({ min_pass_rate: 0.9, fail_on_error_rows: false }),
        deps,
      );
      if (recipients)
        await saveSchedule(
          alice,
          table,
          ScheduleBody.parse({ cron: '0 6 * * *', notify_emails: recipients }),
          { ...deps, mode: 'local' },
        );
      return table;
    };
    /** A validation run of `table` that finished with `errorRows` of 100 rows failing, its alert judged in `mode`. */
    const finishRun = async (
      table: string,
      errorRows: number,
      mode: 'local' | 'databricks' = 'databricks',
    ) => {
      const run = await createRun(
        alice,
        { kind: 'validation', table, engine: 'job', rule_set_version: null },
        deps,
      );
      await completeRun(
        run.id,
        {
          status: 'succeeded',
          summary: { total_rows: 100, valid_rows: 100 - errorRows, error_rows: errorRows, warning_rows: 0 },
        },
        { db, mode, alertEmails: jobs },
      );
      return run.id;
    };

    beforeAll(async () => {
      store = await target.open();
      db = store.db;
      catalog = new InMemoryCatalog([], (caller) => caller === alice.id);
      deps = { db, access: tableAccessVia((caller) => catalog.warehouseFor(caller)), mode: 'databricks' };
      jobs = new DatabricksMonitoringJobs({
        host,
        validationJobId: VALIDATION_JOB,
        checksSource: () => Promise.reject(new Error('not used')),
        tokenProvider: m2mTokenProvider({ host, ...CLIENT }),
        retryBaseDelayMs: 1,
      });
    });
    afterAll(async () => {
      await alertDeliveriesSettled();
      await store?.close();
    });

    it('e-mails a breach once and its recovery once, to the schedule recipients, through one runs/submit each', async () => {
      const table = await watched(['dq-team@example.com', 'oncall@example.com', 'dq-team@example.com']);
      await finishRun(table, 0); // meeting the thresholds from the start is no event
      const breachRun = await finishRun(table, 20);
      await alertDeliveriesSettled();
      expect(submitted(table)).toHaveLength(1);
      const breach = submitted(table)[0]!;
      expect(breach.body.run_name).toBe(`DQX breach: ${table}: table pass rate 80.00% < 90.00%`);
      expect(breach.body.email_notifications).toEqual({
        on_success: ['dq-team@example.com', 'oncall@example.com'],
      });
      const task = breach.body.tasks[0]!;
      expect(task.notebook_task.notebook_path).toBe(`${NOTEBOOKS}/alert_notice`);
      expect(Object.keys(task.notebook_task.base_parameters)).toEqual([...ALERT_NOTICE_PARAMETER_NAMES]);
      expect(task.notebook_task.base_parameters).toMatchObject({ table, event: 'breach', run_id: breachRun });
      expect(task.notebook_task.base_parameters.text).toBe(
        `Data quality breach on ${table}: table pass rate 80.00% < 90.00%.`,
      );
      // serverless, the deployment's environment version, nothing to install
      expect(breach.body.environments).toEqual([
        { environment_key: task.environment_key, spec: { environment_version: '4' } },
      ]);

      // a second breaching run leaves the state as it was: no e-mail
      await finishRun(table, 30);
      await alertDeliveriesSettled();
      expect(submitted(table)).toHaveLength(1);

      const recoveryRun = await finishRun(table, 5);
      await finishRun(table, 0);
      await alertDeliveriesSettled();
      expect(submitted(table).map((s) => s.body.run_name)).toEqual([
        `DQX breach: ${table}: table pass rate 80.00% < 90.00%`,
        `DQX recovery: ${table} meets its thresholds again (pass rate 95.00%)`,
      ]);
      expect(submitted(table)[1]!.body.tasks[0]!.notebook_task.base_parameters).toMatchObject({
        event: 'recovery',
        run_id: recoveryRun,
      });

      // History's alert list: e-mailed to whom, by which Databricks run; each alert its own token
      const history = await listAlerts(alice, table, deps);
      expect(
        history.items.map((a) => [
          a.event,
          a.email?.delivery,
          a.email?.recipients,
          a.email?.job_run_id,
          a.email?.attempts,
        ]),
      ).toEqual([
        [
          'recovery',
          'sent',
          ['dq-team@example.com', 'oncall@example.com'],
          String(submitted(table)[1]!.runId),
          1,
        ],
        ['breach', 'sent', ['dq-team@example.com', 'oncall@example.com'], String(breach.runId), 1],
      ]);
      expect(history.items[1]!.email?.sent_at).toEqual(expect.any(String));
      expect(submitted(table).map((s) => s.body.idempotency_token)).toEqual([
        `dqx-alert-${history.items[1]!.id}`,
        `dqx-alert-${history.items[0]!.id}`,
      ]);
    });

    it('asks for the same alert twice and gets one run: a retry never sends a second e-mail', async () => {
      const email: AlertEmail = {
        alert_id: '7d1f2a7e-0f4e-4b8a-9d7c-2f1e5a3b6c9d',
        table: 'main.sales.retried',
        event: 'breach',
        subject: 'DQX breach: main.sales.retried: table has 3 error rows',
        text: 'Data quality breach on main.sales.retried: table has 3 error rows.',
        run_id: '4c0d2f8e-1b7a-4f7e-8a43-2a9a8e0c6d55',
        finished_at: '2026-12-07T17:40:00.000Z',
        recipients: ['dq-team@example.com'],
      };
      const first = await jobs.sendAlertEmail(email);
      const second = await jobs.sendAlertEmail(email);
      expect(second).toEqual(first);
      expect(submitted('main.sales.retried')).toHaveLength(1);
    });

    it('retries a refused request once, records one refused twice with the reason, and never touches the run', async () => {
      const table = await watched(['dq-team@example.com']);
      workspace.failSubmits = {
        count: 1,
        status: 503,
        error_code: 'TEMPORARILY_UNAVAILABLE',
        message: 'The service is temporarily unavailable.',
      };
      await finishRun(table, 20);
      await alertDeliveriesSettled();
      expect(submitted(table)).toHaveLength(1);
      expect((await listAlerts(alice, table, deps)).items[0]!.email).toMatchObject({
        delivery: 'sent',
        attempts: 2,
        error: null,
      });

      workspace.failSubmits = {
        count: 2,
        status: 403,
        error_code: 'PERMISSION_DENIED',
        message: 'The service principal may not submit runs.',
      };
      const recoveryRun = await finishRun(table, 0);
      await alertDeliveriesSettled();
      expect(submitted(table)).toHaveLength(1);
      const recovery = (await listAlerts(alice, table, deps)).items[0]!;
      expect(recovery).toMatchObject({ run_id: recoveryRun, event: 'recovery' });
      expect(recovery.email).toMatchObject({
        delivery: 'failed',
        attempts: 2,
        job_run_id: null,
        sent_at: null,
        recipients: ['dq-team@example.com'],
      });
      expect(recovery.email?.error).toMatch(/service principal is not allowed/);
      // the run stays as it finished, and the table's state moved
      expect(await getRun(alice, recoveryRun, deps)).toMatchObject({ status: 'succeeded' });
      expect((await listAlerts(alice, table, deps)).state).toBe('ok');
    });

    it('sends no e-mail in local mode, nor for a table whose schedule has no recipients or that has no schedule', async () => {
      const local = await watched(['dq-team@example.com']);
      await finishRun(local, 20, 'local');
      const noRecipients = await watched([]);
      await finishRun(noRecipients, 20);
      const noSchedule = await watched(null);
      await finishRun(noSchedule, 20);
      await alertDeliveriesSettled();
      for (const table of [local, noRecipients, noSchedule]) expect(submitted(table), table).toEqual([]);
      expect((await listAlerts(alice, local, deps)).items.map((a) => [a.event, a.email])).toEqual([
        ['breach', null],
      ]);
      for (const table of [noRecipients, noSchedule]) {
        expect(
          (await listAlerts(alice, table, deps)).items.map((a) => [
            a.event,
            a.email?.delivery,
            a.email?.recipients,
          ]),
        ).toEqual([['breach', 'no_recipients', []]]);
      }
    });
  });
}
