/**
 * The process's rule store: one client per process (kept on globalThis, so a Next dev reload does
 * not open a second PGlite on the same folder), migrated on first use when configured to
 * (`DQX_STORE_MIGRATE_ON_START`, on by default: deployed, the app owns its schema). Concurrent first callers share the
 * same migration. Without migrate-on-start, first use checks that no migration is pending and
 * refuses with 503 (run `npm run db:migrate`) otherwise. An embedded (PGlite) store normally arrives
 * open and migrated from the launcher (db/launch.ts, before the server listened), so first use here
 * finds nothing to do.
 */
import type { Kysely } from 'kysely';

import { getConfig, type AppConfig } from '@/lib/config';
import { isAppError, unavailable } from '@/lib/errors';
import { log } from '@/lib/log';

import { openStore, type Store } from './client';
import { MigrationError, migrateStore, pendingMigrations } from './migrate';
import type { Database } from './types';

interface StoreState {
  store: Store;
  ready: Promise<void>;
}

const STATE_KEY = Symbol.for('dqx.ruleStore');
type Holder = { [STATE_KEY]?: StoreState };
const holder = globalThis as Holder;

async function prepare(store: Store, config: AppConfig): Promise<void> {
  if (config.store.migrateOnStart) {
    const { applied, fingerprinted, copiedFromOriginal } = await migrateStore(store.db, config.store.schema);
    if (applied.length > 0 || fingerprinted > 0 || copiedFromOriginal > 0) {
      log.info('rule store migrated', { store: store.kind, schema: config.store.schema, applied, fingerprinted, copiedFromOriginal });
    }
    return;
  }
  const pending = await pendingMigrations(store.db, config.store.schema);
  if (pending.length > 0) {
    throw unavailable(
      `The rule store's schema is not up to date (${pending.length} pending migration(s)); run \`npm run db:migrate\` before starting the app.`,
    );
  }
}

function start(config: AppConfig): StoreState {
  const store = openStore(config);
  const ready = prepare(store, config);
  // Handled by getStore(); this only keeps an early failure from being reported as unhandled.
  ready.catch(() => undefined);
  return { store, ready };
}

/** The rule store of this process, ready to use. Throws 503 when it cannot be reached or prepared. */
export async function getStore(): Promise<Kysely<Database>> {
  let state = holder[STATE_KEY];
  if (!state) {
    state = start(getConfig());
    holder[STATE_KEY] = state;
  }
  try {
    await state.ready;
  } catch (error) {
    // Forget the failed client, so the next call tries again (e.g. after Lakebase wakes up).
    if (holder[STATE_KEY] === state) {
      holder[STATE_KEY] = undefined;
      await state.store.close().catch(() => undefined);
    }
    if (isAppError(error)) throw error;
    if (error instanceof MigrationError && error.adminAction) {
      // The exact GRANT names roles: it goes to the log (and `npm run db:migrate`), not to users.
      log.error('rule store needs an admin', { store: state.store.kind, problem: error.message });
      throw unavailable(
        "The rule store's database role lacks a privilege; an admin must grant it (the app log names the exact statement, see docs/deployment.md).",
        error,
      );
    }
    log.error('rule store unavailable', { store: state.store.kind, error });
    throw unavailable('The rule store is not available right now; try again shortly.', error);
  }
  return state.store.db;
}

/** The kind of the process's store, without opening it. */
export function storeKind(): Store['kind'] {
  return holder[STATE_KEY]?.store.kind ?? getConfig().store.kind;
}

/** Close the process's store (scripts, tests, shutdown). The next getStore() opens a new one. */
export async function closeStore(): Promise<void> {
  const state = holder[STATE_KEY];
  holder[STATE_KEY] = undefined;
  if (state) await state.store.close();
}
