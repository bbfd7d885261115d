/**
 * The store as deployed: the app's role does not own the database and holds only CONNECT and CREATE
 * on it (what a Databricks app resource grants its service principal). On the machine's PostgreSQL
 * (15 or later, like Lakebase), the app migrates a schema of its own on start, everything it creates
 * is its own and nothing lands in `public`; the original application's table, owned by another
 * role, is copied once an admin has run the GRANT the app names.
 */
import { randomBytes } from 'node:crypto';

import { sql } from 'kysely';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { loadConfig, resetConfigForTests } from '@/lib/config';
import { AppError } from '@/lib/errors';

import { openStore } from './client';
import { storeHealth } from './health';
import { MigrationError, migrateStore } from './migrate';
import { migrations } from './migrations';
import { ORIGINAL_COLUMNS, ORIGINAL_TABLE } from './original-schema';
import { closeStore, getStore } from './store';
import { createDeployedDatabase, onServer, type DeployedDatabase } from './testing/test-stores';

const serverUrl = process.env.TEST_DATABASE_URL;

const ORIGINAL_DDL = `CREATE TABLE ${ORIGINAL_TABLE} (${ORIGINAL_COLUMNS})`;

const rule = (column: string) => JSON.stringify([{ criticality: 'error', check: { function: 'is_not_null', arguments: { column } } }]);

describe.skipIf(!serverUrl)('the rule store under the deployed role model (PostgreSQL server)', () => {
  let deployed: DeployedDatabase;
  let serverVersion = 0;
  const saved = { ...process.env };

  const asAdmin = (statements: string[]) =>
    onServer(deployed.adminUrl, async (c) => {
      for (const statement of statements) await c.query(statement);
    });

  beforeAll(async () => {
    serverVersion = await onServer(serverUrl!, async (c) => Number((await c.query('SHOW server_version_num')).rows[0].server_version_num));
  });
  afterEach(async () => {
    await closeStore();
    process.env = saved;
    resetConfigForTests();
    await deployed?.drop();
  });

  const useDatabricksEnv = (url: string, extra: Record<string, string> = {}) => {
    process.env = {
      ...saved,
      DQX_LOG_LEVEL: 'error',
      DQX_MODE: 'databricks',
      DATABRICKS_HOST: 'https://workspace.invalid',
      DATABASE_URL: url,
      ...extra,
    };
    delete process.env.DQX_STORE_SCHEMA;
    delete process.env.DQX_STORE_MIGRATE_ON_START;
    resetConfigForTests();
  };

  it('refuses to migrate into public, and says why and what to set (PostgreSQL 15 and later)', async () => {
    deployed = await createDeployedDatabase(serverUrl!);
    if (serverVersion < 150000) return; // Before 15, public was open to every role.
    const store = openStore(loadConfig({ DQX_STORE: 'postgres', DATABASE_URL: deployed.url, DQX_STORE_SCHEMA: 'public' }));
    try {
      const error = await migrateStore(store.db, 'public').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as MigrationError).message).toContain(`may not create tables in schema "public"`);
      expect((error as MigrationError).message).toContain('DQX_STORE_SCHEMA=dqx');
    } finally {
      await store.close();
    }
  });

  it('migrates schema dqx on start in databricks mode; the role owns all of it and nothing is in public', async () => {
    deployed = await createDeployedDatabase(serverUrl!);
    useDatabricksEnv(deployed.url);
    const db = await getStore();
    expect((await storeHealth()).ok).toBe(true);

    await db.insertInto('dq_rule_sets').values({ table_name: 'main.sales.orders', last_version: 1 }).execute();
    await db
      .insertInto('dq_rules_events')
      .values({ table_name: 'main.sales.orders', version: 1, rules: rule('id'), created_by: 'ana@example.com' })
      .execute();

    const objects = await onServer(deployed.adminUrl, async (c) =>
      (
        await c.query<{ schema: string; name: string; owner: string }>(`
          SELECT n.nspname AS schema, c.relname AS name, pg_get_userbyid(c.relowner) AS owner
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')`)
      ).rows,
    );
    expect(new Set(objects.map((o) => o.schema))).toEqual(new Set(['dqx']));
    expect(new Set(objects.map((o) => o.owner))).toEqual(new Set([deployed.role]));
    expect(objects.map((o) => o.name)).toEqual(expect.arrayContaining(['dq_rules_events', 'dq_rule_sets', 'dq_runs', 'dqx_store_migration']));
    const schemaOwner = await onServer(deployed.adminUrl, async (c) =>
      (await c.query(`SELECT pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = 'dqx'`)).rows[0]?.owner,
    );
    expect(schemaOwner).toBe(deployed.role);

    // A second start (a new process) finds nothing to do and keeps the data.
    await closeStore();
    const again = await getStore();
    const versions = await again.selectFrom('dq_rules_events').select(['table_name', 'created_by']).execute();
    expect(versions).toEqual([{ table_name: 'main.sales.orders', created_by: 'ana@example.com' }]);
  });

  it("copies the original application's table only after the GRANT it names, and upgrades the copy", async () => {
    deployed = await createDeployedDatabase(serverUrl!);
    const originalRole = `dqx_test_original_${randomBytes(4).toString('hex')}`;
    try {
      // The original application ran as another role and left its table in public.
      await onServer(serverUrl!, (c) => c.query(`CREATE ROLE "${originalRole}"`));
      await asAdmin([
        ORIGINAL_DDL,
        `ALTER TABLE dq_rules_events OWNER TO "${originalRole}"`,
        `INSERT INTO dq_rules_events (id, table_name, version, rules, created_at, created_by, is_active) VALUES
           ('00000000-0000-4000-8000-000000000001', 'Main.Sales.Orders', 1, '${rule('id')}', '2024-01-01 10:00', 'dq-rule-generator-app', true),
           ('00000000-0000-4000-8000-000000000002', 'main.sales.orders', 1, '${rule('a')}', '2024-01-02 10:00', NULL, true)`,
      ]);

      useDatabricksEnv(deployed.url);
      const refused = await getStore().catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(AppError);
      expect((refused as AppError).code).toBe('unavailable');
      // Users are told an admin must act; the statement (it names roles) is in the log only.
      expect((refused as AppError).message).toContain('an admin must grant it');
      const cause = (refused as AppError).cause as MigrationError;
      expect(cause).toBeInstanceOf(MigrationError);
      expect(cause.message).toContain(`owned by "${originalRole}"`);
      const grant = `GRANT SELECT ON TABLE "public"."dq_rules_events" TO "${deployed.role}";`;
      expect(cause.adminAction).toContain(grant);
      expect((await storeHealth()).ok).toBe(false);
      // Nothing was created while refusing.
      const tablesInDqx = await onServer(deployed.adminUrl, async (c) =>
        Number((await c.query(`SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'dqx'`)).rows[0].n),
      );
      expect(tablesInDqx).toBe(0);

      // The admin runs exactly the statements named; the next start copies and upgrades.
      const statements = cause.adminAction!.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('GRANT'));
      expect(statements).toEqual([grant]);
      await asAdmin(statements);
      await closeStore();
      const db = await getStore();
      const rows = await db.selectFrom('dq_rules_events').select(['id', 'table_name', 'version', 'is_active', 'created_by']).orderBy('id').execute();
      expect(rows).toEqual([
        { id: '00000000-0000-4000-8000-000000000001', table_name: 'main.sales.orders', version: 1, is_active: false, created_by: 'dq-rule-generator-app' },
        { id: '00000000-0000-4000-8000-000000000002', table_name: 'main.sales.orders', version: 2, is_active: true, created_by: 'dq-rule-generator-app' },
      ]);
      const applied = await sql<{ n: number }>`SELECT count(*)::int AS n FROM dqx_store_migration`.execute(db);
      expect(applied.rows[0]?.n).toBe(Object.keys(migrations).length);

      // The original table is as the original application left it.
      const original = await onServer(deployed.adminUrl, async (c) =>
        (await c.query(`SELECT table_name, version FROM public.dq_rules_events ORDER BY id`)).rows,
      );
      expect(original).toEqual([
        { table_name: 'Main.Sales.Orders', version: 1 },
        { table_name: 'main.sales.orders', version: 1 },
      ]);
    } finally {
      await closeStore();
      await deployed.drop();
      await onServer(serverUrl!, (c) => c.query(`DROP ROLE IF EXISTS "${originalRole}"`));
    }
  });
});
