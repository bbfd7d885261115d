/**
 * Stores for tests: an in-memory PGlite, and (when the test file passes TEST_DATABASE_URL) a fresh
 * database `dqx_test_<random>` on a real Postgres server, dropped again by `close()`.
 * Test files read TEST_DATABASE_URL themselves; nothing here reads the environment.
 */
import { randomBytes } from 'node:crypto';

import type { Kysely } from 'kysely';
import pg from 'pg';

import { loadConfig, type AppConfig } from '@/lib/config';

import { openStore, type StoreOptions } from '../client';
import { migrateStore } from '../migrate';
import type { Database } from '../types';

export interface TestStore {
  kind: 'pglite' | 'postgres';
  db: Kysely<Database>;
  /** Connection URL of the fresh database (postgres only). */
  url?: string;
  close(): Promise<void>;
}

export interface TestStoreTarget {
  name: string;
  open(options?: { migrate?: boolean }): Promise<TestStore>;
}

export async function pgliteTestStore(options: { migrate?: boolean } = {}): Promise<TestStore> {
  const store = openStore(loadConfig({ DQX_STORE: 'pglite' }), { pgliteDataDir: 'memory://' });
  if (options.migrate !== false) await migrateStore(store.db);
  return { kind: 'pglite', db: store.db, close: () => store.close() };
}

export function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Run statements on the server's maintenance database (CREATE/DROP DATABASE, roles). */
export async function onServer<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export function postgresConfig(url: string, env: Record<string, string> = {}): AppConfig {
  return loadConfig({ DQX_STORE: 'postgres', DATABASE_URL: url, DQX_STORE_POOL_MAX: '20', ...env });
}

export async function postgresTestStore(
  serverUrl: string,
  options: { migrate?: boolean; storeOptions?: StoreOptions } = {},
): Promise<TestStore> {
  const database = `dqx_test_${randomBytes(6).toString('hex')}`;
  await onServer(serverUrl, (c) => c.query(`CREATE DATABASE "${database}"`));
  const url = withDatabase(serverUrl, database);
  const store = openStore(postgresConfig(url), options.storeOptions);
  try {
    if (options.migrate !== false) await migrateStore(store.db);
  } catch (error) {
    await store.close();
    await onServer(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`));
    throw error;
  }
  return {
    kind: 'postgres',
    db: store.db,
    url,
    close: async () => {
      await store.close();
      await onServer(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`));
    },
  };
}

/** PGlite always; the real server too when its URL is given. */
export function storeTargets(testDatabaseUrl: string | undefined): TestStoreTarget[] {
  const targets: TestStoreTarget[] = [{ name: 'PGlite', open: (o) => pgliteTestStore(o) }];
  if (testDatabaseUrl) targets.push({ name: 'Postgres server', open: (o) => postgresTestStore(testDatabaseUrl, o) });
  return targets;
}
