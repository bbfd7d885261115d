import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';

import type { DqxCheck, TableSchema } from '../model';
import { compileApplyChecks, compileValidation, RuleSetCompileError, tablesReadBy } from './compiler';

const table: TableSchema = {
  columns: [
    { name: 'id', type: 'int' },
    { name: 'email', type: 'string' },
    { name: 'amount', type: 'double' },
  ],
};

const rule = (fn: string, args: Record<string, unknown>, extra: Partial<DqxCheck> = {}): DqxCheck => ({
  check: { function: fn, arguments: args },
  ...extra,
});

async function run(sql: string, setup: string) {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  await conn.run(setup);
  const reader = await conn.runAndReadAll(sql);
  const out = {
    columns: reader.columnNames().map((name) => ({ name })),
    rows: reader.getRowsJson() as unknown[][],
    objects: reader.getRowObjectsJson(),
  };
  conn.closeSync();
  return out;
}

const SETUP = `CREATE TABLE t AS SELECT * FROM (VALUES (1, 'a@example.com', 10.0), (2, 'not an email', -5.0), (3, NULL, NULL), (4, 'b@example.com', 1e10)) v(id, email, amount)`;

describe('compileApplyChecks', () => {
  it('adds _errors and _warnings like DQX, NULL when nothing failed', async () => {
    const compiled = compileApplyChecks(
      [
        rule('is_not_null', { column: 'email' }),
        rule('is_valid_email', { column: 'email' }, { criticality: 'warn' }),
        rule('is_in_range', { column: 'amount', min_limit: 0, max_limit: 100 }),
      ],
      '"t"',
      { dialect: 'duckdb', table, runTime: '2025-01-01T00:00:00', runId: 'run-1' },
    );
    const { objects } = await run(`${compiled.sql} ORDER BY id`, SETUP);
    expect(objects[0]!._errors).toBeNull();
    expect(objects[0]!._warnings).toBeNull();
    const second = objects[1] as {
      _errors: { name: string; message: string }[];
      _warnings: { name: string; message: string; run_id: string }[];
    };
    expect(second._errors.map((e) => e.message)).toEqual([
      "Value '-5.0' in Column 'amount' not in range: [0, 100]",
    ]);
    expect(second._warnings[0]).toMatchObject({
      name: 'email_does_not_match_pattern_email_address',
      run_id: 'run-1',
    });
    expect((objects[3] as { _errors: { message: string }[] })._errors[0]!.message).toBe(
      "Value '1.0E10' in Column 'amount' not in range: [0, 100]",
    );
    expect(compiled.rules.map((r) => r.status)).toEqual(['compiled', 'compiled', 'compiled']);
  });

  it('reports a missing column as DQX does: a skipped entry on every row', async () => {
    const compiled = compileApplyChecks([rule('is_not_null', { column: 'nope' })], '"t"', {
      dialect: 'duckdb',
      table,
      runId: 'r',
    });
    expect(compiled.rules[0]).toMatchObject({
      status: 'skipped',
      skipMessage: "Check evaluation skipped due to invalid check columns: ['nope']",
    });
    const { objects } = await run(compiled.sql, SETUP);
    expect(objects.every((o) => (o._errors as { skipped: boolean }[])[0]!.skipped === true)).toBe(true);
  });

  it('refuses invalid rule sets and reserved columns', () => {
    expect(() => compileApplyChecks([rule('nope', {})], '"t"', { dialect: 'duckdb', table })).toThrow(
      RuleSetCompileError,
    );
    expect(() =>
      compileApplyChecks([rule('is_not_null', { column: 'id' })], '"t"', {
        dialect: 'duckdb',
        table: { columns: [...table.columns, { name: '_errors', type: 'string' }] },
      }),
    ).toThrow('reserved DQX result columns: _errors');
    expect(() =>
      compileApplyChecks([rule('is_not_null', { column: 'id' })], '"t"', {
        dialect: 'duckdb',
        table: { columns: [...table.columns, { name: '__dqx_x0', type: 'string' }] },
      }),
    ).toThrow('reserved for the engine');
  });

  it.each([
    [
      rule('is_not_null', { column: 'id' }, { filter: "length(read_text('/etc/passwd')) > 0" }),
      /read_text\(\) is not on the SQL allow-list/,
    ],
    [rule('sql_expression', { expression: 'id IN (SELECT id FROM other)' }), /Subqueries are not allowed/],
    [
      rule('is_not_null', { column: 'id' }, { message_expr: "getenv('HOME')" }),
      /getenv\(\) is not on the SQL allow-list/,
    ],
    [rule('is_not_null', { column: 'id' }, { filter: "main.read_csv('/etc/passwd') IS NULL" }), /plain name/],
  ])('refuses rule SQL outside the sandbox in both dialects (%#)', (check, reason) => {
    for (const [dialect, source] of [
      ['duckdb', '"t"'],
      ['databricks', '`t`'],
    ] as const) {
      expect(() => compileApplyChecks([check], source, { dialect, table })).toThrow(RuleSetCompileError);
      expect(() => compileApplyChecks([check], source, { dialect, table })).toThrow(reason);
    }
  });

  it('embeds the text the sandbox accepted: comments removed, the tokens as written', () => {
    const check = rule('is_not_null', { column: 'id' }, { filter: 'id /* a comment */ > 1 -- the rest\n' });
    const spark = compileApplyChecks([check], '`t`', { dialect: 'databricks', table }).sql;
    // the predicate is the accepted text; the filter as written stays only in the result's `filter` string
    expect(spark).toContain('coalesce((id > 1), FALSE)');
    expect(spark.split('a comment').length).toBe(2);
  });

  it('quotes identifiers and literals for each dialect', () => {
    const odd: TableSchema = { columns: [{ name: 'we"ird`col', type: 'string' }] };
    const check = [
      rule('is_not_null', { column: '`we"ird``col`' }, { name: "it's", filter: "`we\"ird``col` <> 'x'" }),
    ];
    const duck = compileApplyChecks(check, '"t"', { dialect: 'duckdb', table: odd }).sql;
    expect(duck).toContain('"we""ird`col"');
    expect(duck).toContain("'it''s'");
    const spark = compileApplyChecks(check, '`t`', { dialect: 'databricks', table: odd }).sql;
    expect(spark).toContain('`we"ird``col`');
    expect(spark).toContain("'it\\'s'");
  });
});

describe('compileValidation', () => {
  it('counts rows, failures per rule and keeps bounded samples', async () => {
    const checks = [
      rule('is_not_null', { column: 'email' }),
      rule('is_valid_email', { column: 'email' }, { criticality: 'warn' }),
      rule('is_in_range', { column: 'amount', min_limit: 0, max_limit: 100 }, { filter: 'id > 1' }),
    ];
    const compiled = compileValidation(checks, '"t"', { dialect: 'duckdb', table, sampleLimit: 1 });
    const result = await run(compiled.sql, SETUP);
    const summary = compiled.decode(result);
    expect(summary).toMatchObject({ totalRows: 4, errorRows: 3, warningOnlyRows: 0, validRows: 1 });
    expect(summary.rules.map((r) => [r.name, r.evaluatedRows, r.failingRows])).toEqual([
      ['email_is_null', 4, 1],
      ['amount_not_in_range', 3, 2],
      ['email_does_not_match_pattern_email_address', 4, 1],
    ]);
    expect(summary.samples.filter((s) => s.rule === 1)).toHaveLength(1);
    const sample = summary.samples.find((s) => s.rule === 2)!;
    expect(sample.values.email).toBe('not an email');
    expect(sample.warnings?.[0]?.message).toBe(
      "Value 'not an email' in Column 'email' does not match pattern 'EMAIL_ADDRESS'",
    );
    expect(sample.errors?.[0]?.name).toBe('amount_not_in_range');
  });

  it('gives sampled rows every value exactly as stored, edge values included', async () => {
    // dates and timestamps travel as epoch integers and doubles as JSON numbers: the extremes,
    // the infinities, NaN, -0.0 and text that needs escaping must all come back unchanged
    const typed: TableSchema = {
      columns: [
        { name: 'id', type: 'int' },
        { name: 'd', type: 'date' },
        { name: 'ts', type: 'timestamp' },
        { name: 'x', type: 'double' },
        { name: 'f', type: 'float' },
        { name: 'm', type: 'decimal(12,2)' },
        { name: 's', type: 'string' },
        { name: 'big', type: 'decimal(38,4)' },
      ],
    };
    const setup = `CREATE TABLE e AS SELECT * FROM (VALUES
      (1, DATE '2024-02-29', TIMESTAMP '2024-02-29 23:59:59.999999', 0.30000000000000004::DOUBLE, 0.1::FLOAT, 1234567890.12::DECIMAL(12,2), 'plain', 1234567890123456789012345678901234.5678::DECIMAL(38,4)),
      (2, DATE '1969-12-31', TIMESTAMP '1969-12-31 23:59:59.000001', 'NaN'::DOUBLE, 'inf'::FLOAT, -0.01::DECIMAL(12,2), 'quote " backslash \\ tab' || chr(9) || ' é 😀', -0.0001::DECIMAL(38,4)),
      (3, DATE 'infinity', TIMESTAMP 'infinity', 'inf'::DOUBLE, 'NaN'::FLOAT, 0::DECIMAL(12,2), '', 0::DECIMAL(38,4)),
      (4, DATE '-infinity', TIMESTAMP '-infinity', '-inf'::DOUBLE, -0.0::FLOAT, NULL, NULL, NULL),
      (5, DATE '5881580-07-10', TIMESTAMP '294247-01-10 04:00:54.775806', -0.0::DOUBLE, 3.4028235e38::FLOAT, 9999999999.99::DECIMAL(12,2), 'x', -9999999999999999999999999999999999.9999::DECIMAL(38,4)),
      (6, DATE '4713-01-01 (BC)', TIMESTAMP '0001-01-01 00:00:00', 5e-324::DOUBLE, NULL, NULL, NULL, NULL),
      (7, NULL, NULL, NULL, NULL, NULL, NULL, NULL)
    ) v(id, d, ts, x, f, m, s, big)`;
    const compiled = compileValidation([rule('sql_expression', { expression: 'id < 0' })], '"e"', {
      dialect: 'duckdb',
      table: typed,
      sampleLimit: 10,
    });
    const summary = compiled.decode(await run(compiled.sql, setup));
    expect(summary.rules[0]!.failingRows).toBe(7);
    const text = (v: unknown) => (typeof v === 'number' && Object.is(v, -0) ? '-0' : String(v));
    const sampled = summary.samples
      .map((s) => typed.columns.map((c) => text(s.values[c.name])))
      .sort((a, b) => Number(a[0]) - Number(b[0]));
    const stored = (await run('SELECT * FROM e ORDER BY id', setup)).rows.map((r) => r.map(text));
    expect(sampled).toEqual(stored);
  });

  it('returns one row without samples when asked for none', async () => {
    const compiled = compileValidation([rule('is_not_null', { column: 'email' })], '"t"', {
      dialect: 'duckdb',
      table,
      sampleLimit: 0,
    });
    const result = await run(compiled.sql, SETUP);
    expect(result.rows).toHaveLength(1);
    expect(compiled.decode(result).samples).toEqual([]);
  });
});

describe('tablesReadBy', () => {
  it('lists reference tables and the tables of sql_query queries, from their parse trees', () => {
    expect(
      tablesReadBy([
        rule('foreign_key', { columns: ['a'], ref_columns: ['b'], ref_table: 'main.ref.customers' }),
        rule('sql_query', {
          query:
            'WITH k AS (SELECT id FROM main.ref.allowed) SELECT i.a, EXISTS (SELECT 1 FROM `c`.`s`.`t` x JOIN other.t2 y ON x.id = y.id) AS condition FROM {{ input_view }} i LEFT JOIN k ON i.a = k.id',
          merge_columns: ['a'],
        }),
        rule('is_not_null', { column: 'a' }),
      ]),
    ).toEqual(['main.ref.customers', 'main.ref.allowed', 'c.s.t', 'other.t2']);
  });

  it('names no table for row-level SQL, which the sandbox refuses when it holds a subquery', () => {
    const checks = [
      rule('is_not_null', { column: 'a' }, { filter: 'a IN (SELECT id FROM main.ref.allowed)' }),
    ];
    expect(tablesReadBy(checks)).toEqual([]);
    expect(() => compileApplyChecks(checks, '`t`', { dialect: 'databricks', table })).toThrow(/Subqueries/);
  });
});
