/**
 * The time-window dataset checks beyond the conformance vectors: what goes to a DQX job and why,
 * and "now" at a fine grain. Vector rows are fixed, so they keep away from the current time; here
 * DuckDB rows are placed relative to the statement's clock, and a run-time overwrite is set to show
 * it is not what these checks compare with (DQX uses current_timestamp() for them).
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { compileApplyChecks } from '../../compile/compiler';
import type { DqxCheck, TableSchema } from '../../model';

const table: TableSchema = {
  name: 't',
  columns: [
    { name: 'id', type: 'int' },
    { name: 'ts', type: 'timestamp' },
    { name: 'd', type: 'date' },
    { name: 'dev', type: 'string' },
    { name: 's', type: 'string' },
  ],
};

const rule = (fn: string, args: Record<string, unknown>, extra: Partial<DqxCheck> = {}): DqxCheck => ({
  criticality: 'error',
  check: { function: fn, arguments: args },
  ...extra,
});

const FRESH = 'is_data_fresh_per_time_window';
const GAPS = 'has_no_gaps_per_time_window';

describe('time-window checks: what runs in a job', () => {
  it.each(['duckdb', 'databricks'] as const)('sends what SQL cannot reproduce to a job (%s)', (dialect) => {
    const checks = [
      rule(FRESH, { column: 's', window_minutes: 60, min_records_per_window: 1 }),
      rule(FRESH, { column: 'ts', window_minutes: 0, min_records_per_window: 1 }),
      rule(FRESH, { column: 'ts', window_minutes: 60, min_records_per_window: 1, lookback_windows: 0 }),
      rule(GAPS, { column: 'ts', window_minutes: 60, group_by: ['lower(dev)'] }),
      rule(GAPS, { column: 'ts', window_minutes: 60, group_by: ['dev'] }),
      rule(FRESH, { column: 'd', window_minutes: 1440, min_records_per_window: 2, lookback_windows: 7 }),
    ];
    const compiled = compileApplyChecks(checks, dialect === 'duckdb' ? '"t"' : '`t`', { dialect, table });
    expect(compiled.jobOnly.map((r) => r.reason)).toEqual([
      "The SQL path buckets timestamp and date columns; 's' is a string, so the rule runs in a DQX job.",
      'window_minutes must be a positive integer (got 0).',
      'lookback_windows must be a positive integer if provided (got 0).',
      "group_by 'lower(dev)' is not a column of the table; DQX cannot select it either.",
    ]);
    expect(compiled.rules.filter((r) => r.status === 'compiled')).toHaveLength(2);
  });
});

describe('time-window checks against the real clock (DuckDB)', () => {
  let db: DuckDBInstance;
  let conn: DuckDBConnection;

  beforeAll(async () => {
    db = await DuckDBInstance.create(':memory:');
    conn = await db.connect();
    const now = 'CAST(current_timestamp AS TIMESTAMP)';
    await conn.run(`CREATE TABLE t AS SELECT * FROM (VALUES
      (1, ${now} - INTERVAL 30 MINUTE, NULL::DATE, 'A', 'x'),
      (2, ${now} - INTERVAL 150 MINUTE, NULL::DATE, 'B', 'x'),
      (3, ${now} + INTERVAL 10 MINUTE, NULL::DATE, 'C', 'x'),
      (4, ${now} - INTERVAL 3 HOUR, NULL::DATE, 'D', 'x'),
      (5, ${now} - INTERVAL 10 MINUTE, NULL::DATE, 'E', 'x')
    ) AS v(id, ts, d, dev, s)`);
  });

  afterAll(() => conn?.closeSync());

  /** Failing rows, with the hour of the statement's clock. */
  async function failing(checks: DqxCheck[]): Promise<{ id: number; message: string; hour: string }[]> {
    const { sql, jobOnly } = compileApplyChecks(checks, '"t"', {
      dialect: 'duckdb',
      table,
      runTime: '2025-01-01T00:00:00',
    });
    expect(jobOnly).toEqual([]);
    const reader = await conn.runAndReadAll(
      `SELECT id, _errors[1].message AS message,
         strftime(date_trunc('hour', CAST(current_timestamp AS TIMESTAMP)), '%Y-%m-%d %H:%M:%S') AS hour
       FROM (${sql}) WHERE _errors IS NOT NULL ORDER BY id`,
    );
    return reader.getRowObjectsJson() as unknown as { id: number; message: string; hour: string }[];
  }

  it('counts rows of the lookback up to now, not the run-time overwrite', async () => {
    // cutoff: now - 2 hours; row 1 alone in its window fails, row 2 is older than the lookback,
    // row 3 is in the future, rows 4 and 5 are filtered out
    const rows = await failing([
      rule(
        FRESH,
        { column: 'ts', window_minutes: 60, min_records_per_window: 2, lookback_windows: 2 },
        { filter: 'id < 4' },
      ),
    ]);
    expect(rows.map((r) => r.id)).toEqual([1]);
    expect(rows[0]!.message).toMatch(
      /^Data arrival completeness check failed: only 1 records found in 60-minute interval starting at \d{4}-\d\d-\d\d \d\d:00:00 and ending at \d{4}-\d\d-\d\d \d\d:00:00, expected at least 2 records$/,
    );
  });

  it('anchors a trailing gap on the window holding the current time', async () => {
    // per device: D's only window is three hours back (two empty windows since), E's is this hour
    // or the last one, C's is in the future
    const rows = await failing([
      rule(
        GAPS,
        { column: 'ts', window_minutes: 60, group_by: ['dev'], trailing_gap: true },
        { filter: "dev <> 'A' AND dev <> 'B'" },
      ),
    ]);
    expect(rows.map((r) => r.id)).toEqual([4]);
    expect(rows[0]!.message).toMatch(/^Gap in time series: no data between the window starting at /);
    expect(
      rows[0]!.message.endsWith(`and the current time; the current window starts at ${rows[0]!.hour}`),
    ).toBe(true);
  });
});
