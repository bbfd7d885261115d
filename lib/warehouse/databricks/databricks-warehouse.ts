/**
 * The Warehouse port on a Databricks SQL warehouse, ON BEHALF OF THE CALLER: every statement
 * runs with the caller's own OAuth token (the Apps proxy's `x-forwarded-access-token`), so Unity
 * Catalog permissions, row filters and column masks apply to them. There is no fallback identity.
 *
 * One connection per caller token (see connections.ts); a session per operation, always closed;
 * a statement timeout set on the session (`STATEMENT_TIMEOUT`, which warehouses honour); an
 * AbortSignal cancels the running operation on the warehouse.
 */
import type { Caller } from '@/lib/auth/caller';
import type { AppConfig } from '@/lib/config';
import { AppError, isAppError, unauthorized } from '@/lib/errors';
import { log } from '@/lib/log';

import type {
  BoundStatement,
  CatalogInfo,
  Cell,
  ColumnInfo,
  QueryOptions,
  QueryResult,
  SchemaInfo,
  TableDescription,
  TableInfo,
  TableGovernance,
  TableRef,
  Warehouse,
} from '../port';
import { toCell } from './cells';
import { ConnectionPool } from './connections';
import { defaultClientFactory, driverLogger, type ClientFactory, type DriverClient, type DriverOperation } from './driver';
import { classify, describeError, mapError, QueryAbortedError, scrub } from './errors';
import { isHiveCatalog, searchTerms, statements, type Statement } from './statements';
import { sparkTypeFromDescribe, sparkTypeFromThrift, type DescribeJsonType } from './types';

const CHUNK_ROWS = 10_000;
/** Hard cap on rows read by `query()` when the caller gives none (compiled SQL LIMITs its own output). */
const DEFAULT_MAX_ROWS = 100_000;

let sharedPool: ConnectionPool | undefined;
function defaultPool(idleSeconds: number): ConnectionPool {
  sharedPool ??= new ConnectionPool(idleSeconds * 1000);
  return sharedPool;
}

export interface DatabricksWarehouseDeps {
  clientFactory?: ClientFactory;
  pool?: ConnectionPool;
  /** Longest wait for the warehouse's first answer (opening a session); default REACH_TIMEOUT_MS. */
  reachTimeoutMs?: number;
}

/** How long the first answer of the warehouse (a new session) may take before the request is a 503. */
export const REACH_TIMEOUT_MS = 60_000;

interface Rows {
  columns: { name: string; type: string }[];
  rows: Record<string, unknown>[];
}

/** `https://host/` -> `host` (the driver wants the bare host name). */
export function bareHost(host: string): string {
  return driverEndpoint(host).host;
}

/**
 * `https://host[:port][/]` -> the driver's `host` (bare name) and `port` (default 443): the driver
 * builds `https://<host>:<port><path>` itself, so a port left in the host name would break it.
 */
export function driverEndpoint(host: string): { host: string; port: number } {
  const url = new URL(/^https?:\/\//i.test(host) ? host : `https://${host}`);
  return { host: url.hostname, port: url.port ? Number(url.port) : 443 };
}

export class DatabricksWarehouse implements Warehouse {
  readonly dialect = 'databricks' as const;
  private readonly token: string;
  private readonly host: string;
  private readonly port: number;
  private readonly path: string;
  private readonly timeoutSeconds: number;
  private readonly clientFactory: ClientFactory;
  private readonly pool: ConnectionPool;
  private readonly reachTimeoutMs: number;

  constructor(caller: Caller, config: AppConfig, deps: DatabricksWarehouseDeps = {}) {
    const token = caller.token?.reveal();
    if (!token) throw unauthorized();
    if (!config.databricks.host) throw new AppError('unavailable', 'DATABRICKS_HOST is not set, so the SQL warehouse cannot be reached.');
    if (!config.databricks.warehouseId || !/^[A-Za-z0-9]+$/.test(config.databricks.warehouseId)) {
      throw new AppError('unavailable', 'No SQL warehouse is bound to the app (DATABRICKS_WAREHOUSE_ID). Deploy the bundle, which binds it.');
    }
    this.token = token;
    ({ host: this.host, port: this.port } = driverEndpoint(config.databricks.host));
    this.path = `/sql/1.0/warehouses/${config.databricks.warehouseId}`;
    this.timeoutSeconds = config.warehouse.queryTimeoutSeconds;
    this.clientFactory = deps.clientFactory ?? defaultClientFactory;
    this.pool = deps.pool ?? defaultPool(config.warehouse.idleSeconds);
    this.reachTimeoutMs = deps.reachTimeoutMs ?? REACH_TIMEOUT_MS;
  }

  private get key(): string {
    return ConnectionPool.key(`${this.host}:${this.port}`, this.path, this.token);
  }

  /**
   * The first contact with the warehouse (opening a session), within `reachTimeoutMs`: a warehouse
   * that accepts the connection and never answers is a 503 after that long, not a request that
   * waits for the socket timeout.
   */
  private async openSession(client: DriverClient): Promise<Awaited<ReturnType<DriverClient['openSession']>>> {
    const opening = client.openSession({ configuration: { STATEMENT_TIMEOUT: String(this.timeoutSeconds) } });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        opening.then((session) => session.close(), () => undefined).catch(() => undefined);
        void this.pool.evict(this.key);
        reject(
          new AppError('unavailable', `The SQL warehouse did not answer within ${Math.round(this.reachTimeoutMs / 1000)} seconds. Try again in a moment.`, {
            retryAfterSeconds: 10,
          }),
        );
      }, this.reachTimeoutMs);
    });
    try {
      return await Promise.race([opening, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async client(): Promise<DriverClient> {
    return this.pool.acquire(this.key, async () => {
      const client = this.clientFactory(driverLogger((text) => scrub(text, this.token)));
      await client.connect({
        host: this.host,
        port: this.port,
        path: this.path,
        token: this.token,
        userAgentEntry: 'dqx-data-quality-manager',
        // The driver shares one telemetry exporter per host across clients: with per-user tokens,
        // one user's events could be sent with another user's credentials. Off.
        telemetryEnabled: false,
        preserveBigNumericPrecision: true,
        socketTimeout: (this.timeoutSeconds + 60) * 1000,
        retryMaxAttempts: 3,
      });
      return client;
    });
  }

  /** Runs one statement in its own session and returns its columns and rows. */
  private async run(statement: Statement, options: QueryOptions = {}): Promise<Rows> {
    const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
    let columns: Rows['columns'] = [];
    const rows: Record<string, unknown>[] = [];
    for await (const chunk of this.chunks(statement, options.signal, () => maxRows - rows.length)) {
      columns = chunk.columns;
      rows.push(...chunk.rows.slice(0, maxRows - rows.length));
    }
    return { columns, rows };
  }

  /**
   * Runs one statement in its own session and yields its rows a chunk at a time (at most `room()`
   * rows each, until `room()` is 0 or the result ends); the statement and session are closed when
   * the iteration ends, fails or is stopped.
   */
  private async *chunks(statement: Statement, signal: AbortSignal | undefined, room: () => number): AsyncGenerator<Rows> {
    if (signal?.aborted) throw new QueryAbortedError();
    const started = Date.now();
    let operation: DriverOperation | undefined;
    let session: Awaited<ReturnType<DriverClient['openSession']>> | undefined;
    let read = 0;
    const onAbort = () => void operation?.cancel().catch(() => undefined);
    try {
      const client = await this.client();
      session = await this.openSession(client);
      operation = await session.executeStatement(statement.sql, {
        runAsync: true,
        ...(Object.keys(statement.params).length > 0 ? { namedParameters: statement.params } : {}),
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      const schema = await operation.getSchema();
      const columns = [...(schema?.columns ?? [])]
        .sort((a, b) => a.position - b.position)
        .map((c) => ({ name: c.columnName, type: sparkTypeFromThrift(c.typeDesc?.types) }));
      let yielded = false;
      while (room() > 0) {
        if (signal?.aborted) throw new QueryAbortedError();
        const chunk = (await operation.fetchChunk({ maxRows: Math.min(CHUNK_ROWS, room()) })) as Record<string, unknown>[];
        read += chunk.length;
        if (chunk.length > 0 || !yielded) {
          yielded = true;
          yield { columns, rows: chunk };
        }
        if (!(await operation.hasMoreRows())) break;
      }
      if (signal?.aborted) throw new QueryAbortedError();
      log.debug('warehouse statement', { statement: statement.id, rows: read, ms: Date.now() - started });
    } catch (error) {
      if (signal?.aborted || error instanceof QueryAbortedError) throw new QueryAbortedError();
      if (isAppError(error)) throw error;
      if (classify(error) === 'unauthorized') await this.pool.evict(this.key);
      const mapped = mapError(error, this.token, this.timeoutSeconds);
      log.warn('warehouse statement failed', {
        statement: statement.id,
        error: mapped.message,
        driverError: describeError(error, this.token),
        ms: Date.now() - started,
      });
      throw mapped;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      await operation?.close().catch(() => undefined);
      await session?.close().catch(() => undefined);
    }
  }

  async ping(): Promise<void> {
    await this.run(statements.ping());
  }

  async listCatalogs(): Promise<CatalogInfo[]> {
    const { rows } = await this.run(statements.listCatalogs());
    return rows.map((r) => ({ name: String(r.catalog ?? Object.values(r)[0]), comment: null }));
  }

  async listSchemas(catalog: string): Promise<SchemaInfo[]> {
    const { rows } = await this.run(statements.listSchemas(catalog));
    return rows
      .map((r) => String(r.databaseName ?? r.namespace ?? Object.values(r)[0]))
      .map((name) => ({ catalog, name, comment: null }));
  }

  async listTables(catalog: string, schema: string): Promise<TableInfo[]> {
    if (isHiveCatalog(catalog)) {
      const { rows } = await this.run(statements.showTables(catalog, schema));
      return rows
        .filter((r) => r.isTemporary !== true)
        .map((r) => tableInfo(catalog, schema, String(r.tableName), null, null));
    }
    const { rows } = await this.run(statements.listTables(catalog, schema));
    return rows.map((r) => tableInfo(catalog, schema, String(r.table_name), asText(r.table_type), asText(r.comment)));
  }

  async searchTables(query: string, limit: number): Promise<TableInfo[]> {
    const terms = searchTerms(query);
    if (terms.length === 0) return [];
    const { rows } = await this.run(statements.searchTables(terms, Math.max(1, Math.min(1000, Math.trunc(limit)))));
    return rows.map((r) => tableInfo(String(r.table_catalog), String(r.table_schema), String(r.table_name), asText(r.table_type), asText(r.comment)));
  }

  async describeTable(ref: TableRef): Promise<TableDescription | null> {
    let rows: Rows;
    try {
      rows = await this.run(statements.describeTable(ref));
    } catch (error) {
      // A table the caller cannot see is, for them, a table that does not exist.
      if (isAppError(error) && (error.code === 'not_found' || error.code === 'forbidden')) return null;
      throw error;
    }
    const first = rows.rows[0];
    const text = first ? (first.json_metadata ?? Object.values(first)[0]) : undefined;
    if (typeof text !== 'string') return null;
    const meta = JSON.parse(text) as {
      type?: string;
      comment?: string;
      columns?: { name: string; type: DescribeJsonType; nullable?: boolean; comment?: string }[];
      statistics?: { num_rows?: number };
    };
    const columns: ColumnInfo[] = (meta.columns ?? []).map((c, i) => {
      const type = sparkTypeFromDescribe(c.type);
      return { name: c.name, type, native_type: type, nullable: c.nullable !== false, comment: c.comment ?? null, position: i };
    });
    const rowCount = typeof meta.statistics?.num_rows === 'number' ? meta.statistics.num_rows : null;
    return { ...tableInfo(ref.catalog, ref.schema, ref.table, meta.type ?? null, meta.comment ?? null), columns, row_count: rowCount };
  }

  async sampleRows(ref: TableRef, limit: number, options: QueryOptions = {}): Promise<QueryResult> {
    return toResult(await this.run(statements.sampleRows(ref, Math.max(1, Math.min(100_000, Math.trunc(limit)))), options));
  }

  /**
   * Row filters, column masks and ABAC policies of a table, asked AS THE CALLER in the catalog's
   * information_schema. Hive metastore catalogs have none. A failure of the filter/mask query is
   * `checked: false` (the caller then keeps the table off the job path); the ABAC view is newer and
   * only shows policies to those with READ METADATA or MANAGE, so its absence is not a failure.
   */
  async tableGovernance(ref: TableRef): Promise<TableGovernance> {
    const none: TableGovernance = { checked: true, rowFilter: false, maskedColumns: [], policies: [] };
    if (isHiveCatalog(ref.catalog)) return none;
    let rows: Rows;
    try {
      rows = await this.run(statements.tableGovernance(ref));
    } catch (error) {
      log.warn('the row filters and column masks of a table could not be read', {
        table: `${ref.catalog}.${ref.schema}.${ref.table}`,
        error: (error as Error)?.message,
      });
      return { ...none, checked: false };
    }
    const rowFilter = rows.rows.some((r) => r.kind === 'row_filter');
    const maskedColumns = rows.rows.filter((r) => r.kind === 'column_mask').map((r) => String(r.column_name));
    let policies: string[] = [];
    try {
      policies = (await this.run(statements.abacPolicies(ref))).rows.map((r) => String(r.policy_name));
    } catch (error) {
      if (!(isAppError(error) && error.code === 'not_found')) {
        log.warn('the ABAC policies of a table could not be read', { error: (error as Error)?.message });
        return { checked: false, rowFilter, maskedColumns, policies };
      }
    }
    return { checked: true, rowFilter, maskedColumns, policies };
  }

  /** A statement this application built, values bound by name; as the caller, like every other. */
  async execute(statement: BoundStatement, options: QueryOptions = {}): Promise<QueryResult> {
    return toResult(await this.run(statement, options));
  }

  /** SQL compiled by this application (lib/dqx); never user text. */
  async query(sql: string, options: QueryOptions = {}): Promise<QueryResult> {
    return toResult(await this.run({ id: 'query', sql, params: {} }, options));
  }

  /** SQL compiled by this application, every row, a chunk at a time (never held whole). */
  async *stream(sql: string, options: { signal?: AbortSignal } = {}): AsyncGenerator<QueryResult> {
    for await (const chunk of this.chunks({ id: 'query', sql, params: {} }, options.signal, () => CHUNK_ROWS)) {
      yield toResult(chunk);
    }
  }
}

function asText(value: unknown): string | null {
  return value === null || value === undefined || value === '' ? null : String(value);
}

function tableInfo(catalog: string, schema: string, table: string, type: string | null, comment: string | null): TableInfo {
  const kind: TableInfo['kind'] = type && /VIEW/i.test(type) ? 'view' : 'table';
  return { catalog, schema, table, full_name: `${catalog}.${schema}.${table}`, kind, comment };
}

function toResult({ columns, rows }: Rows): QueryResult {
  return {
    columns,
    rows: rows.map((row) => columns.map((c): Cell => toCell(row[c.name], c.type))),
  };
}

/** The warehouse of this caller; the lead wires it into `getWarehouse(caller)` for databricks mode. */
export function createDatabricksWarehouse(caller: Caller, config: AppConfig, deps: DatabricksWarehouseDeps = {}): Warehouse {
  return new DatabricksWarehouse(caller, config, deps);
}
