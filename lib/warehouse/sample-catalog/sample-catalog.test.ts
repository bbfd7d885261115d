import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ensureSampleCatalogFile } from './build';
import { DEFECTS, FUTURE_AFTER, LATEST_VALID_DATE } from './defects';
import { renderSampleDataDoc } from './doc';
import { SAMPLE_TABLES, sampleCatalogFileName } from './tables';

let root: string;
let instance: DuckDBInstance;
let conn: DuckDBConnection;

async function scalar(sql: string): Promise<unknown> {
  return (await conn.runAndReadAll(sql)).getRowsJS()[0]?.[0];
}

/** Builds a catalog of the given size in its own folder and attaches it under `alias`. */
async function build(alias: string, bigRows: number) {
  const stateDir = path.join(root, alias);
  const result = await ensureSampleCatalogFile(conn, { stateDir, bigRows });
  await conn.run(`ATTACH '${result.file}' AS ${alias} (READ_ONLY)`);
  return { stateDir, ...result };
}

/** A fingerprint of a table's full contents, in row order. */
async function fingerprint(alias: string, schema: string, table: string): Promise<string> {
  return String(
    await scalar(`SELECT md5(string_agg(CAST(t AS VARCHAR), chr(10))) FROM ${alias}.${schema}.${table} t`),
  );
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'dqx-samples-'));
  instance = await DuckDBInstance.create(':memory:');
  conn = await instance.connect();
});

afterAll(() => {
  conn?.closeSync();
  instance?.closeSync();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('sample catalog', () => {
  it('builds the same data twice, file written once and reused', async () => {
    const a = await build('samples', 2500);
    const b = await build('copy', 2500);
    expect(a.built && b.built).toBe(true);
    expect(path.basename(a.file)).toBe(sampleCatalogFileName(2500));
    for (const t of SAMPLE_TABLES) {
      expect(await fingerprint('copy', t.schema, t.name), `${t.schema}.${t.name}`).toBe(
        await fingerprint('samples', t.schema, t.name),
      );
    }
    // A second start finds the file and does not build again; no temporary files are left.
    const again = await ensureSampleCatalogFile(conn, { stateDir: a.stateDir, bigRows: 2500 });
    expect(again).toMatchObject({ file: a.file, built: false });
    expect(fs.readdirSync(a.stateDir)).toEqual([path.basename(a.file)]);
  });

  it('has the documented shape: schemas, tables, row counts and column types', async () => {
    expect(new Set(SAMPLE_TABLES.map((t) => t.schema)).size).toBeGreaterThanOrEqual(3);
    expect(SAMPLE_TABLES.length).toBeGreaterThanOrEqual(8);
    for (const t of SAMPLE_TABLES) {
      expect(Number(await scalar(`SELECT count(*) FROM samples.${t.schema}.${t.name}`)), t.name).toBe(
        t.rows(2500),
      );
    }
    const types = new Set(SAMPLE_TABLES.flatMap((t) => t.columns.map((c) => c.type.replace(/[<(].*/, ''))));
    for (const needed of [
      'string',
      'int',
      'bigint',
      'decimal',
      'double',
      'boolean',
      'date',
      'timestamp',
      'array',
      'struct',
      'map',
    ]) {
      expect(types, needed).toContain(needed);
    }
  });

  it('plants every defect with its exact count', async () => {
    for (const d of DEFECTS) {
      const [schema, table] = d.table.split('.');
      const found = Number(
        await scalar(`SELECT count(*) FROM samples.${schema}.${table} AS t WHERE ${d.where}`),
      );
      expect(found, d.id).toBe(d.count);
    }
  });

  it('keeps regular dates before the fixed cut-off and planted ones after it', async () => {
    const latest = await scalar(`SELECT CAST(greatest(
        (SELECT max(signup_date) FROM samples.sales.customers WHERE signup_date < DATE '${FUTURE_AFTER}'),
        (SELECT max(CAST(order_ts AS DATE)) FROM samples.sales.orders WHERE order_ts < TIMESTAMP '${FUTURE_AFTER}'),
        (SELECT max(CAST(reading_ts AS DATE)) FROM samples.iot.sensor_readings WHERE reading_ts < TIMESTAMP '${FUTURE_AFTER}'),
        (SELECT max(hire_date) FROM samples.hr.employees WHERE hire_date < DATE '${FUTURE_AFTER}')) AS VARCHAR)`);
    expect(String(latest) <= LATEST_VALID_DATE, String(latest)).toBe(true);
    expect(String(latest) >= '2025-06-01').toBe(true);
  });

  it('keeps the defect counts when the big table has another size', async () => {
    await build('small', 1000);
    for (const d of DEFECTS) {
      const [schema, table] = d.table.split('.');
      const where = d.where.replaceAll('samples.', 'small.');
      const found = Number(await scalar(`SELECT count(*) FROM small.${schema}.${table} AS t WHERE ${where}`));
      expect(found, d.id).toBe(d.count);
    }
  });

  it('leaves no file behind when a build fails half-way', async () => {
    const stateDir = path.join(root, 'failing');
    // Zero rows is refused by the configuration; here it makes the generator throw at the third
    // table, after the first two were written into the temporary file.
    await expect(ensureSampleCatalogFile(conn, { stateDir, bigRows: 0 })).rejects.toThrow();
    expect(fs.readdirSync(stateDir)).toEqual([]);
    const attached = await conn.runAndReadAll(
      "SELECT database_name FROM duckdb_databases() WHERE database_name LIKE 'samples_build%'",
    );
    expect(attached.getRows()).toEqual([]);
  });
});

describe('docs/sample-data.md', () => {
  const docPath = path.join(__dirname, '..', '..', '..', 'docs', 'sample-data.md');

  it('is up to date with the catalog definition (run `npm run docs:sample-data`)', () => {
    expect(fs.readFileSync(docPath, 'utf8')).toBe(renderSampleDataDoc());
  });

  it('documents every table and every defect with the count the data has', async () => {
    const doc = fs.readFileSync(docPath, 'utf8');
    for (const t of SAMPLE_TABLES) expect(doc).toContain(`### samples.${t.schema}.${t.name}`);
    const rows = doc
      .split('\n')
      .filter((l) => /^\| `[a-z_]+` \| `[a-z_]+\.[a-z_]+` \|/.test(l))
      .map((l) => l.split(' | '));
    expect(rows).toHaveLength(DEFECTS.length);
    for (const cells of rows) {
      const id = cells[0]!.replace(/[|` ]/g, '');
      const table = cells[1]!.replaceAll('`', '');
      const count = Number(cells[4]!.replaceAll(',', ''));
      const defect = DEFECTS.find((d) => d.id === id);
      expect(defect, id).toBeDefined();
      const [schema, name] = table.split('.');
      const found = Number(
        await scalar(`SELECT count(*) FROM samples.${schema}.${name} AS t WHERE ${defect!.where}`),
      );
      expect(found, id).toBe(count);
    }
  });
});
