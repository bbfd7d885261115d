/**
 * Catalog browsing latency, cold (first load) and from the per-caller cache, on the real local
 * warehouse with the sample catalog plus 5,000 extra tables. Run: npx vitest bench --run lib/services
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, bench, describe } from 'vitest';

import type { Caller } from '@/lib/auth/caller';
import { createDuckDbWarehouse, type DuckDbWarehouse } from '@/lib/warehouse/duckdb';

import { createCatalogService, type CatalogService } from './catalog';

const caller: Caller = {
  id: 'bench',
  displayName: 'bench',
  email: undefined,
  mode: 'local',
  requestId: undefined,
  token: undefined,
};
let root: string;
let wh: DuckDbWarehouse;
let cachedService: CatalogService;
let uncachedService: CatalogService;
let n = 0;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'dqx-bench-'));
  wh = createDuckDbWarehouse({
    dataDir: path.join(root, 'data'),
    stateDir: path.join(root, 'state'),
    sampleCatalog: true,
    sampleBigRows: 1000,
  });
  const ddl = Array.from(
    { length: 5000 },
    (_, i) => `CREATE TABLE big.main.t_${String(i).padStart(4, '0')} (id INT);`,
  );
  await wh.engine.withConnection((c) => c.run(`ATTACH ':memory:' AS big; ${ddl.join('\n')}`));
  cachedService = createCatalogService({ warehouseFor: () => wh, cacheSeconds: 3600, previewRows: 50 });
  uncachedService = createCatalogService({ warehouseFor: () => wh, cacheSeconds: 0, previewRows: 50 });
  await cachedService.searchTables(caller, 't_42', 20);
  await cachedService.listTables(caller, 'big', 'main');
  await cachedService.describeTable(caller, { catalog: 'samples', schema: 'sales', table: 'orders' });
});

afterAll(() => {
  wh?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('catalog browsing', () => {
  bench('search, from cache', async () => {
    await cachedService.searchTables(caller, 't_42', 20);
  });
  bench('list 5,000 tables, from cache', async () => {
    await cachedService.listTables(caller, 'big', 'main');
  });
  bench('describe, from cache', async () => {
    await cachedService.describeTable(caller, { catalog: 'samples', schema: 'sales', table: 'orders' });
  });
  bench('search among 5,000+ tables, uncached', async () => {
    await uncachedService.searchTables(caller, `t_${(n++ % 5000).toString().padStart(4, '0')}`, 20);
  });
  bench('list 5,000 tables, uncached', async () => {
    await uncachedService.listTables(caller, 'big', 'main');
  });
});
