/**
 * The launcher's preparation of the embedded store (db/launch.ts): the store it migrated before
 * the server listened is the one the app's getStore() then uses (one database per folder, nothing
 * left to migrate), and only the first client opened on that folder takes it over.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { sql } from 'kysely';
import { afterAll, afterEach, expect, it } from 'vitest';

import { getConfig, resetConfigForTests } from '@/lib/config';

import { handOverPglite, newPglite, openStore } from './client';
import { prepareEmbeddedStore } from './launch';
import { pendingMigrations } from './migrate';
import { migrations } from './migrations';
import { closeStore, getStore } from './store';

const saved = { ...process.env };
const dir = mkdtempSync(path.join(os.tmpdir(), 'dqx-launch-'));

afterEach(async () => {
  await closeStore();
});
afterAll(() => {
  process.env = saved;
  resetConfigForTests();
  rmSync(dir, { recursive: true, force: true });
});

const useStore = () => {
  process.env = { ...saved, DQX_LOG_LEVEL: 'error', DQX_MODE: 'local', DQX_STORE: 'pglite', DQX_STATE_DIR: dir };
  resetConfigForTests();
  return getConfig();
};

it('migrates a fresh store before the server starts, leaving nothing for the app to migrate', async () => {
  const prepared = await prepareEmbeddedStore(useStore());
  expect(prepared.applied).toHaveLength(Object.keys(migrations).length);
  expect(await pendingMigrations(await getStore())).toEqual([]);
});

it("gives the launcher's open database to the app's first client on that folder, and only to it", async () => {
  const config = useStore();
  const pglite = newPglite(config.store.pgliteDir);
  // A temporary table exists in its own session only: seen through a client, it proves the client
  // talks to this very database.
  await pglite.exec('CREATE TEMPORARY TABLE launched (x int)');
  handOverPglite(config.store.pgliteDir, pglite);

  const db = await getStore();
  await expect(sql`SELECT count(*) AS n FROM launched`.execute(db)).resolves.toBeTruthy();

  // Taken once: after the app closed it, a new client opens the folder afresh (the closed
  // database, handed over again, would refuse every query).
  await closeStore();
  const again = openStore(config);
  try {
    await expect(sql`SELECT 1 AS one`.execute(again.db)).resolves.toMatchObject({ rows: [{ one: 1 }] });
    await expect(sql`SELECT * FROM launched`.execute(again.db)).rejects.toThrow(/launched/);
  } finally {
    await again.close();
  }
});
