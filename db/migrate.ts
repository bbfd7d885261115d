/**
 * Applying the migrations: Kysely's migrator over the static list in `migrations/index.ts`. The whole
 * batch runs in one transaction under an advisory lock, so concurrent migrators (two app processes,
 * or the app and `npm run db:migrate`) cannot interleave, and a failure leaves nothing half-done.
 */
import { Migrator, sql, type Kysely, type MigrationResult } from 'kysely';

import { ruleSetFingerprint, type DqxCheck } from '@/lib/dqx';

import { migrations } from './migrations';
import type { Database } from './types';

export const MIGRATION_TABLE = 'dqx_store_migration';
export const MIGRATION_LOCK_TABLE = 'dqx_store_migration_lock';

export class MigrationError extends Error {
  constructor(
    message: string,
    readonly results: MigrationResult[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

function migrator(db: Kysely<Database>, schema: string): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
    // Always explicit: otherwise Kysely takes a migration table of the same name in any schema.
    migrationTableSchema: schema,
  });
}

export interface MigrateOutcome {
  /** Names of the migrations applied by this call, in order. */
  applied: string[];
  /** Upgraded rows whose rule-set fingerprint was computed after the migrations. */
  fingerprinted: number;
}

/**
 * Bring the schema `schema` (created if missing) up to date. The connection's search_path must
 * already point at it (the client factory does that).
 */
export async function migrateStore(db: Kysely<Database>, schema = 'public'): Promise<MigrateOutcome> {
  if (schema !== 'public') await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(schema)}`.execute(db);
  const { error, results = [] } = await migrator(db, schema).migrateToLatest();
  if (error) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName;
    throw new MigrationError(
      `Migrating the rule store failed${failed ? ` in ${failed}` : ''}: ${error instanceof Error ? error.message : String(error)}`,
      results,
      { cause: error },
    );
  }
  const applied = results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
  const fingerprinted = await backfillFingerprints(db);
  return { applied, fingerprinted };
}

/** Names of migrations not applied yet (without applying them). */
export async function pendingMigrations(db: Kysely<Database>, schema = 'public'): Promise<string[]> {
  const infos = await migrator(db, schema).getMigrations();
  return infos.filter((m) => m.executedAt === undefined).map((m) => m.name);
}

/**
 * Rows from the original application have no fingerprint (migrations cannot compute it: it is
 * defined by the rule engine). Computed here, after migrating; rows whose rules are not a list of
 * DQX checks keep a null fingerprint.
 */
async function backfillFingerprints(db: Kysely<Database>): Promise<number> {
  const rows = await db
    .selectFrom('dq_rules_events')
    .select(['id', 'rules'])
    .where('rule_set_fingerprint', 'is', null)
    .execute();
  let count = 0;
  for (const row of rows) {
    let fingerprint: string;
    try {
      if (!Array.isArray(row.rules)) continue;
      fingerprint = ruleSetFingerprint(row.rules as DqxCheck[]);
    } catch {
      continue;
    }
    await db.updateTable('dq_rules_events').set({ rule_set_fingerprint: fingerprint }).where('id', '=', row.id).execute();
    count += 1;
  }
  return count;
}
