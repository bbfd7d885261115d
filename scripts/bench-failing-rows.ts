/**
 * `npm run bench -- --failing-rows` (or `npm run bench:failing-rows` alone): the failing rows of a
 * validation run at depth, through the real services (local mode: embedded DuckDB, PGlite store).
 * Prints one JSON document on stdout (progress on stderr).
 *
 * The benchmark table's generator (scripts/bench/table.ts) writes `--rows` rows (default 2,000,000)
 * to a Parquet file in the warehouse's data folder (table `local.bench.orders`); one rule fails
 * every other row, so 1,000,000 rows fail. Measured, the median of `--runs` (default 3) after one
 * warm-up each:
 * - count_floor: one count of the failing rows (the scan every page pays at least);
 * - first_page, next_page (by cursor), deep_page_by_number (page 19,000 of 20,000),
 *   deep_page_by_cursor (the page after 18,999), key_jump (to a key 95% of the way);
 * - export_csv and export_parquet of every failing row, once each (no warm-up): time, bytes, and
 *   the largest growth of the JS heap (with array buffers) and of the process's resident memory
 *   (DuckDB's included) while streaming: the CSV of 1M rows is hundreds of MB; held whole it
 *   would show.
 */
import fs from 'node:fs';
import path from 'node:path';

import { DuckDBInstance } from '@duckdb/node-api';

import type { DqxCheck } from '../lib/dqx';
import { exportFailingRows, getFailingRows, type FailingRowsPage } from '../lib/services/failing-rows';
import { startValidation } from '../lib/services/validation';
import { testCaller } from '../tests/support/in-memory-warehouse';
import { openRunFixture, waitForRun } from '../tests/support/run-fixture';

import { log } from './bench/log';
import { generatorSql } from './bench/table';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const n = Number(process.argv[i + 1]?.replaceAll('_', ''));
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} needs a positive integer`);
  return n;
}

const ROWS = option('--rows', 2_000_000);
const RUNS = option('--runs', 3);
const PAGE_SIZE = 50;
const caller = testCaller('bench@example.com');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed<T>(label: string, fn: () => Promise<T>, once = false): Promise<{ ms: number; result: T }> {
  if (once) {
    const start = performance.now();
    const result = await fn();
    const ms = Math.round(performance.now() - start);
    log(`${label}: ${ms} ms (once)`);
    return { ms, result };
  }
  await fn();
  const times: number[] = [];
  let result!: T;
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    result = await fn();
    times.push(performance.now() - start);
  }
  const ms = Math.round(median(times));
  log(`${label}: ${ms} ms`);
  return { ms, result };
}

async function main() {
  const fx = await openRunFixture({ bigRows: 1000 });
  try {
    const folder = path.join(fx.dataDir, 'bench');
    fs.mkdirSync(folder, { recursive: true });
    const file = path.join(folder, 'orders.parquet');
    log(`writing ${ROWS.toLocaleString('en-US')} rows to ${file}`);
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    await conn.run(`COPY (${generatorSql(ROWS)}) TO '${file.replaceAll("'", "''")}' (FORMAT parquet)`);
    conn.closeSync();
    db.closeSync();

    const rule: DqxCheck = {
      name: 'order_id_even',
      criticality: 'error',
      check: { function: 'sql_expression', arguments: { expression: 'order_id % 2 = 0', columns: ['order_id'] } },
    };
    const started = await startValidation(caller, { table: 'local.bench.orders', rules: [rule] }, fx.deps);
    const run = await waitForRun(caller, started.id, fx.deps, 600_000);
    if (run.status !== 'succeeded') throw new Error(`the validation run ${run.status}: ${JSON.stringify(run.error)}`);
    const page = (input: Partial<Parameters<typeof getFailingRows>[2]>) =>
      getFailingRows(caller, run.id, { ruleIndex: 0, pageSize: PAGE_SIZE, ...input }, fx.deps);

    const first = await timed('first page', () => page({ page: 1 }));
    const total = first.result.total;
    const pages = first.result.pages;
    const deepNumber = Math.min(pages, Math.max(1, Math.round(pages * 0.95)));
    const floor = await timed('count floor', async () => {
      const warehouse = fx.deps.warehouseOf!(caller);
      return warehouse.query(`SELECT count(*) FROM local.bench.orders WHERE NOT (order_id % 2 = 0)`);
    });
    const next = await timed('next page (cursor)', () => page({ cursor: first.result.next_cursor! }));
    const deep = await timed(`page ${deepNumber} by number`, () => page({ page: deepNumber }));
    const before: FailingRowsPage = await page({ page: deepNumber - 1 });
    const deepCursor = await timed(`page ${deepNumber} by cursor`, () => page({ cursor: before.next_cursor! }));
    const sameRows = JSON.stringify(deep.result.rows) === JSON.stringify(deepCursor.result.rows);
    const key = String(deep.result.rows[0]!.values[0]);
    const keyJump = await timed('key jump', () => page({ key: [key] }));

    const exported = async (format: 'csv' | 'parquet') =>
      timed(`export ${format}`, async () => {
        const heap = () => {
          const m = process.memoryUsage();
          return m.heapUsed + m.arrayBuffers;
        };
        const baseline = process.memoryUsage().rss;
        const heapBaseline = heap();
        let peak = 0;
        let heapPeak = 0;
        let bytes = 0;
        const file = await exportFailingRows(caller, run.id, { ruleIndex: 0 }, format, fx.deps);
        const reader = file.body.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          bytes += value.byteLength;
          peak = Math.max(peak, process.memoryUsage().rss - baseline);
          heapPeak = Math.max(heapPeak, heap() - heapBaseline);
        }
        return { bytes, rss_growth_mb: Math.round(peak / 1e6), js_heap_growth_mb: Math.round(heapPeak / 1e6) };
      }, true);
    const csv = await exported('csv');
    const parquet = await exported('parquet');

    const out = {
      rows: ROWS,
      failing_rows: total,
      page_size: PAGE_SIZE,
      pages,
      runs: RUNS,
      ms: {
        count_floor: floor.ms,
        first_page: first.ms,
        next_page_by_cursor: next.ms,
        deep_page_by_number: deep.ms,
        deep_page_by_cursor: deepCursor.ms,
        key_jump: keyJump.ms,
        export_csv: csv.ms,
        export_parquet: parquet.ms,
      },
      deep_page: deepNumber,
      deep_over_first: Number((deep.ms / Math.max(1, first.ms)).toFixed(2)),
      deep_cursor_over_first: Number((deepCursor.ms / Math.max(1, first.ms)).toFixed(2)),
      deep_by_number_and_cursor_agree: sameRows,
      key_jump_lands_on_deep_page: keyJump.result.page === deepNumber && keyJump.result.first_row === deep.result.first_row,
      export_csv: csv.result,
      export_parquet: parquet.result,
    };
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    if (!sameRows) process.exitCode = 1;
  } finally {
    await fx.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
