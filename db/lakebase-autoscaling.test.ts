/**
 * Lakebase Autoscaling (the `postgres` app resource): the store logs in with a database credential
 * from `POST /api/2.0/postgres/credentials` (asked with the service principal's workspace token),
 * not with the workspace token itself; a revoked workspace token is replaced once and the request
 * retried; TLS is verified. The workspace is a local stand-in speaking the documented JSON; the
 * database is a private PostgreSQL that checks passwords, where the app's role holds only CONNECT
 * and CREATE.
 */
import { randomBytes } from 'node:crypto';

import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadConfig } from '@/lib/config';
import { getLakebaseCredentialProvider, LakebaseCredentialProvider, resetLakebaseCredentialProviderForTests } from '@/lib/databricks/lakebase-credentials';
import { startFakeTokenServer, type FakeTokenServer } from '@/tests/support/fake-oauth-token-server';

import { openStore, poolConfig, type Store } from './client';
import { migrateStore } from './migrate';
import { canStartPrivatePostgres, startPrivatePostgres, type PrivatePostgres } from './testing/private-postgres';
import { onServer } from './testing/test-stores';

const suffix = randomBytes(5).toString('hex');
const ROLE = `dqx_test_sp_${suffix}`;
const DATABASE = `dqx_test_autoscaling_${suffix}`;
const SECRET = 'client-secret-for-tests';
const ENDPOINT = 'projects/dqx-store/branches/production/endpoints/primary';

const resetProcessProviders = () => {
  (globalThis as Record<symbol, unknown>)[Symbol.for('dqx.servicePrincipalTokenProvider')] = undefined;
  resetLakebaseCredentialProviderForTests();
};

describe('credentials of Lakebase Autoscaling endpoints', () => {
  it('asks with the workspace token for the configured endpoint, caches, and renews before expiry', async () => {
    let clock = 1_000_000;
    const calls: { url: string; auth: string | null; body: string }[] = [];
    let next = 0;
    const fakeFetch: typeof fetch = async (input, init) => {
      calls.push({ url: String(input), auth: new Headers(init?.headers).get('authorization'), body: String(init?.body) });
      next += 1;
      return new Response(JSON.stringify({ token: `db-${next}`, expire_time: new Date(clock + 3_600_000).toISOString() }), { status: 200 });
    };
    const tokens = { getToken: async () => 'ws-token', invalidate: () => undefined };
    const provider = new LakebaseCredentialProvider({ host: 'https://ws.example.com:8443/', endpoint: ENDPOINT, workspaceTokens: tokens, fetch: fakeFetch, now: () => clock });
    expect(await Promise.all([provider.getPassword(), provider.getPassword()])).toEqual(['db-1', 'db-1']);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toEqual({ url: 'https://ws.example.com:8443/api/2.0/postgres/credentials', auth: 'Bearer ws-token', body: JSON.stringify({ endpoint: ENDPOINT }) });
    clock += 47 * 60_000; // 13 minutes left: still more than the 10-minute margin
    expect(await provider.getPassword()).toBe('db-1');
    clock += 4 * 60_000; // 9 minutes left
    expect(await provider.getPassword()).toBe('db-2');
    expect(() => new LakebaseCredentialProvider({ host: 'h', endpoint: 'instances/x', workspaceTokens: tokens })).toThrow(/LAKEBASE_ENDPOINT/);
  });

  it('verifies TLS for both Lakebase kinds, whatever PGSSLMODE=require the platform injects', () => {
    const base = { DQX_MODE: 'databricks', DATABRICKS_HOST: 'h', DATABRICKS_CLIENT_ID: 'id', DATABRICKS_CLIENT_SECRET: 's', PGHOST: 'x', PGSSLMODE: 'require' };
    const provisioned = loadConfig(base);
    const autoscaling = loadConfig({ ...base, LAKEBASE_ENDPOINT: ENDPOINT });
    expect(provisioned.store).toMatchObject({ kind: 'lakebase', lakebase: 'provisioned' });
    expect(autoscaling.store).toMatchObject({ kind: 'lakebase', lakebase: 'autoscaling', lakebaseEndpoint: ENDPOINT });
    for (const config of [provisioned, autoscaling]) {
      const ssl = poolConfig(config).ssl as { rejectUnauthorized?: boolean; checkServerIdentity?: unknown };
      expect(ssl.rejectUnauthorized).toBe(true);
      expect(ssl.checkServerIdentity).toBeUndefined(); // the host name is checked too
    }
  });
});

describe.skipIf(!canStartPrivatePostgres())('a Lakebase Autoscaling store against a password-checking server', () => {
  let server: PrivatePostgres;
  let workspace: FakeTokenServer;
  let store: Store;
  const dbPassword = `db-credential-${randomBytes(8).toString('hex')}`;

  beforeAll(async () => {
    server = await startPrivatePostgres();
    await onServer(server.adminUrl, async (c) => {
      await c.query(`CREATE ROLE "${ROLE}" LOGIN PASSWORD '${dbPassword}'`);
      await c.query(`CREATE DATABASE "${DATABASE}"`);
      await c.query(`GRANT CONNECT, CREATE ON DATABASE "${DATABASE}" TO "${ROLE}"`);
    });
    let issued = 0;
    workspace = await startFakeTokenServer({
      clientId: ROLE,
      clientSecret: SECRET,
      // Workspace tokens are not database passwords: only the credential API's token logs in.
      issue: () => `workspace-token-${++issued}`,
      postgres: { endpoint: ENDPOINT, issue: () => dbPassword },
    });
    resetProcessProviders();
    const config = loadConfig({
      DQX_MODE: 'databricks',
      DATABRICKS_HOST: workspace.url,
      DATABRICKS_CLIENT_ID: ROLE,
      DATABRICKS_CLIENT_SECRET: SECRET,
      PGHOST: server.host,
      PGPORT: String(server.port),
      PGDATABASE: DATABASE,
      PGSSLMODE: 'disable', // the private server has no TLS
      LAKEBASE_ENDPOINT: ENDPOINT,
      DQX_STORE_POOL_MAX: '3',
    });
    store = openStore(config);
  });

  afterAll(async () => {
    await store?.close();
    await workspace?.close();
    resetProcessProviders();
    server?.stop();
  });

  it('logs in with the database credential and migrates its own schema', async () => {
    const who = await sql<{ who: string }>`SELECT current_user AS who`.execute(store.db);
    expect(who.rows[0]?.who).toBe(ROLE);
    expect(workspace.credentialRequests).toEqual([{ endpoint: ENDPOINT, status: 200 }]);
    // The workspace token alone is refused by the database.
    const withWorkspaceToken = new pg.Client({ host: server.host, port: server.port, user: ROLE, password: 'workspace-token-1', database: DATABASE });
    await expect(withWorkspaceToken.connect()).rejects.toThrow(/password authentication failed/);
    const outcome = await migrateStore(store.db, 'dqx');
    expect(outcome.applied.length).toBeGreaterThan(0);
  });

  it('replaces a revoked workspace token once and asks again', async () => {
    workspace.revokeWorkspaceTokens();
    getLakebaseCredentialProvider().invalidate();
    // The open connections end (as after Lakebase scales to zero): new ones need a new credential.
    await onServer(server.adminUrl, (c) => c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1`, [ROLE]));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const results = await Promise.all(Array.from({ length: 3 }, () => sql`SELECT pg_sleep(0.1)`.execute(store.db)));
    expect(results).toHaveLength(3);
    const last = workspace.credentialRequests.slice(-2);
    expect(last).toEqual([
      { endpoint: ENDPOINT, status: 401 },
      { endpoint: ENDPOINT, status: 200 },
    ]);
    expect(workspace.requests.filter((r) => r.status === 200)).toHaveLength(2);
  });
});
