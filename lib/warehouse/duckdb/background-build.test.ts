import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { AppError } from '@/lib/errors';

import { createDuckDbWarehouse, sampleAvailability, type DuckDbWarehouse } from './warehouse';

/**
 * The first start with a big sample table: the app answers from the small tables at once, the big
 * one is listed with its progress and refused with a clear message until the background build is
 * done, then it is simply there (real DuckDB, real files).
 */
const ORDERS = { catalog: 'samples', schema: 'sales', table: 'orders' };
const BIG_ROWS = 300_000;

let root: string;
const open: DuckDbWarehouse[] = [];

function warehouse(name: string, bigRows = BIG_ROWS, backgroundBuildMinRows = 1000): DuckDbWarehouse {
  const dataDir = path.join(root, 'data');
  const wh = createDuckDbWarehouse({
    dataDir,
    stateDir: path.join(root, name),
    sampleCatalog: true,
    sampleBigRows: bigRows,
    rescanIntervalMs: 0,
    backgroundBuildMinRows,
  });
  open.push(wh);
  return wh;
}

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'dqx-bg-'));
  fs.mkdirSync(path.join(root, 'data'), { recursive: true });
  fs.writeFileSync(path.join(root, 'data', 'people.csv'), 'id,name\n1,Ada\n2,Grace\n');
});

afterAll(() => {
  for (const wh of open) wh.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('the big sample table built in the background', () => {
  it('answers at once, lists the big table with its progress, refuses it clearly, then serves it', async () => {
    const wh = warehouse('state');
    await wh.ping();
    expect(wh.engine.sampleStatus().state).toBe('preparing');

    // Listed (search and schema listing) with its progress, next to the tables that are ready.
    const found = await wh.searchTables('sales', 20);
    const orders = found.find((t) => t.full_name === 'samples.sales.orders');
    expect(orders?.availability?.state).toBe('preparing');
    expect(orders?.availability?.progress).toBeGreaterThanOrEqual(0);
    expect(orders?.availability?.progress).toBeLessThan(1);
    expect(orders?.availability?.message).toMatch(
      /^samples\.sales\.orders is being prepared: \d+% \([\d,]+ of 300,000 rows\)/,
    );
    expect(found.find((t) => t.full_name === 'samples.sales.customers')?.availability).toBeUndefined();
    expect((await wh.listTables('samples', 'sales')).map((t) => t.table)).toEqual([
      'customers',
      'orders',
      'products',
    ]);

    // Every way of reading it says it is being prepared (503), never "does not exist".
    const refusal = await wh.describeTable(ORDERS).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(AppError);
    expect((refusal as AppError).code).toBe('unavailable');
    expect((refusal as AppError).message).toMatch(/being prepared/);
    expect((refusal as AppError).details).toMatchObject({
      table: 'samples.sales.orders',
      availability: { state: 'preparing' },
    });
    await expect(wh.sampleRows(ORDERS, 5)).rejects.toMatchObject({ code: 'unavailable' });
    await expect(wh.query('SELECT count(*) FROM "samples"."sales"."orders"')).rejects.toMatchObject({
      code: 'unavailable',
    });

    // Everything else works meanwhile.
    expect(
      (await wh.describeTable({ catalog: 'samples', schema: 'sales', table: 'customers' }))?.row_count,
    ).toBe(5012);
    expect((await wh.describeTable({ catalog: 'local', schema: 'default', table: 'people' }))?.row_count).toBe(
      2,
    );
    const versionWhilePreparing = await wh.listingVersion();

    // A file added while the build runs: the locked instance is replaced by one that may read it,
    // and the take-over at the end of the build keeps it (and stays locked).
    fs.writeFileSync(path.join(root, 'data', 'during_build.csv'), 'k\n1\n2\n3\n');
    expect(
      (await wh.describeTable({ catalog: 'local', schema: 'default', table: 'during_build' }))?.row_count,
    ).toBe(3);

    // A connection taken before the take-over keeps working on the old instance until it is done.
    const held = wh.engine.withConnection(async (conn) => {
      await wh.engine.whenSampleCatalogSettled();
      return (await conn.runAndReadAll('SELECT count(*) FROM samples.sales.customers')).getRowsJS()[0]?.[0];
    });
    await wh.engine.whenSampleCatalogSettled();
    expect(Number(await held)).toBe(5012);

    expect(wh.engine.sampleStatus().state).toBe('ready');
    expect((await wh.describeTable(ORDERS))?.row_count).toBe(BIG_ROWS);
    expect(
      (await wh.searchTables('orders', 5)).find((t) => t.full_name === 'samples.sales.orders')?.availability,
    ).toBeUndefined();
    // The data folder's tables are there in the new instance too.
    expect((await wh.describeTable({ catalog: 'local', schema: 'default', table: 'people' }))?.row_count).toBe(
      2,
    );
    expect(
      (await wh.describeTable({ catalog: 'local', schema: 'default', table: 'during_build' }))?.row_count,
    ).toBe(3);
    await expect(wh.query(`SELECT * FROM read_text('/etc/hostname')`)).rejects.toThrow(
      /file system operations are disabled by configuration/,
    );
    await expect(wh.engine.withConnection((c) => c.run(`SET enable_external_access = true`))).rejects.toThrow(
      /configuration has been locked/,
    );
    expect(await wh.listingVersion()).not.toBe(versionWhilePreparing);
    // Only the full catalog file is left.
    expect(fs.readdirSync(path.join(root, 'state')).filter((f) => f.startsWith('samples-'))).toEqual([
      `samples-v2-r${BIG_ROWS}.duckdb`,
    ]);
  });

  it('a later start attaches the full file at once', async () => {
    const wh = warehouse('state');
    await wh.ping();
    expect(wh.engine.sampleStatus().state).toBe('ready');
    expect((await wh.describeTable(ORDERS))?.row_count).toBe(BIG_ROWS);
  });

  it('a failed build is reported as such, and the rest of the catalog keeps working', async () => {
    // Zero rows makes the generator fail on the big table (the configuration refuses it).
    const wh = warehouse('failing', 0, 0);
    await wh.ping();
    await wh.engine.whenSampleCatalogSettled();
    expect(wh.engine.sampleStatus().state).toBe('failed');
    const orders = (await wh.searchTables('orders', 5)).find((t) => t.full_name === 'samples.sales.orders');
    expect(orders?.availability).toMatchObject({ state: 'failed', progress: null });
    expect(orders?.availability?.message).toMatch(/could not be prepared .*restart the app/);
    await expect(wh.describeTable(ORDERS)).rejects.toMatchObject({ code: 'unavailable' });
    expect(
      (await wh.describeTable({ catalog: 'samples', schema: 'sales', table: 'customers' }))?.row_count,
    ).toBe(5012);
  });
});

describe('sampleAvailability', () => {
  it('says how far the build is and, once it can tell, how long it still takes', () => {
    const start = 1_000_000;
    const early = sampleAvailability(
      { state: 'preparing', table: 't', rowsDone: 0, rowsTotal: 100, startedAt: start },
      start + 500,
    );
    expect(early).toMatchObject({ state: 'preparing', progress: 0 });
    expect(early?.message).toMatch(/^t is being prepared: 0% \(0 of 100 rows\)\. /);
    const half = sampleAvailability(
      { state: 'preparing', table: 't', rowsDone: 500_000, rowsTotal: 1_000_000, startedAt: start },
      start + 10_000,
    );
    expect(half?.message).toMatch(/50% \(500,000 of 1,000,000 rows\), about 10 s left\./);
    expect(sampleAvailability({ state: 'ready' })).toBeNull();
  });
});
