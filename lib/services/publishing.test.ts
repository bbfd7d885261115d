import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { DuckDBInstance } from '@duckdb/node-api';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Database } from '@/db';
import { storeTargets, type TestStore } from '@/db/testing/test-stores';
import { ruleSetFingerprint, type DqxCheck } from '@/lib/dqx';
import { forbidden } from '@/lib/errors';
import { localPublishPaths, LocalPublisher } from '@/lib/publish/local/local-publisher';
import type { Publisher } from '@/lib/publish/port';
import { appError } from '@/tests/support/app-error';
import { InMemoryCatalog, testCaller } from '@/tests/support/in-memory-warehouse';

import { tableAccessVia } from './access';
import {
  getPublicationHistory,
  getPublishSettings,
  publishActiveVersion,
  savePublishSettings,
  type PublishDeps,
} from './publishing';
import { PublishSettingsBody } from './publishing-schemas';
import { activateRuleSetVersion, exportRuleSetVersion, saveRuleSet } from './rule-sets';

const alice = testCaller('alice@example.com');
const bob = testCaller('bob@example.com');

const COLUMNS = [
  { name: 'id', type: 'bigint' },
  { name: 'amount', type: 'decimal(10,2)' },
  { name: 'status', type: 'string' },
];

const V1: DqxCheck[] = [
  { criticality: 'error', check: { function: 'is_not_null', arguments: { column: 'id' } } },
  { name: 'status_known', criticality: 'warn', check: { function: 'is_in_list', arguments: { column: 'status', allowed: ["'new'", "'paid'"] } }, user_metadata: { owner: 'sales' } },
  { criticality: 'error', check: { function: 'is_not_null_and_not_empty', for_each_column: ['status', 'id'] }, filter: 'amount > 0' },
  { name: 'amount_range', criticality: 'error', check: { function: 'is_in_range', arguments: { column: 'amount', min_limit: { __decimal__: '0.01' }, max_limit: 10000 } } },
];
const V2: DqxCheck[] = [V1[0]!];

/** DQX's checks table in the local DuckDB file, as load_checks would read it: the latest batch of a run config. */
async function latestBatch(stateDir: string, table: string, runConfig: string) {
  const instance = await DuckDBInstance.create(localPublishPaths(stateDir).database);
  const conn = await instance.connect();
  try {
    const reader = await conn.runAndReadAll(
      `SELECT name, criticality, "check"."function" AS fn, "check".for_each_column AS fec, map_entries("check".arguments) AS args,
              filter, user_metadata IS NULL AS no_metadata, rule_fingerprint, rule_set_fingerprint, created_at
         FROM ${table} WHERE run_config_name = $rc
          AND rule_set_fingerprint = (SELECT rule_set_fingerprint FROM ${table} WHERE run_config_name = $rc ORDER BY created_at DESC LIMIT 1)`,
      { rc: runConfig },
    );
    return reader.getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

let tableCounter = 0;

for (const target of storeTargets(process.env.TEST_DATABASE_URL)) {
  describe(`publishing (${target.name})`, () => {
    let store: TestStore;
    let db: Kysely<Database>;
    let catalog: InMemoryCatalog;
    let stateDir: string;
    let deps: PublishDeps;

    const newTable = () => {
      const name = `main.sales.published_${++tableCounter}`;
      catalog.add({ name, columns: COLUMNS });
      return name;
    };

    beforeAll(async () => {
      store = await target.open();
      db = store.db;
      catalog = new InMemoryCatalog([], (caller) => caller === alice.id);
      stateDir = mkdtempSync(path.join(tmpdir(), 'dqx-publish-'));
      deps = {
        db,
        access: tableAccessVia((caller) => catalog.warehouseFor(caller)),
        mode: 'local',
        publisherFor: () => new LocalPublisher(stateDir),
      };
    });
    afterAll(async () => {
      await store?.close();
      rmSync(stateDir, { recursive: true, force: true });
    });

    it('keeps targets per table, refuses targets of the other mode and hides tables the caller cannot read', async () => {
      const table = newTable();
      expect(await getPublishSettings(alice, table, deps)).toMatchObject({ auto_publish: false, targets: [], updated_by: null });
      const saved = await savePublishSettings(alice, table, { auto_publish: true, targets: [{ kind: 'local_file', format: 'json' }] }, deps);
      expect(saved).toMatchObject({ auto_publish: true, targets: [{ kind: 'local_file', format: 'json' }], updated_by: alice.id });
      expect(await getPublishSettings(alice, table, deps)).toMatchObject({ auto_publish: true, targets: [{ kind: 'local_file', format: 'json' }] });

      const wrongMode = await appError(savePublishSettings(alice, table, { auto_publish: false, targets: [{ kind: 'uc_table', table: 'main.dqx.checks' }] }, deps));
      expect(wrongMode.code).toBe('bad_request');
      expect(wrongMode.message).toContain('targets[0].kind');
      const twice = await appError(
        savePublishSettings(alice, table, { auto_publish: false, targets: [{ kind: 'local_file', format: 'json' }, { kind: 'local_file', format: 'json' }] }, deps),
      );
      expect(twice.message).toContain('targets[1] is listed twice');
      expect((await appError(getPublishSettings(bob, table, deps))).code).toBe('not_found');
      expect((await appError(publishActiveVersion(bob, table, deps))).code).toBe('not_found');
    });

    it('refuses to publish a table without a rule set or without targets', async () => {
      const table = newTable();
      expect((await appError(publishActiveVersion(alice, table, deps))).code).toBe('not_found');
      await saveRuleSet(alice, table, { rules: V2 }, deps);
      const none = await appError(publishActiveVersion(alice, table, deps));
      expect(none.code).toBe('conflict');
      expect(none.message).toContain('No publishing target');
    });

    it('publishes the active version as the exported file and as a batch of DQX checks-table rows, once', async () => {
      const table = newTable();
      const saved = await saveRuleSet(alice, table, { rules: V1 }, deps);
      await savePublishSettings(alice, table, { auto_publish: false, targets: [{ kind: 'local_file', format: 'yaml' }, { kind: 'local_table', table: 'dqx.checks' }] }, deps);

      const result = await publishActiveVersion(alice, table, deps);
      expect(result).toMatchObject({ table_name: table, version: 1, rule_set_fingerprint: saved.rule_set_fingerprint });
      expect(result.results.map((r) => [r.target.kind, r.status, r.trigger, r.published_by])).toEqual([
        ['local_file', 'published', 'manual', alice.id],
        ['local_table', 'published', 'manual', alice.id],
      ]);
      const file = result.results[0]!.location!;
      expect(file).toBe(path.join(stateDir, 'published', 'files', `${table}.yml`));
      // the file is the version's YAML export, byte for byte
      expect(readFileSync(file, 'utf8')).toBe((await exportRuleSetVersion(alice, table, 1, 'yaml', deps)).body);

      const rows = await latestBatch(stateDir, 'dqx.checks', table);
      expect(rows).toHaveLength(V1.length);
      expect(new Set(rows.map((r) => r.rule_set_fingerprint))).toEqual(new Set([ruleSetFingerprint(V1)]));
      expect(new Set(rows.map((r) => String(r.created_at))).size).toBe(1);
      const byFn = Object.fromEntries(rows.map((r) => [r.fn as string, r]));
      // an unnamed check gets DQX's derived name; a for_each_column check stays one compact row without one
      expect(byFn.is_not_null!.name).toBe('id_is_null');
      expect(byFn.is_not_null_and_not_empty).toMatchObject({ name: null, fec: ['status', 'id'], filter: 'amount > 0' });
      // argument values are JSON-encoded as Python's json.dumps writes them
      expect(byFn.is_in_list!.args).toEqual([
        { key: 'column', value: '"status"' },
        { key: 'allowed', value: `["'new'", "'paid'"]` },
      ]);
      expect(byFn.is_in_range!.args).toContainEqual({ key: 'min_limit', value: '{"__decimal__": "0.01"}' });

      const again = await publishActiveVersion(alice, table, deps);
      expect(again.results.map((r) => r.status)).toEqual(['unchanged', 'unchanged']);
      expect(await latestBatch(stateDir, 'dqx.checks', table)).toHaveLength(V1.length);
    });

    it('publishes on every activation when the settings say so, a rollback included, and History tells what matches', async () => {
      const table = newTable();
      const targets = [{ kind: 'local_table', table: 'dqx.checks' }, { kind: 'local_file', format: 'json' }] as const;
      await savePublishSettings(alice, table, { auto_publish: true, targets: [...targets] }, deps);
      expect((await getPublicationHistory(alice, table, deps)).targets.map((t) => t.matches_active)).toEqual([null, null]);

      const v1 = await saveRuleSet(alice, table, { rules: V1 }, deps);
      const v2 = await saveRuleSet(alice, table, { rules: V2 }, deps);
      let history = await getPublicationHistory(alice, table, deps);
      expect(history.items.map((p) => [p.version, p.trigger, p.status])).toEqual([
        [2, 'activation', 'published'],
        [2, 'activation', 'published'],
        [1, 'activation', 'published'],
        [1, 'activation', 'published'],
      ]);
      expect(history.targets.map((t) => t.matches_active)).toEqual([true, true]);
      expect((await latestBatch(stateDir, 'dqx.checks', table)).map((r) => r.rule_set_fingerprint)).toEqual([v2.rule_set_fingerprint]);

      // back to version 1, whose batch is already in the table (older): load_checks must now read
      // exactly version 1 (DQX would skip the save and keep reading version 2)
      await activateRuleSetVersion(alice, table, 1, deps);
      const rows = await latestBatch(stateDir, 'dqx.checks', table);
      expect(rows).toHaveLength(V1.length);
      expect(new Set(rows.map((r) => r.rule_set_fingerprint))).toEqual(new Set([v1.rule_set_fingerprint]));
      expect(new Set(rows.map((r) => String(r.created_at))).size).toBe(1);
      history = await getPublicationHistory(alice, table, deps);
      expect(history).toMatchObject({ active_version: 1, active_fingerprint: v1.rule_set_fingerprint });
      expect(history.targets.map((t) => [t.last_published?.version, t.last_published?.status, t.matches_active])).toEqual([
        [1, 'published', true],
        [1, 'published', true],
      ]);

      // settings off: a new active version leaves the published copies behind, and History says so
      await savePublishSettings(alice, table, { auto_publish: false, targets: [...targets] }, deps);
      await saveRuleSet(alice, table, { rules: V2 }, deps);
      history = await getPublicationHistory(alice, table, deps);
      expect(history.active_version).toBe(3);
      expect(history.targets.map((t) => [t.last_published?.version, t.matches_active])).toEqual([
        [1, false],
        [1, false],
      ]);
    });

    it('records a failed target with its reason, still writes the others, and answers with the failure', async () => {
      const table = newTable();
      await saveRuleSet(alice, table, { rules: V2 }, deps);
      await savePublishSettings(alice, table, { auto_publish: false, targets: [{ kind: 'local_table', table: 'dqx.refused' }, { kind: 'local_file', format: 'json' }] }, deps);
      const real = new LocalPublisher(stateDir);
      const refusing: Publisher = {
        publish: (t, request) => (t.kind === 'local_table' ? Promise.reject(forbidden('You may not write to dqx.refused.')) : real.publish(t, request)),
      };
      const failed = await appError(publishActiveVersion(alice, table, { ...deps, publisherFor: () => refusing }));
      expect(failed.code).toBe('forbidden');
      expect(failed.message).toContain('1 of 2 publishing targets failed: You may not write to dqx.refused.');
      const history = await getPublicationHistory(alice, table, deps);
      expect(history.items.map((p) => [p.target.kind, p.status, p.error])).toEqual(
        expect.arrayContaining([
          ['local_table', 'failed', 'You may not write to dqx.refused.'],
          ['local_file', 'published', null],
        ]),
      );
      expect(history.targets.map((t) => t.matches_active)).toEqual([null, true]);
    });
  });
}

describe('publishing settings input', () => {
  const parse = (body: unknown) => PublishSettingsBody.safeParse(body);
  const firstIssue = (body: unknown) => {
    const r = parse(body);
    return r.success ? null : { path: r.error.issues[0]!.path.join('.'), message: r.error.issues[0]!.message };
  };

  it('normalises Unity Catalog table names and accepts volume checks files', () => {
    const r = parse({
      auto_publish: true,
      targets: [
        { kind: 'uc_table', table: 'Main.DQX.Checks' },
        { kind: 'volume_file', path: '/Volumes/main/dqx/rules/sales/orders.yml' },
      ],
    });
    expect(r.success && r.data.targets).toEqual([
      { kind: 'uc_table', table: 'main.dqx.checks' },
      { kind: 'volume_file', path: '/Volumes/main/dqx/rules/sales/orders.yml' },
    ]);
  });

  it.each([
    [{ kind: 'uc_table', table: 'checks' }, 'targets.0.table', 'three-part name'],
    [{ kind: 'volume_file', path: '/Volumes/main/dqx/../x.yml' }, 'targets.0.path', 'Unity Catalog volume'],
    [{ kind: 'volume_file', path: '/Volumes/main/dqx/rules' }, 'targets.0.path', 'Unity Catalog volume'],
    [{ kind: 'volume_file', path: '/Volumes/main/dqx/rules/orders.txt' }, 'targets.0.path', '.yml, .yaml or .json'],
    [{ kind: 'local_table', table: 'dqx.checks; DROP TABLE x' }, 'targets.0.table', 'schema.table'],
    [{ kind: 'local_file', format: 'xml' }, 'targets.0.format', "'yaml' or 'json'"],
    [{ kind: 'ftp', host: 'x' }, 'targets.0.kind', 'kind must be one of'],
  ])('refuses %j, naming the field', (targetInput, field, words) => {
    expect(firstIssue({ auto_publish: false, targets: [targetInput] })).toMatchObject({ path: field, message: expect.stringContaining(words) });
  });
});
