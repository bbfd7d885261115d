/**
 * Builds the sample catalog into DuckDB files under the state folder, once per generator version
 * and size. A file is written under a temporary name and renamed when complete, so a crash never
 * leaves half a catalog behind; a later start finds no file and builds again.
 *
 * Two files serve the first start (see lib/warehouse/duckdb/engine.ts):
 * - the *small* file, every table but the big one (about a second to build), attached at once so
 *   the app answers while the rest is prepared;
 * - the *full* file, every table including the big one (`samples.sales.orders`, DQX_SAMPLE_BIG_ROWS
 *   rows), built in the background by a DuckDB instance of its own, written in parts so its
 *   progress can be shown. Later starts attach the full file directly.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

import { quoteIdent, quoteQualified, quoteString } from '@/lib/sql/quote';

import {
  SAMPLE_SCHEMAS,
  SAMPLE_TABLES,
  duckdbTypeOf,
  sampleCatalogFileName,
  smallSampleCatalogFileName,
  type SampleTable,
} from './tables';

const q = (name: string) => quoteIdent('duckdb', name);
const STALE_TEMP_MS = 60 * 60 * 1000;
/** The big table is written in parts of at least this many rows (and at most 100 parts). */
const MIN_PART_ROWS = 50_000;

/**
 * The deterministic hash behind every generated value: a 32-bit integer mix of (row, salt), written
 * in plain SQL arithmetic so the data does not depend on DuckDB's internal hash function.
 */
const MACROS = [
  'CREATE OR REPLACE TEMP MACRO mix(x) AS ((xor(x >> 16, x) * 73244475) % 4294967296)',
  'CREATE OR REPLACE TEMP MACRO h(i, s) AS mix(mix((i * 2654435761 + s * 2246822519) % 4294967296))',
];

/** Rows of the big table written so far. */
export interface BuildProgress {
  rowsDone: number;
  rowsTotal: number;
}

export interface GenerateOptions {
  /** Which tables to write (default: all). */
  tables?: readonly SampleTable[];
  /** Called after each part of the big table. */
  onProgress?: (progress: BuildProgress) => void;
}

/** Creates every schema and the chosen tables of the catalog in the attached database `alias`. */
export async function generateSampleCatalog(
  conn: DuckDBConnection,
  alias: string,
  bigRows: number,
  options: GenerateOptions = {},
): Promise<void> {
  for (const sql of MACROS) await conn.run(sql);
  for (const schema of SAMPLE_SCHEMAS) {
    await conn.run(`CREATE SCHEMA IF NOT EXISTS ${quoteQualified('duckdb', [alias, schema.name])}`);
  }
  for (const table of options.tables ?? SAMPLE_TABLES) {
    const name = quoteQualified('duckdb', [alias, table.schema, table.name]);
    const columns = table.columns.map((c) => `${q(c.name)} ${duckdbTypeOf(c.type)}`).join(', ');
    const rows = table.rows(bigRows);
    await conn.run(`CREATE TABLE ${name} (${columns})`);
    if (table.big) {
      if (!(rows >= 1))
        throw new Error(`${table.schema}.${table.name} needs at least one row (DQX_SAMPLE_BIG_ROWS).`);
      // In parts, in row order (the same rows, in the same order, as one INSERT would write).
      const partRows = Math.max(MIN_PART_ROWS, Math.ceil(rows / 100));
      options.onProgress?.({ rowsDone: 0, rowsTotal: rows });
      for (let from = 0; from < rows; from += partRows) {
        const to = Math.min(rows, from + partRows);
        await conn.run(`INSERT INTO ${name} ${table.select(rows, { from, to })}`);
        options.onProgress?.({ rowsDone: to, rowsTotal: rows });
      }
    } else {
      await conn.run(`INSERT INTO ${name} ${table.select(rows)}`);
    }
    await conn.run(`COMMENT ON TABLE ${name} IS ${quoteString('duckdb', table.comment)}`);
    for (const column of table.columns) {
      await conn.run(
        `COMMENT ON COLUMN ${name}.${q(column.name)} IS ${quoteString('duckdb', column.comment)}`,
      );
    }
  }
}

function removeQuietly(file: string): void {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // Another process may hold it; it is cleaned up on a later start.
  }
}

/** Old versions and abandoned temporary builds. */
function removeStaleFiles(stateDir: string, keep: readonly string[]): void {
  let names: string[];
  try {
    names = fs.readdirSync(stateDir);
  } catch {
    return;
  }
  const now = Date.now();
  for (const name of names) {
    if (!name.startsWith('samples-v') || keep.includes(name)) continue;
    const file = path.join(stateDir, name);
    if (name.includes('.tmp-')) {
      try {
        if (now - fs.statSync(file).mtimeMs < STALE_TEMP_MS) continue; // maybe another process is building it
      } catch {
        continue;
      }
    }
    removeQuietly(file);
  }
}

export interface EnsureOptions {
  stateDir: string;
  bigRows: number;
  /** `full` (default): every table; `small`: every table but the big one. */
  part?: 'full' | 'small';
  onProgress?: (progress: BuildProgress) => void;
}

/** Where the file of that part of the catalog is (whether or not it exists yet). */
export function sampleCatalogFile(options: Pick<EnsureOptions, 'stateDir' | 'bigRows' | 'part'>): string {
  const name =
    options.part === 'small' ? smallSampleCatalogFileName() : sampleCatalogFileName(options.bigRows);
  return path.join(options.stateDir, name);
}

/**
 * The path of the sample catalog file (full, or small), building it first when it does not exist.
 * `conn` is a connection of the instance that writes it; the file is detached again before this
 * returns, so any instance may attach it afterwards.
 */
export async function ensureSampleCatalogFile(
  conn: DuckDBConnection,
  options: EnsureOptions,
): Promise<{ file: string; built: boolean; millis: number }> {
  const started = Date.now();
  const file = sampleCatalogFile(options);
  const small = options.part === 'small';
  if (fs.existsSync(file)) return { file, built: false, millis: 0 };

  fs.mkdirSync(options.stateDir, { recursive: true });
  const temp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const alias = `samples_build_${randomBytes(4).toString('hex')}`;
  let attached = false;
  try {
    await conn.run(`ATTACH ${quoteString('duckdb', temp)} AS ${q(alias)}`);
    attached = true;
    await generateSampleCatalog(conn, alias, options.bigRows, {
      ...(small ? { tables: SAMPLE_TABLES.filter((t) => !t.big) } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    await conn.run(`CHECKPOINT ${q(alias)}`);
    await conn.run(`DETACH ${q(alias)}`);
    attached = false;
    fs.renameSync(temp, file);
  } catch (error) {
    if (attached) await conn.run(`DETACH ${q(alias)}`).catch(() => undefined);
    removeQuietly(temp);
    removeQuietly(`${temp}.wal`);
    throw error;
  }
  removeQuietly(`${temp}.wal`);
  // Once the full catalog exists the small one is no longer needed (an instance that still has it
  // attached keeps reading it until it closes).
  removeStaleFiles(options.stateDir, [
    path.basename(file),
    ...(small ? [path.basename(sampleCatalogFile({ ...options, part: 'full' }))] : []),
  ]);
  return { file, built: true, millis: Date.now() - started };
}

/**
 * Builds the full catalog file in a DuckDB instance of its own, on one thread, so the instance
 * that serves queries keeps its threads and its settings (it never needs to attach, write or change
 * configuration for this). Resolves with the file when it is complete.
 */
export async function buildFullSampleCatalogFile(
  options: Omit<EnsureOptions, 'part'> & { signal?: AbortSignal },
): Promise<{ file: string; built: boolean; millis: number }> {
  const { signal, ...ensure } = options;
  const instance = await DuckDBInstance.create(':memory:', {
    threads: '1',
    temp_directory: path.join(options.stateDir, 'tmp'),
  });
  try {
    const conn = await instance.connect();
    const stop = () => conn.interrupt();
    signal?.addEventListener('abort', stop, { once: true });
    try {
      if (signal?.aborted) throw new Error('The build was cancelled.');
      return await ensureSampleCatalogFile(conn, {
        ...ensure,
        part: 'full',
        onProgress: (p) => {
          // Stop between parts too (an interrupt only ends the statement that is running).
          if (signal?.aborted) throw new Error('The build was cancelled.');
          ensure.onProgress?.(p);
        },
      });
    } finally {
      signal?.removeEventListener('abort', stop);
      conn.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}
