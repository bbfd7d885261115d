/**
 * The process's store in local mode: an embedded PGlite under the state folder, migrated lazily on
 * first use, once, however many callers arrive at the same time; persisted across restarts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { resetConfigForTests } from '@/lib/config';
import { AppError } from '@/lib/errors';

import { storeHealth } from './health';
import { MIGRATION_TABLE } from './migrate';
import { migrations } from './migrations';
import { closeStore, getStore } from './store';

describe('getStore (embedded PGlite)', () => {
  let dir: string;
  const saved = { ...process.env };

  const useEnv = (env: Record<string, string>) => {
    process.env = { ...saved, DQX_LOG_LEVEL: 'error', ...env };
    resetConfigForTests();
  };

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'dqx-store-'));
  });
  afterEach(async () => {
    await closeStore();
  });
  afterAll(() => {
    process.env = saved;
    resetConfigForTests();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to start on an unmigrated store when migrating on start is off, and says what to run', async () => {
    useEnv({ DQX_STATE_DIR: path.join(dir, 'off'), DQX_STORE_MIGRATE_ON_START: 'false' });
    const error = await getStore().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('unavailable');
    expect((error as AppError).message).toContain('npm run db:migrate');
    const health = await storeHealth();
    expect(health).toMatchObject({ ok: false, store: 'pglite' });
    expect(health.message).toContain('npm run db:migrate');
  });

  it('migrates once for many concurrent first callers, and keeps the data across restarts', async () => {
    useEnv({ DQX_STATE_DIR: path.join(dir, 'local') });
    const handles = await Promise.all(Array.from({ length: 8 }, () => getStore()));
    expect(new Set(handles).size).toBe(1);
    const db = handles[0]!;
    const applied = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(MIGRATION_TABLE)}`.execute(db);
    expect(applied.rows[0]?.n).toBe(Object.keys(migrations).length);
    await db.insertInto('dq_rule_sets').values({ table_name: 'main.a.b', last_version: 0 }).execute();

    await closeStore();
    const reopened = await getStore();
    expect(reopened).not.toBe(db);
    const rows = await reopened.selectFrom('dq_rule_sets').select('table_name').execute();
    expect(rows.map((r) => r.table_name)).toEqual(['main.a.b']);

    const health = await storeHealth();
    expect(health).toMatchObject({ ok: true, store: 'pglite' });
    expect(health.message).toBeUndefined();
  });
});
