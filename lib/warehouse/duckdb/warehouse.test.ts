import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { AppError } from '@/lib/errors';

import { SAMPLE_TABLES } from '../sample-catalog/tables';

import { createDuckDbWarehouse, type DuckDbWarehouse } from './warehouse';

let root: string;
let dataDir: string;
let wh: DuckDbWarehouse;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'dqx-wh-'));
  dataDir = path.join(root, 'data');
  fs.mkdirSync(path.join(dataDir, 'finance'), { recursive: true });
  fs.mkdirSync(path.join(dataDir, '.hidden'), { recursive: true });
  fs.writeFileSync(path.join(dataDir, 'people.csv'), 'id,name,joined\n1,Ada,2024-01-02\n2,,2024-02-03\n');
  fs.writeFileSync(path.join(dataDir, 'finance', 'Q1 Budget (final).json'), '[{"dept":"it","amount":12.5}]');
  fs.writeFileSync(path.join(dataDir, '.hidden', 'secret.csv'), 'a\n1\n');
  fs.writeFileSync(path.join(dataDir, 'notes.txt'), 'not a table');
  fs.writeFileSync(path.join(dataDir, 'finance', "O'Brien's ledger.csv"), 'x\n1\n');
  wh = createDuckDbWarehouse({
    dataDir,
    stateDir: path.join(dataDir, '.dqx'),
    sampleCatalog: true,
    sampleBigRows: 2000,
    rescanIntervalMs: 0,
  });
  await wh.ping();
});

afterAll(() => {
  wh?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('catalogs, schemas and tables', () => {
  it('lists the sample catalog and the local files catalog, not DuckDB internals', async () => {
    const names = (await wh.listCatalogs()).map((c) => c.name);
    expect(names).toEqual(['local', 'samples']);
    const samples = (await wh.listCatalogs()).find((c) => c.name === 'samples');
    expect(samples?.comment).toMatch(/sample data/i);
  });

  it('lists the sample schemas with comments and without the empty main schema', async () => {
    const schemas = await wh.listSchemas('samples');
    expect(schemas.map((s) => s.name)).toEqual(['hr', 'iot', 'sales', 'web']);
    expect(schemas.find((s) => s.name === 'sales')?.comment).toMatch(/online shop/);
    expect(await wh.listSchemas('SAMPLES')).toHaveLength(4);
    expect(await wh.listSchemas('nope')).toEqual([]);
  });

  it('lists tables with comments', async () => {
    const tables = await wh.listTables('samples', 'sales');
    expect(tables.map((t) => t.full_name)).toEqual([
      'samples.sales.customers',
      'samples.sales.orders',
      'samples.sales.products',
    ]);
    expect(tables[1]).toMatchObject({ kind: 'table', comment: expect.stringMatching(/one row per order/) });
  });
});

describe('describeTable', () => {
  it('reports Spark types, comments and the row count of every sample table', async () => {
    for (const def of SAMPLE_TABLES) {
      const table = await wh.describeTable({ catalog: 'samples', schema: def.schema, table: def.name });
      expect(table, def.name).not.toBeNull();
      expect(table!.columns.map((c) => [c.name, c.type, c.comment])).toEqual(
        def.columns.map((c) => [c.name, c.type, c.comment]),
      );
      expect(table!.row_count).toBe(def.rows(2000));
      expect(table!.comment).toBe(def.comment);
    }
  });

  it('keeps DuckDB type names for display and finds tables whatever the case', async () => {
    const orders = await wh.describeTable({ catalog: 'Samples', schema: 'SALES', table: 'Orders' });
    expect(orders?.full_name).toBe('samples.sales.orders');
    const amount = orders?.columns.find((c) => c.name === 'amount');
    expect(amount).toMatchObject({ type: 'decimal(12,2)', native_type: 'DECIMAL(12,2)', position: 6 });
  });

  it('returns null for an unknown table and 404 for its sample', async () => {
    expect(await wh.describeTable({ catalog: 'samples', schema: 'sales', table: 'nope' })).toBeNull();
    expect(await wh.describeTable({ catalog: 'nope', schema: 'sales', table: 'orders' })).toBeNull();
    await expect(
      wh.sampleRows({ catalog: 'samples', schema: 'sales', table: 'nope' }, 5),
    ).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});

describe('query and values', () => {
  it('converts values to JSON-safe cells and types to Spark types', async () => {
    const result = await wh.query(`SELECT
      12.50::DECIMAL(10,2) AS price,
      9007199254740993::BIGINT AS big,
      42::BIGINT AS small,
      1.5::DOUBLE AS d,
      'NaN'::DOUBLE AS nan,
      DATE '2024-01-02' AS day,
      TIMESTAMP '2024-01-02 03:04:05.123' AS ts,
      TIMESTAMPTZ '2024-01-02 03:04:05+00' AS tstz,
      [1, NULL, 3] AS nums,
      {'a': 1, 'b': 'x', 'c': [DATE '2024-01-01']} AS s,
      MAP {'k': 2.25::DECIMAL(5,2)} AS m,
      NULL::VARCHAR AS nothing,
      TRUE AS yes`);
    expect(result.columns).toEqual([
      { name: 'price', type: 'decimal(10,2)' },
      { name: 'big', type: 'bigint' },
      { name: 'small', type: 'bigint' },
      { name: 'd', type: 'double' },
      { name: 'nan', type: 'double' },
      { name: 'day', type: 'date' },
      { name: 'ts', type: 'timestamp' },
      { name: 'tstz', type: 'timestamp' },
      { name: 'nums', type: 'array<int>' },
      { name: 's', type: 'struct<a:int,b:string,c:array<date>>' },
      { name: 'm', type: 'map<string,decimal(5,2)>' },
      { name: 'nothing', type: 'string' },
      { name: 'yes', type: 'boolean' },
    ]);
    expect(result.rows[0]).toEqual([
      '12.50',
      '9007199254740993',
      42,
      1.5,
      'NaN',
      '2024-01-02',
      '2024-01-02 03:04:05.123',
      '2024-01-02 03:04:05+00',
      [1, null, 3],
      { a: 1, b: 'x', c: ['2024-01-01'] },
      { k: '2.25' },
      null,
      true,
    ]);
    expect(JSON.parse(JSON.stringify(result.rows))).toEqual(result.rows);
  });

  it('stops reading at maxRows', async () => {
    const result = await wh.query('SELECT * FROM range(100000)', { maxRows: 5 });
    expect(result.rows).toHaveLength(5);
  });

  it('streams every row of a result in chunks, and refuses anything but one SELECT', async () => {
    const sizes: number[] = [];
    let sum = 0;
    for await (const chunk of wh.stream('SELECT i FROM range(10000) t(i)')) {
      sizes.push(chunk.rows.length);
      for (const row of chunk.rows) sum += Number(row[0]);
    }
    expect(sizes.length).toBeGreaterThan(1);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(10_000);
    expect(sum).toBe((9999 * 10_000) / 2);
    const drain = async (sql: string) => {
      for await (const chunk of wh.stream(sql)) void chunk;
    };
    await expect(drain('SELECT 1; SELECT 2')).rejects.toThrow(/Only a single SELECT statement/);
    await expect(drain('CREATE TABLE streamed AS SELECT 1 AS x')).rejects.toThrow(/Only a single SELECT statement/);
  });

  it('samples rows in table order, HTML-looking text untouched', async () => {
    const sample = await wh.sampleRows({ catalog: 'samples', schema: 'web', table: 'reviews' }, 3);
    expect(sample.rows).toHaveLength(3);
    const body = sample.columns.findIndex((c) => c.name === 'body');
    expect(sample.rows[1]![body]).toBe('<script>alert(1)</script>');
  });

  it('quotes identifiers, so odd names work and cannot inject SQL', async () => {
    await wh.engine.withConnection((c) =>
      c.run(
        `ATTACH ':memory:' AS odd; CREATE SCHEMA odd."we""ird"; CREATE TABLE odd."we""ird"."x; DROP TABLE y" (v INT); INSERT INTO odd."we""ird"."x; DROP TABLE y" VALUES (7)`,
      ),
    );
    const ref = { catalog: 'odd', schema: 'we"ird', table: 'x; DROP TABLE y' };
    expect((await wh.describeTable(ref))?.row_count).toBe(1);
    expect((await wh.sampleRows(ref, 10)).rows).toEqual([[7]]);
    await wh.engine.withConnection((c) => c.run('DETACH odd'));
  });
});

describe('search', () => {
  it('finds a table by part of its name, best match first', async () => {
    const found = await wh.searchTables('revi', 10);
    expect(found[0]?.full_name).toBe('samples.web.reviews');
    expect((await wh.searchTables('SALES ord', 10)).map((t) => t.full_name)).toEqual(['samples.sales.orders']);
    expect((await wh.searchTables('sales.cust', 10)).map((t) => t.full_name)).toEqual([
      'samples.sales.customers',
    ]);
    expect(await wh.searchTables('no-such-table-anywhere', 10)).toEqual([]);
  });

  it('treats LIKE wildcards as text', async () => {
    expect(await wh.searchTables('%', 10)).toEqual([]);
    expect(await wh.searchTables('_', 50)).not.toHaveLength(0); // sensor_readings has an underscore
    expect((await wh.searchTables('_', 50)).every((t) => t.full_name.includes('_'))).toBe(true);
  });

  it('stays usable with thousands of tables', async () => {
    const ddl = Array.from(
      { length: 5000 },
      (_, i) => `CREATE TABLE big.main.t_${String(i).padStart(4, '0')} (id INT);`,
    );
    await wh.engine.withConnection((c) => c.run(`ATTACH ':memory:' AS big; ${ddl.join('\n')}`));
    try {
      expect(await wh.listTables('big', 'main')).toHaveLength(5000);
      const exact = await wh.searchTables('t_4321', 20);
      expect(exact[0]?.full_name).toBe('big.main.t_4321');
      const many = await wh.searchTables('t_4', 20);
      expect(many).toHaveLength(20);
      expect(many.every((t) => t.table.startsWith('t_4'))).toBe(true);
      expect(await wh.searchTables('', 25)).toHaveLength(25);
    } finally {
      await wh.engine.withConnection((c) => c.run('DETACH big'));
    }
  });
});

describe('local files', () => {
  it('shows files as tables of catalog local, one schema per folder, hidden folders ignored', async () => {
    expect((await wh.listSchemas('local')).map((s) => s.name)).toEqual(['default', 'finance']);
    expect((await wh.listTables('local', 'default')).map((t) => t.table)).toEqual(['people']);
    const finance = await wh.listTables('local', 'finance');
    expect(finance).toEqual([
      expect.objectContaining({ full_name: 'local.finance.o_brien_s_ledger', kind: 'file' }),
      expect.objectContaining({
        full_name: 'local.finance.q1_budget_final',
        kind: 'file',
        comment: 'File finance/Q1 Budget (final).json',
      }),
    ]);
    // A quote in the file name is quoted in SQL, not pasted.
    expect(
      (await wh.describeTable({ catalog: 'local', schema: 'finance', table: 'o_brien_s_ledger' }))?.row_count,
    ).toBe(1);
    const people = await wh.describeTable({ catalog: 'local', schema: 'default', table: 'people' });
    expect(people?.columns.map((c) => [c.name, c.type])).toEqual([
      ['id', 'bigint'],
      ['name', 'string'],
      ['joined', 'date'],
    ]);
    expect(people?.row_count).toBe(2);
    expect((await wh.sampleRows({ catalog: 'local', schema: 'default', table: 'people' }, 10)).rows).toEqual([
      [1, 'Ada', '2024-01-02'],
      [2, null, '2024-02-03'],
    ]);
  });

  it('shows a file added while running, without a restart', async () => {
    const before = await wh.listingVersion();
    fs.writeFileSync(path.join(dataDir, 'late_arrival.ndjson'), '{"a":1}\n{"a":2}\n{"a":3}\n');
    // describe works at once, even before any listing noticed the file
    const late = await wh.describeTable({ catalog: 'local', schema: 'default', table: 'late_arrival' });
    expect(late?.row_count).toBe(3);
    expect(await wh.listingVersion()).not.toBe(before);
    expect((await wh.searchTables('late', 5)).map((t) => t.full_name)).toEqual(['local.default.late_arrival']);

    // Parquet, in a new folder, written by DuckDB itself.
    fs.mkdirSync(path.join(dataDir, 'lake'));
    const parquet = path.join(dataDir, 'lake', 'metrics.parquet');
    // The serving instance may not write files: another DuckDB instance writes it.
    const writer = await DuckDBInstance.create(':memory:');
    const conn = await writer.connect();
    await conn.run(
      `COPY (SELECT range AS n, range * 1.5 AS v FROM range(4)) TO '${parquet}' (FORMAT parquet)`,
    );
    conn.closeSync();
    writer.closeSync();
    expect((await wh.listTables('local', 'lake')).map((t) => t.table)).toEqual(['metrics']);
    expect((await wh.describeTable({ catalog: 'local', schema: 'lake', table: 'metrics' }))?.row_count).toBe(
      4,
    );

    fs.rmSync(path.join(dataDir, 'late_arrival.ndjson'));
    expect((await wh.searchTables('late', 5)).map((t) => t.full_name)).toEqual([]);
    expect(await wh.describeTable({ catalog: 'local', schema: 'default', table: 'late_arrival' })).toBeNull();
  });

  it('reports a file it cannot read with a clear error instead of failing', async () => {
    fs.writeFileSync(path.join(dataDir, 'broken.parquet'), 'this is not parquet');
    const listed = await wh.listTables('local', 'default');
    expect(listed.find((t) => t.table === 'broken')?.comment).toMatch(
      /^Cannot be read: The file broken\.parquet cannot be read/,
    );
    const attempt = wh.describeTable({ catalog: 'local', schema: 'default', table: 'broken' });
    await expect(attempt).rejects.toBeInstanceOf(AppError);
    await expect(attempt).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('broken.parquet'),
    });
    expect((await wh.listCatalogs()).map((c) => c.name)).toContain('local'); // still working
    expect((await wh.describeTable({ catalog: 'local', schema: 'default', table: 'people' }))?.row_count).toBe(
      2,
    );

    // A file that breaks after it was read fine is reported the same way.
    const later = path.join(dataDir, 'later.csv');
    fs.writeFileSync(later, 'a,b\n1,2\n');
    expect((await wh.describeTable({ catalog: 'local', schema: 'default', table: 'later' }))?.row_count).toBe(
      1,
    );
    fs.rmSync(later);
    fs.mkdirSync(later); // same name, now unreadable, before a rescan noticed
    await expect(
      wh.sampleRows({ catalog: 'local', schema: 'default', table: 'later' }, 5),
    ).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('later.csv'),
    });
    fs.rmSync(later, { recursive: true });
  });
});
