/**
 * Applying the migrations: Kysely's migrator over the static list in `migrations/index.ts`. The whole
 * batch runs in one transaction under an advisory lock, so concurrent migrators (two app processes,
 * or the app and `npm run db:migrate`) cannot interleave, and a failure leaves nothing half-done.
 *
 * As deployed, the app's role does not own the database: it holds CONNECT and CREATE on it (what a
 * Databricks app resource grants) and creates and owns a schema of its own (`dqx`). Before migrating,
 * `migrateStore` checks that the role may create that schema or objects in it, and names the exact
 * GRANT an admin must run when it may not. A schema of its own also holds the upgrade of the original
 * application, whose `public.dq_rules_events` belongs to another role: its rows are copied into the
 * new schema (which needs SELECT on it, again named exactly when missing) and upgraded there; the
 * original table is left as it was.
 */
import { Migrator, sql, type Kysely, type MigrationResult, type Transaction } from 'kysely';

import { ruleSetFingerprint, type DqxCheck } from '@/lib/dqx';
import { log } from '@/lib/log';

import { migrations } from './migrations';
import { ORIGINAL_COLUMNS, ORIGINAL_TABLE } from './original-schema';
import type { Database } from './types';

export const MIGRATION_TABLE = 'dqx_store_migration';
export const MIGRATION_LOCK_TABLE = 'dqx_store_migration_lock';

export class MigrationError extends Error {
  /** When the role lacks a privilege: the exact statements an admin runs (they name roles). */
  readonly adminAction?: string;

  constructor(
    message: string,
    readonly results: MigrationResult[],
    options?: { cause?: unknown; adminAction?: string },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MigrationError';
    if (options?.adminAction !== undefined) this.adminAction = options.adminAction;
  }
}

/** Where the original application kept `dq_rules_events` (no schema qualifier: its role's default). */
export const ORIGINAL_SCHEMA = 'public';

/** A Postgres identifier, quoted for a statement an admin copies. */
export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * A store that cannot be prepared because the app's role lacks a privilege. `adminAction` holds the
 * exact statements an admin runs (logged and printed, never shown to users: it names roles).
 */
function privilegeError(message: string, adminAction: string): MigrationError {
  return new MigrationError(
    `${message} An admin (the owner, or a member of databricks_superuser on Lakebase) runs:\n${adminAction}`,
    [],
    { adminAction },
  );
}

interface Privileges {
  role: string;
  database: string;
  can_create_schema: boolean;
  schema_owner: string | null;
  can_create_in_schema: boolean | null;
}

/** Refuses early, with the GRANT to run, when the role can neither create the schema nor objects in it. */
async function checkPrivileges(db: Kysely<Database>, schema: string): Promise<void> {
  const { rows } = await sql<Privileges>`
    SELECT current_user AS role,
           current_database() AS database,
           has_database_privilege(current_database(), 'CREATE') AS can_create_schema,
           (SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = ${schema}) AS schema_owner,
           (SELECT has_schema_privilege(oid, 'CREATE') FROM pg_namespace WHERE nspname = ${schema}) AS can_create_in_schema`.execute(db);
  const p = rows[0];
  if (!p) return;
  if (p.schema_owner === null && !p.can_create_schema) {
    throw privilegeError(
      `Role ${quoteIdent(p.role)} may not create the rule store's schema ${quoteIdent(schema)} in database ${quoteIdent(p.database)}.`,
      `  GRANT CREATE ON DATABASE ${quoteIdent(p.database)} TO ${quoteIdent(p.role)};`,
    );
  }
  if (p.schema_owner !== null && p.can_create_in_schema === false) {
    const hint =
      schema === 'public'
        ? ' (PostgreSQL 15 and later give CREATE on schema public to its owner only; the store belongs in a schema of its own: DQX_STORE_SCHEMA=dqx.)'
        : '';
    throw privilegeError(
      `Role ${quoteIdent(p.role)} may not create tables in schema ${quoteIdent(schema)}, which belongs to ${quoteIdent(p.schema_owner)}${hint}.`,
      `  ALTER SCHEMA ${quoteIdent(schema)} OWNER TO ${quoteIdent(p.role)};`,
    );
  }
}

interface OriginalTable {
  owner: string;
  role: string;
  can_use_schema: boolean;
  can_select: boolean;
  upgraded: boolean;
  rows_estimate: number;
}

async function tableExists(db: Kysely<Database> | Transaction<Database>, schema: string, table: string): Promise<boolean> {
  const { rows } = await sql<{ found: boolean }>`
    SELECT EXISTS (
      SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ${schema} AND c.relname = ${table} AND c.relkind IN ('r', 'p')
    ) AS found`.execute(db);
  return rows[0]?.found === true;
}

/**
 * Copies the original application's rows into `schema` before the first migration upgrades them
 * there. Only when `schema` has no `dq_rules_events` yet and the original table has the original
 * shape. Returns the number of rows copied.
 */
async function copyOriginalTable(db: Kysely<Database>, schema: string): Promise<number> {
  if (schema === ORIGINAL_SCHEMA || (await tableExists(db, schema, ORIGINAL_TABLE))) return 0;
  // By oid, so that a role without USAGE on the schema gets an answer instead of an error.
  const { rows } = await sql<OriginalTable>`
    SELECT pg_get_userbyid(c.relowner) AS owner,
           current_user AS role,
           has_schema_privilege(n.oid, 'USAGE') AS can_use_schema,
           has_table_privilege(c.oid, 'SELECT') AS can_select,
           EXISTS (SELECT 1 FROM pg_attribute a
                   WHERE a.attrelid = c.oid AND a.attname = 'rule_set_fingerprint' AND NOT a.attisdropped) AS upgraded,
           greatest(c.reltuples, 0)::bigint AS rows_estimate
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ${ORIGINAL_SCHEMA} AND c.relname = ${ORIGINAL_TABLE} AND c.relkind IN ('r', 'p')`.execute(db);
  const original = rows[0];
  if (!original) return 0;
  if (original.upgraded) {
    // A store of this application that an earlier deploy migrated into public: not the original
    // application's data, and not copied (its rows stay where they are).
    log.warn('rule store: public.dq_rules_events was already upgraded by this application and is not copied', { schema });
    return 0;
  }
  if (!original.can_use_schema || !original.can_select) {
    const table = `${quoteIdent(ORIGINAL_SCHEMA)}.${quoteIdent(ORIGINAL_TABLE)}`;
    const grants = [
      ...(original.can_use_schema ? [] : [`  GRANT USAGE ON SCHEMA ${quoteIdent(ORIGINAL_SCHEMA)} TO ${quoteIdent(original.role)};`]),
      ...(original.can_select ? [] : [`  GRANT SELECT ON TABLE ${table} TO ${quoteIdent(original.role)};`]),
    ];
    throw privilegeError(
      `The original application's rule table ${table} (owned by ${quoteIdent(original.owner)}) is to be copied into schema ${quoteIdent(schema)}, but role ${quoteIdent(original.role)} may not read it. Nothing was changed.`,
      `${grants.join('\n')}\nand then restarts the app (or runs npm run db:migrate again). The original table is only read, never changed.`,
    );
  }
  return db.transaction().execute(async (trx) => {
    // Two processes starting at once: the second waits, then finds the table and copies nothing.
    await sql`SELECT pg_advisory_xact_lock(hashtext('dqx.store.copy_original'))`.execute(trx);
    if (await tableExists(trx, schema, ORIGINAL_TABLE)) return 0;
    // The original application's DDL (as the first migration creates it for a fresh store).
    await sql`CREATE TABLE ${sql.id(schema, ORIGINAL_TABLE)} (${sql.raw(ORIGINAL_COLUMNS)})`.execute(trx);
    const copied = await sql`
      INSERT INTO ${sql.id(schema, ORIGINAL_TABLE)}
        (id, table_name, version, rules, user_prompt, ai_summary, created_at, created_by, is_active, metadata)
      SELECT id, table_name, version, rules, user_prompt, ai_summary, created_at, created_by, is_active, metadata
      FROM ${sql.id(ORIGINAL_SCHEMA, ORIGINAL_TABLE)}`.execute(trx);
    return Number(copied.numAffectedRows ?? 0);
  });
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
  /** Rows of the original application's `public.dq_rules_events` copied into the store's schema. */
  copiedFromOriginal: number;
}

/**
 * Bring the schema `schema` (created if missing) up to date. The connection's search_path must
 * already point at it (the client factory does that).
 */
export async function migrateStore(db: Kysely<Database>, schema = 'public'): Promise<MigrateOutcome> {
  await checkPrivileges(db, schema);
  if (schema !== 'public') await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(schema)}`.execute(db);
  const copiedFromOriginal = (await pendingMigrations(db, schema)).length > 0 ? await copyOriginalTable(db, schema) : 0;
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
  return { applied, fingerprinted, copiedFromOriginal };
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
