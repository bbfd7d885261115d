/**
 * The rule store's Kysely client, over one of three back-ends chosen by configuration:
 *
 * - `pglite`: embedded Postgres (WebAssembly) persisted under `config.store.pgliteDir`; the default,
 *   so local mode needs no server. One instance per process.
 * - `postgres`: any Postgres server through a `pg` pool, from DATABASE_URL or the PG* settings.
 * - `lakebase`: the same `pg` pool, connecting as the app's service principal with a fresh
 *   credential as the password of every new connection (Autoscaling: from the credential API;
 *   Provisioned: the workspace OAuth token), TLS verified, and a bounded connection lifetime.
 *
 * `db/` is the only code that talks to Postgres.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';

import { PGlite } from '@electric-sql/pglite';
import { CompiledQuery, Kysely, PostgresDialect, type DatabaseConnection } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';

import type { AppConfig, StoreKind } from '@/lib/config';
import { getLakebaseCredentialProvider } from '@/lib/databricks/lakebase-credentials';
import { getServicePrincipalTokenProvider } from '@/lib/databricks/oauth';
import { log } from '@/lib/log';

import type { Database } from './types';

export interface Store {
  readonly kind: StoreKind;
  readonly db: Kysely<Database>;
  /** Close the pool or the embedded database. */
  close(): Promise<void>;
}

/** Supplies the password of each new connection (the Lakebase OAuth token). */
export type PasswordSource = () => Promise<string>;

export interface StoreOptions {
  /** Overrides the Lakebase token source (tests, or a provider shared with the jobs code). */
  password?: PasswordSource;
  /** PGlite only: a data directory other than the configured one, or `memory://` for none. */
  pgliteDataDir?: string;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function schemaOf(store: AppConfig['store']): string {
  if (!SCHEMA_NAME.test(store.schema)) throw new Error(`Invalid store schema name: ${store.schema}`);
  return store.schema;
}

/** bigint (int8) columns, counts and sums, as JavaScript numbers: row counts stay far below 2^53. */
const INT8_OID = 20;
const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/**
 * Certificate authorities for verified TLS: Node's bundled ones plus the operating system's where
 * Node can read them (22.15 and later; the Databricks Apps runtime runs 22.16).
 */
function trustedCas(): string[] | undefined {
  const get = (tls as { getCACertificates?: (type?: 'default' | 'system') => string[] }).getCACertificates;
  if (typeof get !== 'function') return undefined;
  try {
    return [...new Set([...get('default'), ...get('system')])];
  } catch {
    return undefined;
  }
}

/**
 * libpq's meaning of PGSSLMODE mapped onto node-pg: `require` encrypts without verifying the
 * certificate, `verify-ca` verifies the chain, `verify-full` also the host name. node-pg cannot
 * negotiate, so `allow` and `prefer` connect without TLS.
 */
export function sslOption(mode: AppConfig['store']['sslMode']): pg.PoolConfig['ssl'] {
  const ca = mode === 'verify-ca' || mode === 'verify-full' ? trustedCas() : undefined;
  switch (mode) {
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
      return { rejectUnauthorized: true, checkServerIdentity: () => undefined, ...(ca ? { ca } : {}) };
    case 'verify-full':
      return { rejectUnauthorized: true, ...(ca ? { ca } : {}) };
    default:
      return false;
  }
}

/**
 * Lakebase always speaks TLS with a publicly trusted certificate for its host name: the platform's
 * `PGSSLMODE=require` (libpq: encrypt, do not verify) is raised to `verify-full`. Only `disable`
 * (local stand-ins without TLS) and `verify-ca` are taken as given.
 */
export function lakebaseSslMode(mode: AppConfig['store']['sslMode']): AppConfig['store']['sslMode'] {
  return mode === 'disable' || mode === 'verify-ca' ? mode : 'verify-full';
}

/** The password of each new Lakebase connection: Autoscaling's database credential, or Provisioned's workspace token. */
function lakebasePassword(config: AppConfig): PasswordSource {
  if (config.store.lakebase === 'autoscaling') return () => getLakebaseCredentialProvider(config).getPassword();
  return () => getServicePrincipalTokenProvider(config).getToken();
}

/** pg pool settings for the `postgres` and `lakebase` kinds. Exported for tests. */
export function poolConfig(config: AppConfig, options: StoreOptions = {}): pg.PoolConfig {
  const store = config.store;
  const common: pg.PoolConfig = {
    max: store.poolMax,
    maxLifetimeSeconds: store.maxLifetimeSeconds,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: store.connectTimeoutMs,
    application_name: 'dqx-data-quality-manager',
    types: pgTypes,
  };
  if (store.kind === 'lakebase') {
    const password = options.password ?? lakebasePassword(config);
    return {
      ...common,
      host: store.host,
      port: store.port ?? 5432,
      database: store.database ?? 'databricks_postgres',
      // The Postgres role of the app's service principal is named after its client id.
      user: store.user ?? config.databricks.clientId,
      password,
      ssl: sslOption(lakebaseSslMode(store.sslMode)),
    };
  }
  if (store.url) {
    // Settings inside the URL (sslmode included) win over the PG* variables.
    return { ...common, connectionString: store.url, ...(store.sslMode ? { ssl: sslOption(store.sslMode) } : {}) };
  }
  return {
    ...common,
    host: store.host,
    port: store.port,
    database: store.database,
    user: store.user,
    password: options.password ?? store.password,
    ssl: sslOption(store.sslMode),
  };
}

function sessionSetup(config: AppConfig): (connection: DatabaseConnection) => Promise<void> {
  const schema = schemaOf(config.store);
  const timeout = config.store.statementTimeoutMs;
  return async (connection) => {
    await connection.executeQuery(CompiledQuery.raw(`SET search_path TO "${schema}"`));
    await connection.executeQuery(CompiledQuery.raw(`SET statement_timeout = ${Math.trunc(timeout)}`));
  };
}

function openPool(config: AppConfig, options: StoreOptions): Store {
  const pool = new pg.Pool(poolConfig(config, options));
  // An idle connection that breaks (server restart, network) must not crash the process.
  pool.on('error', (error) => log.warn('rule store connection lost', { error }));
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool, onCreateConnection: sessionSetup(config) }),
  });
  return { kind: config.store.kind, db, close: () => db.destroy() };
}

/**
 * The embedded database the launcher opened (and migrated) before the server listened
 * (db/launch.ts), waiting on globalThis for the app's first openStore() to take it over: the app's
 * bundle and the launcher are one process, but not one module graph.
 */
const HANDED_OVER = Symbol.for('dqx.pgliteHandedOver');
type HandOverHolder = { [HANDED_OVER]?: { dataDir: string; pglite: PGlite } };

/** Leaves `pglite` (open on `dataDir`) for the next openStore() on that folder to use. */
export function handOverPglite(dataDir: string, pglite: PGlite): void {
  (globalThis as HandOverHolder)[HANDED_OVER] = { dataDir: path.resolve(dataDir), pglite };
}

function takeHandedOver(dataDir: string): PGlite | undefined {
  const holder = globalThis as HandOverHolder;
  const waiting = holder[HANDED_OVER];
  if (!waiting || dataDir.startsWith('memory://') || waiting.dataDir !== path.resolve(dataDir)) return undefined;
  holder[HANDED_OVER] = undefined;
  return waiting.pglite;
}

/** A new embedded database on `dataDir` (created and initialised when the folder is empty). */
export function newPglite(dataDir: string): PGlite {
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  return new PGlite(dataDir);
}

/** The store's client over an open embedded database; closing it closes the database. */
export function pgliteStore(pglite: PGlite, config: AppConfig): Store {
  const schema = schemaOf(config.store);
  // One session: set it up once, before Kysely's first query (PGlite queues queries in order).
  void pglite.exec(`SET search_path TO "${schema}"`).catch((error) => log.warn('rule store session setup failed', { error }));
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return { kind: 'pglite', db, close: () => db.destroy() };
}

function openPglite(config: AppConfig, options: StoreOptions): Store {
  const dataDir = options.pgliteDataDir ?? config.store.pgliteDir;
  return pgliteStore(takeHandedOver(dataDir) ?? newPglite(dataDir), config);
}

/** A new client for the configured store. Most code wants `getStore()` instead. */
export function openStore(config: AppConfig, options: StoreOptions = {}): Store {
  return config.store.kind === 'pglite' ? openPglite(config, options) : openPool(config, options);
}
