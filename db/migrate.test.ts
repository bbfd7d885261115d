import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadConfig } from '@/lib/config';

import { openStore, type Store } from './client';
import { migrateStore, pendingMigrations } from './migrate';
import { migrations } from './migrations';

describe('migrating into a schema of its own (DQX_STORE_SCHEMA)', () => {
  let store: Store;
  beforeAll(() => {
    store = openStore(loadConfig({ DQX_STORE: 'pglite', DQX_STORE_SCHEMA: 'dqx_rules' }), { pgliteDataDir: 'memory://' });
  });
  afterAll(async () => {
    await store?.close();
  });

  it('creates the schema and every table in it, and nothing in public', async () => {
    const all = Object.keys(migrations);
    expect(await pendingMigrations(store.db, 'dqx_rules')).toHaveLength(all.length);
    const outcome = await migrateStore(store.db, 'dqx_rules');
    expect(outcome.applied).toEqual(all);
    const tables = await sql<{ table_schema: string; table_name: string }>`
      SELECT table_schema, table_name FROM information_schema.tables
      WHERE table_schema IN ('public', 'dqx_rules') ORDER BY table_name`.execute(store.db);
    expect(new Set(tables.rows.map((t) => t.table_schema))).toEqual(new Set(['dqx_rules']));
    expect(tables.rows.map((t) => t.table_name)).toEqual([
      'dq_alert_settings',
      'dq_alert_state',
      'dq_alerts',
      'dq_audit_events',
      'dq_governance_settings',
      'dq_proposal_comments',
      'dq_proposals',
      'dq_publications',
      'dq_publish_settings',
      'dq_rule_activations',
      'dq_rule_sets',
      'dq_rules_events',
      'dq_run_owners',
      'dq_run_rule_results',
      'dq_runs',
      'dq_schedules',
      'dqx_store_migration',
      'dqx_store_migration_lock',
    ]);
    // The app's queries find the tables through the search path.
    await store.db.insertInto('dq_rule_sets').values({ table_name: 'c.s.t', last_version: 0 }).execute();
    expect(await pendingMigrations(store.db, 'dqx_rules')).toEqual([]);
  });
});
