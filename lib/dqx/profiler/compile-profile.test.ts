import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { quoteIdent } from '@/lib/sql/quote';

import { compileProfile } from './compile-profile';
import { rowsToObjects } from './decode-profile';
import { UnsafeFilterError } from './filter-guard';

const schema = {
  columns: [
    { name: 'id', type: 'bigint' },
    { name: 'grp', type: 'string' },
    { name: 'odd "name`', type: 'int' },
    { name: 'info', type: 'struct<x:double,y:string>' },
  ],
};

describe('compileProfile on DuckDB', () => {
  let instance: DuckDBInstance;
  let conn: DuckDBConnection;
  const source = quoteIdent('duckdb', 'people');

  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
    conn = await instance.connect();
    await conn.run(
      `CREATE TABLE people AS SELECT i::BIGINT AS id, CASE WHEN i % 2 = 0 THEN 'a' ELSE 'b' END AS grp, (i % 3)::INTEGER AS "odd ""name${'`'}", ` +
        `{'x': i / 10, 'y': 'k' || (i % 4)} AS info FROM range(5000) r(i)`,
    );
  });
  afterAll(() => {
    conn?.closeSync();
    instance?.closeSync();
  });

  async function run(options: Parameters<typeof compileProfile>[2]) {
    const compiled = compileProfile(schema, source, options);
    const rows = (await conn.runAndReadAll(compiled.sql)).getRowObjectsJS() as Record<string, unknown>[];
    return { compiled, result: compiled.decode(rows) };
  }

  it("follows DQX's default sampling: a 30% Bernoulli sample, then at most 1000 rows", async () => {
    const { compiled, result } = await run({ dialect: 'duckdb' });
    expect(compiled.sampling).toMatchObject({ kind: 'dqx', fraction: 0.3, limit: 1000 });
    expect(result.rowsProfiled).toBe(1000);
    expect(result.summaryStats.id?.count).toEqual({ type: 'int', value: '1000' });
  });

  it('profiles exactly the rows the caller asks for, and says so', async () => {
    const all = await run({ dialect: 'duckdb', sampleRows: 'all' });
    expect(all.result.rowsProfiled).toBe(5000);
    expect(all.compiled.sampling.description).toBe('every row');
    const some = await run({ dialect: 'duckdb', sampleRows: 1234, sampleSeed: 7 });
    expect(some.result.rowsProfiled).toBe(1234);
    const more = await run({ dialect: 'duckdb', sampleRows: 9000 });
    expect(more.result.rowsProfiled).toBe(5000);
  });

  it('reproduces a seeded Bernoulli sample and reports its real size', async () => {
    const a = await run({ dialect: 'duckdb', options: { sample_fraction: 0.1, sample_seed: 42, limit: null } });
    const b = await run({ dialect: 'duckdb', options: { sample_fraction: 0.1, sample_seed: 42, limit: null } });
    expect(a.result.rowsProfiled).toBe(b.result.rowsProfiled);
    expect(a.result.rowsProfiled).toBeGreaterThan(350);
    expect(a.result.rowsProfiled).toBeLessThan(650);
    expect(a.result.summaryStats).toEqual(b.result.summaryStats);
  });

  it('applies the filter before sampling and puts it on every profile', async () => {
    const { result } = await run({ dialect: 'duckdb', options: { filter: "grp = 'a'", sample_fraction: null, limit: null } });
    expect(result.rowsProfiled).toBe(2500);
    expect(result.profiles.length).toBeGreaterThan(0);
    expect(result.profiles.every((p) => p.filter === "grp = 'a'")).toBe(true);
    expect(result.profiles.find((p) => p.column === 'grp' && p.name === 'is_in')?.parameters).toEqual({ in: ['a'] });
  });

  it('refuses a filter that is not a single safe predicate', () => {
    expect(() => compileProfile(schema, source, { dialect: 'duckdb', options: { filter: '1=1; DROP TABLE people' } })).toThrow(
      UnsafeFilterError,
    );
  });

  it('quotes awkward column names and profiles struct fields as parent.child', async () => {
    const { result } = await run({ dialect: 'duckdb', sampleRows: 'all' });
    expect(Object.keys(result.summaryStats)).toEqual(['id', 'grp', 'odd "name`', 'info.x', 'info.y']);
    const odd = result.profiles.filter((p) => p.column === 'odd "name`').map((p) => p.name);
    expect(odd).toEqual(['is_not_null', 'is_in', 'min_max']);
    // Without a LIMIT, values come in Spark's shuffle-partition order (see no_limit_bucket_order vector).
    const values = result.profiles.find((p) => p.column === 'info.y' && p.name === 'is_in')?.parameters?.in as string[];
    expect([...values].sort()).toEqual(['k0', 'k1', 'k2', 'k3']);
  });

  it('decodes a column-list result (the Warehouse port shape) like row objects', async () => {
    const compiled = compileProfile(schema, source, { dialect: 'duckdb', sampleRows: 'all' });
    const reader = await conn.runAndReadAll(compiled.sql);
    const asList = { columns: reader.columnNames().map((name) => ({ name })), rows: reader.getRowsJson() as unknown[][] };
    const fromList = compiled.decode(rowsToObjects(asList));
    const fromObjects = compiled.decode(reader.getRowObjectsJS() as Record<string, unknown>[]);
    expect(fromList).toEqual(fromObjects);
    expect(fromList.rowsProfiled).toBe(5000);
  });

  it('reads the source once', () => {
    const { sql } = compileProfile(schema, source, { dialect: 'duckdb' });
    expect(sql.split(source).length - 1).toBe(1);
    expect(sql.split('_dqx_sample AS _dqx_s').length - 1).toBe(1);
    const dbx = compileProfile(schema, quoteIdent('databricks', 'people'), { dialect: 'databricks', options: { sample_seed: 3 } }).sql;
    expect(dbx).toContain('TABLESAMPLE (30 PERCENT) REPEATABLE (3) AS _dqx_f LIMIT 1000');
  });

  it('attaches the evidence each profile was decided on', async () => {
    const { result } = await run({ dialect: 'duckdb', sampleRows: 'all' });
    const isIn = result.profiles.find((p) => p.column === 'grp' && p.name === 'is_in');
    expect(isIn?.evidence).toMatchObject({
      statistic: 'count_distinct',
      value: 2,
      statistics: { count_distinct: 2, count_non_null: 5000 },
      thresholds: { max_in_count: 10, distinct_ratio: 0.05 },
      rowsProfiled: 5000,
    });
  });
});
