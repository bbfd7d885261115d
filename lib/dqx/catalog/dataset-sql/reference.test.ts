import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';

import { compileApplyChecks, compileValidation, tablesReadBy } from '../../compile/compiler';
import type { DqxCheck, TableSchema } from '../../model';
import { validateChecks } from '../../validate';
import { assertQuery } from '../../sql-guard/guard';
import { rewriteQuery } from './sql-query';

const table: TableSchema = {
  columns: [
    { name: 'id', type: 'int', nullable: true },
    { name: 'cust', type: 'int', nullable: true },
  ],
};
const referenceTables: Record<string, TableSchema> = {
  'main.ref.customers': { columns: [{ name: 'cid', type: 'int', nullable: true }] },
  'ref.customers': { columns: [{ name: 'cid', type: 'int', nullable: true }] },
};

const rule = (fn: string, args: Record<string, unknown>, extra: Partial<DqxCheck> = {}): DqxCheck => ({
  check: { function: fn, arguments: args },
  ...extra,
});

const duck = (checks: DqxCheck[], refs = referenceTables) =>
  compileApplyChecks(checks, '"t"', {
    dialect: 'duckdb',
    table,
    referenceTables: refs,
    runTime: '2025-01-01T00:00:00',
  });

async function run(sql: string) {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  await conn.run(`CREATE TABLE t AS SELECT * FROM (VALUES (1, 10), (2, 11), (3, NULL)) v(id, cust)`);
  await conn.run(`CREATE SCHEMA ref`);
  await conn.run(`CREATE TABLE ref.customers AS SELECT * FROM (VALUES (10), (12)) v(cid)`);
  try {
    const reader = await conn.runAndReadAll(sql);
    return reader.getRowObjectsJson();
  } finally {
    conn.closeSync();
  }
}

describe('reference tables a rule set reads', () => {
  const checks = [
    rule('foreign_key', { columns: ['cust'], ref_columns: ['cid'], ref_table: 'main.ref.customers' }),
    rule('sql_query', {
      query:
        'WITH per AS (SELECT cust FROM {{ input_view }}) SELECT per.cust, r.cid IS NULL AS condition FROM per LEFT JOIN main.ref.customers r ON per.cust = r.cid, other.s.t',
      merge_columns: ['cust'],
    }),
    rule('compare_datasets', { columns: ['id'], ref_columns: ['id'], ref_table: 'main.ref.snapshot' }),
    rule('has_valid_schema', { ref_table: 'main.ref.expected' }),
  ];

  it('tablesReadBy lists ref_table and the tables of a query, without CTE names or placeholders', () => {
    expect(tablesReadBy(checks)).toEqual([
      'main.ref.customers',
      'other.s.t',
      'main.ref.snapshot',
      'main.ref.expected',
    ]);
    expect(
      tablesReadBy([
        rule('sql_query', {
          query: 'SELECT 1 AS condition FROM {{src}} a, {{ other }} b',
          input_placeholder: 'src',
        }),
      ]),
    ).toEqual([]);
  });

  it('compileValidation reports the tables its compiled rules read', () => {
    const compiled = compileValidation(checks, '`t`', {
      dialect: 'databricks',
      table,
      referenceTables: { ...referenceTables, 'other.s.t': { columns: [] } },
    });
    // compare_datasets and has_valid_schema need the columns of tables that were not described
    expect(compiled.referenceTables).toEqual(['main.ref.customers', 'other.s.t']);
    expect(compiled.jobOnly.map((r) => r.function)).toEqual(['compare_datasets', 'has_valid_schema']);
    expect(compiled.jobOnly[0]!.reason).toMatch(/needs the columns of main\.ref\.snapshot/);
  });
});

describe('rules left to a DQX job, with the reason', () => {
  it('ref_df_name (a DataFrame handed to DQX in code)', () => {
    const compiled = duck([
      rule('foreign_key', { columns: ['cust'], ref_columns: ['cid'], ref_df_name: 'customers' }),
      rule('compare_datasets', { columns: ['id'], ref_columns: ['id'], ref_df_name: 'snap' }),
      rule('has_valid_schema', { ref_df_name: 'expected' }),
    ]);
    expect(compiled.rules).toEqual([]);
    for (const r of compiled.jobOnly) expect(r.reason).toMatch(/ref_df_name/);
  });

  it('a second compare_datasets with check_missing_records in the same set', async () => {
    const base = { columns: ['cust'], ref_columns: ['cid'], ref_table: 'ref.customers' };
    const compiled = duck([
      rule('compare_datasets', { ...base, check_missing_records: true }),
      rule('compare_datasets', { ...base, check_missing_records: true }, { name: 'again' }),
      rule('compare_datasets', base, { filter: 'id > 1' }),
    ]);
    expect(compiled.jobOnly.map((r) => [r.name, r.reason])).toEqual([
      ['again', expect.stringMatching(/already adds the reference rows missing from the input/)],
    ]);
    expect(compiled.rules.map((r) => r.filter)).toEqual([null, 'id > 1']);
    expect(compiled.addsRows).toBe(true);
    // the reference row 12 no order takes is added: its key set, every other column NULL
    const rows = await run(`SELECT id, cust FROM (${compiled.sql}) ORDER BY cust NULLS FIRST`);
    expect(rows).toEqual([
      { id: 3, cust: null },
      { id: 1, cust: 10 },
      { id: 2, cust: 11 },
      { id: null, cust: 12 },
    ]);
  });

  it('strict has_valid_schema without known nullability', () => {
    const compiled = compileApplyChecks(
      [rule('has_valid_schema', { expected_schema: 'id INT', columns: ['id'], strict: true })],
      '"t"',
      { dialect: 'duckdb', table: { columns: [{ name: 'id', type: 'int' }] } },
    );
    expect(compiled.jobOnly[0]!.reason).toMatch(/nullability/);
  });
});

describe('sql_query', () => {
  it('is refused when DQX refuses the query (unsafe SQL, bad merge columns)', () => {
    const v = validateChecks([
      rule('sql_query', { query: 'SELECT 1 AS condition FROM {{ input_view }}; DROP TABLE x' }),
      rule('sql_query', { query: 'SELECT 1 AS condition', merge_columns: [''] }),
    ]);
    expect(v.errors.map((e) => e.message)).toEqual([
      'Provided SQL query is not safe for execution. Please ensure it does not contain any unsafe operations.',
      expect.stringMatching(/refused \(statement\): The query must be a single statement/),
      "'merge_columns' entries must be non-empty strings.",
    ]);
  });

  it('leaves a query DQX refuses once the view name is in it to a job', () => {
    const compiled = duck([
      rule('sql_query', { query: 'SELECT TRUE AS condition FROM {{ input_view }}', name: 'x drop y' }),
    ]);
    expect(compiled.jobOnly[0]!.reason).toMatch(/Resolved SQL query is not safe/);
  });

  it.each([
    ['SELECT TRUE AS condition FROM {{ input_view }}, `secrets.csv`', /reads secrets\.csv/],
    ['SELECT TRUE AS condition FROM {{ input_view }} JOIN main.other.t ON TRUE', /reads main\.other\.t/],
    ['SELECT TRUE AS condition FROM {{ ref_df }}', /reference DataFrame/],
    // Spark reads this as the table SUMMARIZE aliased t: a table like any other
    ['SELECT TRUE AS condition FROM (SUMMARIZE t)', /reads SUMMARIZE/],
  ])('on DuckDB reads only its input and described reference tables: %s', (query, reason) => {
    const compiled = duck([rule('sql_query', { query })]);
    expect(compiled.rules).toEqual([]);
    expect(compiled.jobOnly[0]!.reason).toMatch(reason);
  });

  it.each([
    ["SELECT TRUE AS condition FROM 'secrets.csv'", /not valid Spark SQL/],
    ["SELECT TRUE AS condition FROM read_csv('x.csv')", /Table functions such as read_csv\(\)/],
    ["SELECT TRUE AS condition FROM main.read_csv('x.csv')", /Table functions/],
    [
      "SELECT length(read_text('/etc/passwd')) > 0 AS condition",
      /read_text\(\) is not on the SQL allow-list/,
    ],
    ["SELECT main.query('SELECT 1') AS condition", /plain name/],
    ['FROM {{ input_view }} SELECT TRUE AS condition', /FROM-first/],
    ['SELECT TRUE AS condition FROM {{ input_view }} PIVOT (count(*) FOR id IN (1, 2))', /PIVOT/],
  ])('is refused by the SQL sandbox in both dialects: %s', (query, reason) => {
    expect(() => duck([rule('sql_query', { query })])).toThrow(reason);
    expect(() =>
      compileApplyChecks([rule('sql_query', { query })], '`t`', {
        dialect: 'databricks',
        table: { columns: [{ name: 'id', type: 'int' }] },
      }),
    ).toThrow(reason);
  });

  it('keeps Spark queries as written apart from the input and quoted table names', () => {
    const r = rewriteQuery(
      'SELECT id, extract(YEAR FROM d) > 2000 AS condition FROM {{ input_view }} v, main.ref.t r',
      'input_view',
      'databricks',
      '(SELECT * FROM src)',
      (name) => `<${name}>`,
      assertQuery,
    );
    expect(r).toEqual({
      sql: 'SELECT id, extract(YEAR FROM d) > 2000 AS condition FROM (SELECT * FROM src) v, <main.ref.t> r',
      tables: ['main.ref.t'],
    });
  });

  it('fails the statement, as DQX fails the apply, when a dataset query returns several rows', async () => {
    const compiled = duck([rule('sql_query', { query: 'SELECT id > 1 AS condition FROM {{ input_view }}' })]);
    await expect(run(compiled.sql)).rejects.toThrow(/must return exactly one row/);
  });

  it('joins a reference table on DuckDB', async () => {
    const compiled = duck([
      rule('sql_query', {
        query:
          'SELECT i.id, r.cid IS NULL AS condition FROM {{ input_view }} i LEFT JOIN ref.customers r ON i.cust = r.cid',
        merge_columns: ['id'],
      }),
    ]);
    expect(compiled.referenceTables).toEqual(['ref.customers']);
    const rows = await run(`SELECT id, _errors FROM (${compiled.sql}) ORDER BY id`);
    expect(rows.map((r) => (r._errors ? 'fail' : 'pass'))).toEqual(['pass', 'fail', 'fail']);
  });
});

describe('compare_datasets with raise_on_duplicate_keys', () => {
  it('fails the statement when the reference has duplicate keys, as DQX raises', async () => {
    const compiled = duck(
      [
        rule('compare_datasets', {
          columns: ['cust'],
          ref_columns: ['cid'],
          ref_table: 'dup',
          raise_on_duplicate_keys: true,
        }),
      ],
      { dup: { columns: [{ name: 'cid', type: 'int' }] } },
    );
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    await conn.run(`CREATE TABLE t AS SELECT * FROM (VALUES (1, 10), (2, 11)) v(id, cust)`);
    await conn.run(`CREATE TABLE dup AS SELECT * FROM (VALUES (10), (10)) v(cid)`);
    await expect(conn.runAndReadAll(compiled.sql)).rejects.toThrow(
      /The reference dataset contains duplicate matching keys for columns: cid\./,
    );
    conn.closeSync();
  });
});

describe('foreign_key on DuckDB', () => {
  const fk = (refColumn: string) =>
    rule('foreign_key', { columns: ['cust'], ref_columns: [refColumn], ref_table: 'ref.customers' });
  const failing = (rows: Record<string, unknown>[]) =>
    rows.filter((r) => r._errors !== null).map((r) => r.id);

  it('finds the same missing keys with a described reference column (membership test) as with a join', async () => {
    const described = duck([fk('cid')]);
    const undescribed = duck([fk('cid')], {});
    expect(described.sql).not.toMatch(/LEFT JOIN/);
    expect(undescribed.sql).toMatch(/LEFT JOIN/);
    // 11 is not in the reference; a NULL key is not checked
    expect(failing(await run(described.sql))).toEqual([2]);
    expect(failing(await run(undescribed.sql))).toEqual([2]);
  });
});
