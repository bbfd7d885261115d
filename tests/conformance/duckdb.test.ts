/**
 * Every conformance vector through our `duckdb` plan on a real (in-memory) DuckDB, compared with
 * the output recorded from DQX 0.17.0 on local Spark. Rows a vector declares as a known DuckDB
 * difference are excluded, and must actually differ (so stale declarations are noticed).
 * The same vectors also check the validation summary statement against the recorded split counts.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { compileApplyChecks, compileValidation } from '@/lib/dqx/compile/compiler';
import { quoteIdent } from '@/lib/sql/quote';

import {
  knownDifferentRows,
  loadVectors,
  maskRows,
  normalizeRow,
  orderAddedRows,
  ROW_INDEX,
  splitCounts,
  vectorTable,
  duckCreateTable,
  duckCreateReferenceTables,
  vectorReferenceTables,
  type ResultRow,
} from './vectors';

const vectors = loadVectors();
const RUN = { runTime: '2025-01-01T00:00:00', runId: 'conformance-run', sparkFlavor: 'classic' as const };

let db: DuckDBInstance;
let conn: DuckDBConnection;

beforeAll(async () => {
  db = await DuckDBInstance.create(':memory:');
  conn = await db.connect();
});

afterAll(() => {
  conn?.closeSync();
});

describe('conformance vectors on DuckDB', () => {
  it('has at least 150 recorded vectors', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(150);
    expect(vectors.filter((v) => !v.expected).map((v) => v.name)).toEqual([]);
  });

  vectors.forEach((v, n) => {
    it(v.name, async () => {
      const table = `v${n}`;
      await conn.run(duckCreateTable(v, table));
      for (const statement of duckCreateReferenceTables(v)) await conn.run(statement);
      const compiled = compileApplyChecks(v.checks, quoteIdent('duckdb', table), {
        dialect: 'duckdb',
        table: vectorTable(v),
        referenceTables: vectorReferenceTables(v),
        ...RUN,
      });
      const start = Date.now() / 1000;
      const reader = await conn.runAndReadAll(
        `SELECT * FROM (${compiled.sql}) ORDER BY ${ROW_INDEX} NULLS LAST`,
      );
      const end = Date.now() / 1000;
      const actual: ResultRow[] = maskRows(
        orderAddedRows(
          reader
            .getRowObjectsJson()
            .map((r) => ({ index: r[ROW_INDEX], row: normalizeRow(r._errors, r._warnings) })),
        ),
        v.now_offsets ?? [],
        start,
        end,
      );
      const expected = v.expected!.rows;
      const known = knownDifferentRows(v);
      expect(actual).toHaveLength(expected.length);
      const differing: number[] = [];
      expected.forEach((row, i) => {
        const same = JSON.stringify(actual[i]) === JSON.stringify(row);
        if (!same) differing.push(i);
        if (known === 'all' || known.has(i)) return;
        expect(actual[i], `row ${i} of ${v.name}`).toEqual(row);
      });
      if (known !== 'all' && known.size > 0) {
        expect(
          differing.filter((i) => known.has(i)),
          `known differences of ${v.name} no longer differ`,
        ).not.toEqual([]);
      }
      if (known === 'all')
        expect(differing, `known differences of ${v.name} no longer differ`).not.toEqual([]);
      if (known !== 'all' && known.size === 0) expect(splitCounts(actual)).toEqual(v.expected!.counts);

      // the single-scan summary agrees with the recorded split
      if (known === 'all' || known.size > 0) return;
      const validation = compileValidation(v.checks, quoteIdent('duckdb', table), {
        dialect: 'duckdb',
        table: vectorTable(v),
        referenceTables: vectorReferenceTables(v),
        ...RUN,
        sampleLimit: 3,
      });
      const result = await conn.runAndReadAll(validation.sql);
      const summary = validation.decode({
        columns: result.columnNames().map((name) => ({ name })),
        rows: result.getRowsJson() as unknown[][],
      });
      expect(summary.totalRows).toBe(v.expected!.counts.total);
      expect(summary.errorRows).toBe(v.expected!.counts.error_rows);
      expect(summary.warningOnlyRows).toBe(v.expected!.counts.warning_only_rows);
      for (const rule of summary.rules) {
        const failing = expected.filter((row) =>
          [...(row.errors ?? []), ...(row.warnings ?? [])].some(
            (e) => e.rule_fingerprint === rule.fingerprint && e.name === rule.name,
          ),
        ).length;
        expect(rule.failingRows, `failing rows of ${rule.name}`).toBe(failing);
        expect(rule.evaluatedRows).toBeLessThanOrEqual(summary.totalRows);
      }

      // with row ids (a stored table): the same counts, and samples fetched by id whose entries
      // are those DQX recorded for a row failing that rule
      const byId = compileValidation(v.checks, quoteIdent('duckdb', table), {
        dialect: 'duckdb',
        table: vectorTable(v),
        referenceTables: vectorReferenceTables(v),
        ...RUN,
        sampleLimit: 3,
        rowIds: true,
      });
      const fetched = await byId.run(async (sql) => {
        const r = await conn.runAndReadAll(sql);
        return { columns: r.columnNames().map((name) => ({ name })), rows: r.getRowsJson() as unknown[][] };
      });
      const counts = (x: typeof summary) => [
        x.totalRows,
        x.errorRows,
        x.warningOnlyRows,
        x.rules.map((r) => [r.evaluatedRows, r.failingRows]),
      ];
      expect(counts(fetched)).toEqual(counts(summary));
      // messages of checks against the current time are recorded masked: names only there
      const timed = (v.now_offsets ?? []).length > 0;
      const said = (entries: { name: string; message: string | null }[] | null) =>
        JSON.stringify((entries ?? []).map((e) => (timed ? [e.name] : [e.name, e.message])).sort());
      for (const [i, rule] of fetched.rules.entries()) {
        const samples = fetched.samples.filter((x) => x.rule === i);
        expect(samples.length, `samples of ${rule.name}`).toBe(Math.min(3, rule.failingRows));
        const recorded = expected.filter((row) =>
          [...(row.errors ?? []), ...(row.warnings ?? [])].some(
            (e) => e.rule_fingerprint === rule.fingerprint && e.name === rule.name,
          ),
        );
        for (const sample of samples) {
          expect(
            recorded.some(
              (row) =>
                said(row.errors) === said(sample.errors) && said(row.warnings) === said(sample.warnings),
            ),
            `entries of a sample of ${rule.name}: ${said(sample.errors)} ${said(sample.warnings)}`,
          ).toBe(true);
        }
      }
    });
  });
});
