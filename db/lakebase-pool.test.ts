/**
 * The Lakebase-style pool: every new connection logs in with the service principal's current OAuth
 * token as its password, so a rotated password is picked up without recreating the pool.
 *
 * Needs a server that really checks passwords. The TEST_DATABASE_URL server is used when it does;
 * a server that trusts local connections (as CI's does) cannot tell a right password from a wrong
 * one, so then a private server with scram-sha-256 is started from the machine's Postgres binaries.
 */
import { randomBytes } from 'node:crypto';

import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadConfig } from '@/lib/config';
import { getServicePrincipalTokenProvider } from '@/lib/databricks/oauth';
import { startFakeTokenServer, type FakeTokenServer } from '@/tests/support/fake-oauth-token-server';

import { openStore, poolConfig, type Store } from './client';
import { migrateStore } from './migrate';
import { canStartPrivatePostgres, startPrivatePostgres, type PrivatePostgres } from './testing/private-postgres';
import { onServer } from './testing/test-stores';

const serverUrl = process.env.TEST_DATABASE_URL;
const suffix = randomBytes(5).toString('hex');
const ROLE = `dqx_test_sp_${suffix}`;
const DATABASE = `dqx_test_lakebase_${suffix}`;
const SECRET = 'client-secret-for-tests';

async function passwordIsChecked(host: string, port: number): Promise<boolean> {
  const client = new pg.Client({ host, port, user: ROLE, password: 'certainly-not-the-password', database: 'postgres' });
  try {
    await client.connect();
    await client.end();
    return false;
  } catch {
    return true;
  }
}

const runnable = Boolean(serverUrl) || canStartPrivatePostgres();

describe.skipIf(!runnable)('Lakebase-style pool with OAuth tokens as passwords', () => {
  let adminUrl: string;
  let host: string;
  let port: number;
  let privateServer: PrivatePostgres | undefined;
  let tokenServer: FakeTokenServer;
  let currentPassword = `token-${randomBytes(8).toString('hex')}`;
  let store: Store;

  const admin = <T>(work: (c: pg.Client) => Promise<T>) => onServer(adminUrl, work);

  beforeAll(async () => {
    const setUp = async () => {
      await admin((c) => c.query(`CREATE ROLE "${ROLE}" LOGIN PASSWORD '${currentPassword}'`));
      // As on Lakebase: the database is not the role's; it holds CONNECT and CREATE on it.
      await admin((c) => c.query(`CREATE DATABASE "${DATABASE}"`));
      await admin((c) => c.query(`GRANT CONNECT, CREATE ON DATABASE "${DATABASE}" TO "${ROLE}"`));
    };
    if (serverUrl) {
      adminUrl = serverUrl;
      const url = new URL(serverUrl);
      host = url.hostname;
      port = Number(url.port || 5432);
      await setUp();
      if (!(await passwordIsChecked(host, port))) {
        // Trust authentication: useless for this test. Use a private server instead.
        await admin((c) => c.query(`DROP DATABASE IF EXISTS "${DATABASE}" WITH (FORCE)`));
        await admin((c) => c.query(`DROP ROLE IF EXISTS "${ROLE}"`));
        adminUrl = '';
      }
    }
    if (!adminUrl) {
      privateServer = await startPrivatePostgres();
      adminUrl = privateServer.adminUrl;
      host = privateServer.host;
      port = privateServer.port;
      await setUp();
      expect(await passwordIsChecked(host, port)).toBe(true);
    }

    tokenServer = await startFakeTokenServer({ clientId: ROLE, clientSecret: SECRET, issue: () => currentPassword });
    const config = loadConfig({
      DQX_MODE: 'databricks',
      DQX_STORE: 'lakebase',
      DATABRICKS_HOST: tokenServer.url,
      DATABRICKS_CLIENT_ID: ROLE,
      DATABRICKS_CLIENT_SECRET: SECRET,
      PGHOST: host,
      PGPORT: String(port),
      PGDATABASE: DATABASE,
      // The local server has no TLS; Lakebase itself is always `require` (the default).
      PGSSLMODE: 'disable',
      DQX_STORE_POOL_MAX: '4',
    });
    expect(config.store.kind).toBe('lakebase');
    store = openStore(config);
  });

  afterAll(async () => {
    await store?.close();
    await tokenServer?.close();
    if (adminUrl) {
      await admin((c) => c.query(`DROP DATABASE IF EXISTS "${DATABASE}" WITH (FORCE)`)).catch(() => undefined);
      await admin((c) => c.query(`DROP ROLE IF EXISTS "${ROLE}"`)).catch(() => undefined);
    }
    privateServer?.stop();
  });

  /** `n` queries at once, so the pool has to open new connections for the ones it lacks. */
  const concurrently = (n: number) =>
    Promise.allSettled(
      Array.from({ length: n }, () => sql<{ who: string }>`SELECT current_user AS who, pg_sleep(0.2)`.execute(store.db)),
    );

  it('connects as the service principal with the token as password, over TLS by default', async () => {
    const defaults = poolConfig(
      loadConfig({ DQX_MODE: 'databricks', DATABRICKS_HOST: 'h', DATABRICKS_CLIENT_ID: 'id', DATABRICKS_CLIENT_SECRET: 's', PGHOST: 'x' }),
    );
    expect(defaults).toMatchObject({ user: 'id', database: 'databricks_postgres', port: 5432, ssl: { rejectUnauthorized: true }, maxLifetimeSeconds: 600 });
    expect(typeof defaults.password).toBe('function');

    const result = await sql<{ who: string }>`SELECT current_user AS who`.execute(store.db);
    expect(result.rows[0]?.who).toBe(ROLE);
    expect(tokenServer.requests.filter((r) => r.status === 200)).toHaveLength(1);
  });

  it('migrates its own schema dqx with only CONNECT and CREATE on the database', async () => {
    expect(store.kind).toBe('lakebase');
    const outcome = await migrateStore(store.db, 'dqx');
    expect(outcome.applied.length).toBeGreaterThan(0);
    const owner = await sql<{ owner: string }>`SELECT pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = 'dqx'`.execute(store.db);
    expect(owner.rows[0]?.owner).toBe(ROLE);
    await store.db.insertInto('dq_rule_sets').values({ table_name: 'main.a.b', last_version: 0 }).execute();
  });

  it('picks up a rotated password for new connections without recreating the pool', async () => {
    const oldPassword = currentPassword;
    currentPassword = `token-${randomBytes(8).toString('hex')}`;
    await admin((c) => c.query(`ALTER ROLE "${ROLE}" PASSWORD '${currentPassword}'`));

    // The server now refuses the old password…
    const stale = new pg.Client({ host, port, user: ROLE, password: oldPassword, database: DATABASE });
    await expect(stale.connect()).rejects.toThrow(/password authentication failed/);
    // …so while the old token is cached, connections the pool adds fail to log in.
    const withStaleToken = await concurrently(4);
    expect(withStaleToken.some((r) => r.status === 'rejected')).toBe(true);

    // Expire the cached token: the next new connection asks the endpoint again and logs in.
    getServicePrincipalTokenProvider().invalidate();
    const afterRotation = await concurrently(4);
    expect(afterRotation.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    const users = afterRotation.map((r) => (r.status === 'fulfilled' ? r.value.rows[0]?.who : null));
    expect(new Set(users)).toEqual(new Set([ROLE]));
    expect(tokenServer.requests.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(2);

    // New connections keep working with the new password.
    const fresh = new pg.Client({ host, port, user: ROLE, password: currentPassword, database: DATABASE });
    await fresh.connect();
    await fresh.end();
  });
});
