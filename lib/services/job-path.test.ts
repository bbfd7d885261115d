/**
 * Databricks mode, job path: the services start the Databricks job through the JobRunner port,
 * follow it, and store the job's result like the SQL path's. The port is played by an in-memory
 * runner that answers with outputs recorded from the real notebooks on local Spark
 * (tests/fixtures/jobs), so the mapping is checked against what DQX really returns.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { pgliteTestStore, type TestStore } from '@/db/testing/test-stores';
import { expandChecks, type DqxCheck } from '@/lib/dqx';
import { JOB_ERROR_MARKER, JobOutputSchema, type JobRequest } from '@/lib/jobs/contract';
import { LocalRunner, type RunContext } from '@/lib/jobs/local/local-runner';
import type { JobHandle, JobOutcome, JobRunner, JobState } from '@/lib/jobs/port';
import { appError } from '@/tests/support/app-error';
import { InMemoryCatalog, testCaller } from '@/tests/support/in-memory-warehouse';
import { waitForRun } from '@/tests/support/run-fixture';

import type { TableGovernance, Warehouse } from '@/lib/warehouse/port';

import { tableAccessVia } from './access';
import { startGeneration, type GenerationOutput } from './generation';
import type { RunDeps } from './run-deps';
import { requestRunCancel } from './runs';
import { saveRuleSet } from './rule-sets';
import { adoptValidationJob, startValidation, validationOutcomeFromJob, type ValidationOutput } from './validation';

const FIXTURES = path.resolve(__dirname, '..', '..', 'tests', 'fixtures', 'jobs');
const recording = (name: string) =>
  JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8')) as {
    job_parameters: Record<string, string>;
    notebook: { exit?: string; raised?: { message: string } };
  };

function outcomeOf(name: string): JobOutcome {
  const r = recording(name);
  if (r.notebook.exit) {
    const out = JobOutputSchema.parse(JSON.parse(r.notebook.exit));
    if (!('result' in out)) throw new Error('not an inline result');
    return out.kind === 'generation' ? { ok: true, kind: 'generation', result: out.result as never } : { ok: true, kind: 'validation', result: out.result as never };
  }
  const raised = JSON.parse(r.notebook.raised!.message.slice(JOB_ERROR_MARKER.length)) as { kind: 'validation'; error: { type: string; cause: string; hint: string } };
  return { ok: false, kind: raised.kind, error: raised.error, trace: null };
}

/** The JobRunner port in memory: runs go queued -> running -> succeeded and answer a recorded outcome. */
class RecordedJobs implements JobRunner {
  readonly kind = 'databricks' as const;
  readonly started: JobRequest[] = [];
  readonly cancelled: string[] = [];
  readonly #runs = new Map<string, { polls: number; outcome: JobOutcome; held: boolean }>();
  next: { outcome: JobOutcome; held?: boolean } | null = null;

  async start(request: JobRequest): Promise<JobHandle> {
    this.started.push(request);
    const id = String(1000 + this.started.length);
    this.#runs.set(id, { polls: 0, outcome: this.next!.outcome, held: this.next!.held ?? false });
    return { runner: 'databricks', kind: request.kind, appRunId: request.runId, externalRunId: id, url: null };
  }
  async status(handle: JobHandle) {
    const run = this.#runs.get(handle.externalRunId)!;
    run.polls++;
    const state: JobState = this.cancelled.includes(handle.externalRunId) ? 'canceled' : run.held || run.polls < 3 ? (run.polls === 1 ? 'queued' : 'running') : 'succeeded';
    const terminal = ['succeeded', 'canceled'].includes(state);
    return { state, terminal, message: null, startedAt: null, endedAt: null, url: null, platformState: state.toUpperCase() };
  }
  async cancel(handle: JobHandle) {
    this.cancelled.push(handle.externalRunId);
  }
  async output(handle: JobHandle): Promise<JobOutcome> {
    return this.#runs.get(handle.externalRunId)!.outcome;
  }
}

const alice = testCaller('alice@example.com');
const bob = testCaller('bob@example.com');
const TABLE = 'spark_catalog.dqx_test.orders';
const CUSTOMERS = 'spark_catalog.dqx_test.customers';
const CHANGING = 'spark_catalog.dqx_test.changing';
const RULES = JSON.parse(recording('validation-success').job_parameters.rules!) as DqxCheck[];

let store: TestStore;
let jobs: RecordedJobs;
let runner: LocalRunner;
let deps: RunDeps;
/** What the user's warehouse says about the table's row filters, column masks and policies. */
let governance: TableGovernance;
const UNGOVERNED: TableGovernance = { checked: true, rowFilter: false, maskedColumns: [], policies: [] };
let changing: InMemoryCatalog;

beforeAll(async () => {
  store = await pgliteTestStore();
  const catalog = new InMemoryCatalog([
    {
      name: TABLE,
      columns: [
        { name: 'order_id', type: 'int' },
        { name: 'customer', type: 'string' },
        { name: 'status', type: 'string' },
        { name: 'quantity', type: 'int' },
        { name: 'amount', type: 'decimal(10,2)' },
        { name: 'ordered_on', type: 'date' },
      ],
    },
    { name: CUSTOMERS, columns: [{ name: 'customer', type: 'string' }] },
    { name: CHANGING, columns: [{ name: 'id', type: 'int' }, { name: 'gone_soon', type: 'string' }] },
  ]);
  // bob may read the orders, never the customers (Unity Catalog grants, as his token sees them)
  catalog.setGrant((caller, table) => !(caller === bob.id && table === CUSTOMERS));
  changing = catalog;
  jobs = new RecordedJobs();
  runner = new LocalRunner({ db: store.db, concurrency: 1, pollMs: 20 });
  governance = UNGOVERNED;
  const governed = (c: Parameters<typeof catalog.warehouseFor>[0]): Warehouse =>
    Object.assign(catalog.warehouseFor(c), { tableGovernance: async () => governance });
  deps = {
    db: store.db,
    access: tableAccessVia(governed),
    warehouseOf: governed,
    runner,
    mode: 'databricks',
    jobRunner: () => jobs,
    jobPollMs: 5,
    chatModel: null,
  };
});
afterAll(async () => {
  await runner?.stop();
  await store?.close();
});

describe('the job path (databricks mode)', () => {
  it('validates with DQX in a job and stores its result like the SQL path does', async () => {
    jobs.next = { outcome: outcomeOf('validation-success') };
    const run = await startValidation(alice, { table: TABLE, rules: RULES, runAsJob: true, sampleLimit: 2 }, deps);
    expect(run.engine).toBe('job');
    const done = await waitForRun(alice, run.id, deps);
    expect(done.error).toBeNull();
    expect(done.status).toBe('succeeded');
    expect(done.external_id).toBe(String(1000 + jobs.started.length));
    expect(jobs.started.at(-1)).toMatchObject({ kind: 'validation', runId: run.id, table: { catalog: 'spark_catalog', schema: 'dqx_test', table: 'orders' }, rules: RULES, rowLimit: null });

    expect(done.summary).toMatchObject({ total_rows: 200, valid_rows: 189, error_rows: 11, warning_rows: 7, pass_rate: 0.945, dry_run: false });
    expect(done.progress.message).toBe('validated 200 rows with DQX in a Databricks job.');
    const expanded = expandChecks(RULES);
    expect(done.rule_results.map((r) => [r.rule_name, r.failing_rows, r.rows_evaluated, r.rule_fingerprint])).toEqual([
      ['customer_present', 8, 200, expanded[0]!.fingerprint],
      ['known_status', 7, 200, expanded[1]!.fingerprint],
      ['new_qty_in_range', 3, 94, expanded[2]!.fingerprint],
    ]);
    const out = done.output as ValidationOutput;
    expect(out.engine).toBe('job');
    expect(out.rules.map((r) => [r.name, r.status])).toEqual([
      ['customer_present', 'failed'],
      ['known_status', 'warning'],
      ['new_qty_in_range', 'failed'],
    ]);
    const sample = out.rules.find((r) => r.name === 'customer_present')!.samples[0]!;
    expect(sample.message).toBe("Column 'customer' value is null");
    expect(sample.values[out.columns.findIndex((c) => c.name === 'customer')]).toBeNull();
    expect(out.key_columns).toEqual(['order_id']);
  });

  it('follows the job again after a restart without starting another, and stores the same result', async () => {
    jobs.next = { outcome: outcomeOf('validation-success') };
    const run = await startValidation(alice, { table: TABLE, rules: RULES, runAsJob: true, sampleLimit: 2 }, deps);
    const done = await waitForRun(alice, run.id, deps);
    const started = jobs.started.length;

    const task = await adoptValidationJob(done, deps);
    expect(task!.steps.map((s) => [s.key, s.done ?? false])).toEqual([
      ['start_job', true],
      ['wait_job', false],
      ['results', false],
    ]);
    const steps: string[] = [];
    const ctx: RunContext = {
      runId: run.id,
      signal: new AbortController().signal,
      step: (key, work) => (steps.push(key), work()),
      skip: async () => undefined,
      message: async () => undefined,
      within: async () => undefined,
      throwIfCancelled: () => undefined,
    };
    const again = await task!.execute(ctx);
    expect(steps).toEqual(['wait_job', 'results']);
    expect(jobs.started.length).toBe(started);
    expect(again.output).toEqual(done.output);
    expect(again.summary).toEqual(done.summary);

    expect(await adoptValidationJob({ ...done, external_id: null }, deps)).toBeNull();
  });

  it('sends rule sets with job-only checks to the job even when not asked to', async () => {
    jobs.next = { outcome: outcomeOf('validation-success'), held: true };
    const geo: DqxCheck = { criticality: 'error', check: { function: 'is_latitude', arguments: { column: 'amount' } } };
    const run = await startValidation(alice, { table: TABLE, rules: [...RULES, geo] }, deps);
    expect(run.engine).toBe('job');
    // the job keeps running; cancelling the run cancels the job
    for (let i = 0; jobs.started.at(-1)?.runId !== run.id; i++) {
      if (i > 500) throw new Error('the job was never started');
      await new Promise((r) => setTimeout(r, 10));
    }
    await requestRunCancel(alice, run.id, deps);
    const done = await waitForRun(alice, run.id, deps);
    expect(done.status).toBe('cancelled');
    expect(jobs.cancelled).toContain(done.external_id);
  });

  it('reports a job that failed with the notebook’s cause and hint', async () => {
    jobs.next = { outcome: outcomeOf('validation-invalid-rules') };
    const run = await startValidation(alice, { table: TABLE, rules: RULES, runAsJob: true }, deps);
    const done = await waitForRun(alice, run.id, deps);
    expect(done.status).toBe('failed');
    expect(done.error).toEqual({
      code: 'invalid_rules',
      message: expect.stringMatching(/is_not_nul/),
      action: 'Fix the rules in the editor (it runs the same checks) and validate again.',
    });
  });

  it('generates with DQX in a job: its profile rules, the rows it profiled', async () => {
    jobs.next = { outcome: outcomeOf('generation-success') };
    const run = await startGeneration(alice, { table: TABLE, request: 'order ids are unique', sampleRows: 150, runAsJob: true }, deps);
    expect(run.engine).toBe('job');
    const done = await waitForRun(alice, run.id, deps);
    expect(done.error).toBeNull();
    expect(jobs.started.at(-1)).toMatchObject({ kind: 'generation', userPrompt: 'order ids are unique', sampleLimit: 150, sampleFraction: 1, aiAssisted: false });
    const out = done.output as GenerationOutput;
    expect(out.rows_profiled).toBe(150);
    expect(out.engine).toBe('job');
    expect(out.rules.length).toBeGreaterThan(0);
    expect(out.rules.every((r) => r.origin === 'profile' && 'source' in r.evidence)).toBe(true);
    expect(out.validation.errors).toEqual([]);
    expect(out.sampling.description).toMatch(/150 rows/);
  });
});

describe('the job path under Unity Catalog governance', () => {
  const jobResult = () => {
    const outcome = outcomeOf('validation-success');
    if (!outcome.ok || outcome.kind !== 'validation') throw new Error('not a validation result');
    return outcome.result;
  };

  it('refuses to validate a table with a row filter in a job, says why, and starts no job', async () => {
    governance = { ...UNGOVERNED, rowFilter: true };
    const before = jobs.started.length;
    const refused = startValidation(alice, { table: TABLE, rules: RULES, runAsJob: true }, deps);
    await expect(refused).rejects.toMatchObject({ code: 'bad_request', message: expect.stringContaining('it has a row filter') });
    await expect(refused).rejects.toMatchObject({ message: expect.stringContaining('Validate it on the SQL warehouse instead') });
    expect(jobs.started.length).toBe(before);
    governance = UNGOVERNED;
  });

  it('validates a masked table with job-only checks on the warehouse instead, and tells the user', async () => {
    governance = { ...UNGOVERNED, maskedColumns: ['customer'] };
    const before = jobs.started.length;
    const geo: DqxCheck = { criticality: 'error', check: { function: 'is_latitude', arguments: { column: 'amount' } } };
    const run = await startValidation(alice, { table: TABLE, rules: [...RULES, geo] }, deps);
    expect(run.engine).toBe('warehouse');
    expect(run.parameters).toMatchObject({ run_as_job: false, job_refused: expect.stringContaining('a column mask on customer') });
    await waitForRun(alice, run.id, deps);
    expect(jobs.started.length).toBe(before);
    governance = UNGOVERNED;
  });

  it('fails closed when the governance of the table cannot be read', async () => {
    governance = { ...UNGOVERNED, checked: false };
    await expect(startValidation(alice, { table: TABLE, rules: RULES, runAsJob: true }, deps)).rejects.toMatchObject({
      code: 'bad_request',
      message: expect.stringContaining('could not be checked'),
    });
    governance = UNGOVERNED;
  });

  it('refuses to generate in a job on a table with an ABAC policy', async () => {
    governance = { ...UNGOVERNED, policies: ['pii_rows'] };
    const before = jobs.started.length;
    await expect(startGeneration(alice, { table: TABLE, runAsJob: true }, deps)).rejects.toMatchObject({
      code: 'bad_request',
      message: expect.stringContaining('the access policies pii_rows'),
    });
    expect(jobs.started.length).toBe(before);
    governance = UNGOVERNED;
  });

  it('never shows a column of the job output that the user cannot read', () => {
    const result = jobResult();
    expect(result.failing_rows.columns.map((c) => c.name)).toContain('customer');
    const params = { tableName: TABLE, version: null, fingerprint: 'x', sampleRows: null, sampleLimit: 5, checks: RULES };
    const out = validationOutcomeFromJob(result, { ...params, visibleColumns: ['order_id', 'status', 'quantity'] }).output;
    expect(out.columns.map((c) => c.name)).toEqual(['order_id', 'status', 'quantity']);
    for (const rule of out.rules) for (const sample of rule.samples) expect(sample.values).toHaveLength(3);
    // a run adopted without the list shows no row values at all
    expect(validationOutcomeFromJob(result, { ...params, visibleColumns: null }).output.columns).toEqual([]);
  });
});

describe('the job path runs as the service principal: no confused deputy', () => {
  const readsCustomers: DqxCheck = {
    name: 'customer_known',
    criticality: 'error',
    check: { function: 'foreign_key', arguments: { columns: ['customer'], ref_columns: ['customer'], ref_table: CUSTOMERS } },
  };

  it('refuses, before a job starts, a saved rule set that reads a table the runner cannot read', async () => {
    await saveRuleSet(alice, TABLE, { rules: [...RULES, readsCustomers] }, deps);
    const started = jobs.started.length;
    const refused = await appError(startValidation(bob, { table: TABLE, runAsJob: true }, deps));
    expect(refused.code).toBe('not_found');
    expect(refused.message).toMatch(/refers to table spark_catalog\.dqx_test\.customers/);
    expect(jobs.started).toHaveLength(started);

    // its author may, and the run records every table the job reads
    jobs.next = { outcome: outcomeOf('validation-success') };
    const run = await startValidation(alice, { table: TABLE, runAsJob: true }, deps);
    expect(run.read_tables).toEqual([TABLE, CUSTOMERS]);
    await waitForRun(alice, run.id, deps);
    expect(jobs.started).toHaveLength(started + 1);
    // bob cannot see what the service principal read for alice
    expect((await appError(waitForRun(bob, run.id, deps))).code).toBe('not_found');
  });

  it('refuses a saved rule set that no longer validates: what the job would read is not fully known', async () => {
    await saveRuleSet(
      alice,
      CHANGING,
      { rules: [{ name: 'gone_present', criticality: 'error', check: { function: 'is_not_null', arguments: { column: 'gone_soon' } } }] },
      deps,
    );
    // the column is dropped after the rules were saved
    changing.add({ name: CHANGING, columns: [{ name: 'id', type: 'int' }] });
    const started = jobs.started.length;
    const refused = await appError(startValidation(alice, { table: CHANGING, runAsJob: true }, deps));
    expect(refused.code).toBe('bad_request');
    expect(refused.message).toMatch(/^A Databricks job runs only rules whose tables are fully known\. The rules do not validate \(1 error\): Rule 1 \(gone_present\)/);
    expect(jobs.started).toHaveLength(started);
  });
});
