import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { ConfigError, loadConfig, normaliseHost } from './index';

describe('loadConfig', () => {
  it('runs in local mode with an embedded store when nothing is set', () => {
    const config = loadConfig({});
    expect(config.mode).toBe('local');
    expect(config.store.kind).toBe('pglite');
    expect(config.local.dataDir).toBe(path.resolve('./data'));
    expect(config.local.stateDir).toBe(path.resolve('./data/.dqx'));
    expect(config.port).toBe(3000);
    expect(config.llm.baseUrl).toBeUndefined();
  });

  it('switches to databricks mode when the Apps runtime variables are present', () => {
    const config = loadConfig({
      DATABRICKS_APP_NAME: 'dqx',
      DATABRICKS_HOST: 'adb-123.azuredatabricks.net/',
      DATABRICKS_APP_PORT: '8000',
    });
    expect(config.mode).toBe('databricks');
    expect(config.databricks.host).toBe('https://adb-123.azuredatabricks.net');
    expect(config.port).toBe(8000);
  });

  it('lets DQX_MODE win over detection', () => {
    const config = loadConfig({ DQX_MODE: 'local', DATABRICKS_APP_NAME: 'dqx', DATABRICKS_HOST: 'h' });
    expect(config.mode).toBe('local');
  });

  it('names the variable of an invalid value', () => {
    expect(() => loadConfig({ DQX_MODE: 'cloud' })).toThrowError(/DQX_MODE: expected 'local' or 'databricks'/);
    expect(() => loadConfig({ DQX_PREVIEW_ROWS: 'lots' })).toThrowError(/DQX_PREVIEW_ROWS: expected a whole number/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrowError(/DATABASE_URL: expected a postgres/);
    expect(() => loadConfig({ DQX_LLM_BASE_URL: 'localhost:8080' })).toThrowError(/DQX_LLM_BASE_URL/);
  });

  it('reports every problem at once', () => {
    try {
      loadConfig({ DQX_MODE: 'x', DQX_LOG_LEVEL: 'loud' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.map((p) => p.variable).sort()).toEqual(['DQX_LOG_LEVEL', 'DQX_MODE']);
    }
  });

  it('picks the store from the Postgres settings', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db' }).store.kind).toBe('postgres');
    expect(loadConfig({ PGHOST: 'localhost', PGPASSWORD: 'x' }).store.kind).toBe('postgres');
    const lakebase = loadConfig({
      DQX_MODE: 'databricks',
      DATABRICKS_HOST: 'h',
      DATABRICKS_CLIENT_ID: 'id',
      DATABRICKS_CLIENT_SECRET: 's',
      PGHOST: 'instance.database.cloud.databricks.com',
      PGUSER: 'id',
    });
    expect(lakebase.store.kind).toBe('lakebase');
  });

  it('refuses a Lakebase store without service-principal credentials', () => {
    expect(() =>
      loadConfig({ DQX_MODE: 'databricks', DATABRICKS_HOST: 'h', DQX_STORE: 'lakebase', PGHOST: 'x' }),
    ).toThrowError(/DATABRICKS_CLIENT_ID/);
  });

  it('migrates the store on start, into schema dqx when deployed and public locally, unless told otherwise', () => {
    expect(loadConfig({}).store).toMatchObject({ migrateOnStart: true, schema: 'public', maxLifetimeSeconds: 600, statementTimeoutMs: 30_000 });
    const databricks = { DQX_MODE: 'databricks', DATABRICKS_HOST: 'h', DATABASE_URL: 'postgres://u@h/db' };
    expect(loadConfig(databricks).store).toMatchObject({ migrateOnStart: true, schema: 'dqx' });
    expect(loadConfig({ ...databricks, DQX_STORE_MIGRATE_ON_START: 'false' }).store.migrateOnStart).toBe(false);
    expect(loadConfig({ ...databricks, DQX_STORE_SCHEMA: 'rules' }).store.schema).toBe('rules');
    expect(() => loadConfig({ DQX_STORE_MIGRATE_ON_START: 'sometimes' })).toThrowError(/DQX_STORE_MIGRATE_ON_START/);
  });

  it('refuses the rehearsal warehouse stand-in unless the workspace and the stand-in are both on loopback http', () => {
    const base = { DQX_MODE: 'databricks', DQX_REHEARSAL_WAREHOUSE_URL: 'http://127.0.0.1:3452' };
    expect(loadConfig({ ...base, DATABRICKS_HOST: 'http://127.0.0.1:4000' }).databricks.rehearsalWarehouseUrl).toBe('http://127.0.0.1:3452');
    for (const env of [
      { ...base, DATABRICKS_HOST: 'https://adb-123.azuredatabricks.net' },
      { ...base, DATABRICKS_HOST: 'adb-123.azuredatabricks.net' },
      { ...base, DATABRICKS_HOST: 'http://127.0.0.1:4000', DQX_REHEARSAL_WAREHOUSE_URL: 'http://warehouse.example.com' },
      { ...base, DATABRICKS_HOST: 'https://127.0.0.1:4000' },
    ]) {
      expect(() => loadConfig(env), JSON.stringify(env)).toThrow(/DQX_REHEARSAL_WAREHOUSE_URL/);
    }
    expect(loadConfig({ DQX_MODE: 'databricks', DATABRICKS_HOST: 'https://x.cloud.databricks.com' }).databricks.rehearsalWarehouseUrl).toBeUndefined();
  });

  it('takes a roles file in local mode only: databricks mode refuses to start with one', () => {
    expect(loadConfig({ DQX_MODE: 'local', DQX_ROLES_FILE: 'roles.yaml' }).local.rolesFile).toMatch(/\/roles\.yaml$/);
    expect(() => loadConfig({ DQX_MODE: 'databricks', DATABRICKS_HOST: 'https://x.cloud.databricks.com', DQX_ROLES_FILE: 'roles.yaml' })).toThrow(/DQX_ROLES_FILE/);
    expect(loadConfig({ DQX_RIGHTS_CACHE_SECONDS: '0' }).rights.cacheSeconds).toBe(0);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ DQX_MODE: '', DATABASE_URL: '  ' }).store.kind).toBe('pglite');
  });

  it('listens on loopback in local mode and on every interface in databricks mode, unless told otherwise', () => {
    expect(loadConfig({}).http).toEqual({ bindHost: '127.0.0.1', allowedHosts: [] });
    expect(loadConfig({ DATABRICKS_APP_NAME: 'a', DATABRICKS_HOST: 'h' }).http.bindHost).toBe('0.0.0.0');
    expect(loadConfig({ DQX_BIND_HOST: '0.0.0.0' }).http.bindHost).toBe('0.0.0.0');
    expect(loadConfig({ DQX_BIND_HOST: '::1' }).http.bindHost).toBe('::1');
    expect(() => loadConfig({ DQX_BIND_HOST: 'not a host!' })).toThrowError(/DQX_BIND_HOST/);
    expect(loadConfig({ PORT: '4000' }).port).toBe(4000);
    expect(loadConfig({ PORT: '4000', DATABRICKS_APP_PORT: '8000' }).port).toBe(8000);
  });

  it('reads the extra host names and the limits', () => {
    expect(loadConfig({ DQX_ALLOWED_HOSTS: 'DQX.example.com, my-laptop' }).http.allowedHosts).toEqual(['dqx.example.com', 'my-laptop']);
    expect(() => loadConfig({ DQX_ALLOWED_HOSTS: '*.example.com' })).toThrowError(/DQX_ALLOWED_HOSTS/);
    expect(loadConfig({}).limits).toEqual({ runsPerUser: 4, llmCallsPerMinute: 10, maxRules: 1000 });
    expect(loadConfig({}).alerts.webhookUrl).toBeUndefined();
    expect(loadConfig({ DQX_ALERT_WEBHOOK_URL: 'http://127.0.0.1:9000/hook' }).alerts.webhookUrl).toBe('http://127.0.0.1:9000/hook');
    expect(() => loadConfig({ DQX_ALERT_WEBHOOK_URL: 'ftp://example.com/x' })).toThrow(/DQX_ALERT_WEBHOOK_URL/);
    expect(() => loadConfig({ DQX_MODE: 'databricks', DATABRICKS_HOST: 'https://x.cloud.databricks.com', DQX_ALERT_WEBHOOK_URL: 'http://hooks.example.com/x' })).toThrow(
      /DQX_ALERT_WEBHOOK_URL/,
    );
    expect(() => loadConfig({ DQX_MAX_RULES: '100000' })).toThrowError(/DQX_MAX_RULES/);
    expect(loadConfig({}).identity.cacheSeconds).toBe(300);
    expect(loadConfig({}).jobs.ownerGraceSeconds).toBe(60);
  });
});

describe('normaliseHost', () => {
  it('adds a scheme and drops trailing slashes', () => {
    expect(normaliseHost('example.com/')).toBe('https://example.com');
    expect(normaliseHost('http://localhost:8080')).toBe('http://localhost:8080');
    expect(normaliseHost(undefined)).toBeUndefined();
  });
});
