/**
 * Scheduled checks in databricks mode, end to end against the Jobs API stand-in and the store
 * (PGlite, and Postgres when TEST_DATABASE_URL is set): saving a schedule creates the table's job on
 * its PUBLISHED checks (refused without a publish target, with a pinned version on a checks file,
 * and for a governed table), deleting removes it, and a finished scheduled run of the job is
 * ingested once into the table's run history, judged by its thresholds once.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Database } from '@/db';
import * as pubs from '@/db/repositories/publications';
import * as runsRepo from '@/db/repositories/runs';
import { storeTargets, type TestStore } from '@/db/testing/test-stores';
import { JOB_PARAMETER_NAMES, JOB_TASK_KEYS } from '@/lib/jobs/contract';
import { DatabricksMonitoringJobs } from '@/lib/jobs/databricks/monitoring-job';
import { DatabricksRestClient } from '@/lib/jobs/databricks/rest-client';
import { FakeWorkspace, type Recording } from '@/lib/jobs/databricks/testing/fake-workspace';
import { m2mTokenProvider } from '@/lib/jobs/databricks/testing/m2m-token';
import type { TableGovernance, Warehouse } from '@/lib/warehouse/port';
import { appError } from '@/tests/support/app-error';
import { InMemoryCatalog, testCaller } from '@/tests/support/in-memory-warehouse';

import { tableAccessVia } from './access';
import { ThresholdsBody } from './alerting-schemas';
import { alertDeliveriesSettled, listAlerts, saveThresholds } from './alerting';
import { saveRuleSet } from './rule-sets';
import { listRuns } from './runs';
import { ScheduleBody } from './schedule-schemas';
import { ingestScheduledJobRuns } from './scheduled-job-ingest';
import { deleteSchedule, getSchedule, publishedChecksSource, saveSchedule, type ScheduleDeps } from './schedules';

const FIXTURES = path.resolve(__dirname, '..', '..', 'tests', 'fixtures', 'jobs');
const recording = (name: string) => JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8')) as Recording;

const VALIDATION_JOB = '9007199254740993';
const NOTEBOOKS = '/Workspace/Users/deployer@example.com/.bundle/dqx-data-quality-manager/prod/files/notebooks';
const CLIENT = { clientId: 'app-sp-client-id', clientSecret: 'app-sp-secret' };
// the recorded run's own id: its output names it, and an output of another run is refused
const RECORDED_RUN_ID = 733295561940183n;

const alice = testCaller('alice@example.com');
const COLUMNS = [
  { name: 'order_id', type: 'int' },
  { name: 'customer', type: 'string' },
  { name: 'status', type: 'string' },
  { name: 'quantity', type: 'int' },
];
// the rules published for the recorded run (notebooks/tests/test_monitoring.py RULES)
const RULES = [
  { name: 'customer_present', criticality: 'error', check: { function: 'is_not_null', arguments: { column: 'customer' } } },
  { name: 'known_status', criticality: 'warn', check: { function: 'is_in_list', arguments: { column: 'status', allowed: ["'new'", "'shipped'"] } } },
  {
    name: 'new_qty_in_range',
    criticality: 'error',
    filter: "status = 'new'",
    check: { function: 'is_in_range', arguments: { column: 'quantity', min_limit: 1, max_limit: 10 } },
  },
];
const UNGOVERNED: TableGovernance = { checked: true, rowFilter: false, maskedColumns: [], policies: [] };

let counter = 0;
let workspace: FakeWorkspace;
let host: string;

beforeAll(async () => {
  workspace = new FakeWorkspace({
    ...CLIENT,
    jobs: [{ jobId: VALIDATION_JOB, taskKey: JOB_TASK_KEYS.validation, parameters: JOB_PARAMETER_NAMES.validation }],
    recordings: [],
    jobSettings: {
      [VALIDATION_JOB]: {
        settings: {
          name: 'DQX rule validation (prod)',
          environments: [{ environment_key: 'dqx', spec: { environment_version: '4', dependencies: ['databricks-labs-dqx==0.17.0'] } }],
          tasks: [{ task_key: 'validate_rules', environment_key: 'dqx', notebook_task: { notebook_path: `${NOTEBOOKS}/validate_rules`, source: 'WORKSPACE' } }],
        },
      },
    },
  });
  host = await workspace.start();
});
afterAll(() => workspace.stop());

for (const target of storeTargets(process.env.TEST_DATABASE_URL)) {
  describe(`scheduled checks on Databricks (${target.name})`, () => {
    let store: TestStore;
    let db: Kysely<Database>;
    let catalog: InMemoryCatalog;
    let deps: ScheduleDeps;
    let governance: TableGovernance;
    const tokenProvider = () => m2mTokenProvider({ host, ...CLIENT });
    const client = () => new DatabricksRestClient({ host, tokenProvider: tokenProvider(), retryBaseDelayMs: 1 });

    const newTable = () => {
      const name = `main.sales.monitored_${++counter}`;
      catalog.add({ name, columns: COLUMNS });
      return name;
    };
    const body = (b: Record<string, unknown>) => ScheduleBody.parse(b);
    const settingsOf = (jobId: string) =>
      workspace.createdJobs.get(jobId)!.settings as { parameters: { name: string; default: string }[] };
    const parameter = (jobId: string, name: string) => settingsOf(jobId).parameters.find((p) => p.name === name)?.default;

    beforeAll(async () => {
      store = await target.open();
      db = store.db;
      catalog = new InMemoryCatalog([], (caller) => caller === alice.id);
      governance = UNGOVERNED;
      deps = {
        db,
        access: tableAccessVia((caller) => catalog.warehouseFor(caller)),
        mode: 'databricks',
        now: () => new Date('2026-12-07T12:00:00Z'),
        // the governance check reads the table's governance as the caller
        warehouseOf: () => ({ tableGovernance: async () => governance }) as unknown as Warehouse,
        monitoringJobs: new DatabricksMonitoringJobs({
          host,
          validationJobId: VALIDATION_JOB,
          checksSource: publishedChecksSource(db),
          tokenProvider: tokenProvider(),
          retryBaseDelayMs: 1,
        }),
      };
    });
    afterAll(async () => {
      await alertDeliveriesSettled();
      await store?.close();
    });

    it('creates the job on the published checks table, pins a version by its fingerprint, and removes the job with the schedule', async () => {
      const table = newTable();
      const saved = await saveRuleSet(alice, table, { rules: RULES as never }, deps);
      await pubs.saveSettings(db, { tableName: table, autoPublish: true, targets: [{ kind: 'uc_table', table: 'main.dq.checks' }], by: alice.id });

      const dto = await saveSchedule(alice, table, body({ cron: '0 6 * * 1-5', timezone: 'Europe/Paris' }), deps);
      const jobId = dto.schedule!.external_job_id!;
      expect(workspace.createdJobs.has(jobId)).toBe(true);
      expect(parameter(jobId, 'checks_source')).toBe('table');
      expect(parameter(jobId, 'checks_location')).toBe('main.dq.checks');
      expect(parameter(jobId, 'run_config_name')).toBe(table);
      expect(parameter(jobId, 'rule_set_fingerprint')).toBe('');

      await saveSchedule(alice, table, body({ cron: '0 6 * * 1-5', timezone: 'Europe/Paris', version: saved.version }), deps);
      expect(parameter(jobId, 'rule_set_fingerprint')).toBe(saved.rule_set_fingerprint);

      await deleteSchedule(alice, table, deps);
      expect(workspace.createdJobs.has(jobId)).toBe(false);
      expect((await getSchedule(alice, table, deps)).schedule).toBeNull();
    });

    it('reads a checks file of a volume, and refuses a pinned version there, a table never published and a governed table', async () => {
      const table = newTable();
      const saved = await saveRuleSet(alice, table, { rules: RULES as never }, deps);
      const unpublished = await appError(saveSchedule(alice, table, body({ cron: '0 6 * * *' }), deps));
      expect(unpublished.code).toBe('bad_request');
      expect(unpublished.message).toMatch(/Publish the rule set first \(History → Publishing\)/);

      await pubs.saveSettings(db, { tableName: table, autoPublish: true, targets: [{ kind: 'volume_file', path: '/Volumes/main/dq/checks/orders.yml' }], by: alice.id });
      const pinned = await appError(saveSchedule(alice, table, body({ cron: '0 6 * * *', version: saved.version }), deps));
      expect(pinned.code).toBe('bad_request');
      expect(pinned.message).toMatch(/^version: .*holds only the latest published version/);
      expect((await getSchedule(alice, table, deps)).schedule).toBeNull();

      const dto = await saveSchedule(alice, table, body({ cron: '0 6 * * *' }), deps);
      expect(parameter(dto.schedule!.external_job_id!, 'checks_source')).toBe('volume_file');
      expect(parameter(dto.schedule!.external_job_id!, 'checks_location')).toBe('/Volumes/main/dq/checks/orders.yml');

      const governed = newTable();
      await pubs.saveSettings(db, { tableName: governed, autoPublish: true, targets: [{ kind: 'uc_table', table: 'main.dq.checks' }], by: alice.id });
      const jobsBefore = workspace.createdJobs.size;
      governance = { ...UNGOVERNED, maskedColumns: ['customer'] };
      try {
        const refused = await appError(saveSchedule(alice, governed, body({ cron: '0 6 * * *' }), deps));
        expect(refused.code).toBe('bad_request');
        expect(refused.message).toMatch(/cannot go to a Databricks job/);
      } finally {
        governance = UNGOVERNED;
      }
      expect(workspace.createdJobs.size).toBe(jobsBefore);
      expect((await getSchedule(alice, governed, deps)).schedule).toBeNull();
    });

    it('ingests a finished scheduled run once into the table history, judged by the thresholds once, its breach e-mailed once', async () => {
      const table = newTable();
      const saved = await saveRuleSet(alice, table, { rules: RULES as never }, deps);
      await pubs.saveSettings(db, { tableName: table, autoPublish: true, targets: [{ kind: 'uc_table', table: 'main.dq.checks' }], by: alice.id });
      await saveThresholds(alice, table, ThresholdsBody.parse({ min_pass_rate: 0.99, fail_on_error_rows: false }), deps);
      const dto = await saveSchedule(alice, table, body({ cron: '0 6 * * *', notify_emails: ['dq-team@example.com'] }), deps);
      const jobId = dto.schedule!.external_job_id!;
      // the ingest judges runs in databricks mode: alerts are e-mailed through the Jobs API as the app's principal
      const ingest = () => ingestScheduledJobRuns({ db, client, resultsVolume: undefined, mode: 'databricks', alertEmails: deps.monitoringJobs as DatabricksMonitoringJobs });
      const mailed = () => workspace.submittedRuns.filter((r) => JSON.stringify(r.body).includes(`"table":"${table}"`));

      // nothing has run yet
      expect((await ingest()).ingested.filter((i) => i.table === table)).toEqual([]);

      workspace.scheduledRun(jobId, recording('monitoring-success').notebook, { runId: RECORDED_RUN_ID });
      // two passes at once (two app processes on one store): recorded once
      const passes = await Promise.all([1, 2].map(() => ingest()));
      expect(passes.flatMap((p) => p.failed)).toEqual([]);
      expect(passes.flatMap((p) => p.ingested).filter((i) => i.table === table)).toEqual([
        { table, jobRunId: String(RECORDED_RUN_ID), runId: expect.any(String), status: 'succeeded' },
      ]);
      const again = await ingest();
      expect(again.ingested.filter((i) => i.table === table)).toEqual([]);

      const runs = (await listRuns(alice, table, { page: 1, page_size: 50 }, deps)).items;
      expect(runs).toHaveLength(1);
      const run = runs[0]!;
      expect(run).toMatchObject({
        kind: 'validation',
        status: 'succeeded',
        engine: 'job',
        started_by: alice.id,
        rule_set_version: saved.version,
        parameters: expect.objectContaining({ trigger: 'schedule', job_id: jobId, job_run_id: String(RECORDED_RUN_ID) }),
        // the figures DQX reported in the recorded run
        summary: expect.objectContaining({ total_rows: 200, valid_rows: 189, error_rows: 11, warning_rows: 7, rules_failed: 2, rules_warning: 1 }),
      });

      const schedule = (await getSchedule(alice, table, deps)).schedule!;
      expect(schedule).toMatchObject({ last_run_id: run.id, last_run_status: 'succeeded', outputs_status: 'written' });
      expect(schedule.outputs_message).toContain('spark_catalog.dqx_monitor.orders_metrics');

      const alerts = await listAlerts(alice, table, deps);
      expect(alerts.state).toBe('breach');
      expect(alerts.items).toHaveLength(1);
      expect(alerts.items[0]!.run_id).toBe(run.id);
      await alertDeliveriesSettled();
      expect(mailed()).toHaveLength(1);
      expect(mailed()[0]!.body).toMatchObject({
        run_name: `DQX breach: ${table}: table pass rate 94.50% < 99.00%`,
        email_notifications: { on_success: ['dq-team@example.com'] },
      });
      expect((await listAlerts(alice, table, deps)).items[0]!.email).toMatchObject({ delivery: 'sent', recipients: ['dq-team@example.com'], job_run_id: String(mailed()[0]!.runId) });
    });

    it('records a failed scheduled run with the notebook error, once', async () => {
      const table = newTable();
      await saveRuleSet(alice, table, { rules: RULES as never }, deps);
      await pubs.saveSettings(db, { tableName: table, autoPublish: true, targets: [{ kind: 'uc_table', table: 'main.dq.checks' }], by: alice.id });
      const jobId = (await saveSchedule(alice, table, body({ cron: '0 6 * * *' }), deps)).schedule!.external_job_id!;
      workspace.scheduledRun(jobId, { raised: { class: 'Exception', message: 'boom: the cluster went away' } });
      await ingestScheduledJobRuns({ db, client, resultsVolume: undefined });
      await ingestScheduledJobRuns({ db, client, resultsVolume: undefined });
      const runs = (await listRuns(alice, table, { page: 1, page_size: 50 }, deps)).items;
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ status: 'failed', error: expect.objectContaining({ message: expect.stringContaining('boom') }) });
      expect((await getSchedule(alice, table, deps)).schedule).toMatchObject({ last_run_status: 'failed', outputs_status: 'skipped' });
    });
    it('completes a run recorded by a pass that stopped before completing it, without recording it again', async () => {
      const table = newTable();
      await saveRuleSet(alice, table, { rules: RULES as never }, deps);
      await pubs.saveSettings(db, { tableName: table, autoPublish: true, targets: [{ kind: 'uc_table', table: 'main.dq.checks' }], by: alice.id });
      const jobId = (await saveSchedule(alice, table, body({ cron: '0 6 * * *' }), deps)).schedule!.external_job_id!;
      const jobRunId = workspace.scheduledRun(jobId, { raised: { class: 'Exception', message: 'boom' } });
      // what a pass leaves when its process stops between recording the run and completing it
      const left = await runsRepo.insertRun(db, {
        kind: 'validation',
        table_name: table,
        engine: 'job',
        started_by: alice.id,
        parameters: JSON.stringify({ trigger: 'schedule', job_id: jobId, job_run_id: String(jobRunId) }),
        progress_steps: '[]',
        read_tables: JSON.stringify([table]),
      });
      const report = await ingestScheduledJobRuns({ db, client, resultsVolume: undefined });
      expect(report.ingested.filter((i) => i.table === table)).toEqual([{ table, jobRunId: String(jobRunId), runId: left.id, status: 'failed' }]);
      const runs = (await listRuns(alice, table, { page: 1, page_size: 50 }, deps)).items;
      expect(runs.map((r) => [r.id, r.status])).toEqual([[left.id, 'failed']]);
    });
  });
}
