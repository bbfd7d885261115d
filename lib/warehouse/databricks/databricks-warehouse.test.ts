import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { UserToken, type Caller } from '@/lib/auth/caller';
import { loadConfig } from '@/lib/config';
import { isAppError } from '@/lib/errors';

import { ConnectionPool } from './connections';
import { DatabricksWarehouse } from './databricks-warehouse';
import type { ClientFactory, DriverColumn, DriverOperation, DriverSession } from './driver';
import { TTYPE } from './types';

const TOKEN = 'dapi-user-token-4f9c2b7e1d';
const config = loadConfig({
  DQX_MODE: 'databricks',
  DATABRICKS_HOST: 'https://adb-1234.5.azuredatabricks.net/',
  DATABRICKS_WAREHOUSE_ID: 'abc123def456',
  DQX_WAREHOUSE_QUERY_TIMEOUT_SECONDS: '120',
});
const caller = (token = TOKEN): Caller => ({
  id: 'ana@example.com',
  displayName: 'Ana',
  email: 'ana@example.com',
  mode: 'databricks',
  requestId: 'req-1',
  token: new UserToken(token),
});

const col = (name: string, type: number, position: number, extra: Partial<DriverColumn['typeDesc']['types'][number]> = {}): DriverColumn => ({
  columnName: name,
  position,
  typeDesc: { types: [{ primitiveEntry: { type }, ...extra }] },
});

interface Answer {
  columns?: DriverColumn[];
  rows?: Record<string, unknown>[];
  error?: unknown;
  /** Resolve fetchChunk only when the test says so. */
  hold?: Promise<void>;
  /** Rows served one fetchChunk at a time (instead of `rows` at once). */
  chunks?: Record<string, unknown>[][];
}

/** A stand-in at the driver's connection-object level: DBSQLClient -> IDBSQLSession -> IOperation. */
class FakeDriver {
  connects: Record<string, unknown>[] = [];
  clientsClosed = 0;
  sessions: { configuration?: Record<string, string>; closed: boolean }[] = [];
  statements: { sql: string; params: Record<string, string> | undefined }[] = [];
  operations: { cancelled: boolean; closed: boolean }[] = [];
  fetches = 0;
  answer: (sql: string) => Answer = () => ({ columns: [], rows: [] });
  connectError: unknown;

  factory: ClientFactory = (logger) => {
    return {
      connect: async (options) => {
        this.connects.push(options as unknown as Record<string, unknown>);
        const token = (options as { token?: string }).token;
        logger.log('warn' as never, `connecting with token ${token}`); // a careless driver line: must be scrubbed
        if (this.connectError) throw this.connectError;
        return {};
      },
      openSession: async (request) => {
        const record = { configuration: request?.configuration, closed: false };
        this.sessions.push(record);
        const session: DriverSession = {
          executeStatement: async (sql, options) => {
            this.statements.push({ sql, params: options?.namedParameters });
            const answer = this.answer(sql);
            const op = { cancelled: false, closed: false };
            this.operations.push(op);
            let served = false;
            let next = 0;
            const operation: DriverOperation = {
              getSchema: async () => {
                if (answer.error) throw answer.error;
                return { columns: answer.columns ?? [] };
              },
              fetchChunk: async () => {
                if (answer.hold) await answer.hold;
                if (op.cancelled) throw Object.assign(new Error('The operation was canceled by a client'), { errorCode: 'CANCELED' });
                served = true;
                this.fetches += 1;
                if (answer.chunks) return answer.chunks[next++] ?? [];
                return answer.rows ?? [];
              },
              hasMoreRows: async () => (answer.chunks ? next < answer.chunks.length : !served),
              cancel: async () => {
                op.cancelled = true;
                return {};
              },
              close: async () => {
                op.closed = true;
                return {};
              },
            };
            return operation;
          },
          close: async () => {
            record.closed = true;
            return {};
          },
        };
        return session;
      },
      close: async () => {
        this.clientsClosed += 1;
      },
    };
  };
}

let driver: FakeDriver;
let pool: ConnectionPool;
const written: string[] = [];
const warehouse = (token = TOKEN) => new DatabricksWarehouse(caller(token), config, { clientFactory: driver.factory, pool });

beforeEach(() => {
  driver = new FakeDriver();
  pool = new ConnectionPool(60_000);
  written.length = 0;
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
});
afterEach(async () => {
  await pool.closeAll();
  vi.restoreAllMocks();
  expect(written.join('')).not.toContain(TOKEN);
});

function expectAllClosed() {
  expect(driver.sessions.every((s) => s.closed)).toBe(true);
  expect(driver.operations.every((o) => o.closed)).toBe(true);
}

describe('DatabricksWarehouse (on behalf of the caller)', () => {
  it('runs a statement the app built with its values bound by name, as the caller, and closes it', async () => {
    driver.answer = () => ({ columns: [col('n', TTYPE.BIGINT, 1)], rows: [{ n: 2 }] });
    const statement = { id: 'count-checks-batch', sql: 'SELECT count(*) AS n FROM `main`.`dqx`.`checks` WHERE run_config_name = :rc', params: { rc: "o'brien" } };
    expect(await warehouse().execute(statement)).toEqual({ columns: [{ name: 'n', type: 'bigint' }], rows: [[2]] });
    expect(driver.statements).toEqual([{ sql: statement.sql, params: { rc: "o'brien" } }]);
    expect(driver.connects[0]).toMatchObject({ token: TOKEN });
    expectAllClosed();
  });

  it('connects to a DATABRICKS_HOST with a port on that port', async () => {
    const withPort = loadConfig({ DQX_MODE: 'databricks', DATABRICKS_HOST: 'https://dbc.example.com:8443/', DATABRICKS_WAREHOUSE_ID: 'abc123def456' });
    driver.answer = () => ({ columns: [col('catalog', TTYPE.STRING, 1)], rows: [{ catalog: 'main' }] });
    await new DatabricksWarehouse(caller(), withPort, { clientFactory: driver.factory, pool }).listCatalogs();
    expect(driver.connects[0]).toMatchObject({ host: 'dbc.example.com', port: 8443 });
    expect(withPort.databricks.host).toBe('https://dbc.example.com:8443');
  });

  it("connects with the caller's token to the configured warehouse, without telemetry", async () => {
    driver.answer = () => ({ columns: [col('catalog', TTYPE.STRING, 1)], rows: [{ catalog: 'main' }, { catalog: 'samples' }] });
    expect(await warehouse().listCatalogs()).toEqual([
      { name: 'main', comment: null },
      { name: 'samples', comment: null },
    ]);
    expect(driver.connects).toHaveLength(1);
    expect(driver.connects[0]).toMatchObject({
      host: 'adb-1234.5.azuredatabricks.net',
      port: 443,
      path: '/sql/1.0/warehouses/abc123def456',
      token: TOKEN,
      telemetryEnabled: false,
      preserveBigNumericPrecision: true,
    });
    expect(driver.statements).toEqual([{ sql: 'SHOW CATALOGS', params: undefined }]);
    expect(driver.sessions[0]!.configuration).toEqual({ STATEMENT_TIMEOUT: '120' });
    expectAllClosed();
  });

  it('keeps one connection per token and never shares it between tokens', async () => {
    driver.answer = () => ({ columns: [col('ok', TTYPE.INT, 1)], rows: [{ ok: 1 }] });
    await warehouse().ping();
    await warehouse().ping();
    await warehouse('another-users-token-99').ping();
    expect(driver.connects.map((c) => c.token)).toEqual([TOKEN, 'another-users-token-99']);
    expect(driver.sessions).toHaveLength(3); // a session per operation
    expectAllClosed();
    await pool.closeAll();
    expect(driver.clientsClosed).toBe(2);
  });

  it('closes a connection once it has been idle', async () => {
    vi.useFakeTimers();
    try {
      const idlePool = new ConnectionPool(1000);
      driver.answer = () => ({ columns: [], rows: [] });
      await new DatabricksWarehouse(caller(), config, { clientFactory: driver.factory, pool: idlePool }).ping();
      expect(idlePool.size).toBe(1);
      await vi.advanceTimersByTimeAsync(1500);
      expect(idlePool.size).toBe(0);
      expect(driver.clientsClosed).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('quotes hostile identifiers and binds values as parameters', async () => {
    driver.answer = () => ({
      columns: [col('table_name', TTYPE.STRING, 1), col('table_type', TTYPE.STRING, 2), col('comment', TTYPE.STRING, 3)],
      rows: [
        { table_name: 'orders', table_type: 'MANAGED', comment: 'all orders' },
        { table_name: 'v_orders', table_type: 'VIEW', comment: null },
      ],
    });
    const tables = await warehouse().listTables('we`ird; DROP', "sales' OR '1'='1");
    expect(driver.statements[0]).toEqual({
      sql: 'SELECT table_name, table_type, comment FROM `we``ird; DROP`.information_schema.tables WHERE table_schema = :schema ORDER BY table_name',
      params: { schema: "sales' OR '1'='1" },
    });
    expect(tables.map((t) => [t.full_name, t.kind, t.comment])).toEqual([
      ["we`ird; DROP.sales' OR '1'='1.orders", 'table', 'all orders'],
      ["we`ird; DROP.sales' OR '1'='1.v_orders", 'view', null],
    ]);
  });

  it('lists Hive metastore tables with SHOW TABLES (it has no information_schema)', async () => {
    driver.answer = () => ({ rows: [{ database: 'default', tableName: 't1', isTemporary: false }, { database: '', tableName: 'tmp', isTemporary: true }] });
    const tables = await warehouse().listTables('hive_metastore', 'default');
    expect(driver.statements[0]!.sql).toBe('SHOW TABLES IN `hive_metastore`.`default`');
    expect(tables.map((t) => t.table)).toEqual(['t1']);
  });

  it('searches every term across catalog, schema and table names with bound parameters', async () => {
    driver.answer = () => ({ rows: [{ table_catalog: 'main', table_schema: 'sales', table_name: 'orders', table_type: 'MANAGED', comment: null }] });
    const found = await warehouse().searchTables("  Sales  ord'ers ", 25);
    expect(found[0]!.full_name).toBe('main.sales.orders');
    const { sql, params } = driver.statements[0]!;
    expect(params).toEqual({ t0: 'sales', t1: "ord'ers" });
    expect(sql).toContain('FROM system.information_schema.tables');
    expect(sql).toContain('contains(lower(table_name), :t1)');
    expect(sql).not.toContain("ord'ers");
    expect(sql.endsWith('LIMIT 25')).toBe(true);
    expect(await warehouse().searchTables('   ', 10)).toEqual([]);
    expect(driver.statements).toHaveLength(1);
  });

  it('describes a table from DESCRIBE TABLE EXTENDED ... AS JSON with Spark type strings', async () => {
    const json = {
      table_name: 'orders',
      type: 'MANAGED',
      comment: 'all orders',
      columns: [
        { name: 'id', type: { name: 'bigint' }, nullable: false, comment: 'key' },
        { name: 'amount', type: { name: 'decimal', precision: 12, scale: 2 }, nullable: true },
        { name: 'tags', type: { name: 'array', element_type: { name: 'string', collation: 'UTF8_BINARY' }, element_nullable: true }, nullable: true },
        { name: 'attrs', type: { name: 'map', key_type: { name: 'string' }, value_type: { name: 'int' } }, nullable: true },
        { name: 'addr', type: { name: 'struct', fields: [{ name: 'zip', type: { name: 'varchar', length: 10 } }] } },
        { name: 'ts', type: { name: 'timestamp_ltz' } },
        { name: 'ts_ntz', type: { name: 'timestamp_ntz' } },
      ],
      statistics: { num_rows: 1234, size_in_bytes: 99 },
    };
    driver.answer = () => ({ columns: [col('json_metadata', TTYPE.STRING, 1)], rows: [{ json_metadata: JSON.stringify(json) }] });
    const table = await warehouse().describeTable({ catalog: 'main', schema: 'sales', table: 'or`ders' });
    expect(driver.statements[0]!.sql).toBe('DESCRIBE TABLE EXTENDED `main`.`sales`.`or``ders` AS JSON');
    expect(table).toMatchObject({ full_name: 'main.sales.or`ders', kind: 'table', comment: 'all orders', row_count: 1234 });
    expect(table!.columns.map((c) => [c.name, c.type, c.nullable])).toEqual([
      ['id', 'bigint', false],
      ['amount', 'decimal(12,2)', true],
      ['tags', 'array<string>', true],
      ['attrs', 'map<string,int>', true],
      ['addr', 'struct<zip:varchar(10)>', true],
      ['ts', 'timestamp', true],
      ['ts_ntz', 'timestamp_ntz', true],
    ]);
  });

  it('answers null for a table the caller cannot see', async () => {
    const ref = { catalog: 'main', schema: 'hr', table: 'salaries' };
    driver.answer = () => ({
      error: Object.assign(new Error('[TABLE_OR_VIEW_NOT_FOUND] The table or view `main`.`hr`.`salaries` cannot be found. SQLSTATE: 42P01'), { name: 'OperationStateError', errorCode: 'ERROR' }),
    });
    expect(await warehouse().describeTable(ref)).toBeNull();
    driver.answer = () => ({ error: Object.assign(new Error('[INSUFFICIENT_PERMISSIONS] Insufficient privileges: User does not have SELECT on Table'), { name: 'OperationStateError' }) });
    expect(await warehouse().describeTable(ref)).toBeNull();
    expectAllClosed();
  });

  it('converts values to JSON-safe cells and reports Spark types of the result', async () => {
    driver.answer = () => ({
      columns: [
        col('big', TTYPE.BIGINT, 1),
        col('dec', TTYPE.DECIMAL, 2, { primitiveEntry: { type: TTYPE.DECIMAL, typeQualifiers: { qualifiers: { precision: { i32Value: 20 }, scale: { i32Value: 4 } } } } }),
        col('d', TTYPE.DATE, 3),
        col('nan', TTYPE.DOUBLE, 4),
        col('arr', TTYPE.ARRAY, 5),
        col('bin', TTYPE.BINARY, 6),
      ],
      rows: [{ big: 9007199254740993n, dec: '12345678901234.5678', d: new Date(Date.UTC(2024, 1, 29)), nan: Number.NaN, arr: [1n, null, 'x'], bin: Buffer.from('hi') }],
    });
    const result = await warehouse().sampleRows({ catalog: 'main', schema: 's', table: 't' }, 5);
    expect(driver.statements[0]!.sql).toBe('SELECT * FROM `main`.`s`.`t` LIMIT 5');
    expect(result.columns.map((c) => c.type)).toEqual(['bigint', 'decimal(20,4)', 'date', 'double', 'array<string>', 'binary']);
    expect(result.rows).toEqual([['9007199254740993', '12345678901234.5678', '2024-02-29', 'NaN', ['1', null, 'x'], 'aGk=']]);
  });

  it('stops reading at maxRows', async () => {
    driver.answer = () => ({ columns: [col('n', TTYPE.INT, 1)], rows: Array.from({ length: 50 }, (_, n) => ({ n })) });
    const result = await warehouse().query('SELECT n FROM x', { maxRows: 7 });
    expect(result.rows).toHaveLength(7);
  });

  it('streams a result a chunk at a time, fetching the next only when asked, and closes when stopped early', async () => {
    const chunks = [0, 1, 2, 3].map((c) => Array.from({ length: 3 }, (_, i) => ({ n: c * 3 + i })));
    driver.answer = () => ({ columns: [col('n', TTYPE.INT, 1)], chunks });
    const all: number[] = [];
    for await (const chunk of warehouse().stream('SELECT n FROM x')) all.push(...chunk.rows.map((r) => r[0] as number));
    expect(all).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expectAllClosed();

    driver.fetches = 0;
    const it = warehouse().stream('SELECT n FROM x')[Symbol.asyncIterator]();
    expect((await it.next()).value).toMatchObject({ columns: [{ name: 'n', type: 'int' }], rows: [[0], [1], [2]] });
    expect(driver.fetches).toBe(1);
    await it.return?.(undefined);
    expect(driver.fetches).toBe(1);
    expectAllClosed();
  });

  it('cancels the running operation when the signal aborts', async () => {
    let release!: () => void;
    const hold = new Promise<void>((resolve) => (release = resolve));
    driver.answer = () => ({ columns: [col('n', TTYPE.INT, 1)], rows: [{ n: 1 }], hold });
    const controller = new AbortController();
    const pending = warehouse().query('SELECT n FROM big', { signal: controller.signal });
    await vi.waitFor(() => expect(driver.operations).toHaveLength(1));
    controller.abort();
    release();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(driver.operations[0]!.cancelled).toBe(true);
    expectAllClosed();
  });

  it('maps a refused token to 401, forbidden to 403 and an unreachable warehouse to 503, without the token', async () => {
    driver.connectError = Object.assign(new Error(`Received a response with a bad HTTP status code: 401 (token ${TOKEN})`), { statusCode: 401 });
    const unauthorized = await warehouse().ping().catch((e: unknown) => e);
    expect(isAppError(unauthorized) && unauthorized.status).toBe(401);
    expect(String((unauthorized as Error).message)).not.toContain(TOKEN);

    driver.connectError = Object.assign(new Error('Received a response with a bad HTTP status code: 403'), { statusCode: 403 });
    const forbidden = await warehouse().ping().catch((e: unknown) => e);
    expect(isAppError(forbidden) && forbidden.status).toBe(403);

    driver.connectError = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' });
    const down = await warehouse().ping().catch((e: unknown) => e);
    expect(isAppError(down) && down.status).toBe(503);

    driver.connectError = Object.assign(new Error('Retry attempts exceeded'), { name: 'RetryError' });
    expect(await warehouse().ping().catch((e: unknown) => (isAppError(e) ? e.status : e))).toBe(503);
  });

  it('reports a statement timeout as 503 and a SQL error with its error class', async () => {
    driver.answer = () => ({ error: Object.assign(new Error('[STATEMENT_TIMEOUT] Query has timed out after 120 seconds.'), { name: 'OperationStateError' }) });
    const timeout = await warehouse().query('SELECT 1').catch((e: unknown) => e);
    expect(isAppError(timeout) && timeout.status).toBe(503);
    expect((timeout as Error).message).toContain('120 seconds');

    driver.answer = () => ({ error: Object.assign(new Error('[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column `x` cannot be resolved. SQLSTATE: 42703'), { name: 'OperationStateError' }) });
    const sqlError = await warehouse().query('SELECT x').catch((e: unknown) => e);
    expect(isAppError(sqlError) && sqlError.status).toBe(400);
    expect(sqlError).toMatchObject({ code: 'bad_request', details: { errorClass: 'UNRESOLVED_COLUMN.WITH_SUGGESTION', sqlState: '42703' } });

    driver.answer = () => ({ error: Object.assign(new Error("[CAST_INVALID_INPUT] The value 'abc' of the type \"STRING\" cannot be cast to \"INT\". SQLSTATE: 22018"), { name: 'OperationStateError' }) });
    const dataError = await warehouse().query('SELECT CAST(s AS INT) FROM t').catch((e: unknown) => e);
    expect(isAppError(dataError) && dataError.status).toBe(422);
    expect(dataError).toMatchObject({ details: { errorClass: 'CAST_INVALID_INPUT', sqlState: '22018' } });
    expect((dataError as Error).message).toContain('CAST_INVALID_INPUT');
    expectAllClosed();
  });

  it('drops the connection of a token the warehouse stops accepting', async () => {
    driver.answer = () => ({ rows: [] });
    await warehouse().ping();
    driver.answer = () => ({ error: Object.assign(new Error('Unauthorized'), { name: 'AuthenticationError' }) });
    await warehouse().ping().catch(() => undefined);
    expect(pool.size).toBe(0);
  });

  it('refuses to work without the caller token', () => {
    expect(() => new DatabricksWarehouse({ ...caller(), token: undefined }, config, { clientFactory: driver.factory, pool })).toThrow(/Sign-in required/);
  });
});

describe('table governance (asked as the caller before a job may read the table)', () => {
  const ref = { catalog: 'main', schema: 'sales', table: 'customers' };

  it('reports the row filter, the masked columns and the ABAC policies the caller can see', async () => {
    driver.answer = (sql) =>
      sql.includes('abac_policy_definitions')
        ? { columns: [col('policy_name', TTYPE.STRING, 1), col('policy_type', TTYPE.STRING, 2)], rows: [{ policy_name: 'pii_mask', policy_type: 'COLUMN_MASK' }] }
        : {
            columns: [col('kind', TTYPE.STRING, 1), col('column_name', TTYPE.STRING, 2)],
            rows: [
              { kind: 'row_filter', column_name: null },
              { kind: 'column_mask', column_name: 'email' },
            ],
          };
    expect(await warehouse().tableGovernance(ref)).toEqual({ checked: true, rowFilter: true, maskedColumns: ['email'], policies: ['pii_mask'] });
    expect(driver.statements[0]!.sql).toContain('FROM `main`.information_schema.row_filters WHERE lower(schema_name) = lower(:schema)');
    expect(driver.statements[0]!.params).toEqual({ schema: 'sales', table: 'customers' });
    expectAllClosed();
  });

  it('is ungoverned when nothing is listed, and when the ABAC view does not exist on this warehouse', async () => {
    driver.answer = (sql) =>
      sql.includes('abac_policy_definitions')
        ? { error: Object.assign(new Error('[TABLE_OR_VIEW_NOT_FOUND] The table or view `main`.`information_schema`.`abac_policy_definitions` cannot be found.'), { name: 'OperationStateError' }) }
        : { columns: [col('kind', TTYPE.STRING, 1)], rows: [] };
    expect(await warehouse().tableGovernance(ref)).toEqual({ checked: true, rowFilter: false, maskedColumns: [], policies: [] });
  });

  it('is unchecked (the caller keeps the table off the job path) when the filters cannot be read', async () => {
    driver.answer = () => ({ error: Object.assign(new Error('[INSUFFICIENT_PERMISSIONS] no USE CATALOG'), { name: 'OperationStateError' }) });
    expect((await warehouse().tableGovernance(ref)).checked).toBe(false);
  });

  it('asks nothing for a Hive metastore table (no Unity Catalog governance there)', async () => {
    driver.answer = () => ({ error: new Error('must not be asked') });
    expect(await warehouse().tableGovernance({ catalog: 'hive_metastore', schema: 'default', table: 't' })).toMatchObject({ checked: true, rowFilter: false });
    expect(driver.statements).toHaveLength(0);
  });
});

describe('driver log lines', () => {
  it('reach our log with the token scrubbed', async () => {
    driver.answer = () => ({ rows: [] });
    await warehouse().ping();
    const text = written.join('');
    expect(text).toContain('connecting with token [redacted]');
  });
});

describe('TTYPE', () => {
  it("matches the driver's thrift enum", async () => {
    const { thrift } = await import('@databricks/sql');
    const driverEnum = thrift.TCLIService_types.TTypeId as unknown as Record<string, number>;
    for (const [name, value] of Object.entries(TTYPE)) expect(driverEnum[`${name}_TYPE`], name).toBe(value);
  });
});

describe('statements.json (executed on local Spark by the notebook test suite)', () => {
  it('is up to date with statements.ts (run `npm run warehouse:statements` after a change)', async () => {
    const { readFileSync } = await import('node:fs');
    const path = await import('node:path');
    const { statementSamples } = await import('./statement-samples');
    const committed = readFileSync(path.resolve(__dirname, 'statements.json'), 'utf8');
    expect(committed).toBe(JSON.stringify(statementSamples(), null, 2) + '\n');
  });

  it('covers every statement builder', async () => {
    const { statementSamples } = await import('./statement-samples');
    const { statements } = await import('./statements');
    const ids = new Set(statementSamples().map((s) => s.id));
    const ref = { catalog: 'c', schema: 's', table: 't' };
    const built = {
      ping: statements.ping(),
      listCatalogs: statements.listCatalogs(),
      listSchemas: statements.listSchemas('c'),
      listTables: statements.listTables('c', 's'),
      showTables: statements.showTables('c', 's'),
      searchTables: statements.searchTables(['x'], 5),
      describeTable: statements.describeTable(ref),
      sampleRows: statements.sampleRows(ref, 5),
      tableGovernance: statements.tableGovernance(ref),
      abacPolicies: statements.abacPolicies(ref),
    } satisfies Record<keyof typeof statements, unknown>;
    expect(Object.keys(built).sort()).toEqual(Object.keys(statements).sort());
    for (const sample of Object.values(built)) expect(ids, sample.id).toContain(sample.id);
  });
});
