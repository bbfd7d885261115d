/**
 * A database written by the original application (its exact DDL, its quirks) is upgraded in place
 * by the migrations: no row lost, names normalised, colliding versions renumbered, one active
 * version per table, original values kept in metadata.legacy.
 */
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { migrateStore, pendingMigrations } from './migrate';
import { migrations } from './migrations';
import { ORIGINAL_COLUMNS, ORIGINAL_INDEXES, ORIGINAL_TABLE } from './original-schema';
import { storeTargets, type TestStore } from './testing/test-stores';
import type { Database } from './types';

const ORIGINAL_DDL = [`CREATE TABLE IF NOT EXISTS ${ORIGINAL_TABLE} (${ORIGINAL_COLUMNS})`, ...ORIGINAL_INDEXES];

const notNull = (column: string) => ({ criticality: 'error', check: { function: 'is_not_null', arguments: { column } } });

interface LegacyRow {
  id: string;
  table_name: string;
  version: number;
  rules: unknown;
  created_at: string;
  created_by: string | null;
  is_active: boolean | null;
  metadata?: unknown;
  user_prompt?: string;
  ai_summary?: unknown;
}

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

// What the original application could leave behind.
const LEGACY: LegacyRow[] = [
  // One table saved under two spellings, with overlapping version numbers and two active rows.
  { id: uuid(1), table_name: 'Main.Sales.Orders', version: 1, rules: [notNull('id')], created_at: '2024-01-01 10:00:00', created_by: 'dq-rule-generator-app', is_active: false },
  { id: uuid(2), table_name: 'main.sales.orders', version: 1, rules: [notNull('a')], created_at: '2024-01-03 10:00:00', created_by: 'dq-rule-generator-app', is_active: false },
  { id: uuid(3), table_name: 'main.sales.orders', version: 2, rules: [notNull('b')], created_at: '2024-01-04 10:00:00', created_by: 'dq-rule-generator-app', is_active: false },
  { id: uuid(4), table_name: 'Main.Sales.Orders', version: 2, rules: [notNull('c')], created_at: '2024-01-05 10:00:00', created_by: 'dq-rule-generator-app', is_active: true, user_prompt: 'ids must be present', ai_summary: { summary: 'ok' } },
  { id: uuid(5), table_name: 'main.sales.orders', version: 3, rules: [notNull('d')], created_at: '2024-01-06 10:00:00', created_by: 'dq-rule-generator-app', is_active: true },
  // The save race: two active versions of one table.
  { id: uuid(6), table_name: 'main.hr.people', version: 1, rules: [notNull('x')], created_at: '2024-02-01 08:00:00', created_by: 'dq-rule-generator-app', is_active: true },
  { id: uuid(7), table_name: 'main.hr.people', version: 2, rules: [notNull('y')], created_at: '2024-02-01 08:00:01', created_by: 'dq-rule-generator-app', is_active: true },
  // Back-quoted name, no creator, metadata that is not an object.
  { id: uuid(8), table_name: '`main`.`hr`.`Staff`', version: 1, rules: [notNull('z')], created_at: '2024-03-01 00:00:00', created_by: null, is_active: true, metadata: ['x', 1] },
  // No active version at all; rules that are not a list of checks.
  { id: uuid(9), table_name: 'main.ops.logs', version: 1, rules: { checks: 'oops' }, created_at: '2024-04-01 00:00:00', created_by: 'dq-rule-generator-app', is_active: false, metadata: { source: 'ui' } },
];

async function buildOriginalDatabase(db: Kysely<Database>) {
  for (const ddl of ORIGINAL_DDL) await sql.raw(ddl).execute(db);
  for (const row of LEGACY) {
    await sql`
      INSERT INTO dq_rules_events (id, table_name, version, rules, user_prompt, ai_summary, created_at, created_by, is_active, metadata)
      VALUES (${row.id}, ${row.table_name}, ${row.version}, ${JSON.stringify(row.rules)}::jsonb, ${row.user_prompt ?? null},
              ${row.ai_summary === undefined ? null : JSON.stringify(row.ai_summary)}::jsonb, ${row.created_at}::timestamp,
              ${row.created_by}, ${row.is_active}, ${row.metadata === undefined ? null : JSON.stringify(row.metadata)}::jsonb)`.execute(db);
  }
}

for (const target of storeTargets(process.env.TEST_DATABASE_URL)) {
  describe(`upgrading the original dq_rules_events table (${target.name})`, () => {
    let store: TestStore;
    let db: Kysely<Database>;

    beforeAll(async () => {
      store = await target.open({ migrate: false });
      db = store.db;
      await buildOriginalDatabase(db);
      const outcome = await migrateStore(db, store.schema);
      expect(outcome.applied).toEqual(Object.keys(migrations));
      // The rows whose rules are a list of checks got a fingerprint; the malformed one did not.
      expect(outcome.fingerprinted).toBe(8);
    });
    afterAll(async () => {
      await store?.close();
    });

    const rows = () => db.selectFrom('dq_rules_events').selectAll().orderBy('table_name').orderBy('version').execute();

    it('keeps every row, each with its original values in metadata.legacy', async () => {
      const all = await rows();
      expect(all).toHaveLength(LEGACY.length);
      for (const legacy of LEGACY) {
        const row = all.find((r) => r.id === legacy.id)!;
        expect(row.metadata?.legacy).toMatchObject({
          table_name: legacy.table_name,
          version: legacy.version,
          created_by: legacy.created_by,
          is_active: legacy.is_active,
        });
        expect(String((row.metadata?.legacy as { created_at: string }).created_at)).toContain(legacy.created_at);
        expect(row.rules).toEqual(legacy.rules);
      }
      const staff = all.find((r) => r.id === uuid(8))!;
      expect(staff.metadata?.original_metadata).toEqual(['x', 1]);
      const logs = all.find((r) => r.id === uuid(9))!;
      expect(logs.metadata?.source).toBe('ui');
      const prompt = all.find((r) => r.id === uuid(4))!;
      expect(prompt.user_prompt).toBe('ids must be present');
      expect(prompt.ai_summary).toEqual({ summary: 'ok' });
    });

    it('normalises table names and renumbers colliding versions by creation order', async () => {
      const all = await rows();
      expect([...new Set(all.map((r) => r.table_name))].sort()).toEqual([
        'main.hr.people',
        'main.hr.staff',
        'main.ops.logs',
        'main.sales.orders',
      ]);
      const orders = all.filter((r) => r.table_name === 'main.sales.orders').map((r) => [r.id, r.version]);
      // The first row to claim a number keeps it; later claimants follow the highest kept number.
      expect(orders).toEqual([
        [uuid(1), 1],
        [uuid(3), 2],
        [uuid(5), 3],
        [uuid(2), 4],
        [uuid(4), 5],
      ]);
      const renumbered = all.filter((r) => r.metadata?.legacy && (r.metadata.legacy as { renumbered?: boolean }).renumbered);
      expect(renumbered.map((r) => r.id).sort()).toEqual([uuid(2), uuid(4)]);
    });

    it('leaves exactly one active version per table: the latest saved', async () => {
      const active = await db
        .selectFrom('dq_rules_events')
        .select(['table_name', 'id', 'version', 'activated_by', 'activated_at'])
        .where('is_active', '=', true)
        .orderBy('table_name')
        .execute();
      expect(active.map((r) => [r.table_name, r.id])).toEqual([
        ['main.hr.people', uuid(7)],
        ['main.hr.staff', uuid(8)],
        ['main.ops.logs', uuid(9)],
        ['main.sales.orders', uuid(5)],
      ]);
      const history = await db.selectFrom('dq_rule_activations').selectAll().orderBy('table_name').execute();
      expect(history.map((h) => [h.table_name, h.version, h.action])).toEqual([
        ['main.hr.people', 2, 'upgrade'],
        ['main.hr.staff', 1, 'upgrade'],
        ['main.ops.logs', 1, 'upgrade'],
        ['main.sales.orders', 3, 'upgrade'],
      ]);
      // A second active version is now impossible.
      await expect(
        db
          .updateTable('dq_rules_events')
          .set({ is_active: true, activated_at: new Date(), activated_by: 'someone' })
          .where('id', '=', uuid(6))
          .execute(),
      ).rejects.toThrow(/dq_rules_events_one_active_per_table|duplicate key/);
    });

    it('turns timestamps into timestamptz and fills the creator the original always wrote', async () => {
      const first = await db.selectFrom('dq_rules_events').selectAll().where('id', '=', uuid(1)).executeTakeFirstOrThrow();
      expect(first.created_at.toISOString()).toBe('2024-01-01T10:00:00.000Z');
      const staff = await db.selectFrom('dq_rules_events').selectAll().where('id', '=', uuid(8)).executeTakeFirstOrThrow();
      expect(staff.created_by).toBe('dq-rule-generator-app');
      const type = await sql<{ data_type: string }>`
        SELECT data_type FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = 'dq_rules_events' AND column_name = 'created_at'`.execute(db);
      expect(type.rows[0]?.data_type).toBe('timestamp with time zone');
    });

    it('continues each table after its highest version and refuses non-normalised names', async () => {
      const counters = await db.selectFrom('dq_rule_sets').selectAll().orderBy('table_name').execute();
      expect(counters.map((c) => [c.table_name, c.last_version])).toEqual([
        ['main.hr.people', 2],
        ['main.hr.staff', 1],
        ['main.ops.logs', 1],
        ['main.sales.orders', 5],
      ]);
      await expect(
        db
          .insertInto('dq_rules_events')
          .values({ table_name: 'Main.Sales.Orders', version: 9, rules: '[]', created_by: 'x' })
          .execute(),
      ).rejects.toThrow(/dq_rules_events_table_name_normalised|violates check constraint/);
    });

    it('has nothing left to apply', async () => {
      expect(await pendingMigrations(db, store.schema)).toEqual([]);
      const again = await migrateStore(db, store.schema);
      expect(again.applied).toEqual([]);
    });
  });
}
