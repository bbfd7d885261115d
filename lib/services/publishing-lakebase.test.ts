/**
 * The `lakebase_table` publishing target (issue 15 item 1): DQX's Lakebase checks table in the rule
 * store's own database. On Postgres (TEST_DATABASE_URL, connecting as the deployed app's role, which
 * holds only CONNECT and CREATE on the database) the active version is written in DQX's format,
 * once per rule set, and the latest batch is always the active version; on PGlite the target is
 * refused with the reason. Real DQX reads the table back in tests/conformance/test_publish_dqx.py.
 */
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Database } from '@/db';
import { storeTargets, type TestStore } from '@/db/testing/test-stores';
import { ruleSetFingerprint, type DqxCheck } from '@/lib/dqx';
import type { Publisher } from '@/lib/publish/port';
import { appError } from '@/tests/support/app-error';
import { InMemoryCatalog, testCaller } from '@/tests/support/in-memory-warehouse';

import { tableAccessVia } from './access';
import { getPublicationHistory, publishActiveVersion, savePublishSettings, type PublishDeps } from './publishing';
import { PublishSettingsBody } from './publishing-schemas';
import { activateRuleSetVersion, saveRuleSet } from './rule-sets';

const alice = testCaller('alice@example.com');
const COLUMNS = [
  { name: 'id', type: 'bigint' },
  { name: 'amount', type: 'decimal(10,2)' },
  { name: 'status', type: 'string' },
];
const V1: DqxCheck[] = [
  { criticality: 'error', check: { function: 'is_not_null', arguments: { column: 'id' } } },
  { name: 'status_known', criticality: 'warn', check: { function: 'is_in_list', arguments: { column: 'status', allowed: ["'new'", "'paid'"] } }, user_metadata: { owner: 'sales' } },
  { criticality: 'error', check: { function: 'is_not_null_and_not_empty', for_each_column: ['status', 'id'] }, filter: 'amount > 0' },
  { name: 'amount_range', criticality: 'error', check: { function: 'is_in_range', arguments: { column: 'amount', min_limit: { __decimal__: '0.01' }, max_limit: { __float__: '2.0' } } } },
];
const V2: DqxCheck[] = [V1[0]!];
const TARGET = { kind: 'lakebase_table', table: 'dqx_checks.checks' } as const;

/** No caller-side publisher may be used for a store target. */
const noCallerPublisher = (): Publisher => {
  throw new Error('the caller’s publisher must not be used for lakebase_table');
};

let counter = 0;

for (const target of storeTargets(process.env.TEST_DATABASE_URL)) {
  describe(`lakebase_table publishing (${target.name})`, () => {
    let store: TestStore;
    let db: Kysely<Database>;
    let catalog: InMemoryCatalog;
    let deps: PublishDeps;
    const newTable = () => {
      const name = `main.sales.lakebase_${++counter}`;
      catalog.add({ name, columns: COLUMNS });
      return name;
    };

    beforeAll(async () => {
      store = await target.open();
      db = store.db;
      catalog = new InMemoryCatalog([], (caller) => caller === alice.id);
      deps = {
        db,
        access: tableAccessVia((caller) => catalog.warehouseFor(caller)),
        mode: 'databricks',
        publisherFor: noCallerPublisher,
        storeKind: store.kind,
        storeSchema: store.schema,
      };
    });
    afterAll(async () => {
      await store?.close();
    });

    if (target.name === 'PGlite') {
      it('is refused on the embedded PGlite store, with the reason, and History says it is unavailable', async () => {
        const table = newTable();
        const refused = await appError(savePublishSettings(alice, table, { auto_publish: false, targets: [TARGET] }, deps));
        expect(refused.code).toBe('bad_request');
        expect(refused.message).toContain('needs the rule store on Postgres');
        expect(refused.details).toMatchObject({ field: 'targets.0.kind' });
        expect((await getPublicationHistory(alice, table, deps)).lakebase_available).toBe(false);
      });
      return;
    }

    const latestBatch = async (runConfig: string) => {
      const { rows } = await sql<Record<string, unknown>>`
        SELECT name, criticality, "check", filter, run_config_name, user_metadata, message_expr, created_at, rule_fingerprint, rule_set_fingerprint,
               "check"::text AS check_text
          FROM dqx_checks.checks
         WHERE run_config_name = ${runConfig}
           AND rule_set_fingerprint = (SELECT rule_set_fingerprint FROM dqx_checks.checks WHERE run_config_name = ${runConfig}
                                        ORDER BY created_at DESC NULLS LAST, rule_set_fingerprint DESC NULLS LAST LIMIT 1)`.execute(db);
      return rows;
    };
    const countRows = async (runConfig: string) =>
      Number((await sql<{ n: number }>`SELECT count(*) AS n FROM dqx_checks.checks WHERE run_config_name = ${runConfig}`.execute(db)).rows[0]!.n);

    it('writes the active version as DQX’s Lakebase checks rows, once per rule set, the latest batch always the active version', async () => {
      const table = newTable();
      expect((await getPublicationHistory(alice, table, deps)).lakebase_available).toBe(true);
      await savePublishSettings(alice, table, { auto_publish: false, targets: [TARGET] }, deps);
      const v1 = await saveRuleSet(alice, table, { rules: V1 }, deps);

      const first = await publishActiveVersion(alice, table, deps);
      const { rows: dbRows } = await sql<{ name: string }>`SELECT current_database() AS name`.execute(db);
      expect(first.results.map((r) => [r.target.kind, r.status, r.location, r.published_by])).toEqual([
        ['lakebase_table', 'published', `${dbRows[0]!.name}.dqx_checks.checks`, alice.id],
      ]);
      let rows = await latestBatch(table);
      expect(rows).toHaveLength(V1.length);
      expect(new Set(rows.map((r) => r.rule_set_fingerprint))).toEqual(new Set([ruleSetFingerprint(V1)]));
      expect(new Set(rows.map((r) => String(r.created_at))).size).toBe(1);
      const byFn = Object.fromEntries(rows.map((r) => [(r.check as { function: string }).function, r]));
      // an unnamed check gets DQX's derived name; a for_each_column check stays one compact row without one
      expect(byFn.is_not_null).toMatchObject({ name: 'id_is_null', criticality: 'error', user_metadata: null, filter: null, message_expr: null });
      expect(byFn.is_not_null_and_not_empty).toMatchObject({
        name: null,
        check: { function: 'is_not_null_and_not_empty', for_each_column: ['status', 'id'] },
        filter: 'amount > 0',
      });
      expect(byFn.is_in_list).toMatchObject({ name: 'status_known', criticality: 'warn', user_metadata: { owner: 'sales' } });
      // JSONB values as DQX's normaliser writes them: decimals marked, a float keeps its `.0`
      expect(byFn.is_in_range!.check_text).toBe('{"function": "is_in_range", "arguments": {"column": "amount", "max_limit": 2.0, "min_limit": {"__decimal__": "0.01"}}}');

      // the same rule set again: nothing written
      expect((await publishActiveVersion(alice, table, deps)).results.map((r) => r.status)).toEqual(['unchanged']);
      expect(await countRows(table)).toBe(V1.length);

      // a new version: a new batch, which is what DQX loads
      const v2 = await saveRuleSet(alice, table, { rules: V2 }, deps);
      expect((await publishActiveVersion(alice, table, deps)).results.map((r) => r.status)).toEqual(['published']);
      rows = await latestBatch(table);
      expect(rows.map((r) => r.rule_set_fingerprint)).toEqual([v2.rule_set_fingerprint]);
      expect(await countRows(table)).toBe(V1.length + V2.length);

      // back to version 1: its older batch is replaced by a new one, so the latest batch is version 1, once
      await activateRuleSetVersion(alice, table, 1, deps);
      expect((await publishActiveVersion(alice, table, deps)).results.map((r) => r.status)).toEqual(['published']);
      rows = await latestBatch(table);
      expect(new Set(rows.map((r) => r.rule_set_fingerprint))).toEqual(new Set([v1.rule_set_fingerprint]));
      expect(rows).toHaveLength(V1.length);
      expect(await countRows(table)).toBe(V1.length + V2.length);

      const history = await getPublicationHistory(alice, table, deps);
      expect(history.targets.map((t) => [t.target, t.last_published?.version, t.matches_active])).toEqual([[TARGET, 1, true]]);
    });

    it('creates the schema owned by the app’s own role, in DQX’s column types, beside other run configs', async () => {
      const table = newTable();
      await savePublishSettings(alice, table, { auto_publish: true, targets: [TARGET] }, deps);
      await saveRuleSet(alice, table, { rules: V2 }, deps);
      expect(await countRows(table)).toBe(V2.length);
      expect((await getPublicationHistory(alice, table, deps)).items.map((p) => [p.trigger, p.status])).toEqual([['activation', 'published']]);
      const owner = await sql<{ owner: string; me: string }>`
        SELECT pg_get_userbyid(nspowner) AS owner, current_user AS me FROM pg_namespace WHERE nspname = 'dqx_checks'`.execute(db);
      expect(owner.rows[0]!.owner).toBe(owner.rows[0]!.me);
      const columns = await sql<{ column_name: string; data_type: string }>`
        SELECT column_name, data_type FROM information_schema.columns
         WHERE table_schema = 'dqx_checks' AND table_name = 'checks' ORDER BY ordinal_position`.execute(db);
      expect(columns.rows.map((c) => [c.column_name, c.data_type])).toEqual([
        ['name', 'character varying'],
        ['criticality', 'character varying'],
        ['check', 'jsonb'],
        ['filter', 'text'],
        ['run_config_name', 'character varying'],
        ['user_metadata', 'jsonb'],
        ['message_expr', 'text'],
        ['created_at', 'timestamp without time zone'],
        ['rule_fingerprint', 'character varying'],
        ['rule_set_fingerprint', 'character varying'],
      ]);
    });

    it('records a publish as failed, with the reason, when the store is no longer Postgres', async () => {
      const table = newTable();
      await savePublishSettings(alice, table, { auto_publish: false, targets: [TARGET] }, deps);
      await saveRuleSet(alice, table, { rules: V2 }, deps);
      const failed = await appError(publishActiveVersion(alice, table, { ...deps, storeKind: 'pglite' }));
      expect(failed.code).toBe('bad_request');
      expect(failed.message).toContain('needs the rule store on Postgres');
      expect(await countRows(table)).toBe(0);
      const history = await getPublicationHistory(alice, table, deps);
      expect(history.items.map((p) => [p.status, p.error])).toEqual([['failed', expect.stringContaining('needs the rule store on Postgres')]]);
    });

    it('refuses the store’s own schema', async () => {
      const table = newTable();
      const refused = await appError(
        savePublishSettings(alice, table, { auto_publish: false, targets: [{ kind: 'lakebase_table', table: 'own.checks' }] }, { ...deps, storeSchema: 'own' }),
      );
      expect(refused.message).toContain("own is the rule store's own schema");
      expect(refused.details).toMatchObject({ field: 'targets.0.table' });
    });
  });
}

describe('lakebase_table input', () => {
  const issue = (table: string) => {
    const r = PublishSettingsBody.safeParse({ auto_publish: false, targets: [{ kind: 'lakebase_table', table }] });
    return r.success ? r.data.targets[0] : r.error.issues[0]!.message;
  };
  it('takes schema.table of plain names, outside the store’s, Postgres’s and the public schema', () => {
    expect(issue('DQX_Checks.Checks')).toEqual({ kind: 'lakebase_table', table: 'dqx_checks.checks' });
    expect(issue('dqx_checks.checks; DROP TABLE x')).toContain('schema.table');
    expect(issue('"a"."b"')).toContain('schema.table');
    expect(issue('dqx.checks')).toContain('a schema of its own');
    expect(issue('public.checks')).toContain('a schema of its own');
    expect(issue('pg_catalog.checks')).toContain('a schema of its own');
  });
});
