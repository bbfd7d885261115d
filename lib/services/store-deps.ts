/**
 * What the rule-set and run services need from outside: the store and the table-access check.
 * Both are injectable (tests pass an in-memory store and an access check over a fake warehouse);
 * by default they are the process's store and the caller's own warehouse.
 */
import 'server-only';

import type { Kysely } from 'kysely';

import { getStore, type Database } from '@/db';

import { warehouseTableAccess, type TableAccess } from './access';
import type { RightsDecider } from './rights';

export interface StoreDeps {
  db?: Kysely<Database>;
  access?: TableAccess;
  /** Who is a steward or an admin (./rights.ts); default: Unity Catalog as the caller, or the local roles. */
  rights?: RightsDecider;
}

export async function resolveDeps(deps: StoreDeps = {}): Promise<{ db: Kysely<Database>; access: TableAccess }> {
  return { db: deps.db ?? (await getStore()), access: deps.access ?? warehouseTableAccess };
}

/** Map with at most `limit` calls in flight. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
