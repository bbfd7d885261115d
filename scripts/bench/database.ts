/**
 * The benchmark's DuckDB side: the cached database file holding the generated table, a connection
 * to it, timed queries, and scan counting from the physical plan.
 */
import fs from 'node:fs';
import path from 'node:path';

import { DuckDBInstance, version as duckdbVersion, type DuckDBConnection } from '@duckdb/node-api';

import { toCell } from '../../lib/warehouse/duckdb/types';
import { quoteQualified, quoteString } from '../../lib/sql/quote';

import { log } from './log';
import {
  GENERATOR_VERSION,
  REF_TABLE_NAME,
  SCHEMA_NAME,
  TABLE_NAME,
  generatorSql,
  referenceSql,
} from './table';

export const CATALOG = 'benchdb';
/** The benchmark table and the reference table as rules and queries name them (schema.table). */
export const TABLE_SQL = quoteQualified('duckdb', [SCHEMA_NAME, TABLE_NAME]);
export const REF_SQL = quoteQualified('duckdb', [SCHEMA_NAME, REF_TABLE_NAME]);

export interface BenchDatabase {
  connection: DuckDBConnection;
  file: string;
  /** Whether the table was generated in this run (false: reused from the cache). */
  generated: boolean;
  generateSeconds: number | null;
  close(): void;
}

export function cacheFile(cacheDir: string, rows: number): string {
  const duck = duckdbVersion().replace(/[^0-9A-Za-z.-]/g, '_');
  return path.join(cacheDir, `orders-g${GENERATOR_VERSION}-r${rows}-duckdb${duck}.duckdb`);
}

/**
 * Opens the cached table of `rows` rows, building it first when the cache has none for this
 * generator version and DuckDB version. The file is written under a temporary name and renamed
 * when complete, so an interrupted build is never reused.
 */
export async function openBenchDatabase(cacheDir: string, rows: number): Promise<BenchDatabase> {
  fs.mkdirSync(cacheDir, { recursive: true });
  const file = cacheFile(cacheDir, rows);
  let generated = false;
  let generateSeconds: number | null = null;
  if (!fs.existsSync(file)) {
    const partial = `${file}.partial`;
    fs.rmSync(partial, { force: true });
    fs.rmSync(`${partial}.wal`, { force: true });
    log(`generating ${rows.toLocaleString('en-US')} rows into ${path.relative(process.cwd(), file)} ...`);
    const started = performance.now();
    const instance = await DuckDBInstance.create(partial);
    const conn = await instance.connect();
    await conn.run(`CREATE SCHEMA ${quoteQualified('duckdb', [SCHEMA_NAME])}`);
    await conn.run(`CREATE TABLE ${TABLE_SQL} AS ${generatorSql(rows)}`);
    await conn.run(`CREATE TABLE ${REF_SQL} AS ${referenceSql()}`);
    await conn.run('CHECKPOINT');
    conn.closeSync();
    instance.closeSync();
    fs.renameSync(partial, file);
    generated = true;
    generateSeconds = (performance.now() - started) / 1000;
    log(`generated in ${generateSeconds.toFixed(1)} s`);
  } else {
    log(`reusing ${path.relative(process.cwd(), file)}`);
  }
  const tmp = path.join(cacheDir, 'tmp');
  fs.mkdirSync(tmp, { recursive: true });
  const instance = await DuckDBInstance.create(':memory:', { temp_directory: tmp });
  const connection = await instance.connect();
  await connection.run(`ATTACH ${quoteString('duckdb', file)} AS ${CATALOG} (READ_ONLY)`);
  await connection.run(`USE ${CATALOG}`);
  return {
    connection,
    file,
    generated,
    generateSeconds,
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

export interface Rows {
  columns: { name: string }[];
  rows: unknown[][];
}

/** Runs a statement and returns its rows as the app's DuckDB warehouse would (JSON-safe cells). */
export async function query(conn: DuckDBConnection, sql: string): Promise<Rows> {
  const reader = await conn.runAndReadAll(sql);
  return { columns: reader.columnNames().map((name) => ({ name })), rows: reader.convertRows(toCell) };
}

export interface PlanScans {
  /** Sequential scans of the benchmark table in the physical plan. */
  table: number;
  /** Scans of any other stored table (reference tables). */
  other: number;
}

interface PlanNode {
  name?: string;
  children?: PlanNode[];
  extra_info?: Record<string, unknown>;
}

/** Counts the table scans in DuckDB's physical plan of `sql` (EXPLAIN, JSON format). */
export async function countScans(conn: DuckDBConnection, sql: string): Promise<PlanScans> {
  const reader = await conn.runAndReadAll(`EXPLAIN (FORMAT json) ${sql}`);
  const text = reader.getRowsJS().find((r) => r[0] === 'physical_plan')?.[1];
  if (typeof text !== 'string') throw new Error('EXPLAIN returned no physical plan');
  const scans: PlanScans = { table: 0, other: 0 };
  const suffix = `.${SCHEMA_NAME}.${TABLE_NAME}`;
  const visit = (node: PlanNode) => {
    if (node.name === 'SEQ_SCAN' || node.name === 'TABLE_SCAN') {
      const table = node.extra_info?.Table;
      if (typeof table === 'string' && table.endsWith(suffix)) scans.table++;
      else if (typeof table === 'string') scans.other++;
    }
    for (const child of node.children ?? []) visit(child);
  };
  for (const root of JSON.parse(text) as PlanNode[]) visit(root);
  return scans;
}

export { duckdbVersion };
