/**
 * The embedded store's start, done by the launcher (scripts/serve.ts) before the server listens.
 *
 * PGlite runs Postgres in WebAssembly on the main thread: creating a fresh data folder (initdb)
 * and starting Postgres on it are single synchronous calls that take seconds (more inside the
 * server, where Next.js instruments the runtime), during which the process answers nothing. Done
 * in the background of a running server, that froze every page and API for 9–28 s a few seconds
 * after the first answer of a user's very first `npm start`. So the launcher opens and migrates
 * the embedded store first, says so on the console, and hands the open database to the app
 * (handOverPglite): the app's first getStore() takes it over instead of opening the folder a second
 * time (one database per folder), and finds nothing left to migrate.
 */
import type { AppConfig } from '@/lib/config';

import { handOverPglite, newPglite, pgliteStore } from './client';
import { migrateStore, pendingMigrations } from './migrate';

export interface PreparedStore {
  /** Migrations applied now (empty when the store was up to date, or migrate-on-start is off). */
  applied: string[];
  fingerprinted: number;
  copiedFromOriginal: number;
  /** Migrations left for `npm run db:migrate` (migrate-on-start off). */
  pending: number;
}

/**
 * Opens the configured PGlite store, migrates it when migrate-on-start is on (else counts what is
 * pending), and leaves it open for the app. Throws when it cannot; then nothing is handed over and
 * the app opens the store itself on first use (and reports the failure as it does for any store).
 */
export async function prepareEmbeddedStore(config: AppConfig): Promise<PreparedStore> {
  if (config.store.kind !== 'pglite') throw new Error('prepareEmbeddedStore: the store is not PGlite');
  const dataDir = config.store.pgliteDir;
  const pglite = newPglite(dataDir);
  const store = pgliteStore(pglite, config);
  try {
    if (config.store.migrateOnStart) {
      const result = await migrateStore(store.db, config.store.schema);
      handOverPglite(dataDir, pglite);
      return { ...result, pending: 0 };
    }
    const pending = (await pendingMigrations(store.db, config.store.schema)).length;
    handOverPglite(dataDir, pglite);
    return { applied: [], fingerprinted: 0, copiedFromOriginal: 0, pending };
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
}
