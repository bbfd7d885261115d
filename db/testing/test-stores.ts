/**
 * Stores for tests: an in-memory PGlite, and (when the test file passes TEST_DATABASE_URL) a fresh
 * database `dqx_test_<random>` on a real Postgres server, dropped again by `close()`.
 * Test files read TEST_DATABASE_URL themselves; nothing here reads the environment.
 *
 * The Postgres store is used the way it is deployed: the database belongs to the server's admin, and
 * the store connects as a role of its own that holds exactly what a Databricks app resource grants
 * (CONNECT and CREATE on the database), in schema `dqx`, which its migrations create and own.
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
  /** The schema the store's tables live in (its connections' search_path). */
  schema: string;
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
  return { kind: 'pglite', db: store.db, schema: 'public', close: () => store.close() };
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

/** The schema the deployed app owns (the default of DQX_STORE_SCHEMA in databricks mode). */
export const DEPLOYED_SCHEMA = 'dqx';

export function postgresConfig(url: string, env: Record<string, string> = {}): AppConfig {
  return loadConfig({ DQX_STORE: 'postgres', DATABASE_URL: url, DQX_STORE_POOL_MAX: '20', DQX_STORE_SCHEMA: DEPLOYED_SCHEMA, ...env });
}

export interface DeployedDatabase {
  database: string;
  /** The app's role: no superuser, not the database owner; CONNECT and CREATE on the database. */
  role: string;
  /** The server's admin connection to the new database (to set up what an admin would). */
  adminUrl: string;
  /** The app role's connection to the new database. */
  url: string;
  drop(): Promise<void>;
}

/**
 * A database owned by the server's admin and a login role holding exactly what a Databricks app
 * resource (CAN_CONNECT_AND_CREATE) grants an app's service principal.
 */
export async function createDeployedDatabase(serverUrl: string): Promise<DeployedDatabase> {
  const suffix = randomBytes(6).toString('hex');
  const database = `dqx_test_${suffix}`;
  const role = `dqx_test_app_${suffix}`;
  await onServer(serverUrl, async (c) => {
    await c.query(`CREATE ROLE "${role}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE`);
    await c.query(`CREATE DATABASE "${database}"`);
    await c.query(`GRANT CONNECT, CREATE ON DATABASE "${database}" TO "${role}"`);
  });
  const url = new URL(withDatabase(serverUrl, database));
  url.username = role;
  url.password = '';
  return {
    database,
    role,
    adminUrl: withDatabase(serverUrl, database),
    url: url.toString(),
    drop: () =>
      onServer(serverUrl, async (c) => {
        await c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
        await c.query(`DROP ROLE IF EXISTS "${role}"`);
      }),
  };
}

export async function postgresTestStore(
  serverUrl: string,
  options: { migrate?: boolean; storeOptions?: StoreOptions } = {},
): Promise<TestStore> {
  const deployed = await createDeployedDatabase(serverUrl);
  const store = openStore(postgresConfig(deployed.url), options.storeOptions);
  try {
    // The schema exists before the first query of a test that builds tables itself.
    if (options.migrate !== false) await migrateStore(store.db, DEPLOYED_SCHEMA);
    else await store.db.schema.createSchema(DEPLOYED_SCHEMA).ifNotExists().execute();
  } catch (error) {
    await store.close();
    await deployed.drop();
    throw error;
  }
  return {
    kind: 'postgres',
    db: store.db,
    schema: DEPLOYED_SCHEMA,
    url: deployed.url,
    close: async () => {
      await store.close();
      await deployed.drop();
    },
  };
}

/** PGlite always; the real server too when its URL is given. */
export function storeTargets(testDatabaseUrl: string | undefined): TestStoreTarget[] {
  const targets: TestStoreTarget[] = [{ name: 'PGlite', open: (o) => pgliteTestStore(o) }];
  if (testDatabaseUrl) targets.push({ name: 'Postgres server', open: (o) => postgresTestStore(testDatabaseUrl, o) });
  return targets;
}
