/**
 * Every profiler vector through our DuckDB profile SQL on real in-memory DuckDB: the summary
 * statistics, profiles and generated rules must equal what real DQX recorded (compare.ts says exactly
 * where a difference is allowed and why).
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { generateRules } from '@/lib/dqx/generator';
import { compileProfile, EXACT_REPLAY_MAX_ROWS } from '@/lib/dqx/profiler';
import { quoteIdent } from '@/lib/sql/quote';

import { compareVariant, compareWithDqx, SAMPLING_VARIANTS, type SamplingVariant } from './compare';
import { loadVectorTable } from './duckdb-table';
import { loadVectors, tableNameOf } from './vectors';

const vectors = loadVectors();

describe('profiler conformance on DuckDB', () => {
  let instance: DuckDBInstance;
  let conn: DuckDBConnection;

  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    conn = await instance.connect();
  });
  afterAll(() => {
    conn?.closeSync();
    instance?.closeSync();
  });

  it('has vectors recorded from DQX', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(40);
    for (const v of vectors) expect(v.expected, v.name).toBeDefined();
  });

  it.each(vectors.map((v) => [v.name, v] as const))('%s', async (_name, vector) => {
    const table = tableNameOf(vector);
    await loadVectorTable(conn, vector, table);
    const compiled = compileProfile({ columns: vector.columns }, quoteIdent('duckdb', table), {
      dialect: 'duckdb',
      options: vector.options,
    });
    const reader = await conn.runAndReadAll(compiled.sql);
    const result = compiled.decode(reader.getRowObjectsJS() as Record<string, unknown>[]);
    const rules = generateRules(result.profiles, { criticality: vector.criticality });
    const exact = compiled.sampling.limit !== null && compiled.sampling.limit <= EXACT_REPLAY_MAX_ROWS;
    const diffs = compareWithDqx(vector, result, rules, { relaxStddev: !exact });
    expect(diffs).toEqual([]);
    for (const [variant, v] of Object.entries(SAMPLING_VARIANTS) as [SamplingVariant, (typeof SAMPLING_VARIANTS)[SamplingVariant]][]) {
      const other = compileProfile({ columns: vector.columns }, quoteIdent('duckdb', table), {
        dialect: 'duckdb',
        options: { ...vector.options, ...v.options },
        sampleRows: v.sampleRows,
        sampleSeed: v.sampleSeed,
      });
      const rows = (await conn.runAndReadAll(other.sql)).getRowObjectsJS() as Record<string, unknown>[];
      expect(compareVariant(vector, variant, other.decode(rows))).toEqual([]);
    }
    await conn.run(`DROP TABLE ${quoteIdent('duckdb', table)}`);
  });
});
