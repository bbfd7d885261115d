/**
 * Validation end to end on the sample catalog (real DuckDB, real PGlite, the in-process runner):
 * the planted defects are counted exactly, dry runs, failing rows on demand, reports, access,
 * cancel and failures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { DqxCheck } from '@/lib/dqx';
import { DEFECTS, type PlantedDefect } from '@/lib/warehouse/sample-catalog/defects';
import { SAMPLE_TABLES } from '@/lib/warehouse/sample-catalog/tables';
import type { Warehouse } from '@/lib/warehouse/port';
import { appError } from '@/tests/support/app-error';
import { testCaller } from '@/tests/support/in-memory-warehouse';
import { openRunFixture, waitForRun, type RunFixture } from '@/tests/support/run-fixture';

import { saveRuleSet } from './rule-sets';
import { getRun, listRuns, requestRunCancel, tablePassRateHistory } from './runs';
import { getFailingRows } from './failing-rows';
import { csvCell, startValidation, validationReport, type ValidationOutput, type ValidationRunSummary } from './validation';

const alice = testCaller('alice@example.com');
const bob = testCaller('bob@example.com');
const ORDERS = 'samples.sales.orders';
const BIG_ROWS = 1000;

/**
 * A defect's DQX check as a rule. DQX 0.17 reads the entries of `allowed` like limits (a bare
 * string names a column), so the literal values of is_in_list are quoted here as DQX needs them.
 */
function defectRule(defect: PlantedDefect): DqxCheck {
  const args = { ...defect.check.arguments };
  if (defect.check.function === 'is_in_list' && Array.isArray(args.allowed)) {
    args.allowed = args.allowed.map((v) => (typeof v === 'string' && !v.startsWith("'") ? `'${v}'` : v));
  }
  return { name: defect.id, criticality: 'error', check: { function: defect.check.function, arguments: args } };
}

/** Lets a test make the validation statement slow (a real endless DuckDB query) or fail (a real DuckDB error). */
let mode: 'normal' | 'endless' | 'broken' = 'normal';
const ENDLESS_SQL = 'SELECT count(*) AS n FROM range(1000000000000) t(x) WHERE (x * 7919) % 104729 = 3';
function steerable(base: Warehouse): Warehouse {
  return {
    ...base,
    dialect: base.dialect,
    listCatalogs: () => base.listCatalogs(),
    listSchemas: (c) => base.listSchemas(c),
    listTables: (c, s) => base.listTables(c, s),
    searchTables: (q, l) => base.searchTables(q, l),
    describeTable: (r) => base.describeTable(r),
    sampleRows: (r, l) => base.sampleRows(r, l),
    ping: () => base.ping(),
    query: (sql, options) => {
      if (sql.includes('__dqx_flags') && mode === 'endless') return base.query(ENDLESS_SQL, options);
      if (sql.includes('__dqx_flags') && mode === 'broken') return base.query('SELECT * FROM samples.sales.orders_that_were_dropped', options);
      return base.query(sql, options);
    },
  };
}

let fx: RunFixture;
beforeAll(async () => {
  fx = await openRunFixture({ bigRows: BIG_ROWS, warehouse: steerable });
});
afterAll(async () => {
  await fx?.close();
});

async function validate(input: Parameters<typeof startValidation>[1], caller = alice) {
  const run = await startValidation(caller, input, fx.deps);
  expect(run).toMatchObject({ status: 'queued', kind: 'validation', started_by: caller.id });
  const done = await waitForRun(caller, run.id, fx.deps);
  expect(done.error).toBeNull();
  expect(done.status).toBe('succeeded');
  return { run: done, out: done.output as ValidationOutput, summary: done.summary as ValidationRunSummary };
}

describe('the planted defects of the sample catalog', () => {
  const tables = [...new Set(DEFECTS.map((d) => d.table))];

  it.each(tables)('are counted exactly in samples.%s, rule by rule', async (table) => {
    const defects = DEFECTS.filter((d) => d.table === table);
    const { run, out, summary } = await validate({ table: `samples.${table}`, rules: defects.map(defectRule), sampleLimit: 3 });
    const def = SAMPLE_TABLES.find((t) => `${t.schema}.${t.name}` === table)!;
    expect(summary.total_rows).toBe(def.rows(BIG_ROWS));

    // every planted defect, dataset-level ones (is_unique, foreign_key) included, is evaluated here
    const evaluated: PlantedDefect[] = [];
    for (const defect of defects) {
      const rule = out.rules.find((r) => r.name === defect.id);
      expect(rule, defect.id).toBeDefined();
      expect([defect.id, rule!.status]).not.toEqual([defect.id, 'not_evaluated']);
      evaluated.push(defect);
      expect([defect.id, rule!.failing_rows]).toEqual([defect.id, defect.count]);
      expect(rule!.status).toBe(defect.count > 0 ? 'failed' : 'passed');
      expect(rule!.rows_evaluated).toBe(summary.total_rows);
      expect(rule!.pass_rate).toBeCloseTo((summary.total_rows - defect.count) / summary.total_rows, 10);
      // sample failing rows, with this rule's DQX message
      expect(rule!.samples).toHaveLength(Math.min(3, defect.count));
      for (const sample of rule!.samples) {
        expect(sample.message).toEqual(expect.any(String));
        expect(sample.failed_rules).toContain(defect.id);
        expect(sample.values).toHaveLength(out.columns.length);
      }
      // stored per rule NAME, for the pass-rate history
      expect(run.rule_results.find((r) => r.rule_name === defect.id)).toMatchObject({ failing_rows: defect.count, rows_evaluated: summary.total_rows });
    }
    expect(evaluated).toHaveLength(defects.length);

    // rows with at least one error: the union of the defects' rows, counted by DuckDB directly
    const union = evaluated.map((d) => `coalesce((${d.where}), FALSE)`).join(' OR ');
    const direct = await fx.warehouse.query(`SELECT count(*) FILTER (WHERE ${union}) FROM samples.${table} AS t`);
    expect(summary.error_rows).toBe(Number(direct.rows[0]![0]));
    expect(summary.valid_rows).toBe(summary.total_rows - summary.error_rows);
    expect(summary.warning_rows).toBe(0);
    expect(summary.pass_rate).toBeCloseTo(summary.valid_rows / summary.total_rows, 10);
  });
});

describe('validation runs', () => {
  it('validates the active version by default, a chosen version, and refuses a table without rules', async () => {
    const none = await appError(startValidation(alice, { table: 'samples.web.campaigns' }, fx.deps));
    expect(none.code).toBe('not_found');
    expect(none.message).toMatch(/no saved rule set yet/);

    await saveRuleSet(alice, ORDERS, { rules: [{ criticality: 'error', check: { function: 'is_not_null', arguments: { column: 'amount' } } }] }, fx.deps);
    await saveRuleSet(
      alice,
      ORDERS,
      { rules: [{ criticality: 'warn', name: 'quantity_range', check: { function: 'is_in_range', arguments: { column: 'quantity', min_limit: 1, max_limit: 100 } } }] },
      fx.deps,
    );
    const active = await validate({ table: ORDERS });
    expect(active.run.rule_set_version).toBe(2);
    expect(active.out.rules.map((r) => [r.name, r.status, r.failing_rows])).toEqual([['quantity_range', 'warning', 14]]);
    expect(active.summary).toMatchObject({ error_rows: 0, warning_rows: 14, valid_rows: BIG_ROWS, pass_rate: 1 });

    const first = await validate({ table: ORDERS, version: 1 });
    expect(first.run.rule_set_version).toBe(1);
    expect(first.out.rules.map((r) => [r.name, r.failing_rows])).toEqual([['amount_is_null', 17]]);
    expect(first.summary).toMatchObject({ error_rows: 17, valid_rows: BIG_ROWS - 17 });

    const missing = await appError(startValidation(alice, { table: ORDERS, version: 99 }, fx.deps));
    expect(missing.code).toBe('not_found');
  });

  it('refuses draft rules that do not validate, with the errors at the rule and field', async () => {
    const error = await appError(
      startValidation(alice, { table: ORDERS, rules: [{ criticality: 'error', check: { function: 'is_not_null', arguments: { column: 'no_such_column' } } }] }, fx.deps),
    );
    expect(error.code).toBe('bad_request');
    expect((error.details as { errors: { rule_index: number; field: string }[] }).errors[0]).toMatchObject({ rule_index: 0, field: expect.stringContaining('column') });
  });

  it('refuses draft rules on a missing column by default, and with missing_columns skip runs them as DQX does', async () => {
    const rules: DqxCheck[] = [
      { criticality: 'error', name: 'ghost_required', check: { function: 'is_not_null', arguments: { column: 'ghost' } } },
      { criticality: 'warn', name: 'amount_where_ghost', filter: 'ghost > 1', check: { function: 'is_not_null', arguments: { column: 'amount' } } },
      { criticality: 'error', name: 'amount_required', check: { function: 'is_not_null', arguments: { column: 'amount' } } },
    ];
    const refused = await appError(startValidation(alice, { table: ORDERS, rules }, fx.deps));
    expect(refused.status).toBe(400);
    expect(refused.message).toMatch(/ghost/);

    const { run, out, summary } = await validate({ table: ORDERS, rules, missingColumns: 'skip' });
    expect(out.missing_columns).toBe('skip');
    expect(run.parameters.missing_columns).toBe('skip');
    const byName = Object.fromEntries(out.rules.map((r) => [r.name, r]));
    expect(byName.ghost_required).toMatchObject({
      status: 'skipped',
      failing_rows: BIG_ROWS,
      message: "Check evaluation skipped due to invalid check columns: ['ghost']",
    });
    expect(byName.amount_where_ghost).toMatchObject({
      status: 'skipped',
      message: "Check evaluation skipped due to invalid check filter: 'ghost > 1'",
    });
    expect(byName.amount_required).toMatchObject({ status: 'failed', failing_rows: 17 });
    // an error rule skipped on every row quarantines every row, as in DQX
    expect(summary).toMatchObject({ total_rows: BIG_ROWS, valid_rows: 0, error_rows: BIG_ROWS, rules_skipped: 2 });
    const rows = await getFailingRows(alice, run.id, { rule: 'ghost_required', page: 1, pageSize: 5 }, fx.deps);
    expect(rows.total).toBe(BIG_ROWS);
    expect(rows.rows[0]!.messages).toContain("Check evaluation skipped due to invalid check columns: ['ghost']");

    const strict = await appError(startValidation(alice, { table: ORDERS, rules, missingColumns: 'refuse' }, fx.deps));
    expect(strict.status).toBe(400);
  });

  it('runs a dry run on the first rows only, and keeps it as a run marked dry_run', async () => {
    const rules = [{ criticality: 'error', name: 'amount_present', check: { function: 'is_not_null', arguments: { column: 'amount' } } }];
    const { run, out, summary } = await validate({ table: ORDERS, rules, sampleRows: 200 });
    expect(summary).toMatchObject({ total_rows: 200, dry_run: true });
    expect(out).toMatchObject({ dry_run: true, sample_rows: 200 });
    expect(run.progress.message).toMatch(/^Dry run: 200 rows, \d+ with errors, 0 with warnings only; [01] of 1 rules found failing rows\.$/);
    expect(run.parameters).toMatchObject({ dry_run: true, sample_rows: 200, draft: true, rules });
    expect(run.rule_set_version).toBeNull();
    expect(run.rule_set_fingerprint).toMatch(/^[0-9a-f]{64}$/);
    // the first 200 rows by key: as many failing rows as DuckDB finds there
    const direct = await fx.warehouse.query(
      'SELECT count(*) FILTER (WHERE amount IS NULL) FROM (SELECT * FROM samples.sales.orders ORDER BY order_id, customer_id LIMIT 200)',
    );
    expect(out.rules[0]!.failing_rows).toBe(Number(direct.rows[0]![0]));
    const listed = await listRuns(alice, ORDERS, { page: 1, page_size: 100, kind: 'validation' }, fx.deps);
    expect(listed.items.some((r) => r.id === run.id && r.parameters.dry_run === true)).toBe(true);
  });

  it('cancels a long validation: the warehouse query is interrupted and the run ends cancelled', async () => {
    mode = 'endless';
    try {
      const run = await startValidation(alice, { table: ORDERS, rules: [defectRule(DEFECTS.find((d) => d.id === 'orders_amount_null')!)] }, fx.deps);
      for (let i = 0; (await getRun(alice, run.id, fx.deps)).progress.steps.find((s) => s.key === 'scan')?.status !== 'running'; i++) {
        if (i > 2000) throw new Error('never started scanning');
        await new Promise((r) => setTimeout(r, 10));
      }
      await new Promise((r) => setTimeout(r, 100));
      await requestRunCancel(alice, run.id, fx.deps);
      const done = await waitForRun(alice, run.id, fx.deps, 15_000);
      expect(done.status).toBe('cancelled');
      expect(done.summary).toBeNull();
    } finally {
      mode = 'normal';
    }
  });

  it('records a failed run with the cause and what to do', async () => {
    mode = 'broken';
    try {
      const run = await startValidation(alice, { table: ORDERS, rules: [defectRule(DEFECTS.find((d) => d.id === 'orders_amount_null')!)] }, fx.deps);
      const done = await waitForRun(alice, run.id, fx.deps);
      expect(done.status).toBe('failed');
      expect(done.error).toEqual({
        code: 'warehouse_error',
        message: expect.stringMatching(/^The warehouse could not run the query: Catalog Error: .*orders_that_were_dropped/),
        action: expect.stringMatching(/correct them in the editor and run again/),
      });
      expect(done.progress.steps.find((s) => s.key === 'scan')?.status).toBe('failed');
    } finally {
      mode = 'normal';
    }
  });
});

describe('failing rows on demand', () => {
  let runId: string;
  const rules: DqxCheck[] = [
    { criticality: 'error', name: 'amount_present', check: { function: 'is_not_null', arguments: { column: 'amount' } } },
    { criticality: 'warn', name: 'quantity_range', check: { function: 'is_in_range', arguments: { column: 'quantity', min_limit: 1, max_limit: 100 } } },
  ];
  beforeAll(async () => {
    runId = (await validate({ table: ORDERS, rules, sampleLimit: 2 })).run.id;
  });

  it('returns every failing row of a rule exactly once across stable pages, key columns first, with its message', async () => {
    const expected = await fx.warehouse.query('SELECT order_id FROM samples.sales.orders WHERE amount IS NULL ORDER BY order_id');
    const expectedIds = expected.rows.map((r) => Number(r[0]));
    expect(expectedIds).toHaveLength(17);

    const seen: number[] = [];
    for (let page = 1; page <= 5; page++) {
      const result = await getFailingRows(alice, runId, { rule: 'amount_present', page, pageSize: 4 }, fx.deps);
      expect(result).toMatchObject({ total: 17, page, page_size: 4, key_columns: ['order_id', 'customer_id'], dry_run: false });
      expect(result.columns.slice(0, 2).map((c) => c.name)).toEqual(['order_id', 'customer_id']);
      expect(result.rule).toMatchObject({ name: 'amount_present', function: 'is_not_null', criticality: 'error' });
      const amount = result.columns.findIndex((c) => c.name === 'amount');
      for (const row of result.rows) {
        expect(row.values[amount]).toBeNull();
        expect(row.messages).toEqual(["Column 'amount' value is null"]);
        seen.push(Number(row.values[0]));
      }
      expect(result.rows).toHaveLength(page < 5 ? 4 : 1);
    }
    expect(seen).toEqual(expectedIds);
    // the same page twice is the same rows
    const again = await getFailingRows(alice, runId, { rule: 'amount_present', page: 2, pageSize: 4 }, fx.deps);
    expect(again.rows.map((r) => Number(r.values[0]))).toEqual(seen.slice(4, 8));
    // past the end: no rows, the same total
    const beyond = await getFailingRows(alice, runId, { rule: 'amount_present', page: 9, pageSize: 4 }, fx.deps);
    expect(beyond).toMatchObject({ total: 17, rows: [] });
  });

  it('reads warn rules too, and refuses unknown rules and other callers', async () => {
    const warn = await getFailingRows(alice, runId, { rule: 'quantity_range', page: 1, pageSize: 100 }, fx.deps);
    expect(warn.total).toBe(14);
    expect(warn.rows).toHaveLength(14);
    expect(warn.rows[0]!.messages[0]).toMatch(/quantity/);

    const unknown = await appError(getFailingRows(alice, runId, { rule: 'nope', page: 1, pageSize: 10 }, fx.deps));
    expect(unknown.code).toBe('not_found');
    fx.hide((caller, table) => caller === bob.id && table === ORDERS);
    try {
      expect((await appError(getFailingRows(bob, runId, { rule: 'amount_present', page: 1, pageSize: 10 }, fx.deps))).code).toBe('not_found');
      expect((await appError(validationReport(bob, runId, 'csv', fx.deps))).code).toBe('not_found');
      expect((await appError(getRun(bob, runId, fx.deps))).code).toBe('not_found');
    } finally {
      fx.hide(() => false);
    }
  });

  it('keeps to the sample of a dry run', async () => {
    const dry = await validate({ table: ORDERS, rules, sampleRows: 300 });
    const page = await getFailingRows(alice, dry.run.id, { rule: 'amount_present', page: 1, pageSize: 500 }, fx.deps);
    expect(page.dry_run).toBe(true);
    expect(page.total).toBe(dry.out.rules[0]!.failing_rows);
    expect(page.rows).toHaveLength(page.total);
  });
});

describe('access', () => {
  it('answers 404 to a caller who cannot read the table, or a table a rule refers to', async () => {
    fx.hide((caller, table) => (caller === bob.id && table === ORDERS) || (caller === bob.id && table === 'samples.sales.customers'));
    try {
      const rules = [defectRule(DEFECTS.find((d) => d.id === 'orders_amount_null')!)];
      expect((await appError(startValidation(bob, { table: ORDERS, rules }, fx.deps))).code).toBe('not_found');

      // bob can read the reviews, but a rule of his reads the customers table
      const fk: DqxCheck = {
        criticality: 'error',
        check: { function: 'foreign_key', arguments: { columns: ['customer_id'], ref_columns: ['customer_id'], ref_table: 'samples.sales.customers' } },
      };
      const refused = await appError(startValidation(bob, { table: 'samples.web.events', rules: [fk] }, fx.deps));
      expect(refused.code).toBe('not_found');
      expect(refused.message).toMatch(/refers to table samples\.sales\.customers/);
      // alice can
      const allowed = await startValidation(alice, { table: 'samples.web.events', rules: [fk] }, fx.deps);
      expect(allowed.status).toBe('queued');
      await waitForRun(alice, allowed.id, fx.deps);
    } finally {
      fx.hide(() => false);
    }
  });
});

describe('reports', () => {
  it('downloads a finished run as JSON and as CSV that a spreadsheet cannot run as formulas', async () => {
    const rules: DqxCheck[] = [
      { criticality: 'error', name: '=HYPERLINK("http://x","click")', check: { function: 'is_not_null', arguments: { column: 'amount' } } },
      {
        criticality: 'warn',
        name: 'quantity, in "range"',
        filter: "status <> 'cancelled'",
        check: { function: 'is_in_range', arguments: { column: 'quantity', min_limit: 1, max_limit: 100 } },
      },
    ];
    const { run, summary } = await validate({ table: ORDERS, rules });

    const csv = await validationReport(alice, run.id, 'csv', fx.deps);
    expect(csv.content_type).toBe('text/csv; charset=utf-8');
    expect(csv.filename).toMatch(/^dqx_validation_samples_sales_orders_[0-9a-f]{8}\.csv$/);
    const lines = csv.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe('rule_name,function,criticality,columns,filter,status,rows_evaluated,failing_rows,pass_rate,message,run_evaluation');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe(`"'=HYPERLINK(""http://x"",""click"")","is_not_null","error","amount",,"failed",${BIG_ROWS},17,${(BIG_ROWS - 17) / BIG_ROWS},,"complete"`);
    expect(lines[2]!.startsWith('"quantity, in ""range""","is_in_range","warn","quantity","status <> \'cancelled\'","warning",')).toBe(true);

    const json = await validationReport(alice, run.id, 'json', fx.deps);
    const report = JSON.parse(json.body) as { summary: ValidationRunSummary; rules: { name: string; failing_rows: number }[]; table_name: string };
    expect(report.table_name).toBe(ORDERS);
    expect(report.summary).toEqual(summary);
    expect(report.rules.map((r) => [r.name, r.failing_rows])).toEqual([
      ['=HYPERLINK("http://x","click")', 17],
      ['quantity, in "range"', expect.any(Number)],
    ]);
  });

  it('never reports a run with a rule not evaluated as complete: run, summary, message, reports and history say so', async () => {
    const rules: DqxCheck[] = [
      { criticality: 'error', name: 'amount_required', check: { function: 'is_not_null', arguments: { column: 'amount' } } },
      { criticality: 'error', name: 'status_is_geometry', check: { function: 'is_geometry', arguments: { column: 'status' } } },
    ];
    const { run, summary } = await validate({ table: ORDERS, rules });
    expect(run.evaluation).toBe('incomplete');
    expect(summary.evaluation).toBe('incomplete');
    expect(summary.rules_not_evaluated).toBe(1);
    expect(summary.not_evaluated).toEqual([
      { index: 1, name: 'status_is_geometry', function: 'is_geometry', reason: expect.stringContaining('Not evaluated') },
    ]);
    expect(run.progress.message).toMatch(/Incomplete: 1 rule was not evaluated \('status_is_geometry'\)/);

    const csv = await validationReport(alice, run.id, 'csv', fx.deps);
    const lines = csv.body.trimEnd().split('\r\n');
    expect(lines.slice(1).every((l) => l.endsWith(',"incomplete"'))).toBe(true);
    expect(lines[2]).toMatch(/^"status_is_geometry","is_geometry","error","status",,"not_evaluated",,,,"Not evaluated/);
    const json = JSON.parse((await validationReport(alice, run.id, 'json', fx.deps)).body) as { evaluation: string };
    expect(json.evaluation).toBe('incomplete');

    const listed = await listRuns(alice, ORDERS, { kind: 'validation', page: 1, page_size: 50 }, fx.deps);
    expect(listed.items.find((r) => r.id === run.id)?.evaluation).toBe('incomplete');
    const history = await tablePassRateHistory(alice, ORDERS, 100, fx.deps);
    expect(history.points.find((p) => p.run_id === run.id)?.incomplete).toBe(true);
    const complete = await validate({ table: ORDERS, rules: [rules[0]!] });
    expect(complete.run.evaluation).toBe('complete');
    expect((await tablePassRateHistory(alice, ORDERS, 100, fx.deps)).points.find((p) => p.run_id === complete.run.id)?.incomplete).toBe(false);
  });

  it('evaluates compare_datasets with check_missing_records locally: complete, the missing rows counted and listed', async () => {
    // every customer beyond the orders of its customer_id is a reference row missing from the orders
    const rules: DqxCheck[] = [
      {
        criticality: 'error',
        name: 'orders_match_customers',
        check: {
          function: 'compare_datasets',
          arguments: { columns: ['customer_id'], ref_columns: ['customer_id'], ref_table: 'samples.sales.customers', check_missing_records: true },
        },
      },
      { criticality: 'warn', name: 'order_id_present', check: { function: 'is_not_null', arguments: { column: 'order_id' } } },
    ];
    const count = async (sql: string) => Number((await fx.warehouse.query(sql)).rows[0]![0]);
    const orders = await count(`SELECT count(*) FROM ${ORDERS}`);
    const missing = await count(
      `SELECT coalesce(sum(greatest(r.n - coalesce(s.n, 0), 0)), 0) FROM (SELECT customer_id, count(*) AS n FROM samples.sales.customers GROUP BY customer_id) r ` +
        `LEFT JOIN (SELECT customer_id, count(*) AS n FROM ${ORDERS} GROUP BY customer_id) s ON r.customer_id IS NOT DISTINCT FROM s.customer_id`,
    );
    const nullIds = await count(`SELECT count(*) FROM ${ORDERS} WHERE order_id IS NULL`);
    expect(missing).toBeGreaterThan(0);

    const { run, out, summary } = await validate({ table: ORDERS, rules });
    expect(run.evaluation).toBe('complete');
    expect(summary).toMatchObject({ evaluation: 'complete', rules_not_evaluated: 0, not_evaluated: [], total_rows: orders + missing });
    const [compare, present] = out.rules;
    expect(compare).toMatchObject({ status: 'failed', rows_evaluated: orders + missing });
    expect(compare!.failing_rows).toBeGreaterThanOrEqual(missing);
    // the added rows have no order: the rule after it sees them too
    expect(present).toMatchObject({ status: 'warning', failing_rows: nullIds + missing });

    const page = await getFailingRows(alice, run.id, { rule: 'orders_match_customers', page: 1, pageSize: 500 }, fx.deps);
    expect(page.total).toBe(compare!.failing_rows);
    const rows = [page];
    for (let next = page.next_cursor; next; ) {
      const more = await getFailingRows(alice, run.id, { rule: 'orders_match_customers', cursor: next, pageSize: 500 }, fx.deps);
      rows.push(more);
      next = more.next_cursor;
    }
    const orderId = page.columns.findIndex((c) => c.name === 'order_id');
    const customerId = page.columns.findIndex((c) => c.name === 'customer_id');
    const added = rows.flatMap((p) => p.rows).filter((r) => r.messages.some((m) => m.startsWith('{"row_missing":true')));
    expect(added).toHaveLength(missing);
    for (const r of added) {
      expect(r.values[orderId]).toBeNull();
      expect(r.values[customerId]).not.toBeNull();
    }
    // another rule's failing rows include the added rows it fails on
    const absent = await getFailingRows(alice, run.id, { rule: 'order_id_present', page: 1, pageSize: 500 }, fx.deps);
    expect(absent.total).toBe(nullIds + missing);
  });

  it('does not look for missing records in a dry run on a sample: the run says so instead of calling every other reference row missing', async () => {
    const rules: DqxCheck[] = [
      {
        criticality: 'error',
        name: 'orders_match_customers',
        check: {
          function: 'compare_datasets',
          arguments: { columns: ['customer_id'], ref_columns: ['customer_id'], ref_table: 'samples.sales.customers', check_missing_records: true },
        },
      },
      { criticality: 'warn', name: 'order_id_present', check: { function: 'is_not_null', arguments: { column: 'order_id' } } },
    ];
    const { run, out, summary } = await validate({ table: ORDERS, rules, sampleRows: 200 });
    expect(run.evaluation).toBe('incomplete');
    expect(summary).toMatchObject({ dry_run: true, total_rows: 200, rules_not_evaluated: 1 });
    expect(summary.not_evaluated).toEqual([expect.objectContaining({ name: 'orders_match_customers', reason: expect.stringContaining('sample') })]);
    const present = out.rules.find((r) => r.name === 'order_id_present')!;
    expect(present.rows_evaluated).toBe(200);
    const absent = await getFailingRows(alice, run.id, { rule: 'order_id_present', page: 1, pageSize: 500 }, fx.deps);
    expect(absent.rows.every((r) => !r.messages.some((m) => m.includes('row_missing')))).toBe(true);
    expect(absent.total).toBe(present.failing_rows);
  });

  it('quotes every text cell and neutralises formula prefixes', () => {
    expect(csvCell('plain')).toBe('"plain"');
    expect(csvCell('+1')).toBe(`"'+1"`);
    expect(csvCell('-2')).toBe(`"'-2"`);
    expect(csvCell('@SUM(A1)')).toBe(`"'@SUM(A1)"`);
    expect(csvCell('\tx')).toBe(`"'\tx"`);
    expect(csvCell('a\nb')).toBe('"a\nb"');
    expect(csvCell(-2)).toBe('-2');
    expect(csvCell(null)).toBe('');
  });

  it('has nothing to report while a run has not succeeded', async () => {
    mode = 'broken';
    try {
      const run = await startValidation(alice, { table: ORDERS, rules: [defectRule(DEFECTS.find((d) => d.id === 'orders_amount_null')!)] }, fx.deps);
      await waitForRun(alice, run.id, fx.deps);
      const error = await appError(validationReport(alice, run.id, 'json', fx.deps));
      expect(error.code).toBe('conflict');
    } finally {
      mode = 'normal';
    }
  });
});
