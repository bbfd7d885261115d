/**
 * Builds the sample catalog into a DuckDB file under the state folder, once per generator version
 * and size. The file is written under a temporary name and renamed when complete, so a crash never
 * leaves half a catalog behind; a later start finds no file and builds again.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import type { DuckDBConnection } from '@duckdb/node-api';

import { quoteIdent, quoteQualified, quoteString } from '@/lib/sql/quote';

import { SAMPLE_SCHEMAS, SAMPLE_TABLES, duckdbTypeOf, sampleCatalogFileName } from './tables';

const q = (name: string) => quoteIdent('duckdb', name);
const STALE_TEMP_MS = 60 * 60 * 1000;

/**
 * The deterministic hash behind every generated value: a 32-bit integer mix of (row, salt), written
 * in plain SQL arithmetic so the data does not depend on DuckDB's internal hash function.
 */
const MACROS = [
  'CREATE OR REPLACE TEMP MACRO mix(x) AS ((xor(x >> 16, x) * 73244475) % 4294967296)',
  'CREATE OR REPLACE TEMP MACRO h(i, s) AS mix(mix((i * 2654435761 + s * 2246822519) % 4294967296))',
];

/** Creates every schema and table of the catalog in the attached database `alias`. */
export async function generateSampleCatalog(
  conn: DuckDBConnection,
  alias: string,
  bigRows: number,
): Promise<void> {
  for (const sql of MACROS) await conn.run(sql);
  for (const schema of SAMPLE_SCHEMAS) {
    await conn.run(`CREATE SCHEMA IF NOT EXISTS ${quoteQualified('duckdb', [alias, schema.name])}`);
  }
  for (const table of SAMPLE_TABLES) {
    const name = quoteQualified('duckdb', [alias, table.schema, table.name]);
    const columns = table.columns.map((c) => `${q(c.name)} ${duckdbTypeOf(c.type)}`).join(', ');
    await conn.run(`CREATE TABLE ${name} (${columns})`);
    await conn.run(`INSERT INTO ${name} ${table.select(table.rows(bigRows))}`);
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
function removeStaleFiles(stateDir: string, keep: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(stateDir);
  } catch {
    return;
  }
  const now = Date.now();
  for (const name of names) {
    if (!name.startsWith('samples-v') || name === keep) continue;
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

/**
 * The path of the sample catalog file for this size, building it first when it does not exist.
 * `conn` is a connection of the instance that will attach the file afterwards.
 */
export async function ensureSampleCatalogFile(
  conn: DuckDBConnection,
  options: { stateDir: string; bigRows: number },
): Promise<{ file: string; built: boolean; millis: number }> {
  const started = Date.now();
  const fileName = sampleCatalogFileName(options.bigRows);
  const file = path.join(options.stateDir, fileName);
  if (fs.existsSync(file)) return { file, built: false, millis: 0 };

  fs.mkdirSync(options.stateDir, { recursive: true });
  const temp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const alias = `samples_build_${randomBytes(4).toString('hex')}`;
  let attached = false;
  try {
    await conn.run(`ATTACH ${quoteString('duckdb', temp)} AS ${q(alias)}`);
    attached = true;
    await generateSampleCatalog(conn, alias, options.bigRows);
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
  removeStaleFiles(options.stateDir, fileName);
  return { file, built: true, millis: Date.now() - started };
}
