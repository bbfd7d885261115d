import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type { Caller } from '@/lib/auth/caller';
import { createDuckDbWarehouse, type DuckDbWarehouse } from '@/lib/warehouse/duckdb';
import type { Warehouse } from '@/lib/warehouse/port';
import { appError } from '@/tests/support/app-error';

import { createCatalogService, MAX_CELL_CHARS, type CatalogService } from './catalog';

const ada: Caller = {
  id: 'ada',
  displayName: 'Ada',
  email: undefined,
  mode: 'local',
  requestId: undefined,
  token: undefined,
};
const bob: Caller = { ...ada, id: 'bob', displayName: 'Bob' };

let root: string;
let dataDir: string;
let duck: DuckDbWarehouse;
let calls: Record<string, number>;
let clock: number;
let service: CatalogService;

/** The real warehouse, counting the calls that reach it. */
function counting(wh: Warehouse): Warehouse {
  return new Proxy(wh, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function' || prop === 'listingVersion') return value;
      return (...args: unknown[]) => {
        calls[String(prop)] = (calls[String(prop)] ?? 0) + 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'dqx-catalog-'));
  dataDir = path.join(root, 'data');
  fs.mkdirSync(dataDir);
  fs.writeFileSync(
    path.join(dataDir, 'long_text.csv'),
    `id,text\n1,${'x'.repeat(MAX_CELL_CHARS + 500)}\n2,\n`,
  );
  duck = createDuckDbWarehouse({
    dataDir,
    stateDir: path.join(dataDir, '.dqx'),
    sampleCatalog: true,
    sampleBigRows: 1000,
    rescanIntervalMs: 0,
  });
  await duck.ping();
});

afterAll(() => {
  duck?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

beforeEach(() => {
  calls = {};
  clock = 1_000_000;
  const wh = counting(duck);
  service = createCatalogService({
    warehouseFor: () => wh,
    cacheSeconds: 60,
    previewRows: 7,
    now: () => clock,
  });
});

describe('listings', () => {
  it('lists catalogs, schemas and tables', async () => {
    expect((await service.listCatalogs(ada)).map((c) => c.name)).toEqual(['local', 'samples']);
    expect((await service.listSchemas(ada, 'samples')).map((s) => s.name)).toEqual([
      'hr',
      'iot',
      'sales',
      'web',
    ]);
    expect((await service.listTables(ada, 'samples', 'iot')).map((t) => t.full_name)).toEqual([
      'samples.iot.devices',
      'samples.iot.sensor_readings',
    ]);
    expect((await service.listTables(ada, 'SAMPLES', 'Iot')).length).toBe(2);
  });

  it('answers 404 for unknown catalogs and schemas, 400 for invalid names', async () => {
    expect(await appError(service.listSchemas(ada, 'nope'))).toMatchObject({
      status: 404,
      message: expect.stringContaining("'nope'"),
    });
    expect(await appError(service.listTables(ada, 'samples', 'nope'))).toMatchObject({ status: 404 });
    expect(await appError(service.listTables(ada, 'nope', 'sales'))).toMatchObject({ status: 404 });
    expect(await appError(service.listSchemas(ada, 'a.b'))).toMatchObject({ status: 400 });
    expect(await appError(service.listTables(ada, 'samples', 'bad name'))).toMatchObject({ status: 400 });
  });

  it('answers from the cache per caller until the TTL ends', async () => {
    await service.listCatalogs(ada);
    await service.listCatalogs(ada);
    await service.listSchemas(ada, 'samples');
    await service.listSchemas(ada, 'samples');
    expect(calls).toMatchObject({ listCatalogs: 1, listSchemas: 1 });

    await service.listCatalogs(bob); // another caller never gets ada's entry
    expect(calls.listCatalogs).toBe(2);

    clock += 61_000;
    await service.listCatalogs(ada);
    expect(calls.listCatalogs).toBe(3);
  });

  it('shares one load between concurrent callers of the same listing', async () => {
    await Promise.all([
      service.searchTables(ada, 'order'),
      service.searchTables(ada, 'order'),
      service.searchTables(ada, ' ORDER '),
    ]);
    expect(calls.searchTables).toBe(1);
  });

  it('reloads at once when the data folder changes', async () => {
    const before = await service.searchTables(ada, 'fresh_file');
    expect(before).toEqual([]);
    fs.writeFileSync(path.join(dataDir, 'fresh_file.csv'), 'a\n1\n');
    try {
      const after = await service.searchTables(ada, 'fresh_file');
      expect(after.map((t) => t.full_name)).toEqual(['local.default.fresh_file']);
    } finally {
      fs.rmSync(path.join(dataDir, 'fresh_file.csv'));
    }
  });

  it('does not remember that a table was missing', async () => {
    const ref = { catalog: 'local', schema: 'default', table: 'just_added' };
    await expect(service.describeTable(ada, ref)).rejects.toMatchObject({ code: 'not_found' });
    fs.writeFileSync(path.join(dataDir, 'just_added.csv'), 'a\n1\n');
    try {
      expect((await service.describeTable(ada, ref)).row_count).toBe(1);
    } finally {
      fs.rmSync(path.join(dataDir, 'just_added.csv'));
    }
  });

  it('does not cache failures', async () => {
    let fail = true;
    const flaky: Warehouse = new Proxy(duck, {
      get(target, prop, receiver) {
        if (prop === 'listCatalogs' && fail) return () => Promise.reject(new Error('warehouse down'));
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
    const s = createCatalogService({ warehouseFor: () => flaky, cacheSeconds: 60, previewRows: 5 });
    await expect(s.listCatalogs(ada)).rejects.toThrow('warehouse down');
    fail = false;
    expect((await s.listCatalogs(ada)).length).toBe(2);
  });
});

describe('search', () => {
  it('refuses limits and queries out of range', async () => {
    expect(await appError(service.searchTables(ada, 'x', 0))).toMatchObject({ status: 400 });
    expect(await appError(service.searchTables(ada, 'x', 101))).toMatchObject({ status: 400 });
    expect(await appError(service.searchTables(ada, 'x'.repeat(201)))).toMatchObject({ status: 400 });
  });

  it('finds tables by part of the name', async () => {
    expect((await service.searchTables(ada, 'sensor', 5)).map((t) => t.full_name)).toEqual([
      'samples.iot.sensor_readings',
    ]);
  });
});

describe('describe and sample', () => {
  it('describes a table and answers 404 for an unknown one', async () => {
    const t = await service.describeTable(ada, { catalog: 'samples', schema: 'sales', table: 'orders' });
    expect(t.row_count).toBe(1000);
    expect(
      await appError(service.describeTable(ada, { catalog: 'samples', schema: 'sales', table: 'nope' })),
    ).toMatchObject({
      status: 404,
      message: "Table 'samples.sales.nope' was not found, or you do not have access to it.",
    });
  });

  it('returns every value as display text and keeps nulls as null', async () => {
    const sample = await service.sampleTable(ada, { catalog: 'samples', schema: 'web', table: 'reviews' });
    expect(sample.limit).toBe(7); // the configured preview size
    expect(sample.rows).toHaveLength(7);
    for (const row of sample.rows)
      for (const value of row) expect(value === null || typeof value === 'string').toBe(true);
    const body = sample.columns.findIndex((c) => c.name === 'body');
    expect(sample.rows[1]![body]).toBe('<script>alert(1)</script>');

    const customers = await service.sampleTable(
      ada,
      { catalog: 'samples', schema: 'sales', table: 'customers' },
      3,
    );
    const col = (name: string) => customers.columns.findIndex((c) => c.name === name);
    expect(customers.rows[0]![col('full_name')]).toBeNull();
    expect(JSON.parse(customers.rows[0]![col('address')]!)).toHaveProperty('city');
    expect(customers.rows[0]![col('lifetime_value')]).toMatch(/^\d+\.\d\d$/);
  });

  it('cuts very long values and says so', async () => {
    const sample = await service.sampleTable(ada, {
      catalog: 'local',
      schema: 'default',
      table: 'long_text',
    });
    expect(sample.truncated).toBe(true);
    expect(sample.rows[0]![1]).toHaveLength(MAX_CELL_CHARS + 1);
    expect(sample.rows[1]![1]).toBeNull();
  });

  it('refuses a sample limit out of range', async () => {
    const ref = { catalog: 'samples', schema: 'web', table: 'reviews' };
    expect(await appError(service.sampleTable(ada, ref, 0))).toMatchObject({ status: 400 });
    expect(await appError(service.sampleTable(ada, ref, 1001))).toMatchObject({ status: 400 });
    expect((await service.sampleTable(ada, ref, 1000)).rows).toHaveLength(1000);
  });
});
