/**
 * `npm run db:migrate`: bring the configured rule store (DQX_STORE / DATABASE_URL / PG* / Lakebase,
 * see docs/store.md) up to date. Prints what it applied; exits non-zero on failure, so a deploy
 * step that runs it stops there. Do not run it against the embedded PGlite folder while the app runs
 * on it (the app migrates that store itself on start).
 */
import { openStore } from '@/db/client';
import { migrateStore } from '@/db/migrate';
import { ConfigError, getConfig } from '@/lib/config';

async function main(): Promise<number> {
  let config;
  try {
    config = getConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  // Upgrading a large original table may take longer than the app's statement timeout.
  const store = openStore({ ...config, store: { ...config.store, statementTimeoutMs: 0, poolMax: 1 } });
  const where = `${config.store.kind} store, schema ${config.store.schema}`;
  try {
    const { applied, fingerprinted } = await migrateStore(store.db, config.store.schema);
    if (applied.length === 0) console.log(`Rule store (${where}) is up to date; nothing to apply.`);
    else console.log(`Rule store (${where}): applied ${applied.length} migration(s):\n${applied.map((m) => `  - ${m}`).join('\n')}`);
    if (fingerprinted > 0) console.log(`Computed the rule-set fingerprint of ${fingerprinted} upgraded version(s).`);
    return 0;
  } catch (error) {
    console.error(`Migrating the rule store (${where}) failed: ${error instanceof Error ? error.message : String(error)}`);
    const cause = error instanceof Error ? error.cause : undefined;
    if (cause instanceof Error && cause.message !== (error as Error).message) console.error(`Cause: ${cause.message}`);
    return 1;
  } finally {
    await store.close().catch(() => undefined);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
