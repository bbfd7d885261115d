import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';

import { compileApplyChecks, tablesReadBy } from '../../compile/compiler';
import { planRuleSet } from '../../compile/plan';
import type { DqxCheck, TableSchema } from '../../model';

const table: TableSchema = {
  columns: [
    { name: 'id', type: 'int' },
    { name: 'region', type: 'string' },
    { name: 'amount', type: 'decimal(10,2)' },
    { name: 'qty', type: 'int' },
  ],
};
const refTables = {
  'main.raw.orders': {
    columns: [
      { name: 'qty', type: 'int' },
      { name: 'zone', type: 'string' },
    ],
  },
};

const rule = (fn: string, args: Record<string, unknown>, extra: Partial<DqxCheck> = {}): DqxCheck => ({
  check: { function: fn, arguments: args },
  ...extra,
});

const plan = (checks: DqxCheck[], dialect: 'duckdb' | 'databricks') =>
  planRuleSet(
    checks,
    { dialect, table, referenceTables: refTables, runId: 'r' },
    dialect === 'duckdb' ? '"t"' : '`t`',
  );

async function messages(checks: DqxCheck[], setup: string): Promise<string[]> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  await conn.run(setup);
  const compiled = compileApplyChecks(checks, '"t"', {
    dialect: 'duckdb',
    table,
    runId: 'r',
    runTime: '2025-01-01T00:00:00',
  });
  const reader = await conn.runAndReadAll(`SELECT _errors FROM (${compiled.sql})`);
  conn.closeSync();
  const out = new Set<string>();
  for (const row of reader.getRowObjectsJson())
    for (const e of (row._errors as { message: string }[] | null) ?? []) out.add(e.message);
  return [...out];
}

describe('aggregate dataset checks', () => {
  it('reads the reference table of aggr_matches_dataset and reports it', () => {
    const checks = [
      rule('aggr_matches_dataset', { column: 'qty', ref_table: 'main.raw.orders', aggr_type: 'sum' }),
    ];
    for (const dialect of ['duckdb', 'databricks'] as const) {
      const p = plan(checks, dialect);
      expect(p.rules.map((r) => r.status)).toEqual(['compiled']);
      expect(p.referenceTables).toEqual(['main.raw.orders']);
    }
    expect(tablesReadBy(checks)).toEqual(['main.raw.orders']);
  });

  it('leaves ref_df_name to a DQX job with the reason', () => {
    for (const dialect of ['duckdb', 'databricks'] as const) {
      const p = plan([rule('aggr_matches_dataset', { column: '*', ref_df_name: 'upstream' })], dialect);
      expect(p.rules).toEqual([]);
      expect(p.jobOnly[0]!.reason).toMatch(/DataFrame 'upstream' \(ref_df_name\)/);
    }
  });

  it('runs aggregates DuckDB cannot reproduce in a job on DuckDB only', () => {
    const checks = [
      rule('is_aggr_equal', { column: 'region', aggr_type: 'approx_count_distinct', limit: 3 }),
      rule('is_aggr_equal', { column: 'qty', aggr_type: 'mode', limit: 3 }),
      rule('is_aggr_equal', {
        column: 'amount',
        aggr_type: 'approx_percentile',
        aggr_params: { percentile: 0.5 },
        limit: 3,
      }),
      rule('is_aggr_equal', {
        column: 'qty',
        aggr_type: 'mode',
        aggr_params: { deterministic: true },
        limit: 3,
      }),
    ];
    const duck = plan(checks, 'duckdb');
    expect(duck.jobOnly.map((r) => r.reason)).toEqual([
      expect.stringMatching(/HyperLogLog/),
      expect.stringMatching(/deterministic/),
    ]);
    expect(duck.rules.map((r) => r.status)).toEqual(['compiled', 'compiled']);
    expect(plan(checks, 'databricks').jobOnly).toEqual([]);
  });

  it('leaves non-curated aggregates and unknown parameters to a job', () => {
    const p = plan(
      [
        rule('is_aggr_equal', { column: 'qty', aggr_type: 'collect_list', limit: 3 }),
        rule('is_aggr_equal', { column: 'qty', aggr_type: 'sum', aggr_params: { x: 1 }, limit: 3 }),
      ],
      'databricks',
    );
    expect(p.jobOnly.map((r) => r.reason)).toEqual([
      expect.stringMatching(/not one of DQX's curated aggregates/),
      expect.stringMatching(/aggr_params 'x'/),
    ]);
  });

  it('windows groups on Spark, joins grouped aggregates on DuckDB (only the violating groups when the limit is constant)', () => {
    for (const dialect of ['duckdb', 'databricks'] as const) {
      const p = plan(
        [
          rule('is_aggr_not_greater_than', { column: '*', limit: 10 }),
          rule('is_aggr_not_greater_than', {
            column: 'qty',
            aggr_type: 'sum',
            limit: 10,
            group_by: ['region'],
          }),
          rule('is_aggr_not_greater_than', {
            column: 'qty',
            aggr_type: 'count_distinct',
            limit: 10,
            group_by: ['region'],
          }),
        ],
        dialect,
      );
      const [global, windowed, joined] = p.contributions;
      expect(global!.joins[0]).toMatch(/^LEFT JOIN \(SELECT count\(\*\) AS .* ON TRUE$/);
      expect(global!.columns[0]!.sql).not.toMatch(/OVER/);
      if (dialect === 'databricks') {
        expect(windowed!.joins).toEqual([]);
        expect(windowed!.columns[0]!.sql).toMatch(/OVER \(PARTITION BY [`"]region[`"]\)/);
      } else {
        expect(windowed!.columns[0]!.sql).not.toMatch(/OVER/);
        expect(windowed!.joins[0]).toMatch(
          /GROUP BY "region"\) AS .* WHERE \(.* > 10\)\) AS .* ON \("region" IS NOT DISTINCT FROM /,
        );
      }
      expect(joined!.joins[0]).toMatch(
        /GROUP BY [`"]region[`"]\) AS .* ON \([`"]region[`"] (<=>|IS NOT DISTINCT FROM) /,
      );
    }
  });

  it("picks Spark's approx_percentile element (rank ceil(p * n)) where DuckDB's quantile_disc would not", async () => {
    const out = await messages(
      [
        rule('is_aggr_equal', {
          column: 'qty',
          aggr_type: 'approx_percentile',
          aggr_params: { percentile: 0.07 },
          limit: 0,
        }),
      ],
      'CREATE TABLE t AS SELECT range::INT AS id, NULL::VARCHAR AS region, NULL::DECIMAL(10,2) AS amount, range::INT AS qty FROM range(1, 101)',
    );
    // 0.07 * 100 is 7.000000000000001 in doubles: Spark takes rank 8
    expect(out).toEqual([
      "Approximate percentile (percentile=0.07) value 8 in column 'qty' is not equal to limit: 0",
    ]);
  });

  it('rounds the decimal average HALF_UP to scale s+4 as Spark does', async () => {
    const out = await messages(
      [rule('is_aggr_equal', { column: 'amount', aggr_type: 'avg', limit: 0, group_by: ['region'] })],
      "CREATE TABLE t AS SELECT * FROM (VALUES (1, 'p', 0.01::DECIMAL(10,2), 1), (2, 'p', 0.02, 1), (3, 'p', 0.02, 1), (4, 'n', -0.01, 1), (5, 'n', -0.02, 1), (6, 'n', -0.02, 1)) v(id, region, amount, qty)",
    );
    expect(out.sort()).toEqual([
      "Average value -0.016667 in column 'amount' per group of columns 'region' is not equal to limit: 0",
      "Average value 0.016667 in column 'amount' per group of columns 'region' is not equal to limit: 0",
    ]);
  });

  it('quotes group and reference names', () => {
    const p = planRuleSet(
      [rule('aggr_matches_dataset', { column: '*', ref_table: 'main.`we``ird`.t', group_by: ['we ird'] })],
      { dialect: 'duckdb', table: { columns: [{ name: 'we ird', type: 'string' }] }, runId: 'r' },
      '"t"',
    );
    const sql = p.contributions[0]!.joins.join(' ');
    expect(sql).toContain('"main"."we`ird"."t"');
    expect(sql).toContain('GROUP BY "we ird"');
  });
});
