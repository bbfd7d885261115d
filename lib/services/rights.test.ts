/**
 * Rights in databricks mode (lib/services/rights.ts): decided on the caller's own warehouse,
 * remembered per caller and table for DQX_RIGHTS_CACHE_SECONDS, and refused (never guessed, never
 * remembered) when the check cannot be made. The rights matrix through the API is in
 * app/api/v1/rule-sets/rights-matrix.test.ts.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import type { Caller } from '@/lib/auth/caller';
import { resetConfigForTests } from '@/lib/config';
import { pgliteTestStore, type TestStore } from '@/db/testing/test-stores';
import type { BoundStatement, QueryResult, Warehouse } from '@/lib/warehouse/port';
import { appError } from '@/tests/support/app-error';
import { InMemoryCatalog } from '@/tests/support/in-memory-warehouse';

import { tableAccessVia } from './access';
import { assertRight, forgetRights, rightsOf } from './rights';

const TABLE = 'main.sales.orders';
const catalog = vi.hoisted(() => ({ current: undefined as InMemoryCatalog | undefined, failing: false, executed: [] as string[] }));
vi.mock('@/lib/warehouse', () => ({
  getWarehouse: (caller: Caller): Warehouse => {
    const wh = catalog.current!.warehouseFor(caller);
    return {
      ...wh,
      execute: async (statement: BoundStatement): Promise<QueryResult> => {
        catalog.executed.push(`${caller.id} ${statement.id}`);
        if (catalog.failing) throw new Error('warehouse is stopped');
        return wh.execute!(statement);
      },
    };
  },
}));

const caller = (id: string): Caller => ({ id, displayName: id, email: undefined, mode: 'databricks', requestId: undefined, token: undefined });
const sam = caller('sam@example.com');
const rita = caller('rita@example.com');

describe('rights in databricks mode', () => {
  let store: TestStore;
  const saved = { ...process.env };
  let deps: { db: TestStore['db']; access: ReturnType<typeof tableAccessVia> };

  beforeAll(async () => {
    store = await pgliteTestStore();
    Object.assign(process.env, { DQX_MODE: 'databricks', DATABRICKS_HOST: 'https://example.cloud.databricks.com', DQX_RIGHTS_CACHE_SECONDS: '60', DQX_LOG_LEVEL: 'error' });
    resetConfigForTests();
    catalog.current = new InMemoryCatalog([{ name: TABLE, columns: [{ name: 'id', type: 'bigint' }] }]);
    catalog.current.setUnityCatalog({ owners: { [TABLE]: 'sam@example.com' } });
    deps = { db: store.db, access: tableAccessVia((c) => catalog.current!.warehouseFor(c)) };
  });
  afterEach(() => {
    catalog.failing = false;
    catalog.executed.length = 0;
    forgetRights();
  });
  afterAll(async () => {
    await store?.close();
    process.env = saved;
    resetConfigForTests();
  });

  it('asks the warehouse as the caller once, then remembers the answer per caller and table', async () => {
    expect(await rightsOf(sam, TABLE, deps)).toMatchObject({ steward: true, owner: 'sam@example.com', steward_sources: [`owner of ${TABLE}`] });
    expect(await rightsOf(sam, TABLE, deps)).toMatchObject({ steward: true });
    expect(await rightsOf(rita, TABLE, deps)).toMatchObject({ steward: false, owner: 'sam@example.com' });
    expect(catalog.executed).toEqual([
      'sam@example.com caller-groups',
      'sam@example.com table-stewardship',
      'rita@example.com caller-groups',
      'rita@example.com table-stewardship',
    ]);
  });

  it('refuses when the check cannot be made, says so, and asks again next time', async () => {
    catalog.failing = true;
    const refused = await appError(assertRight(sam, TABLE, 'steward', 'Publishing the rules of', deps));
    expect(refused.status).toBe(403);
    expect(refused.message).toContain('could not be checked just now');
    catalog.failing = false;
    expect(await rightsOf(sam, TABLE, deps)).toMatchObject({ steward: true });
    expect(catalog.executed.filter((s) => s.endsWith('caller-groups'))).toHaveLength(2);
  });

  it('asks every time with DQX_RIGHTS_CACHE_SECONDS=0', async () => {
    process.env.DQX_RIGHTS_CACHE_SECONDS = '0';
    resetConfigForTests();
    try {
      await rightsOf(sam, TABLE, deps);
      await rightsOf(sam, TABLE, deps);
      expect(catalog.executed.filter((s) => s.endsWith('caller-groups'))).toHaveLength(2);
    } finally {
      process.env.DQX_RIGHTS_CACHE_SECONDS = '60';
      resetConfigForTests();
    }
  });
});
