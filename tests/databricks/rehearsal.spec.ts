/**
 * The rehearsal of a deployment: two users drive the production build in databricks mode through
 * the whole loop (browse, generate, validate on the warehouse and in a job, save, activate,
 * history) against stand-ins for every Databricks API (global-setup.ts), and it shows:
 *
 * - a scheduled check plays end to end: the rule set published to a checks table, the Databricks
 *   job the app creates, a slot of it run by the real notebook and DQX on local Spark, the run in
 *   the table's history, DQX's quarantine and metrics tables, the alert (sent to an https webhook)
 *   and the health endpoint;
 * - a user never sees a table, row, column or run they may not see;
 * - the job path refuses the filtered and the masked table, saying why, and starts no job;
 * - no token or secret appears in any line the app logged;
 * - /api/ready tells the truth.
 */
import fs from 'node:fs';

import pg from 'pg';
import { expect, test, type APIRequestContext, type Browser, type BrowserContext } from '@playwright/test';

import { CatalogPage } from '../e2e/pages/catalog-page';
import { GeneratorPage } from '../e2e/pages/generator-page';
import { HistoryPage } from '../e2e/pages/history-page';
import { MonitoringPage } from '../e2e/pages/monitoring-page';
import { ValidatorPage } from '../e2e/pages/validator-page';

import { appLog, appUrl, readState, sparkPort, TABLES, unboundLog, unboundUrl } from './rehearsal-env';

test.describe.configure({ mode: 'serial' });

type Who = 'alice' | 'bob';
const contexts: Partial<Record<Who, BrowserContext>> = {};

/** The headers the Databricks Apps proxy forwards for a signed-in user. */
function headersOf(who: Who): Record<string, string> {
  const user = readState().users[who];
  return {
    'x-forwarded-access-token': user.token,
    'x-forwarded-email': user.email,
    'x-forwarded-user': `${who}@idp`,
    'x-forwarded-preferred-username': user.email,
  };
}

async function as(browser: Browser, who: Who): Promise<BrowserContext> {
  contexts[who] ??= await browser.newContext({ baseURL: appUrl, extraHTTPHeaders: headersOf(who) });
  return contexts[who];
}

const api = async (browser: Browser, who: Who): Promise<APIRequestContext> => (await as(browser, who)).request;
const enc = encodeURIComponent;

interface Run {
  id: string;
  status: string;
  engine: string;
  table_name: string;
  summary: { total_rows: number; error_rows: number } | null;
  error: { message: string } | null;
  output: unknown;
  parameters: Record<string, unknown>;
}

async function finished(request: APIRequestContext, id: string, seconds = 200): Promise<Run> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const res = await request.get(`/api/v1/runs/${id}`);
    expect(res.status()).toBe(200);
    const run = (await res.json()) as Run;
    if (['succeeded', 'failed', 'cancelled'].includes(run.status)) return run;
    if (Date.now() > deadline) throw new Error(`run ${id} still ${run.status} after ${seconds} s`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function jobRuns(): Promise<{ kind: string; parameters: Record<string, string> }[]> {
  return (await (await fetch(`${readState().workspaceUrl}/_rehearsal/job-runs`)).json()) as { kind: string; parameters: Record<string, string> }[];
}

test.afterAll(async () => {
  for (const context of Object.values(contexts)) await context?.close();
});

test('browse: each user sees only the tables, rows and columns Unity Catalog gives them', async ({ browser }) => {
  const alice = await api(browser, 'alice');
  const bob = await api(browser, 'bob');
  const tables = async (request: APIRequestContext) => {
    const res = await request.get('/api/v1/tables?q=main');
    expect(res.status()).toBe(200);
    return ((await res.json()) as { tables: { full_name: string }[] }).tables.map((t) => t.full_name).sort();
  };
  expect(await tables(alice)).toEqual([TABLES.employees, TABLES.customers, TABLES.orders, TABLES.payments].sort());
  expect(await tables(bob)).toEqual([TABLES.ledger, TABLES.orders].sort());

  // in the browser: alice's picker offers her three tables, not bob's ledger
  const page = await (await as(browser, 'alice')).newPage();
  const catalog = new CatalogPage(page);
  await catalog.goto();
  await catalog.search('main');
  await expect(catalog.option(TABLES.customers)).toBeVisible();
  await expect(catalog.option(TABLES.employees)).toBeVisible();
  await expect(catalog.option(TABLES.ledger)).toHaveCount(0);

  // the row filter: alice sees only EU customers, on the page and in the API
  await catalog.pick(TABLES.customers);
  await expect(catalog.sampleCell('EU').first()).toBeVisible();
  await expect(catalog.sampleCell('US')).toHaveCount(0);
  const customers = (await (await alice.get(`/api/v1/tables/${enc(TABLES.customers)}/sample`)).json()) as { columns: { name: string }[]; rows: unknown[][] };
  const region = customers.columns.findIndex((c) => c.name === 'region');
  expect(customers.rows.length).toBeGreaterThan(0);
  expect(new Set(customers.rows.map((r) => r[region]))).toEqual(new Set(['EU']));

  // the column mask: salary is there, and empty, for alice
  const employees = (await (await alice.get(`/api/v1/tables/${enc(TABLES.employees)}/sample`)).json()) as { columns: { name: string }[]; rows: unknown[][] };
  const salary = employees.columns.findIndex((c) => c.name === 'salary');
  expect(salary).toBeGreaterThanOrEqual(0);
  expect(employees.rows.every((r) => r[salary] === null)).toBe(true);

  // bob: alice's tables do not exist for him, exactly like a table that does not exist
  const hidden = await bob.get(`/api/v1/tables/${enc(TABLES.employees)}`);
  const missing = await bob.get(`/api/v1/tables/${enc('main.hr.no_such_table')}`);
  expect(hidden.status()).toBe(404);
  expect(missing.status()).toBe(404);
  expect(((await hidden.json()) as { error: { message: string } }).error.message.replace('employees', 'X')).toBe(
    ((await missing.json()) as { error: { message: string } }).error.message.replace('no_such_table', 'X'),
  );
  expect((await bob.get(`/api/v1/tables/${enc(TABLES.customers)}/sample`)).status()).toBe(404);
  await page.close();
});

test('alice generates rules on the warehouse, saves and validates them: the fast path', async ({ browser }) => {
  const page = await (await as(browser, 'alice')).newPage();
  const generator = new GeneratorPage(page);
  await generator.goto(TABLES.orders);
  await generator.generate('Order ids are unique and quantities are between 1 and 10.');
  // local Spark on a shared machine is slower than a warehouse: a generous wait
  await expect(generator.summary).toBeVisible({ timeout: 200_000 });
  await generator.save();
  await expect(generator.savedAlert(1)).toBeVisible();

  const validator = new ValidatorPage(page);
  await validator.goto(TABLES.orders);
  await validator.validate(1);
  await expect(validator.results).toBeVisible({ timeout: 150_000 });
  await expect(validator.stat('Total rows')).toHaveText('200');
  await page.close();
});

test('the job path: DQX in a Databricks job on the table nobody filters, for generation and validation', async ({ browser }) => {
  test.setTimeout(420_000);
  const alice = await api(browser, 'alice');
  const validation = await alice.post('/api/v1/validations', { data: { table: TABLES.orders, run_as_job: true } });
  expect(validation.status()).toBe(202);
  const started = (await validation.json()) as Run;
  expect(started.engine).toBe('job');
  const done = await finished(alice, started.id, 300);
  expect(done.error).toBeNull();
  expect(done.status).toBe('succeeded');
  expect(done.summary?.total_rows).toBe(200);
  // the job's failing rows come back with the columns alice can read (all six of orders)
  expect((done.output as { columns: { name: string }[] }).columns.map((c) => c.name).sort()).toEqual(
    ['amount', 'customer', 'order_id', 'ordered_on', 'quantity', 'status'],
  );

  const generation = await alice.post('/api/v1/generations', { data: { table: TABLES.orders, run_as_job: true } });
  expect(generation.status()).toBe(202);
  const generated = await finished(alice, ((await generation.json()) as Run).id, 300);
  expect(generated.error).toBeNull();
  expect(generated.status).toBe('succeeded');
  const output = generated.output as { rules: unknown[]; profiles: unknown[]; engine: string };
  expect(output.engine).toBe('job');
  expect(output.rules.length).toBeGreaterThan(0);
  expect(output.profiles.length).toBeGreaterThan(0);

  const runs = await jobRuns();
  expect(runs.map((r) => [r.kind, `${r.parameters.catalog}.${r.parameters.schema}.${r.parameters.table}`])).toEqual([
    ['validation', TABLES.orders],
    ['generation', TABLES.orders],
  ]);
});

test('the job path refuses the filtered and the masked table, says why, and starts no job', async ({ browser }) => {
  const alice = await api(browser, 'alice');
  const before = (await jobRuns()).length;
  for (const [table, why] of [
    [TABLES.customers, 'it has a row filter'],
    [TABLES.employees, 'it has a column mask on salary'],
  ] as const) {
    for (const path of ['/api/v1/validations', '/api/v1/generations']) {
      const res = await alice.post(path, { data: { table, run_as_job: true, ...(path.includes('validations') ? { rules: [{ criticality: 'error', check: { function: 'is_not_null', arguments: { column: 'name' } } }] } : {}) } });
      expect(res.status(), `${path} ${table}`).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain(why);
    }
  }

  // in the browser: the generator says so where the user asked for the job
  const page = await (await as(browser, 'alice')).newPage();
  const generator = new GeneratorPage(page);
  await generator.goto(TABLES.employees);
  await generator.generator.selectOption('dqx');
  await page.getByRole('checkbox', { name: 'Run as a Databricks job' }).check();
  await generator.request.fill('Salaries are positive.');
  await page.getByRole('button', { name: 'Generate rules' }).click();
  await expect(page.getByText(/cannot go to a Databricks job: it has a column mask on salary/)).toBeVisible();
  await page.close();

  // the fast path still works for it, as alice: her rows, her (masked) values
  const fast = await alice.post('/api/v1/validations', {
    data: { table: TABLES.customers, rules: [{ name: 'email_present', criticality: 'error', check: { function: 'is_not_null', arguments: { column: 'email' } } }] },
  });
  expect(fast.status(), await fast.text()).toBe(202);
  const run = await finished(alice, ((await fast.json()) as Run).id);
  expect(run.status).toBe('succeeded');
  expect(run.engine).toBe('warehouse');
  expect(run.summary?.total_rows).toBe(20); // the EU customers only: 20 of 60
  expect(run.summary?.error_rows).toBe(1); // of the EU customers only number 33 has no e-mail (US and APAC ones are not seen)
  expect((await jobRuns()).length).toBe(before);
});

test('runs, rule sets and history: bob never sees what belongs to a table he cannot read', async ({ browser }) => {
  const alice = await api(browser, 'alice');
  const bob = await api(browser, 'bob');
  const aliceRuns = (await (await alice.get(`/api/v1/rule-sets/${enc(TABLES.customers)}/runs`)).json()) as { items: Run[] };
  expect(aliceRuns.items.length).toBeGreaterThan(0);
  for (const run of aliceRuns.items) expect((await bob.get(`/api/v1/runs/${run.id}`)).status()).toBe(404);
  expect((await bob.get(`/api/v1/rule-sets/${enc(TABLES.customers)}/runs`)).status()).toBe(404);
  const bobSets = JSON.stringify(await (await bob.get('/api/v1/rule-sets')).json());
  expect(bobSets).not.toContain('customers');
  expect(bobSets).not.toContain('employees');

  // alice: activate an earlier version, and see versions and runs in the history
  const rules = [{ name: 'id_present', criticality: 'error', check: { function: 'is_not_null', arguments: { column: 'order_id' } } }];
  const saved = await alice.post(`/api/v1/rule-sets/${enc(TABLES.orders)}/versions`, { data: { rules } });
  expect(saved.status()).toBe(201);
  const activated = await alice.post(`/api/v1/rule-sets/${enc(TABLES.orders)}/versions/1/activate`);
  expect(activated.status()).toBe(200);
  const page = await (await as(browser, 'alice')).newPage();
  const history = new HistoryPage(page);
  await history.goto(TABLES.orders);
  await expect(page.getByText(/version 2/i).first()).toBeVisible();
  await expect(page.getByText(/succeeded/i).first()).toBeVisible();
  await page.close();
});

test('rights from Unity Catalog as each user: the owner activates, a reader only proposes and is told who holds the right', async ({ browser }) => {
  const alice = await api(browser, 'alice');
  const bob = await api(browser, 'bob');
  const rules = [{ name: 'id_present_bob', criticality: 'warn', check: { function: 'is_not_null', arguments: { column: 'order_id' } } }];
  expect(await (await alice.get(`/api/v1/rule-sets/${enc(TABLES.orders)}/rights`)).json()).toMatchObject({
    steward: true,
    owner: 'alice@example.com',
    steward_sources: [`owner of ${TABLES.orders}`],
  });
  expect(await (await bob.get(`/api/v1/rule-sets/${enc(TABLES.orders)}/rights`)).json()).toMatchObject({ steward: false, owner: 'alice@example.com' });
  const proposed = await bob.post(`/api/v1/rule-sets/${enc(TABLES.orders)}/versions`, { data: { rules } });
  expect(proposed.status()).toBe(201);
  const body = (await proposed.json()) as { version: number; is_active: boolean; proposal: { id: string } | null };
  expect(body.is_active).toBe(false);
  const refused = await bob.post(`/api/v1/rule-sets/${enc(TABLES.orders)}/versions/1/activate`);
  expect(refused.status()).toBe(403);
  expect(((await refused.json()) as { error: { message: string } }).error.message).toBe(
    `Activating a version of ${TABLES.orders} needs the steward right (MODIFY or MANAGE on the table, its ownership). Its owner is alice@example.com.`,
  );
  // alice reviews it and rejects it; bob cannot read the ledger's owner's rights of a table he cannot see
  const rejected = await alice.post(`/api/v1/rule-sets/${enc(TABLES.orders)}/proposals/${body.proposal!.id}/reject`, { data: { reason: 'warn is not enough' } });
  expect(rejected.status()).toBe(200);
  expect((await alice.get(`/api/v1/rule-sets/${enc(TABLES.ledger)}/rights`)).status()).toBe(404);
});

/** A statement on local Spark as the metastore admin (what the jobs wrote, physically). */
async function spark(statement: string): Promise<{ columns: { name: string; type: string }[]; rows: Record<string, unknown>[] }> {
  const res = await fetch(`http://127.0.0.1:${sparkPort}/physical`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ statement }) });
  const body = (await res.json()) as { columns: { name: string; type: string }[]; rows: Record<string, unknown>[]; error?: string };
  expect(res.status, body.error).toBe(200);
  return body;
}

/** Plays a slot of a scheduled-checks job in the workspace stand-in: its notebook runs on local Spark. */
async function playSlot(jobId: string): Promise<{ run_id: string; notebook: { exit?: string; raised?: { message: string } } }> {
  const res = await fetch(`${readState().workspaceUrl}/_rehearsal/scheduled-run`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ job_id: jobId }) });
  return (await res.json()) as { run_id: string; notebook: { exit?: string; raised?: { message: string } } };
}

/** The run the app's ingest recorded for a job run, once it has finished there. */
async function ingestedRun(request: APIRequestContext, table: string, jobRunId: string): Promise<Run> {
  let run: Run | undefined;
  await expect
    .poll(
      async () => {
        const items = ((await (await request.get(`/api/v1/rule-sets/${enc(table)}/runs`)).json()) as { items: Run[] }).items;
        run = items.find((r) => r.parameters.job_run_id === jobRunId);
        return run?.status ?? 'not recorded yet';
      },
      { timeout: 90_000, intervals: [2_000] },
    )
    .toBe('succeeded');
  return run!;
}

interface CreatedJob {
  job_id: string;
  creator_user_name: string;
  settings: {
    name: string;
    schedule: Record<string, string>;
    parameters: { name: string; default: string }[];
    tasks: { task_key: string; notebook_task: { notebook_path: string } }[];
    max_concurrent_runs: number;
  };
}

test('a scheduled check on Databricks, end to end: published checks, the job the app creates, a slot run by DQX on Spark, its run, outputs, alert and health', async ({ browser }) => {
  test.setTimeout(300_000);
  const alice = await api(browser, 'alice');
  const bob = await api(browser, 'bob');
  const { workspaceUrl, clientId, webhook } = readState();
  const table = TABLES.payments; // alice's alone; no row filter, no column mask
  const checksTable = 'main.sales.dq_checks';
  const path = (what: string) => `/api/v1/rule-sets/${enc(table)}/${what}`;

  // alice saves the rules: she owns the table, so the version is active at once
  const rules = [
    { name: 'method_present', criticality: 'error', check: { function: 'is_not_null', arguments: { column: 'method' } } },
    { name: 'amount_not_negative', criticality: 'error', check: { function: 'is_not_less_than', arguments: { column: 'amount', limit: 0 } } },
  ];
  const saved = await alice.post(path('versions'), { data: { rules } });
  expect(saved.status(), await saved.text()).toBe(201);
  expect(((await saved.json()) as { is_active: boolean }).is_active).toBe(true);

  // in History, a schedule before anything is published is refused, saying what to do, and creates no job
  const page = await (await as(browser, 'alice')).newPage();
  const history = new HistoryPage(page);
  await history.goto(table);
  const form = page.getByRole('region', { name: 'Scheduled checks' }).getByRole('form', { name: 'Schedule' });
  await expect(form.getByRole('textbox', { name: 'Metrics table' })).toHaveValue(`${table}_dq_metrics`);
  await form.getByRole('textbox', { name: /^Cron/ }).fill('30 6 * * 1-5');
  await form.getByLabel('Time zone').fill('Europe/Paris');
  await form.getByRole('button', { name: 'Save schedule' }).click();
  await expect(form.getByRole('alert')).toContainText('Publish the rule set first');
  expect(await (await fetch(`${workspaceUrl}/_rehearsal/created-jobs`)).json()).toEqual([]);

  // she publishes the active version to a Unity Catalog checks table (as her, through the warehouse)
  const settings = await alice.post(path('publishing'), { data: { auto_publish: false, targets: [{ kind: 'uc_table', table: checksTable }] } });
  expect(settings.status(), await settings.text()).toBe(200);
  const published = await alice.post(path('publish'));
  expect(published.status(), await published.text()).toBe(200);
  const publication = (await published.json()) as { version: number; rule_set_fingerprint: string; results: { status: string; location: string }[] };
  expect(publication.results.map((r) => [r.status, r.location])).toEqual([['published', checksTable]]);
  // in Spark: DQX's checks table with the version's two checks, one batch, under the table's run config
  const stored = await spark('SELECT name, run_config_name, rule_set_fingerprint FROM spark_catalog.sales.dq_checks ORDER BY name');
  expect(stored.rows).toEqual(
    ['amount_not_negative', 'method_present'].map((name) => ({ name, run_config_name: table, rule_set_fingerprint: publication.rule_set_fingerprint })),
  );

  // thresholds the table will breach (no error rows, 99 % passing), alerts to the table's https webhook
  const thresholds = await alice.post(path('thresholds'), { data: { min_pass_rate: 0.99, fail_on_error_rows: true, rules: [], webhook_url: webhook?.url ?? null } });
  expect(thresholds.status(), await thresholds.text()).toBe(200);

  // the schedule, saved again in History, breaches and recoveries e-mailed to alice: the app creates
  // the table's Databricks job, as its service principal
  const aliceEmail = readState().users.alice.email;
  await form.getByRole('textbox', { name: /^Notify/ }).fill(aliceEmail);
  await form.getByRole('button', { name: 'Save schedule' }).click();
  await expect(form.getByRole('status')).toContainText(`Schedule of ${table} saved`);
  const schedule = ((await (await alice.get(path('schedule'))).json()) as { schedule: { external_job_id: string | null; outputs: Record<string, string | null> } }).schedule;
  expect(schedule.outputs).toEqual({ valid_table: null, quarantine_table: `${table}_dq_quarantine`, metrics_table: `${table}_dq_metrics` });
  const jobId = schedule.external_job_id;
  expect(jobId).toMatch(/^\d+$/);
  const jobs = (await (await fetch(`${workspaceUrl}/_rehearsal/created-jobs`)).json()) as CreatedJob[];
  expect(jobs.map((j) => j.job_id)).toEqual([jobId]);
  const job = jobs[0]!;
  expect(job.creator_user_name).toBe(clientId);
  expect(job.settings.name).toBe(`DQX monitoring: ${table} (rehearsal)`);
  expect(job.settings.schedule).toEqual({ quartz_cron_expression: '0 30 6 ? * MON-FRI', timezone_id: 'Europe/Paris', pause_status: 'UNPAUSED' });
  expect(job.settings.max_concurrent_runs).toBe(1);
  // the deployment's notebook folder (the bound validation job's), its monitor_table notebook
  expect(job.settings.tasks.map((t) => t.notebook_task.notebook_path)).toEqual([
    '/Workspace/Users/deployer@example.com/.bundle/dqx-data-quality-manager/rehearsal/files/notebooks/monitor_table',
  ]);
  expect(Object.fromEntries(job.settings.parameters.map((p) => [p.name, p.default]))).toEqual({
    contract_version: '1',
    run_id: '{{job.run_id}}',
    catalog: 'main',
    schema: 'sales',
    table: 'payments',
    results_volume: '/Volumes/main/dqx_app/job_results',
    checks_source: 'table',
    checks_location: checksTable,
    run_config_name: table,
    rule_set_fingerprint: '',
    valid_table: '',
    quarantine_table: `${table}_dq_quarantine`,
    metrics_table: `${table}_dq_metrics`,
    failing_rows_sample: '20',
  });

  // a slot of the job: monitor_table runs on local Spark with real DQX, on the published checks
  const slot = await playSlot(jobId!);
  expect(slot.notebook.raised?.message).toBeUndefined();

  // what DQX wrote for this run, read from Spark: its metrics, in DQX's own schema
  const dqx = (await (await fetch(`http://127.0.0.1:${sparkPort}/dqx-schemas`)).json()) as { metrics: { name: string; type: string }[]; result: string };
  const metrics = await spark(`SELECT * FROM spark_catalog.sales.payments_dq_metrics WHERE run_id = '${slot.run_id.replace(/\D/g, '')}'`);
  expect(metrics.columns).toEqual(dqx.metrics);
  const metric = Object.fromEntries(metrics.rows.map((r) => [r.metric_name, r.metric_value]));
  expect(Object.keys(metric).sort()).toEqual(['check_metrics', 'error_row_count', 'input_row_count', 'valid_row_count', 'warning_row_count']);
  expect([metric.input_row_count, metric.error_row_count]).toEqual(['120', '8']); // 6 without a method, 4 negative, 2 both
  // and its quarantine: the table's columns and DQX's result columns, the 8 failing rows
  const quarantine = await spark('SELECT * FROM spark_catalog.sales.payments_dq_quarantine');
  expect(quarantine.columns.map((c) => c.name)).toEqual(['payment_id', 'order_id', 'method', 'amount', 'paid_on', '_errors', '_warnings']);
  expect(quarantine.columns.filter((c) => c.name.startsWith('_')).map((c) => c.type)).toEqual([dqx.result, dqx.result]);
  expect(quarantine.rows).toHaveLength(8);
  const failing = (rule: string) =>
    quarantine.rows.filter((r) => ((r._errors as { name: string }[] | null) ?? []).some((e) => e.name === rule)).length;

  // the app's ingest brings the run into the table's history, as a scheduled run with DQX's figures
  const run = await ingestedRun(alice, table, slot.run_id);
  expect(run.engine).toBe('job');
  expect(run.parameters).toMatchObject({ trigger: 'schedule', job_id: jobId, job_run_id: slot.run_id, job_trigger: 'PERIODIC', version: publication.version });
  expect(run.summary).toMatchObject({ total_rows: Number(metric.input_row_count), error_rows: Number(metric.error_row_count), valid_rows: 112 });
  const detail = (await (await alice.get(`/api/v1/runs/${run.id}`)).json()) as { rule_results: { rule_name: string; failing_rows: number }[]; output: { columns: { name: string }[] } };
  // its failing rows, as the job's output gave them: the table's columns
  expect(detail.output.columns.map((c) => c.name)).toEqual(['payment_id', 'order_id', 'method', 'amount', 'paid_on']);
  expect(Object.fromEntries(detail.rule_results.map((r) => [r.rule_name, r.failing_rows]))).toEqual({
    method_present: failing('method_present'),
    amount_not_negative: failing('amount_not_negative'),
  });
  expect([failing('method_present'), failing('amount_not_negative')]).toEqual([6, 4]);

  // the breach is recorded as an alert and sent to the webhook (when this machine has an outward address for it)
  type Alerts = { state: string; items: { run_id: string; event: string; delivery: string; payload: { figures: { error_rows: number } } }[] };
  let alerts: Alerts = { state: '', items: [] };
  await expect
    .poll(async () => {
      alerts = (await (await alice.get(path('alerts'))).json()) as Alerts;
      return alerts.items.map((a) => [a.run_id, a.event, a.delivery, a.payload.figures.error_rows]);
    }, { timeout: 30_000 })
    .toEqual([[run.id, 'breach', webhook ? 'sent' : 'no_webhook', 8]]);
  expect(alerts.state).toBe('breach');
  if (webhook) {
    const received = fs
      .readFileSync(webhook.receivedFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { path: string; body: { table: string; event: string; run_id: string; figures: { error_rows: number } } });
    expect(received.map((r) => [r.path, r.body.table, r.body.event, r.body.run_id, r.body.figures.error_rows])).toEqual([
      [new URL(webhook.url).pathname, table, 'breach', run.id, 8],
    ]);
    // the webhook's path is its secret: the app never logs it
    expect(fs.readFileSync(appLog, 'utf8')).not.toContain(new URL(webhook.url).pathname);
  }
  // and e-mailed through Databricks: one one-time run whose success notification goes to alice
  type Submitted = { runId: number; body: { run_name: string; idempotency_token: string; email_notifications: { on_success: string[] } } };
  const submitted = async () => (await (await fetch(`${workspaceUrl}/_rehearsal/submitted-runs`)).json()) as Submitted[];
  type Emails = { items: { event: string; email: { delivery: string; recipients: string[]; job_run_id: string | null } | null }[] };
  await expect
    .poll(async () => ((await (await alice.get(path('alerts'))).json()) as Emails).items.map((a) => [a.event, a.email?.delivery, a.email?.recipients]), { timeout: 30_000 })
    .toEqual([['breach', 'sent', [aliceEmail]]]);
  const breachMail = await submitted();
  expect(breachMail.map((r) => [r.body.email_notifications.on_success, r.body.run_name.split(':')[0]])).toEqual([[[aliceEmail], 'DQX breach']]);
  expect(breachMail[0]!.body.run_name).toContain(table);
  // and the health endpoint answers 503 with what was breached
  const health = await alice.get(`/api/v1/tables/${enc(table)}/health`);
  expect(health.status()).toBe(503);
  const state = (await health.json()) as { state: string; latest_run: { id: string; error_rows: number }; breached: unknown[] };
  expect(state).toMatchObject({ state: 'breach', latest_run: { id: run.id, error_rows: 8 } });
  expect(state.breached.length).toBe(2); // the pass rate and the error rows

  // History lists the run as scheduled, as the schedule's last run, its outputs written by the job
  await page.reload();
  await expect(history.runs.getByRole('row').filter({ hasText: `version ${publication.version}, scheduled` })).toHaveCount(1);
  const status = form.getByTestId('schedule-status');
  await expect(status).toContainText('succeeded');
  await expect(status).toContainText(`outputs written: Written by the job: quarantine to ${table}_dq_quarantine, metrics to ${table}_dq_metrics.`);
  // and the Monitoring page puts the table in breach
  const monitoring = new MonitoringPage(page);
  await monitoring.goto();
  await expect(monitoring.row(table)).toContainText('Breach');
  await page.close();

  // bob cannot read the table: none of it exists for him
  for (const url of [`/api/v1/runs/${run.id}`, path('runs'), path('schedule'), path('alerts'), path('thresholds'), path('publications'), `/api/v1/tables/${enc(table)}/health`]) {
    expect((await bob.get(url)).status(), url).toBe(404);
  }
  expect((await bob.get(`/api/v1/tables/${enc(checksTable)}`)).status()).toBe(404);
  expect(JSON.stringify(await (await bob.get('/api/v1/rule-sets')).json())).not.toContain('payments');
  expect(JSON.stringify(await (await bob.get('/api/v1/monitoring')).json())).not.toContain('payments');

  // alice lowers the thresholds to what the table meets; the next slot is recorded once, its outputs
  // appended under its own run id, and the recovery is an alert too
  const lowered = await alice.post(path('thresholds'), { data: { min_pass_rate: 0.9, fail_on_error_rows: false, rules: [] } });
  expect(lowered.status(), await lowered.text()).toBe(200);
  const next = await playSlot(jobId!);
  expect(next.notebook.raised?.message).toBeUndefined();
  expect(BigInt(next.run_id)).toBeGreaterThan(BigInt(slot.run_id));
  const second = await ingestedRun(alice, table, next.run_id);
  expect(second.summary).toMatchObject({ total_rows: 120, error_rows: 8 });
  const scheduledRuns = ((await (await alice.get(path('runs'))).json()) as { items: Run[] }).items.filter((r) => r.parameters.trigger === 'schedule');
  expect(scheduledRuns.map((r) => r.parameters.job_run_id).sort()).toEqual([slot.run_id, next.run_id].sort());
  expect((await spark('SELECT count(*) AS n FROM spark_catalog.sales.payments_dq_quarantine')).rows).toEqual([{ n: 16 }]);
  expect((await spark('SELECT DISTINCT run_id FROM spark_catalog.sales.payments_dq_metrics ORDER BY run_id')).rows).toEqual(
    [slot.run_id, next.run_id].sort().map((run_id) => ({ run_id })),
  );
  await expect
    .poll(async () => ((await (await alice.get(path('alerts'))).json()) as Alerts).items.map((a) => [a.run_id, a.event, a.delivery]), { timeout: 30_000 })
    .toEqual([
      [second.id, 'recovery', webhook ? 'sent' : 'no_webhook'],
      [run.id, 'breach', webhook ? 'sent' : 'no_webhook'],
    ]);
  expect((await alice.get(`/api/v1/tables/${enc(table)}/health`)).status()).toBe(200);
  // the recovery is e-mailed too: one more run, one per alert
  await expect.poll(async () => (await submitted()).map((r) => r.body.run_name.split(':')[0]), { timeout: 30_000 }).toEqual(['DQX breach', 'DQX recovery']);

  // pausing the schedule pauses its job (jobs/reset of the same job)
  const paused = await alice.post(path('schedule'), { data: { cron: '30 6 * * 1-5', timezone: 'Europe/Paris', paused: true } });
  expect(paused.status(), await paused.text()).toBe(200);
  const after = (await (await fetch(`${workspaceUrl}/_rehearsal/created-jobs`)).json()) as CreatedJob[];
  expect(after.map((j) => [j.job_id, j.settings.schedule.pause_status])).toEqual([[jobId, 'PAUSED']]);
});

test('/api/ready tells the truth: every binding ok when bound, and which are missing when not', async ({ request }) => {
  const bound = await request.get(`${appUrl}/api/ready`, { headers: headersOf('alice') });
  const body = (await bound.json()) as { ready: boolean; dependencies: { name: string; status: string }[] };
  expect(bound.status(), JSON.stringify(body)).toBe(200);
  expect(Object.fromEntries(body.dependencies.map((d) => [d.name, d.status]))).toEqual({ warehouse: 'ok', store: 'ok', jobs: 'ok', model: 'ok' });

  // The same build with no warehouse and no jobs bound is not ready, and names both.
  const unbound = await request.get(`${unboundUrl}/api/ready`);
  const missing = (await unbound.json()) as { ready: boolean; dependencies: { name: string; status: string; message?: string }[] };
  expect(unbound.status(), JSON.stringify(missing)).toBe(503);
  expect(missing.ready).toBe(false);
  const byName = Object.fromEntries(missing.dependencies.map((d) => [d.name, d]));
  expect(byName.warehouse).toMatchObject({ status: 'not_configured', message: expect.stringContaining('DATABRICKS_WAREHOUSE_ID') });
  expect(byName.jobs).toMatchObject({ status: 'not_configured', message: expect.stringContaining('DQX_VALIDATION_JOB_ID') });
  expect(byName.store).toMatchObject({ status: 'ok' });
});

test('the rule store is used as deployed: the app role owns its schema, not the database, and cannot create in public', async () => {
  const { clientId, database } = readState();
  const url = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = `/${database}`;
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    const q = async (sql: string, params: unknown[] = []) => (await admin.query(sql, params)).rows[0] as Record<string, unknown>;
    expect(await q('SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = current_database()')).toEqual({ owner: 'postgres' });
    expect(await q("SELECT pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = 'dqx'")).toEqual({ owner: clientId });
    expect(await q("SELECT has_schema_privilege($1, 'public', 'CREATE') AS can", [clientId])).toEqual({ can: false });
    expect(await q('SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = $1', [clientId])).toEqual({ rolsuper: false, rolcreatedb: false, rolcreaterole: false });
    // what the loop above saved is there
    expect(Number((await q('SELECT count(*) AS n FROM dqx.dq_runs')).n)).toBeGreaterThan(3);
  } finally {
    await admin.end();
  }
});

test('no token, secret or issued credential appears in any line the app logged', async () => {
  const secrets = (await (await fetch(`${readState().workspaceUrl}/_rehearsal/secrets`)).json()) as string[];
  expect(secrets.length).toBeGreaterThanOrEqual(4); // two users, the client secret, at least one issued token
  const lines = [...fs.readFileSync(appLog, 'utf8').split('\n'), ...fs.readFileSync(unboundLog, 'utf8').split('\n')];
  expect(lines.length).toBeGreaterThan(20);
  for (const secret of secrets) {
    const leaks = lines.filter((line) => line.includes(secret));
    expect(leaks, `a log line carries ${secret.slice(0, 18)}…`).toEqual([]);
  }
});
