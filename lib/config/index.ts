/**
 * Every setting of the application, parsed once with zod. This module is the only reader of
 * `process.env`; everything else asks `getConfig()`.
 *
 * Defaults make local mode work with no settings at all. An invalid value stops start-up with a
 * message that names the variable and says what was expected.
 */
import path from 'node:path';
import { z } from 'zod';

import { isHostName, parseHostList } from './app-hosts';

export type Env = Record<string, string | undefined>;

const emptyToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

const optionalString = z.preprocess(emptyToUndefined, z.string().trim().optional());

const intInRange = (min: number, max: number, fallback: number) =>
  z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ error: `expected a whole number between ${min} and ${max}` })
      .int({ error: `expected a whole number between ${min} and ${max}` })
      .min(min, { error: `expected a whole number between ${min} and ${max}` })
      .max(max, { error: `expected a whole number between ${min} and ${max}` })
      .default(fallback),
  );

const booleanFlag = (fallback: boolean) =>
  z.preprocess(
    emptyToUndefined,
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
      .default(fallback ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1' || v === 'yes'),
  );

const url = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .url({ error: 'expected a URL such as https://host:port/path' })
    .refine((v) => /^https?:\/\//.test(v), { error: 'expected an http:// or https:// URL' })
    .optional(),
);

/** Raw environment schema: one key per variable, so an error names the variable. */
const EnvSchema = z.object({
  DQX_MODE: z.preprocess(
    emptyToUndefined,
    z.enum(['local', 'databricks'], { error: "expected 'local' or 'databricks'" }).optional(),
  ),
  DQX_LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(['debug', 'info', 'warn', 'error'], { error: 'expected debug, info, warn or error' }).default('info'),
  ),
  DQX_LOCAL_DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./data')),
  DQX_STATE_DIR: optionalString,
  DQX_LOCAL_USER: optionalString,
  DQX_ROLES_FILE: optionalString,
  DQX_STEWARD_GROUP: optionalString,
  DQX_ADMIN_GROUP: optionalString,
  DQX_RIGHTS_CACHE_SECONDS: intInRange(0, 3_600, 60),
  DQX_PREVIEW_ROWS: intInRange(1, 1000, 50),
  DQX_SAMPLE_CATALOG: booleanFlag(true),
  DQX_SAMPLE_BIG_ROWS: intInRange(1000, 50_000_000, 1_000_000),
  DQX_CATALOG_CACHE_SECONDS: intInRange(0, 86_400, 60),

  // HTTP server and the requests it accepts.
  PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(65535).optional()),
  DQX_BIND_HOST: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .toLowerCase()
      .refine((v) => v === '0.0.0.0' || v === '::' || isHostName(v) || isHostName(`[${v}]`), {
        error: 'expected an address to listen on, such as 127.0.0.1, 0.0.0.0 or a host name',
      })
      .optional(),
  ),
  DQX_ALLOWED_HOSTS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .transform(parseHostList)
      .refine((hosts) => hosts.every(isHostName), { error: 'expected host names separated by commas, such as dqx.example.com,my-laptop' })
      .optional(),
  ),
  DQX_IDENTITY_CACHE_SECONDS: intInRange(0, 3_600, 300),
  DQX_RUNS_PER_USER: intInRange(1, 100, 4),
  DQX_LLM_CALLS_PER_MINUTE: intInRange(1, 10_000, 10),
  DQX_MAX_RULES: intInRange(1, 10_000, 1_000),
  DQX_RUN_OWNER_GRACE_SECONDS: intInRange(10, 3_600, 60),
  DQX_SCHEDULER_TICK_MS: intInRange(1_000, 600_000, 15_000),
  DQX_SCHEDULE_SYNC_SECONDS: intInRange(10, 3_600, 60),
  DQX_ALERT_WEBHOOK_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .refine((v) => /^https?:\/\/[^\s]+$/i.test(v) && URL.canParse(v), { error: 'expected an http(s) URL of a webhook' })
      .optional(),
  ),

  // Databricks Apps runtime (injected by the platform).
  DATABRICKS_APP_NAME: optionalString,
  DATABRICKS_APP_PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(65535).optional()),
  DATABRICKS_HOST: optionalString,
  DATABRICKS_WORKSPACE_ID: optionalString,
  DATABRICKS_CLIENT_ID: optionalString,
  DATABRICKS_CLIENT_SECRET: optionalString,
  // Resources bound to the app.
  DATABRICKS_WAREHOUSE_ID: optionalString,
  DQX_GENERATION_JOB_ID: z.preprocess(emptyToUndefined, z.string().regex(/^\d+$/, { error: 'expected a numeric job id' }).optional()),
  DQX_VALIDATION_JOB_ID: z.preprocess(emptyToUndefined, z.string().regex(/^\d+$/, { error: 'expected a numeric job id' }).optional()),
  DQX_RESULTS_VOLUME: optionalString,
  DQX_WAREHOUSE_QUERY_TIMEOUT_SECONDS: intInRange(5, 172_800, 300),
  DQX_WAREHOUSE_IDLE_SECONDS: intInRange(10, 3_600, 300),
  DQX_JOBS_REQUEST_TIMEOUT_SECONDS: intInRange(1, 300, 30),
  DQX_RUNNER_CONCURRENCY: intInRange(1, 8, 2),
  DQX_JOB_POLL_SECONDS: intInRange(1, 300, 5),
  DQX_JOB_OUTAGE_SECONDS: intInRange(30, 86_400, 600),

  // Rule store.
  DQX_STORE: z.preprocess(
    emptyToUndefined,
    z.enum(['pglite', 'postgres', 'lakebase'], { error: "expected 'pglite', 'postgres' or 'lakebase'" }).optional(),
  ),
  DATABASE_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine((v) => /^postgres(ql)?:\/\//.test(v), { error: 'expected a postgres:// or postgresql:// URL' })
      .optional(),
  ),
  PGHOST: optionalString,
  PGPORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(65535).optional()),
  PGDATABASE: optionalString,
  PGUSER: optionalString,
  PGPASSWORD: optionalString,
  PGSSLMODE: z.preprocess(
    emptyToUndefined,
    z.enum(['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full']).optional(),
  ),
  // Lakebase Autoscaling: the endpoint path the `postgres` app resource gives (valueFrom).
  LAKEBASE_ENDPOINT: optionalString,
  DQX_STORE_POOL_MAX: intInRange(1, 100, 10),
  DQX_STORE_SCHEMA: z.preprocess(
    emptyToUndefined,
    z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, { error: 'expected a lower-case Postgres identifier' }).optional(),
  ),
  DQX_STORE_MIGRATE_ON_START: z.preprocess(
    emptyToUndefined,
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
      .optional()
      .transform((v) => (v === undefined ? undefined : v === 'true' || v === '1' || v === 'yes')),
  ),
  DQX_STORE_MAX_LIFETIME_SECONDS: intInRange(0, 259_200, 600),
  DQX_STORE_STATEMENT_TIMEOUT_MS: intInRange(0, 3_600_000, 30_000),
  DQX_STORE_CONNECT_TIMEOUT_MS: intInRange(100, 600_000, 10_000),

  // Language model (OpenAI-compatible chat completions).
  DQX_LLM_BASE_URL: url,
  DQX_LLM_MODEL: optionalString,
  DQX_LLM_API_KEY: optionalString,
  DQX_LLM_TIMEOUT_SECONDS: intInRange(1, 600, 120),
  DQX_SERVING_ENDPOINT: optionalString,
  /** The rehearsal's SQL-warehouse stand-in (npm run test:databricks); refused unless the workspace is on loopback. */
  DQX_REHEARSAL_WAREHOUSE_URL: optionalString,
});

type RawEnv = z.infer<typeof EnvSchema>;

/** Every environment variable the application reads (the documentation is checked against it). */
export const SETTING_NAMES = Object.keys(EnvSchema.shape) as (keyof RawEnv)[];

export type Mode = 'local' | 'databricks';
export type StoreKind = 'pglite' | 'postgres' | 'lakebase';

export interface AppConfig {
  mode: Mode;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** DATABRICKS_APP_PORT, else PORT, else 3000. */
  port: number;
  /**
   * The HTTP server and the requests it accepts (docs/security.md): the address it listens on
   * (loopback in local mode, every interface in databricks mode, as the Apps runtime requires), and
   * host names accepted besides localhost (local mode's Host check) and the app's own names.
   */
  http: { bindHost: string; allowedHosts: string[] };
  /** How long the identity behind a user's token is remembered (databricks mode; 0: asked on every request). */
  identity: { cacheSeconds: number };
  /**
   * Per-user limits: unfinished runs (queued or running) at once, language-model calls per minute,
   * rules per rule set (after for_each_column expansion).
   */
  limits: { runsPerUser: number; llmCallsPerMinute: number; maxRules: number };
  local: {
    dataDir: string;
    stateDir: string;
    user: string | undefined;
    sampleCatalog: boolean;
    sampleBigRows: number;
    /** Local mode: who holds which right (lib/auth/local-roles.ts); unset: the local user holds every right. */
    rolesFile: string | undefined;
  };
  /**
   * Rights (lib/services/rights.ts, docs/governance.md): the group whose members are stewards of
   * every table, the group of the app's admins, and how long a decided right is remembered.
   */
  rights: { stewardGroup: string | undefined; adminGroup: string | undefined; cacheSeconds: number };
  catalog: { previewRows: number; cacheSeconds: number };
  /** Databricks SQL warehouse: statement timeout, and how long an unused per-user connection is kept. */
  warehouse: { queryTimeoutSeconds: number; idleSeconds: number };
  /**
   * Jobs API calls (not the runs themselves, whose timeouts are set on the jobs); runs executed in
   * the app's process at once (`runnerConcurrency`); how often a Databricks job run is polled.
   */
  jobs: {
    requestTimeoutSeconds: number;
    runnerConcurrency: number;
    pollSeconds: number;
    /** How long the Jobs API may stay unreachable while a job run is followed, before the app cancels it. */
    outageSeconds: number;
    ownerGraceSeconds: number;
    /** How often the local scheduler looks for due slots (ms; local mode). */
    schedulerTickMs: number;
    /** How often the finished runs of the schedules' Databricks jobs are brought into the history (s; databricks mode). */
    scheduleSyncSeconds: number;
  };
  /** Where alerts of tables without their own webhook go (docs/monitoring.md); checked again when sent. */
  alerts: { webhookUrl: string | undefined };
  databricks: {
    appName: string | undefined;
    host: string | undefined;
    workspaceId: string | undefined;
    clientId: string | undefined;
    clientSecret: string | undefined;
    warehouseId: string | undefined;
    generationJobId: string | undefined;
    validationJobId: string | undefined;
    resultsVolume: string | undefined;
    servingEndpoint: string | undefined;
    /** Test hook of `npm run test:databricks` (lib/warehouse/databricks/rehearsal-driver.ts); loopback only. */
    rehearsalWarehouseUrl: string | undefined;
  };
  store: {
    kind: StoreKind;
    pgliteDir: string;
    url: string | undefined;
    host: string | undefined;
    port: number | undefined;
    database: string | undefined;
    user: string | undefined;
    password: string | undefined;
    sslMode: RawEnv['PGSSLMODE'];
    /**
     * Lakebase: `autoscaling` when LAKEBASE_ENDPOINT is an endpoint path (passwords from the
     * credential API), else `provisioned` (the workspace token is the password).
     */
    lakebase: 'autoscaling' | 'provisioned';
    lakebaseEndpoint: string | undefined;
    poolMax: number;
    schema: string;
    /** Apply pending migrations on first use of the store (default on; off: refuse a store with pending migrations). */
    migrateOnStart: boolean;
    /** A pooled connection is closed after this many seconds (0 = never); new ones log in with a fresh token. */
    maxLifetimeSeconds: number;
    /** Server-side statement_timeout for the app's queries (0 = none). */
    statementTimeoutMs: number;
    connectTimeoutMs: number;
  };
  llm: {
    baseUrl: string | undefined;
    model: string | undefined;
    apiKey: string | undefined;
    timeoutSeconds: number;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(
      'Invalid configuration:\n' + problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** `https://host/` or `host` -> `https://host`. */
/** `http://127.0.0.1:<port>` or `http://localhost:<port>`: never a Databricks workspace. */
export function isLoopbackHttp(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' && (u.hostname === '127.0.0.1' || u.hostname === 'localhost');
  } catch {
    return false;
  }
}

export function normaliseHost(host: string | undefined): string | undefined {
  if (!host) return undefined;
  const withScheme = /^https?:\/\//i.test(host) ? host : `https://${host}`;
  return withScheme.replace(/\/+$/, '');
}

/** Parse an environment into the application configuration. Pure: pass any object. */
export function loadConfig(env: Env): AppConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? '(environment)'),
        message: issue.message,
      })),
    );
  }
  const e = parsed.data;
  const problems: { variable: string; message: string }[] = [];

  const appsRuntime = Boolean(e.DATABRICKS_APP_NAME && e.DATABRICKS_HOST);
  const mode: Mode = e.DQX_MODE ?? (appsRuntime ? 'databricks' : 'local');

  const dataDir = path.resolve(/*turbopackIgnore: true*/ e.DQX_LOCAL_DATA_DIR);
  const stateDir = path.resolve(/*turbopackIgnore: true*/ e.DQX_STATE_DIR ?? path.join(dataDir, '.dqx'));

  const hasPgSettings = Boolean(e.DATABASE_URL || e.PGHOST);
  const storeKind: StoreKind =
    e.DQX_STORE ?? (hasPgSettings ? (mode === 'databricks' && !e.PGPASSWORD && !e.DATABASE_URL ? 'lakebase' : 'postgres') : 'pglite');

  if (storeKind === 'postgres' && !hasPgSettings) {
    problems.push({ variable: 'DQX_STORE', message: "'postgres' needs DATABASE_URL or PGHOST" });
  }
  if (storeKind === 'lakebase') {
    if (!e.PGHOST) problems.push({ variable: 'PGHOST', message: 'the Lakebase store needs the database host' });
    if (!e.DATABRICKS_CLIENT_ID || !e.DATABRICKS_CLIENT_SECRET) {
      problems.push({
        variable: 'DATABRICKS_CLIENT_ID',
        message: "the Lakebase store connects as the app's service principal and needs its client id and secret",
      });
    }
    if (!e.DATABRICKS_HOST) problems.push({ variable: 'DATABRICKS_HOST', message: 'the Lakebase store needs the workspace host' });
  }
  if (mode === 'databricks' && !e.DATABRICKS_HOST) {
    problems.push({ variable: 'DATABRICKS_HOST', message: 'databricks mode needs the workspace URL' });
  }
  if (e.DQX_REHEARSAL_WAREHOUSE_URL && !(isLoopbackHttp(e.DATABRICKS_HOST) && isLoopbackHttp(e.DQX_REHEARSAL_WAREHOUSE_URL))) {
    // A test hook: it can never be on in a deployment, whose workspace is an https host name.
    problems.push({
      variable: 'DQX_REHEARSAL_WAREHOUSE_URL',
      message: 'the rehearsal warehouse stand-in is only allowed with DATABRICKS_HOST and itself on http://127.0.0.1 or http://localhost; unset it',
    });
  }
  if (mode === 'databricks' && e.DQX_ALERT_WEBHOOK_URL && !/^https:\/\//i.test(e.DQX_ALERT_WEBHOOK_URL)) {
    problems.push({ variable: 'DQX_ALERT_WEBHOOK_URL', message: 'databricks mode sends alerts over https only' });
  }
  if (mode === 'databricks' && e.DQX_ROLES_FILE) {
    // Rights come from Unity Catalog there; a local list must never widen or narrow them.
    problems.push({ variable: 'DQX_ROLES_FILE', message: 'a roles file is for local mode only; in databricks mode rights come from Unity Catalog' });
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    mode,
    logLevel: e.DQX_LOG_LEVEL,
    port: e.DATABRICKS_APP_PORT ?? e.PORT ?? 3000,
    http: {
      bindHost: e.DQX_BIND_HOST ?? (mode === 'databricks' ? '0.0.0.0' : '127.0.0.1'),
      allowedHosts: e.DQX_ALLOWED_HOSTS ?? [],
    },
    identity: { cacheSeconds: e.DQX_IDENTITY_CACHE_SECONDS },
    limits: { runsPerUser: e.DQX_RUNS_PER_USER, llmCallsPerMinute: e.DQX_LLM_CALLS_PER_MINUTE, maxRules: e.DQX_MAX_RULES },
    local: {
      dataDir,
      stateDir,
      user: e.DQX_LOCAL_USER,
      sampleCatalog: e.DQX_SAMPLE_CATALOG,
      sampleBigRows: e.DQX_SAMPLE_BIG_ROWS,
      rolesFile: e.DQX_ROLES_FILE ? path.resolve(/*turbopackIgnore: true*/ e.DQX_ROLES_FILE) : undefined,
    },
    rights: { stewardGroup: e.DQX_STEWARD_GROUP, adminGroup: e.DQX_ADMIN_GROUP, cacheSeconds: e.DQX_RIGHTS_CACHE_SECONDS },
    catalog: { previewRows: e.DQX_PREVIEW_ROWS, cacheSeconds: e.DQX_CATALOG_CACHE_SECONDS },
    warehouse: { queryTimeoutSeconds: e.DQX_WAREHOUSE_QUERY_TIMEOUT_SECONDS, idleSeconds: e.DQX_WAREHOUSE_IDLE_SECONDS },
    jobs: {
      requestTimeoutSeconds: e.DQX_JOBS_REQUEST_TIMEOUT_SECONDS,
      runnerConcurrency: e.DQX_RUNNER_CONCURRENCY,
      pollSeconds: e.DQX_JOB_POLL_SECONDS,
      outageSeconds: e.DQX_JOB_OUTAGE_SECONDS,
      ownerGraceSeconds: e.DQX_RUN_OWNER_GRACE_SECONDS,
      schedulerTickMs: e.DQX_SCHEDULER_TICK_MS,
      scheduleSyncSeconds: e.DQX_SCHEDULE_SYNC_SECONDS,
    },
    alerts: { webhookUrl: e.DQX_ALERT_WEBHOOK_URL },
    databricks: {
      appName: e.DATABRICKS_APP_NAME,
      host: normaliseHost(e.DATABRICKS_HOST),
      workspaceId: e.DATABRICKS_WORKSPACE_ID,
      clientId: e.DATABRICKS_CLIENT_ID,
      clientSecret: e.DATABRICKS_CLIENT_SECRET,
      warehouseId: e.DATABRICKS_WAREHOUSE_ID,
      generationJobId: e.DQX_GENERATION_JOB_ID,
      validationJobId: e.DQX_VALIDATION_JOB_ID,
      resultsVolume: e.DQX_RESULTS_VOLUME,
      servingEndpoint: e.DQX_SERVING_ENDPOINT,
      rehearsalWarehouseUrl: e.DQX_REHEARSAL_WAREHOUSE_URL,
    },
    store: {
      kind: storeKind,
      pgliteDir: path.join(/*turbopackIgnore: true*/ stateDir, 'store'),
      url: e.DATABASE_URL,
      host: e.PGHOST,
      port: e.PGPORT,
      database: e.PGDATABASE,
      user: e.PGUSER,
      password: e.PGPASSWORD,
      sslMode: e.PGSSLMODE,
      lakebase: e.LAKEBASE_ENDPOINT?.startsWith('projects/') ? 'autoscaling' : 'provisioned',
      lakebaseEndpoint: e.LAKEBASE_ENDPOINT?.startsWith('projects/') ? e.LAKEBASE_ENDPOINT : undefined,
      poolMax: e.DQX_STORE_POOL_MAX,
      // Deployed, the app's role holds only CONNECT and CREATE on the database: it owns a schema of
      // its own (PostgreSQL 15+ gives CREATE on `public` to its owner only) and migrates it itself.
      schema: e.DQX_STORE_SCHEMA ?? (mode === 'databricks' ? 'dqx' : 'public'),
      migrateOnStart: e.DQX_STORE_MIGRATE_ON_START ?? true,
      maxLifetimeSeconds: e.DQX_STORE_MAX_LIFETIME_SECONDS,
      statementTimeoutMs: e.DQX_STORE_STATEMENT_TIMEOUT_MS,
      connectTimeoutMs: e.DQX_STORE_CONNECT_TIMEOUT_MS,
    },
    llm: {
      baseUrl: e.DQX_LLM_BASE_URL,
      model: e.DQX_LLM_MODEL,
      apiKey: e.DQX_LLM_API_KEY,
      timeoutSeconds: e.DQX_LLM_TIMEOUT_SECONDS,
    },
  };
}

let cached: AppConfig | undefined;

/** The configuration of this process, parsed on first use. */
export function getConfig(): AppConfig {
  cached ??= loadConfig(process.env);
  return cached;
}

/** Tests only: forget the parsed configuration so the next call reads the environment again. */
export function resetConfigForTests(): void {
  cached = undefined;
}
