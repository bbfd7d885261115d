/**
 * A rule set of 25 row-level rules validated on a generated 1,000,000-row DuckDB table in one
 * statement: DuckDB's plan reads the table once, and the counts agree with hand-written
 * predicates evaluated independently.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { DqxCheck, TableSchema } from '../model';
import { compileValidation } from './compiler';

const ROWS = 1_000_000;

const table: TableSchema = {
  name: 'orders',
  columns: [
    { name: 'order_id', type: 'bigint' },
    { name: 'customer', type: 'string' },
    { name: 'email', type: 'string' },
    { name: 'amount', type: 'double' },
    { name: 'quantity', type: 'int' },
    { name: 'status', type: 'string' },
    { name: 'country', type: 'string' },
    { name: 'created_at', type: 'timestamp' },
    { name: 'ship_date', type: 'date' },
    { name: 'order_date', type: 'date' },
    { name: 'ip', type: 'string' },
    { name: 'sku', type: 'string' },
    { name: 'discount', type: 'decimal(5,2)' },
  ],
};

// deterministic defects: every column has a few percent of bad values
const CREATE = `
CREATE TABLE orders AS
SELECT
  i AS order_id,
  CASE WHEN i % 53 = 0 THEN NULL WHEN i % 61 = 0 THEN '' ELSE 'customer ' || (i % 1000) END AS customer,
  CASE WHEN i % 47 = 0 THEN NULL WHEN i % 43 = 0 THEN 'not-an-email' ELSE 'user' || i || '@example.com' END AS email,
  CASE WHEN i % 41 = 0 THEN -1.0 * (i % 100) WHEN i % 37 = 0 THEN NULL ELSE (i % 10000) / 7.0 END AS amount,
  CAST(CASE WHEN i % 31 = 0 THEN 0 ELSE i % 50 END AS INTEGER) AS quantity,
  CASE i % 29 WHEN 0 THEN 'UNKNOWN' WHEN 1 THEN 'CANCELLED' ELSE 'ACTIVE' END AS status,
  CASE WHEN i % 23 = 0 THEN 'XX' WHEN i % 19 = 0 THEN 'us' ELSE 'US' END AS country,
  TIMESTAMP '2024-01-01 00:00:00' + to_seconds(i * 37) AS created_at,
  DATE '2024-01-01' + CAST(i % 400 AS INTEGER) AS ship_date,
  DATE '2024-01-01' + CAST(i % 390 AS INTEGER) AS order_date,
  CASE WHEN i % 17 = 0 THEN '999.1.1.1' ELSE '10.0.' || (i % 256) || '.' || (i % 200) END AS ip,
  CASE WHEN i % 13 = 0 THEN 'bad sku' ELSE 'SKU-' || lpad(CAST(i % 10000 AS VARCHAR), 4, '0') END AS sku,
  CAST((i % 120) AS DECIMAL(5,2)) AS discount
FROM range(${ROWS}) t(i)`;

const c = (fn: string, args: Record<string, unknown>, extra: Partial<DqxCheck> = {}): DqxCheck => ({
  check: { function: fn, arguments: args },
  ...extra,
});

/** 25 mixed rules, each with an independent hand-written predicate for its failing rows. */
const RULES: [DqxCheck, string][] = [
  [c('is_not_null', { column: 'customer' }), 'customer IS NULL'],
  [c('is_not_null', { column: 'email' }), 'email IS NULL'],
  [c('is_not_null', { column: 'amount' }, { criticality: 'warn' }), 'amount IS NULL'],
  [c('is_not_empty', { column: 'customer' }), "customer = ''"],
  [
    c('is_not_null_and_not_empty', { column: 'customer', trim_strings: true }, { criticality: 'warn' }),
    "customer IS NULL OR trim(customer) = ''",
  ],
  [
    c('is_in_list', { column: 'status', allowed: ["'ACTIVE'", "'CANCELLED'"] }),
    "status NOT IN ('ACTIVE', 'CANCELLED')",
  ],
  [c('is_in_range', { column: 'amount', min_limit: 0, max_limit: 1000 }), 'amount < 0 OR amount > 1000'],
  [c('is_not_less_than', { column: 'quantity', limit: 1 }, { criticality: 'warn' }), 'quantity < 1'],
  [c('is_not_greater_than', { column: 'discount', limit: 100 }), 'discount > 100'],
  [c('is_valid_email', { column: 'email' }), "email IS NOT NULL AND email NOT LIKE '%@example.com'"],
  [c('is_valid_ipv4_address', { column: 'ip' }), "ip LIKE '999.%'"],
  [c('regex_match', { column: 'sku', regex: '^SKU-\\d{4}$' }), "sku = 'bad sku'"],
  [c('is_valid_country_code', { column: 'country' }), "country IN ('XX', 'us')"],
  [
    c('has_valid_string_case', { column: 'country', case: 'upper' }, { criticality: 'warn' }),
    "country = 'us'",
  ],
  // negate: fails when order_date is more than 0 days older than ship_date
  [
    c(
      'is_older_than_col2_for_n_days',
      { column1: 'order_date', column2: 'ship_date', days: 0, negate: true },
      { name: 'order_before_ship' },
    ),
    'order_date < ship_date',
  ],
  [
    c('sql_expression', { expression: 'quantity * amount < 100000', name: 'order_value' }),
    'quantity * amount >= 100000',
  ],
  [
    c(
      'sql_expression',
      { expression: "status <> 'CANCELLED' OR quantity = 0", name: 'cancelled_empty' },
      { criticality: 'warn' },
    ),
    "status = 'CANCELLED' AND quantity <> 0",
  ],
  [c('is_not_in_future', { column: 'created_at' }), 'FALSE'],
  [
    c(
      'is_equal_to',
      { column: 'quantity', value: 0 },
      { filter: "status = 'CANCELLED'", criticality: 'warn' },
    ),
    "status = 'CANCELLED' AND quantity <> 0",
  ],
  [
    c('is_not_null', { column: 'email' }, { filter: "country = 'US'", name: 'us_email' }),
    "country = 'US' AND email IS NULL",
  ],
  [c('has_num_decimal_places', { column: 'discount', limit: 0 }), 'FALSE'],
  [c('is_not_in_list', { column: 'country', forbidden: ["'XX'"] }), "country = 'XX'"],
  [
    c('is_in_range', { column: 'quantity', min_limit: 0, max_limit: 49 }, { criticality: 'warn' }),
    'quantity < 0 OR quantity > 49',
  ],
  [
    c('is_not_null_and_is_in_list', { column: 'status', allowed: ["'ACTIVE'"] }, { criticality: 'warn' }),
    "status <> 'ACTIVE'",
  ],
  [
    c('is_valid_timestamp', { column: 'sku' }, { filter: 'order_id < 1000', name: 'sku_is_no_timestamp' }),
    'order_id < 1000',
  ],
];

let db: DuckDBInstance;
let conn: DuckDBConnection;

beforeAll(async () => {
  db = await DuckDBInstance.create(':memory:');
  conn = await db.connect();
  await conn.run(CREATE);
}, 120_000);

afterAll(() => conn?.closeSync());

describe('25 rules on 1,000,000 rows in one statement', () => {
  const checks = RULES.map(([check]) => check);
  const compiled = compileValidation(checks, '"orders"', { dialect: 'duckdb', table, sampleLimit: 5 });

  it('reads the table once', async () => {
    const explain = await conn.runAndReadAll(`EXPLAIN ${compiled.sql}`);
    const plan = explain
      .getRowsJson()
      .map((r) => r.join('\n'))
      .join('\n');
    const scans = plan.match(/(?:SEQ_SCAN|TABLE_SCAN|READ_PARQUET)/g) ?? [];
    expect(scans).toHaveLength(1);
    expect(plan).toContain('orders');
  });

  it('counts what the hand-written predicates count', async () => {
    const result = await conn.runAndReadAll(compiled.sql);
    const summary = compiled.decode({
      columns: result.columnNames().map((name) => ({ name })),
      rows: result.getRowsJson() as unknown[][],
    });
    expect(summary.totalRows).toBe(ROWS);
    expect(summary.rules).toHaveLength(25);
    expect(summary.jobOnly).toEqual([]);

    const errorPreds = RULES.filter(([check]) => (check.criticality ?? 'error') === 'error').map(
      ([, p]) => `coalesce(${p}, FALSE)`,
    );
    const warnPreds = RULES.filter(([check]) => check.criticality === 'warn').map(
      ([, p]) => `coalesce(${p}, FALSE)`,
    );
    const oracle = await conn.runAndReadAll(
      `SELECT count(*) FILTER (WHERE ${errorPreds.join(' OR ')}) AS errors,
              count(*) FILTER (WHERE NOT (${errorPreds.join(' OR ')}) AND (${warnPreds.join(' OR ')})) AS warnings_only,
              ${RULES.map(([, p], i) => `count(*) FILTER (WHERE coalesce(${p}, FALSE)) AS r${i}`).join(', ')}
       FROM orders`,
    );
    const expected = oracle.getRowObjectsJson()[0]!;
    expect(summary.errorRows).toBe(Number(expected.errors));
    expect(summary.warningOnlyRows).toBe(Number(expected.warnings_only));
    // rules come back errors first, then warnings (DQX's order); match them by name
    RULES.forEach(([check], i) => {
      const byFingerprint = summary.rules.filter(
        (r) =>
          r.function === check.check.function &&
          JSON.stringify(r.columns) ===
            JSON.stringify(check.check.arguments?.column ? [check.check.arguments.column] : null) &&
          r.filter === (check.filter ?? null) &&
          r.criticality === (check.criticality ?? 'error'),
      );
      expect(byFingerprint.length, `rule ${i}`).toBeGreaterThan(0);
      expect(
        byFingerprint.map((r) => r.failingRows),
        `rule ${i} (${check.check.function})`,
      ).toContain(Number(expected[`r${i}`]));
    });
    const filtered = summary.rules.find((r) => r.name === 'us_email')!;
    expect(filtered.evaluatedRows).toBeLessThan(ROWS);

    // samples: at most 5 per rule, each a row that fails that rule
    for (const [i, rule] of summary.rules.entries()) {
      const samples = summary.samples.filter((s) => s.rule === i);
      expect(samples.length).toBe(Math.min(5, rule.failingRows));
      for (const s of samples) {
        const entries = [...(s.errors ?? []), ...(s.warnings ?? [])];
        expect(entries.some((e) => e.name === rule.name)).toBe(true);
      }
    }
  });
});

describe('with row ids: the scan keeps row ids and a second statement fetches the samples', () => {
  const checks = RULES.map(([check]) => check);
  const options = { dialect: 'duckdb' as const, table, sampleLimit: 5 };
  const statements: string[] = [];
  const exec = async (sql: string) => {
    statements.push(sql);
    const result = await conn.runAndReadAll(sql);
    return {
      columns: result.columnNames().map((name) => ({ name })),
      rows: result.getRowsJson() as unknown[][],
    };
  };

  it('counts as the one-statement plan, reads the table once, and samples the first failing rows', async () => {
    const single = compileValidation(checks, '"orders"', options);
    const expected = await single.run(exec);
    const compiled = compileValidation(checks, '"orders"', { ...options, rowIds: true });
    expect(compiled.sql).not.toBe(single.sql);
    const explain = (await conn.runAndReadAll(`EXPLAIN ${compiled.sql}`)).getRowsJson().flat().join('\n');
    expect(explain.match(/(?:SEQ_SCAN|TABLE_SCAN)/g) ?? []).toHaveLength(1);

    statements.length = 0;
    const summary = await compiled.run(exec);
    expect(statements).toHaveLength(2);
    // its first statement alone has no samples: decode says to use run rather than return none
    expect(() => compiled.decode({ columns: [], rows: [] })).toThrow(/run\(\)/);
    expect(statements[1]).toMatch(/rowid/);
    const counts = (s: typeof summary) => ({
      total: s.totalRows,
      errors: s.errorRows,
      warnings: s.warningOnlyRows,
      rules: s.rules.map((r) => [r.name, r.evaluatedRows, r.failingRows]),
    });
    expect(counts(summary)).toEqual(counts(expected));

    const byRule = (s: typeof summary, i: number) => s.samples.filter((x) => x.rule === i);
    for (const [i, rule] of summary.rules.entries()) {
      const samples = byRule(summary, i);
      expect(samples.length, rule.name).toBe(byRule(expected, i).length);
      for (const s of samples) {
        const entries = [...(s.errors ?? []), ...(s.warnings ?? [])];
        expect(entries.some((e) => e.name === rule.name)).toBe(true);
      }
    }
    // a sample is the row as stored, with the same entries the one-statement plan gives that row
    const ids = summary.samples.map((s) => Number(s.values.order_id));
    const stored = (
      await conn.runAndReadAll(`SELECT * FROM orders WHERE order_id IN (${ids.join(', ')})`)
    ).getRowObjectsJson();
    for (const s of summary.samples) {
      const row = stored.find((r) => Number(r.order_id) === Number(s.values.order_id))!;
      expect(Object.keys(s.values)).toEqual(Object.keys(row));
    }
    const mine = summary.samples.find((s) => s.rule === 0)!;
    const theirs = expected.samples.find((s) => Number(s.values.order_id) === Number(mine.values.order_id));
    if (theirs) {
      expect(mine.values).toEqual(theirs.values);
      expect(mine.errors).toEqual(theirs.errors);
      expect(mine.warnings).toEqual(theirs.warnings);
    }
    // the first failing rows in the table's order: customer IS NULL first fails at order_id 0, 53, ...
    const nullCustomer = summary.rules.findIndex((r) => r.name === 'customer_is_null');
    expect(byRule(summary, nullCustomer).map((s) => Number(s.values.order_id))).toEqual([
      0, 53, 106, 159, 212,
    ]);
  });

  it('with dataset rules: the same counts, and samples carry the dataset columns the scan computed', async () => {
    await conn.run(
      `CREATE TABLE IF NOT EXISTS countries AS SELECT * FROM (VALUES ('US'), ('FR')) AS t(code)`,
    );
    const dataset = [
      ...checks.slice(0, 5),
      c('is_unique', { columns: ['customer'] }, { criticality: 'warn' }),
      c('is_aggr_not_greater_than', {
        column: '*',
        aggr_type: 'count',
        group_by: ['status'],
        limit: 900_000,
      }),
      c('foreign_key', { columns: ['country'], ref_columns: ['code'], ref_table: 'countries' }),
    ];
    const opts = {
      ...options,
      referenceTables: { countries: { name: 'countries', columns: [{ name: 'code', type: 'string' }] } },
      runId: 'run',
      runTime: '2026-01-01T00:00:00Z',
    };
    const expected = await compileValidation(dataset, '"orders"', opts).run(exec);
    statements.length = 0;
    const summary = await compileValidation(dataset, '"orders"', { ...opts, rowIds: true }).run(exec);
    expect(statements).toHaveLength(2);
    const counts = (s: typeof summary) => [
      s.totalRows,
      s.errorRows,
      s.warningOnlyRows,
      s.rules.map((r) => [r.name, r.failingRows]),
    ];
    expect(counts(summary)).toEqual(counts(expected));
    const names = [
      'customer_is_not_unique',
      'count_group_by_status_greater_than_limit',
      'country_not_exists_in_ref_code',
    ];
    for (const name of names) {
      const i = summary.rules.findIndex((r) => r.name === name);
      expect(i, name).toBeGreaterThanOrEqual(0);
      expect(summary.rules[i]!.failingRows, name).toBeGreaterThan(0);
      const samples = summary.samples.filter((x) => x.rule === i);
      expect(samples, name).toHaveLength(5);
      for (const sample of samples) {
        const entry = [...(sample.errors ?? []), ...(sample.warnings ?? [])].find((e) => e.name === name);
        expect(entry?.message, name).toBeTruthy();
        // the one-statement plan says the same of that row when it sampled it too
        const same = expected.samples.find((x) => JSON.stringify(x.values) === JSON.stringify(sample.values));
        if (same) {
          expect(sample.errors).toEqual(same.errors);
          expect(sample.warnings).toEqual(same.warnings);
        }
      }
    }
    // a group count the fetched rows alone could not give: the status group of over 900,000 rows
    const aggr = summary.samples.find(
      (x) => summary.rules[x.rule]!.name === 'count_group_by_status_greater_than_limit',
    )!;
    const message = [...(aggr.errors ?? []), ...(aggr.warnings ?? [])].find((e) =>
      e.name.startsWith('count_group'),
    )!.message!;
    expect(Number(/(\d{6,})/.exec(message)![1])).toBeGreaterThan(900_000);
  });

  it('keeps the fetch to a bounded number of short reads when failures are few and scattered', async () => {
    // 100 rules failing once each, 9,973 rows apart: more rows to fetch than ranges allowed
    const scattered = Array.from({ length: 100 }, (_, k) =>
      c('sql_expression', { expression: `order_id <> ${k * 9973 + 1}`, name: `not_row_${k}` }),
    );
    statements.length = 0;
    const summary = await compileValidation(scattered, '"orders"', { ...options, rowIds: true }).run(exec);
    expect(summary.rules.every((r) => r.failingRows === 1)).toBe(true);
    const ranges = statements[1]!.match(/rowid (?:=|BETWEEN)/g) ?? [];
    expect(ranges).toHaveLength(64);
    expect(summary.samples).toHaveLength(64);
    for (const s of summary.samples) {
      expect(Number(s.values.order_id)).toBe(Number(/\d+/.exec(summary.rules[s.rule]!.name)![0]) * 9973 + 1);
    }
  });

  it('is not used when a column is named rowid, or nothing fails', async () => {
    const withRowid = { ...table, columns: [...table.columns, { name: 'RowId', type: 'bigint' }] };
    const fixed = { ...options, table: withRowid, runId: 'run', runTime: '2026-01-01T00:00:00Z' };
    expect(compileValidation(checks, '"orders"', { ...fixed, rowIds: true }).sql).toBe(
      compileValidation(checks, '"orders"', fixed).sql,
    );
    statements.length = 0;
    const clean = await compileValidation([c('is_not_null', { column: 'order_id' })], '"orders"', {
      ...options,
      rowIds: true,
    }).run(exec);
    expect(statements).toHaveLength(1);
    expect(clean.rules[0]!.failingRows).toBe(0);
    expect(clean.samples).toEqual([]);
  });
});
