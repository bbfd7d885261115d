import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Database } from '@/db';
import { storeTargets, type TestStore } from '@/db/testing/test-stores';
import { appError } from '@/tests/support/app-error';
import { InMemoryCatalog, testCaller } from '@/tests/support/in-memory-warehouse';

import { tableAccessVia } from './access';
import {
  activateRuleSetVersion,
  diffRuleSetVersions,
  exportRuleSetVersion,
  getActiveRuleSet,
  getRuleSetHistory,
  getRuleSetVersion,
  importRuleSet,
  listRuleSets,
  saveRuleSet,
} from './rule-sets';
import { completeRun, createRun, markRunStarted } from './runs';
import type { StoreDeps } from './store-deps';

const alice = testCaller('alice@example.com');
const bob = testCaller('bob@example.com');

const notNull = (column: string, extra: Record<string, unknown> = {}) => ({
  criticality: 'error',
  check: { function: 'is_not_null', arguments: { column } },
  ...extra,
});

const COLUMNS = [
  { name: 'id', type: 'bigint' },
  { name: 'amount', type: 'decimal(10,2)' },
  { name: 'status', type: 'string' },
];

let tableCounter = 0;

for (const target of storeTargets(process.env.TEST_DATABASE_URL)) {
  describe(`rule sets (${target.name})`, () => {
    let store: TestStore;
    let db: Kysely<Database>;
    let catalog: InMemoryCatalog;
    let deps: StoreDeps;

    /** A fresh table for each test, readable by alice only. */
    const newTable = (prefix = 'orders') => {
      const name = `main.sales.${prefix}_${++tableCounter}`;
      catalog.add({ name, columns: COLUMNS });
      return name;
    };

    beforeAll(async () => {
      store = await target.open();
      db = store.db;
      catalog = new InMemoryCatalog([], (caller) => caller === alice.id);
      deps = { db, access: tableAccessVia((caller) => catalog.warehouseFor(caller)) };
    });
    afterAll(async () => {
      await store?.close();
    });

    it('saves versions 1, 2, … and keeps only the latest active, recording who saved it', async () => {
      const table = newTable();
      const first = await saveRuleSet(alice, table, { rules: [notNull('id')], user_prompt: 'ids present' }, deps);
      expect(first).toMatchObject({ table_name: table, version: 1, is_active: true, created_by: alice.id, activated_by: alice.id });
      expect(first.previous_active_version).toBeNull();
      expect(first.rule_set_fingerprint).toMatch(/^[0-9a-f]{64}$/);

      const second = await saveRuleSet(alice, table, { rules: [notNull('id'), notNull('status')], ai_summary: { text: 'two' } }, deps);
      expect(second.version).toBe(2);
      expect(second.previous_active_version).toBe(1);
      expect((await getRuleSetVersion(alice, table, 1, deps)).is_active).toBe(false);
      expect((await getActiveRuleSet(alice, table, deps))?.version).toBe(2);
      expect(second.rule_count).toBe(2);
      expect(second.ai_summary).toEqual({ text: 'two' });
    });

    it('stores the table under its normalised lower-case name, whatever the caller typed', async () => {
      const table = newTable('mixed');
      const [, , t] = table.split('.');
      const saved = await saveRuleSet(alice, ` Main.\`SALES\`.${t!.toUpperCase()} `, { rules: [notNull('id')] }, deps);
      expect(saved.table_name).toBe(table);
      const again = await saveRuleSet(alice, table, { rules: [notNull('amount')] }, deps);
      expect(again.version).toBe(2);
    });

    it('refuses rules that do not validate with a 400 listing the errors, and writes nothing', async () => {
      const table = newTable();
      await saveRuleSet(alice, table, { rules: [notNull('id')] }, deps);
      const error = await appError(
        saveRuleSet(alice, table, { rules: [notNull('id'), { criticality: 'fatal', check: { function: 'is_not_null', arguments: { column: 'id' } } }, { name: 'no_check' }] }, deps),
      );
      expect(error.code).toBe('bad_request');
      expect(error.message).toMatch(/do not validate \(2 errors\).*Rule 2.*criticality.*Rule 3 \(no_check\)/);
      const details = error.details as { errors: { rule_index: number; field: string | null }[] };
      expect(details.errors.map((e) => e.rule_index)).toEqual([1, 2]);
      const history = await getRuleSetHistory(alice, table, { page: 1, page_size: 20 }, deps);
      expect(history.total).toBe(1);
      expect(history.active_version).toBe(1);
    });

    it('hides tables the caller cannot read (404), for reads and writes alike', async () => {
      const table = newTable();
      await saveRuleSet(alice, table, { rules: [notNull('id')] }, deps);
      for (const attempt of [
        saveRuleSet(bob, table, { rules: [notNull('id')] }, deps),
        getRuleSetHistory(bob, table, { page: 1, page_size: 20 }, deps),
        getRuleSetVersion(bob, table, 1, deps),
        activateRuleSetVersion(bob, table, 1, deps),
        diffRuleSetVersions(bob, table, 1, 1, deps),
      ]) {
        const error = await appError(attempt);
        expect(error.code).toBe('not_found');
        expect(error.message).toContain('do not have permission');
      }
      expect((await listRuleSets(bob, deps)).map((r) => r.table_name)).not.toContain(table);
      expect((await listRuleSets(alice, deps)).map((r) => r.table_name)).toContain(table);
      const malformed = await appError(getRuleSetHistory(alice, 'just_a_table', { page: 1, page_size: 20 }, deps));
      expect(malformed.code).toBe('bad_request');
    });

    it('gives 50 concurrent saves to one table the versions 1..50, none lost, exactly one active', async () => {
      const table = newTable('race');
      const saves = await Promise.all(
        Array.from({ length: 50 }, (_, i) => saveRuleSet(alice, table, { rules: [notNull('id', { name: `rule_${i}` })] }, deps)),
      );
      expect(saves.map((s) => s.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      const rows = await db.selectFrom('dq_rules_events').select(['version', 'is_active', 'rules']).where('table_name', '=', table).execute();
      expect(rows).toHaveLength(50);
      // Every save's own rules were stored (none overwritten by another).
      const names = rows.map((r) => (r.rules as { name: string }[])[0]!.name).sort();
      expect(new Set(names).size).toBe(50);
      expect(rows.filter((r) => r.is_active).map((r) => r.version)).toEqual([50]);
      const activations = await db.selectFrom('dq_rule_activations').select(['version', 'previous_version']).where('table_name', '=', table).execute();
      expect(activations).toHaveLength(50);
      // Each save deactivated exactly the version before it.
      for (const a of activations) expect(a.previous_version).toBe(a.version === 1 ? null : a.version - 1);
    });

    it('rolls back to an older version in one step, recorded with who and when', async () => {
      const table = newTable();
      await saveRuleSet(alice, table, { rules: [notNull('id')] }, deps);
      await saveRuleSet(alice, table, { rules: [notNull('status')] }, deps);
      await saveRuleSet(alice, table, { rules: [notNull('amount')] }, deps);

      const carol = testCaller('carol@example.com');
      catalog.setGrant((caller) => caller === alice.id || caller === carol.id);
      try {
        const rolledBack = await activateRuleSetVersion(carol, table, 1, deps);
        expect(rolledBack).toMatchObject({ table_name: table, version: 1, previous_version: 3, activated_by: carol.id });
        const active = await getActiveRuleSet(alice, table, deps);
        expect(active).toMatchObject({ version: 1, activated_by: carol.id, created_by: alice.id });
        const history = await getRuleSetHistory(alice, table, { page: 1, page_size: 20 }, deps);
        expect(history.items.filter((v) => v.is_active).map((v) => v.version)).toEqual([1]);
        expect(history.activations[0]).toMatchObject({ version: 1, previous_version: 3, action: 'activate', activated_by: carol.id });

        const again = await appError(activateRuleSetVersion(alice, table, 1, deps));
        expect(again.code).toBe('conflict');
        const unknown = await appError(activateRuleSetVersion(alice, table, 9, deps));
        expect(unknown.code).toBe('not_found');

        // Saving after a rollback continues the numbering and becomes active.
        const next = await saveRuleSet(alice, table, { rules: [notNull('id')] }, deps);
        expect(next).toMatchObject({ version: 4, previous_active_version: 1, is_active: true });
      } finally {
        catalog.setGrant((caller) => caller === alice.id);
      }
    });

    it('compares two versions rule by rule', async () => {
      const table = newTable();
      await saveRuleSet(
        alice,
        table,
        {
          rules: [
            notNull('id', { name: 'id_present' }),
            { name: 'amount_range', criticality: 'warn', check: { function: 'is_in_range', arguments: { column: 'amount', min_limit: 0, max_limit: 100 } } },
            notNull('status', { name: 'status_present' }),
          ],
        },
        deps,
      );
      await saveRuleSet(
        alice,
        table,
        {
          rules: [
            notNull('id', { name: 'id_present' }),
            { name: 'amount_range', criticality: 'error', check: { function: 'is_in_range', arguments: { column: 'amount', min_limit: 0, max_limit: 500 } } },
            { name: 'status_known', check: { function: 'is_in_list', arguments: { column: 'status', allowed: ["'new'", "'paid'"] } } },
          ],
        },
        deps,
      );
      const diff = await diffRuleSetVersions(alice, table, 1, 2, deps);
      expect(diff.unchanged).toBe(1);
      expect(diff.removed.map((r) => r.name)).toEqual(['status_present']);
      expect(diff.added.map((r) => r.name)).toEqual(['status_known']);
      expect(diff.changed).toHaveLength(1);
      expect(diff.changed[0]).toMatchObject({ name: 'amount_range', changed_fields: ['criticality', 'arguments.max_limit'] });
      expect(diff.changed[0]!.from.arguments.max_limit).toBe(100);
      expect(diff.changed[0]!.to.arguments.max_limit).toBe(500);

      const reverse = await diffRuleSetVersions(alice, table, 2, 1, deps);
      expect(reverse.added.map((r) => r.name)).toEqual(['status_present']);
      const self = await diffRuleSetVersions(alice, table, 2, 2, deps);
      expect(self).toMatchObject({ unchanged: 3, added: [], removed: [], changed: [] });
      expect((await appError(diffRuleSetVersions(alice, table, 1, 7, deps))).code).toBe('not_found');
    });

    it('pages through a long history, newest first, with the total', async () => {
      const table = newTable();
      for (let i = 0; i < 25; i++) await saveRuleSet(alice, table, { rules: [notNull('id', { name: `r${i}` })] }, deps);
      const page2 = await getRuleSetHistory(alice, table, { page: 2, page_size: 10 }, deps);
      expect(page2.total).toBe(25);
      expect(page2.items.map((v) => v.version)).toEqual([15, 14, 13, 12, 11, 10, 9, 8, 7, 6]);
      const page3 = await getRuleSetHistory(alice, table, { page: 3, page_size: 10 }, deps);
      expect(page3.items.map((v) => v.version)).toEqual([5, 4, 3, 2, 1]);
      const beyond = await getRuleSetHistory(alice, table, { page: 4, page_size: 10 }, deps);
      expect(beyond).toMatchObject({ items: [], total: 25, active_version: 25 });
    });

    it('imports a DQX YAML file as a new version and exports it back unchanged', async () => {
      const table = newTable();
      const yaml = [
        '- name: id_present',
        '  criticality: error',
        '  check:',
        '    function: is_not_null',
        '    arguments:',
        '      column: id',
        '- criticality: warn',
        '  check:',
        '    function: is_not_null_and_not_empty',
        '    for_each_column: [status, amount]',
        '',
      ].join('\n');
      const imported = await importRuleSet(alice, table, { text: yaml }, deps);
      expect(imported).toMatchObject({ version: 1, rule_count: 2, metadata: { source: 'import', format: 'yaml' } });

      const asYaml = await exportRuleSetVersion(alice, table, 1, 'yaml', deps);
      expect(asYaml.filename).toBe(`${table}.v1.yaml`);
      expect(asYaml.content_type).toContain('application/yaml');
      const reimported = await importRuleSet(alice, table, { text: asYaml.body, format: 'yaml' }, deps);
      expect(reimported.rules).toEqual(imported.rules);
      expect(reimported.rule_set_fingerprint).toBe(imported.rule_set_fingerprint);

      const asJson = await exportRuleSetVersion(alice, table, 2, 'json', deps);
      expect(JSON.parse(asJson.body)).toEqual(imported.rules);

      const broken = await appError(importRuleSet(alice, table, { text: '- name: x\n  check: [unclosed\n' }, deps));
      expect(broken.code).toBe('bad_request');
      expect(broken.message).toMatch(/cannot be read \(line \d+/);
    });

    it('lists tables with their active version, rule count and last validation run', async () => {
      const table = newTable('listed');
      await saveRuleSet(alice, table, { rules: [notNull('id')] }, deps);
      const v2 = await saveRuleSet(alice, table, { rules: [notNull('id'), notNull('status')] }, deps);
      const run = await createRun(alice, { kind: 'validation', table, engine: 'local', rule_set_version: 2 }, deps);
      await markRunStarted(run.id, {}, deps);
      await completeRun(run.id, { status: 'succeeded', summary: { total_rows: 200, valid_rows: 150, error_rows: 40, warning_rows: 10 } }, deps);

      const item = (await listRuleSets(alice, deps)).find((r) => r.table_name === table);
      expect(item).toMatchObject({
        active_version: 2,
        latest_version: 2,
        rule_count: 2,
        rule_set_fingerprint: v2.rule_set_fingerprint,
        last_run: { id: run.id, status: 'succeeded', pass_rate: 0.75 },
      });
    });
  });
}
