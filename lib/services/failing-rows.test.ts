/**
 * The failing rows of a validation run as a caller reads them: keyset pages followed by cursor,
 * page and key jumps landing on the same rows, a value filter, rules by index or fingerprint, every
 * DQX result field, and the CSV / Parquet export (read back with a separate DuckDB).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { DqxCheck } from '@/lib/dqx';
import { appError } from '@/tests/support/app-error';
import { testCaller } from '@/tests/support/in-memory-warehouse';
import { openRunFixture, waitForRun, type RunFixture } from '@/tests/support/run-fixture';

import { exportFailingRows, getFailingRows, type FailingRowsPage } from './failing-rows';
import { startValidation, type ValidationOutput } from './validation';

const alice = testCaller('alice@example.com');
const bob = testCaller('bob@example.com');
const ORDERS = 'samples.sales.orders';

const rules: DqxCheck[] = [
  { criticality: 'error', name: 'amount_present', check: { function: 'is_not_null', arguments: { column: 'amount' } } },
  {
    criticality: 'warn',
    name: 'quantity_range',
    check: { function: 'is_in_range', arguments: { column: 'quantity', min_limit: 1, max_limit: 100 } },
    user_metadata: { owner: 'sales' },
  },
  // a second rule under the first one's name: addressed apart by index or fingerprint
  { criticality: 'error', name: 'amount_present', check: { function: 'is_not_null', arguments: { column: 'customer_id' } } },
];

let fx: RunFixture;
let runId: string;
let out: ValidationOutput;
beforeAll(async () => {
  fx = await openRunFixture({ bigRows: 1000 });
  const run = await startValidation(alice, { table: ORDERS, rules, sampleLimit: 2 }, fx.deps);
  const done = await waitForRun(alice, run.id, fx.deps);
  expect(done.status).toBe('succeeded');
  runId = done.id;
  out = done.output as ValidationOutput;
});
afterAll(async () => {
  await fx?.close();
});

const ids = (page: FailingRowsPage) => page.rows.map((r) => Number(r.values[0]));

describe('keyset pages', () => {
  it('follows next_cursor through every failing row once, and a page number or a key lands on the same rows', async () => {
    const all = await getFailingRows(alice, runId, { ruleIndex: 0, page: 1, pageSize: 500 }, fx.deps);
    expect(all.total).toBe(17);
    const walked: number[] = [];
    let page = await getFailingRows(alice, runId, { ruleIndex: 0, page: 1, pageSize: 4 }, fx.deps);
    const pages: FailingRowsPage[] = [page];
    while (page.next_cursor) {
      page = await getFailingRows(alice, runId, { ruleIndex: 0, cursor: page.next_cursor, pageSize: 4 }, fx.deps);
      pages.push(page);
    }
    for (const p of pages) walked.push(...ids(p));
    expect(walked).toEqual(ids(all));
    expect(pages.map((p) => p.page)).toEqual([1, 2, 3, 4, 5]);
    expect(pages.map((p) => p.first_row)).toEqual([1, 5, 9, 13, 17]);
    expect(pages.at(-1)).toMatchObject({ total: 17, pages: 5, next_cursor: null });

    const third = await getFailingRows(alice, runId, { ruleIndex: 0, page: 3, pageSize: 4 }, fx.deps);
    expect(ids(third)).toEqual(ids(pages[2]!));

    const target = ids(all)[9]!;
    const byKey = await getFailingRows(alice, runId, { ruleIndex: 0, key: [String(target)], pageSize: 4 }, fx.deps);
    expect(ids(byKey)).toEqual(ids(all).slice(9, 13));
    expect(byKey).toMatchObject({ first_row: 10, page: 3, total: 17 });
  });

  it('refuses a cursor that was changed or made for another request (400), and a key of the wrong type', async () => {
    const first = await getFailingRows(alice, runId, { ruleIndex: 0, page: 1, pageSize: 4 }, fx.deps);
    const cursor = first.next_cursor!;
    const [payload, check] = cursor.split('.') as [string, string];
    const edited = Buffer.from(Buffer.from(payload, 'base64url').toString('utf8').replace('"p":2', '"p":9'), 'utf8').toString('base64url');
    for (const bad of [`${edited}.${check}`, 'not-a-cursor', `${payload}.0000000000000000`]) {
      const error = await appError(getFailingRows(alice, runId, { ruleIndex: 0, cursor: bad, pageSize: 4 }, fx.deps));
      expect(error).toMatchObject({ code: 'bad_request', message: expect.stringMatching(/^cursor is not valid/) });
    }
    const otherSize = await appError(getFailingRows(alice, runId, { ruleIndex: 0, cursor, pageSize: 5 }, fx.deps));
    expect(otherSize.message).toMatch(/another run, rule, filter or page size/);
    const otherRule = await appError(getFailingRows(alice, runId, { ruleIndex: 1, cursor, pageSize: 4 }, fx.deps));
    expect(otherRule.code).toBe('bad_request');

    const badKey = await appError(getFailingRows(alice, runId, { ruleIndex: 0, key: ['twelve'], pageSize: 4 }, fx.deps));
    expect(badKey).toMatchObject({ code: 'bad_request', message: expect.stringMatching(/^key: "twelve" is not a value of order_id/) });
  });
});

describe('rules, fields and columns', () => {
  it('addresses rules sharing a name apart by index or fingerprint, and merges them by name', async () => {
    const [a, , b] = out.rules;
    const first = await getFailingRows(alice, runId, { ruleIndex: a!.index, page: 1, pageSize: 500 }, fx.deps);
    const second = await getFailingRows(alice, runId, { ruleFingerprint: b!.fingerprint, page: 1, pageSize: 500 }, fx.deps);
    const byName = await getFailingRows(alice, runId, { rule: 'amount_present', page: 1, pageSize: 500 }, fx.deps);
    expect(first.total).toBe(a!.failing_rows);
    expect(second.total).toBe(b!.failing_rows);
    expect(second.rule).toMatchObject({ index: 2, function: 'is_not_null', columns: ['customer_id'] });
    expect(byName.rules.map((r) => r.index)).toEqual([0, 2]);
    expect(byName.total).toBeGreaterThanOrEqual(Math.max(first.total, second.total));

    const unknown = await appError(getFailingRows(alice, runId, { ruleFingerprint: 'f'.repeat(64), page: 1, pageSize: 5 }, fx.deps));
    expect(unknown.code).toBe('not_found');
    expect((await appError(getFailingRows(alice, runId, { ruleIndex: 99, page: 1, pageSize: 5 }, fx.deps))).code).toBe('not_found');
  });

  it('shows the failing column right after the key and gives every DQX result field, in DQX’s order', async () => {
    const page = await getFailingRows(alice, runId, { ruleIndex: 1, page: 1, pageSize: 3 }, fx.deps);
    expect(page.columns.map((c) => c.name).slice(0, 3)).toEqual(['order_id', 'customer_id', 'quantity']);
    expect(page.failing_columns).toEqual(['quantity']);
    const entry = page.rows[0]!.warnings![0]!;
    expect(Object.keys(entry)).toEqual([
      'name',
      'message',
      'columns',
      'filter',
      'function',
      'run_time',
      'run_id',
      'user_metadata',
      'rule_fingerprint',
      'rule_set_fingerprint',
      'skipped',
    ]);
    expect(entry).toMatchObject({
      name: 'quantity_range',
      columns: ['quantity'],
      function: 'is_in_range',
      run_id: runId,
      user_metadata: { owner: 'sales' },
      rule_fingerprint: out.rules[1]!.fingerprint,
      rule_set_fingerprint: out.rule_set_fingerprint,
      skipped: null,
    });
    expect(page.rows[0]!.errors).toBeNull();
    expect(page.rows[0]!.messages).toEqual([entry.message]);
  });

  it('filters on the failing value, and reads every rule of the run without a rule', async () => {
    const all = await getFailingRows(alice, runId, { ruleIndex: 1, page: 1, pageSize: 500 }, fx.deps);
    const quantity = all.columns.findIndex((c) => c.name === 'quantity');
    const v = String(all.rows[0]!.values[quantity]);
    const expected = all.rows.filter((r) => String(r.values[quantity]) === v).map((r) => Number(r.values[0]));
    expect(expected.length).toBeLessThan(all.total);
    const equal = await getFailingRows(alice, runId, { ruleIndex: 1, value: { text: v, match: 'equals' }, page: 1, pageSize: 500 }, fx.deps);
    expect(ids(equal)).toEqual(expected);
    expect(equal.value_filter).toEqual({ value: v, match: 'equals' });

    const whole = await getFailingRows(alice, runId, { page: 1, pageSize: 500 }, fx.deps);
    expect(whole.rule).toBeNull();
    expect(whole.rules).toHaveLength(3);
    const direct = await fx.warehouse.query(
      'SELECT count(*) FROM samples.sales.orders WHERE amount IS NULL OR customer_id IS NULL OR NOT (quantity BETWEEN 1 AND 100)',
    );
    expect(whole.total).toBe(Number(direct.rows[0]![0]));
  });

  it('takes a hostile filter value as text to match, never as SQL: nothing matches and no file or other table is read', async () => {
    for (const text of [
      "' OR 1=1 --",
      "%' UNION SELECT * FROM read_csv('/etc/passwd') --",
      "x') OR (SELECT count(*) FROM samples.sales.customers) > 0 OR ('",
      '\\" ; DROP TABLE x; --',
      'a'.repeat(500),
    ]) {
      for (const match of ['contains', 'equals'] as const) {
        const page = await getFailingRows(alice, runId, { ruleIndex: 1, value: { text, match }, page: 1, pageSize: 50 }, fx.deps);
        expect(page.total).toBe(0);
        expect(page.rows).toEqual([]);
        expect(page.value_filter).toEqual({ value: text, match });
      }
    }
  });

  it('pages a dataset rule (is_unique) through the same cursors, every failing row once', async () => {
    const unique: DqxCheck = { criticality: 'warn', name: 'customer_unique', check: { function: 'is_unique', arguments: { columns: ['customer_id'] } } };
    const started = await startValidation(alice, { table: ORDERS, rules: [unique] }, fx.deps);
    const done = await waitForRun(alice, started.id, fx.deps);
    const failing = (done.output as ValidationOutput).rules[0]!.failing_rows!;
    expect(failing).toBeGreaterThan(10);
    const all = await getFailingRows(alice, done.id, { ruleIndex: 0, page: 1, pageSize: 500 }, fx.deps);
    expect(all.total).toBe(failing);
    expect(all.key_columns).toEqual(['customer_id']);
    let page = await getFailingRows(alice, done.id, { ruleIndex: 0, page: 1, pageSize: 7 }, fx.deps);
    const walked = [...page.rows];
    while (page.next_cursor) {
      page = await getFailingRows(alice, done.id, { ruleIndex: 0, cursor: page.next_cursor, pageSize: 7 }, fx.deps);
      walked.push(...page.rows);
    }
    // customer_id repeats by definition here: the cursor passes over rows of the same key exactly once
    expect(walked.map((r) => JSON.stringify(r.values))).toEqual(all.rows.map((r) => JSON.stringify(r.values)));
    // pages of one row each: every page is one key, rows of it before the page are counted
    const single: string[] = [];
    let one = await getFailingRows(alice, done.id, { ruleIndex: 0, page: 1, pageSize: 1 }, fx.deps);
    single.push(...one.rows.map((r) => JSON.stringify(r.values)));
    while (one.next_cursor && single.length < 12) {
      one = await getFailingRows(alice, done.id, { ruleIndex: 0, cursor: one.next_cursor, pageSize: 1 }, fx.deps);
      single.push(...one.rows.map((r) => JSON.stringify(r.values)));
    }
    expect(single).toEqual(all.rows.slice(0, 12).map((r) => JSON.stringify(r.values)));
    for (const n of [2, 3, 4, 5]) {
      const byNumber = await getFailingRows(alice, done.id, { ruleIndex: 0, page: n, pageSize: 2 }, fx.deps);
      expect(byNumber.rows.map((r) => JSON.stringify(r.values))).toEqual(all.rows.slice((n - 1) * 2, n * 2).map((r) => JSON.stringify(r.values)));
      const following = await getFailingRows(alice, done.id, { ruleIndex: 0, cursor: byNumber.next_cursor!, pageSize: 2 }, fx.deps);
      expect(following.rows.map((r) => JSON.stringify(r.values))).toEqual(all.rows.slice(n * 2, n * 2 + 2).map((r) => JSON.stringify(r.values)));
    }
    const jumped = await getFailingRows(alice, done.id, { ruleIndex: 0, page: 2, pageSize: 7 }, fx.deps);
    expect(jumped.rows.map((r) => JSON.stringify(r.values))).toEqual(all.rows.slice(7, 14).map((r) => JSON.stringify(r.values)));
    expect(jumped.rows[0]!.warnings![0]).toMatchObject({ name: 'customer_unique', function: 'is_unique', columns: ['customer_id'] });
  });

  it('refuses a reader who cannot read the table', async () => {
    fx.hide((caller, table) => caller === bob.id && table === ORDERS);
    try {
      expect((await appError(getFailingRows(bob, runId, { ruleIndex: 0, page: 1, pageSize: 5 }, fx.deps))).code).toBe('not_found');
      expect((await appError(exportFailingRows(bob, runId, { ruleIndex: 0 }, 'csv', fx.deps))).code).toBe('not_found');
    } finally {
      fx.hide(() => false);
    }
  });
});

async function text(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

describe('export', () => {
  it('streams every failing row of a rule as CSV, key and failing column first, with the DQX entries', async () => {
    const file = await exportFailingRows(alice, runId, { ruleIndex: 1 }, 'csv', fx.deps);
    expect(file.contentType).toBe('text/csv; charset=utf-8');
    expect(file.filename).toMatch(/^dqx_failing_rows_samples_sales_orders_quantity_range_[0-9a-f]{8}\.csv$/);
    const lines = (await text(file.body)).trimEnd().split('\r\n');
    expect(lines[0]!.split(',').slice(0, 3)).toEqual(['"order_id"', '"customer_id"', '"quantity"']);
    expect(lines[0]!.endsWith('"_errors","_warnings"')).toBe(true);
    expect(lines).toHaveLength((out.rules[1]!.failing_rows ?? 0) + 1);
    expect(lines[1]).toContain('quantity_range');
  });

  it('writes Parquet that DuckDB reads back row for row, and leaves no temporary file', async () => {
    const before = fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('dqx-export-')).length;
    const file = await exportFailingRows(alice, runId, {}, 'parquet', fx.deps);
    const bytes = new Uint8Array(await new Response(file.body).arrayBuffer());
    expect(fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('dqx-export-'))).toHaveLength(before);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dqx-parquet-test-'));
    try {
      const target = path.join(dir, 'rows.parquet');
      fs.writeFileSync(target, bytes);
      const db = await DuckDBInstance.create(':memory:');
      const conn = await db.connect();
      const read = await conn.runAndReadAll(`SELECT count(*), count(_errors), min(order_id) FROM read_parquet('${target}')`);
      const [count, withErrors, minId] = read.getRowsJS()[0]!;
      const whole = await getFailingRows(alice, runId, { page: 1, pageSize: 500 }, fx.deps);
      expect(Number(count)).toBe(whole.total);
      expect(Number(withErrors)).toBe(whole.rows.filter((r) => r.errors).length);
      expect(Number(minId)).toBe(ids(whole)[0]);
      conn.closeSync();
      db.closeSync();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
