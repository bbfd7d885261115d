/**
 * The Warehouse port on embedded DuckDB (local mode). Catalogs are DuckDB's attached databases
 * (`samples`, `local`, and any other a caller attaches), minus DuckDB's own. Names are matched without
 * regard to case, as DuckDB and Unity Catalog do; identifiers are quoted by `lib/sql/quote.ts`, and
 * values are bound as parameters.
 */
import { StatementType, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';

import { AppError, notFound } from '@/lib/errors';
import { quoteQualified } from '@/lib/sql/quote';

import type {
  Cell,
  CatalogInfo,
  ColumnInfo,
  QueryOptions,
  QueryResult,
  SchemaInfo,
  TableAvailability,
  TableDescription,
  TableInfo,
  TableRef,
  Warehouse,
} from '../port';
import {
  BIG_SAMPLE_TABLE,
  SAMPLE_CATALOG_COMMENT,
  SAMPLE_CATALOG_NAME,
  SAMPLE_SCHEMAS,
  SAMPLE_TABLES,
} from '../sample-catalog/tables';

import { DuckDbEngine, type DuckDbOptions, type SampleCatalogStatus } from './engine';
import { LOCAL_CATALOG, describeReadError, type LocalEntry } from './local-files';
import { nativeTypeName, sparkType, toCell } from './types';

/** DuckDB's own databases, never shown as catalogs. */
const HIDDEN_CATALOGS = ['system', 'temp', 'memory'];
const HIDDEN_SCHEMAS = ['information_schema', 'pg_catalog'];

/** Tables and views of the visible catalogs, except `local` (which comes from the file registry). */
const RELATIONS_SQL = `
  SELECT database_name AS catalog, schema_name AS "schema", table_name AS name, 'table' AS kind, comment
  FROM duckdb_tables() WHERE NOT internal AND NOT temporary
  UNION ALL
  SELECT database_name, schema_name, view_name, 'view', comment
  FROM duckdb_views() WHERE NOT internal AND NOT temporary`;

const HIDDEN_CATALOGS_SQL = [...HIDDEN_CATALOGS, LOCAL_CATALOG].map((c) => `'${c}'`).join(', ');

interface Relation {
  catalog: string;
  schema: string;
  name: string;
  kind: TableInfo['kind'];
  comment: string | null;
}

function tableInfo(r: Relation): TableInfo {
  return {
    catalog: r.catalog,
    schema: r.schema,
    table: r.name,
    full_name: `${r.catalog}.${r.schema}.${r.name}`,
    kind: r.kind,
    comment: r.comment,
  };
}

function localTableInfo(e: LocalEntry): TableInfo {
  return tableInfo({
    catalog: LOCAL_CATALOG,
    schema: e.schema,
    name: e.table,
    kind: 'file',
    comment: e.error ? `Cannot be read: ${e.error}` : `File ${e.relative}`,
  });
}

/** Search terms in lower case; the query matches when every term is in `catalog.schema.table`. */
function searchTerms(query: string): string[] {
  return query
    .toLowerCase()
    .split(/\s+/)
    .map((t) => t.trim())
    .filter(Boolean)
    .slice(0, 8);
}

/** 0: the table is named as typed; 1: its name starts with a term; 2: contains one; 3: elsewhere. */
function searchRank(table: string, terms: string[]): number {
  const name = table.toLowerCase();
  if (terms.some((t) => name === t)) return 0;
  if (terms.some((t) => name.startsWith(t))) return 1;
  if (terms.some((t) => name.includes(t))) return 2;
  return 3;
}

const COUNT = new Intl.NumberFormat('en-US');

/** What the table picker and every request for the big sample table say while it is being built. */
export function sampleAvailability(status: SampleCatalogStatus, now = Date.now()): TableAvailability | null {
  if (status.state === 'failed') return { state: 'failed', progress: null, message: status.message };
  if (status.state !== 'preparing') return null;
  const progress = status.rowsTotal > 0 ? Math.min(1, status.rowsDone / status.rowsTotal) : 0;
  const elapsed = (now - status.startedAt) / 1000;
  // A remaining time once there is something to extrapolate from.
  const left =
    progress >= 0.05 && elapsed >= 1 ? Math.max(1, Math.round((elapsed / progress) * (1 - progress))) : null;
  return {
    state: 'preparing',
    progress,
    message:
      `${status.table} is being prepared: ${Math.floor(progress * 100)}% (${COUNT.format(status.rowsDone)} of ${COUNT.format(status.rowsTotal)} rows)` +
      `${left !== null ? `, about ${left} s left` : ''}. The other sample tables can be used meanwhile; this one is ready without a restart.`,
  };
}

const isBigSampleTable = (catalog: string, schema: string, table: string) =>
  catalog.toLowerCase() === SAMPLE_CATALOG_NAME &&
  schema.toLowerCase() === BIG_SAMPLE_TABLE.schema &&
  table.toLowerCase() === BIG_SAMPLE_TABLE.name;

/** Spark types whose DuckDB JS values are already Cells (no bigint, date or decimal objects). */
const PLAIN_TYPES = new Set(['string', 'tinyint', 'smallint', 'int', 'double', 'float', 'boolean']);

const notOneSelect = () =>
  new AppError('bad_request', 'Only a single SELECT statement may run on the local warehouse.');

export class DuckDbWarehouse implements Warehouse {
  readonly dialect = 'duckdb' as const;
  readonly engine: DuckDbEngine;

  constructor(options: DuckDbOptions) {
    this.engine = new DuckDbEngine(options);
  }

  private async rows(sql: string, params: DuckDBValue[] = []): Promise<Record<string, unknown>[]> {
    return this.engine.withConnection(async (conn) => {
      const reader = await conn.runAndReadAll(sql, params);
      return reader.getRowObjectsJS() as Record<string, unknown>[];
    });
  }

  async ping(): Promise<void> {
    await this.rows('SELECT 1 AS ok');
  }

  async listingVersion(): Promise<string> {
    await this.engine.refreshLocal();
    const sample = this.engine.sampleStatus();
    // Listings carry the big sample table's progress: a cached one is reloaded as it moves on.
    const token =
      sample.state === 'preparing'
        ? `p${Math.floor((sample.rowsDone / Math.max(1, sample.rowsTotal)) * 100)}`
        : sample.state;
    return `local:${this.engine.generation}:${this.engine.local.version}:${token}`;
  }

  /** The big sample table as a listing shows it while it is being built (null when it is ready). */
  private pendingSampleTable(): TableInfo | null {
    const availability = sampleAvailability(this.engine.sampleStatus());
    if (!availability) return null;
    return {
      ...tableInfo({
        catalog: SAMPLE_CATALOG_NAME,
        schema: BIG_SAMPLE_TABLE.schema,
        name: BIG_SAMPLE_TABLE.name,
        kind: 'table',
        comment: BIG_SAMPLE_TABLE.comment,
      }),
      availability,
    };
  }

  /** The refusal for a request that needs the big sample table before it is ready. */
  private notReadyError(cause?: unknown): AppError {
    const table = this.pendingSampleTable();
    return new AppError(
      'unavailable',
      table?.availability?.message ?? 'The table is being prepared; try again in a moment.',
      { details: { table: table?.full_name, availability: table?.availability }, cause },
    );
  }

  async listCatalogs(): Promise<CatalogInfo[]> {
    await this.engine.refreshLocal();
    const rows = await this.rows(
      `SELECT database_name AS name, comment FROM duckdb_databases()
       WHERE NOT internal AND database_name NOT IN (${HIDDEN_CATALOGS.map((c) => `'${c}'`).join(', ')})
       ORDER BY database_name`,
    );
    return rows.map((r) => {
      const name = String(r.name);
      let comment = (r.comment as string | null) ?? null;
      if (name === SAMPLE_CATALOG_NAME) comment ??= SAMPLE_CATALOG_COMMENT;
      if (name === LOCAL_CATALOG) {
        comment ??= `Your CSV, Parquet and JSON files in ${this.engine.options.dataDir} (one schema per subfolder).`;
      }
      return { name, comment };
    });
  }

  /** The catalog's own spelling, or null when there is no such catalog. */
  private async resolveCatalog(catalog: string): Promise<string | null> {
    const found = (await this.listCatalogs()).find((c) => c.name.toLowerCase() === catalog.toLowerCase());
    return found?.name ?? null;
  }

  async listSchemas(catalog: string): Promise<SchemaInfo[]> {
    const name = await this.resolveCatalog(catalog);
    if (!name) return [];
    if (name === LOCAL_CATALOG) {
      return this.engine.local.schemas().map((schema) => ({ catalog: name, name: schema, comment: null }));
    }
    const rows = await this.rows(
      `SELECT s.schema_name AS name, s.comment
       FROM duckdb_schemas() s
       WHERE s.database_name = $1
         AND s.schema_name NOT IN (${HIDDEN_SCHEMAS.map((c) => `'${c}'`).join(', ')})
         AND (s.schema_name <> 'main' OR EXISTS (
           SELECT 1 FROM (${RELATIONS_SQL}) r WHERE r.catalog = s.database_name AND r."schema" = 'main'))
       ORDER BY s.schema_name`,
      [name],
    );
    return rows.map((r) => {
      const schema = String(r.name);
      const known = name === SAMPLE_CATALOG_NAME ? SAMPLE_SCHEMAS.find((s) => s.name === schema) : undefined;
      return { catalog: name, name: schema, comment: (r.comment as string | null) ?? known?.comment ?? null };
    });
  }

  async listTables(catalog: string, schema: string): Promise<TableInfo[]> {
    const name = await this.resolveCatalog(catalog);
    if (!name) return [];
    if (name === LOCAL_CATALOG) {
      return this.engine.local
        .entries()
        .filter((e) => e.schema === schema.toLowerCase())
        .sort((a, b) => a.table.localeCompare(b.table))
        .map(localTableInfo);
    }
    const rows = await this.rows(
      `SELECT * FROM (${RELATIONS_SQL}) r WHERE r.catalog = $1 AND lower(r."schema") = lower($2) ORDER BY r.name`,
      [name, schema],
    );
    const tables = rows.map((r) => tableInfo(r as unknown as Relation));
    const pending = this.pendingSampleTable();
    if (
      pending &&
      isBigSampleTable(name, schema, pending.table) &&
      !tables.some((t) => t.full_name === pending.full_name)
    ) {
      tables.push(pending);
      tables.sort((a, b) => a.table.localeCompare(b.table));
    }
    return tables;
  }

  async searchTables(query: string, limit: number): Promise<TableInfo[]> {
    await this.engine.refreshLocal();
    const terms = searchTerms(query);
    const max = Math.max(1, Math.min(limit, 1000));
    const full = `lower(r.catalog || '.' || r."schema" || '.' || r.name)`;
    const params: DuckDBValue[] = terms;
    const each = (f: (p: string) => string, joiner: string) =>
      terms.map((_, i) => f(`$${i + 1}`)).join(joiner);
    // Same ranking as searchRank(), in SQL, so the LIMIT keeps the best matches.
    const rankSql = terms.length
      ? `CASE WHEN ${each((p) => `lower(r.name) = ${p}`, ' OR ')} THEN 0
              WHEN ${each((p) => `starts_with(lower(r.name), ${p})`, ' OR ')} THEN 1
              WHEN ${each((p) => `contains(lower(r.name), ${p})`, ' OR ')} THEN 2
              ELSE 3 END`
      : '3';
    const rows = await this.rows(
      `SELECT r.*, ${rankSql} AS rank FROM (${RELATIONS_SQL}) r
       WHERE r.catalog NOT IN (${HIDDEN_CATALOGS_SQL}) ${terms.length ? `AND ${each((p) => `contains(${full}, ${p})`, ' AND ')}` : ''}
       ORDER BY rank, r.catalog, r."schema", r.name
       LIMIT ${max}`,
      params,
    );
    const fromSql = rows.map((r) => ({ info: tableInfo(r as unknown as Relation), rank: Number(r.rank) }));
    const fromFiles = this.engine.local
      .entries()
      .map(localTableInfo)
      .filter((t) => terms.every((term) => t.full_name.toLowerCase().includes(term)))
      .map((info) => ({ info, rank: searchRank(info.table, terms) }));
    const pending = this.pendingSampleTable();
    const fromBuild =
      pending &&
      terms.every((term) => pending.full_name.includes(term)) &&
      !fromSql.some((r) => r.info.full_name === pending.full_name)
        ? [{ info: pending, rank: searchRank(pending.table, terms) }]
        : [];
    return [...fromSql, ...fromFiles, ...fromBuild]
      .sort((a, b) => a.rank - b.rank || a.info.full_name.localeCompare(b.info.full_name))
      .slice(0, max)
      .map((r) => r.info);
  }

  /**
   * The table as it is spelled in the database, or null when it does not exist. A file of the
   * `local` catalog that cannot be read is refused with a message that names the file.
   */
  private async resolveTable(ref: TableRef): Promise<TableInfo | null> {
    if (ref.catalog.toLowerCase() === LOCAL_CATALOG) {
      let entry = this.engine.local.find(ref.schema, ref.table);
      if (!entry) {
        await this.engine.refreshLocal(true); // a file added a moment ago
        entry = this.engine.local.find(ref.schema, ref.table);
      }
      if (!entry) return null;
      if (entry.error) throw new AppError('conflict', entry.error);
      return localTableInfo(entry);
    }
    const rows = await this.rows(
      `SELECT * FROM (${RELATIONS_SQL}) r
       WHERE lower(r.catalog) = lower($1) AND lower(r."schema") = lower($2) AND lower(r.name) = lower($3)
         AND r.catalog NOT IN (${HIDDEN_CATALOGS_SQL})
       LIMIT 1`,
      [ref.catalog, ref.schema, ref.table],
    );
    if (!rows[0] && isBigSampleTable(ref.catalog, ref.schema, ref.table) && this.pendingSampleTable()) {
      throw this.notReadyError();
    }
    return rows[0] ? tableInfo(rows[0] as unknown as Relation) : null;
  }

  /** Run `fn`; a read error of a local file becomes a 409 that names the file. */
  private async readingFile<T>(table: TableInfo, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (table.kind !== 'file' || error instanceof AppError) throw error;
      const entry = this.engine.local.find(table.schema, table.table);
      throw new AppError('conflict', entry ? describeReadError(error, entry) : 'The file cannot be read.', {
        cause: error,
      });
    }
  }

  async describeTable(ref: TableRef): Promise<TableDescription | null> {
    const table = await this.resolveTable(ref);
    if (!table) return null;
    const quoted = quoteQualified('duckdb', [table.catalog, table.schema, table.table]);
    return this.readingFile(table, () =>
      this.engine.withConnection(async (conn) => {
        const shape = await conn.runAndReadAll(`SELECT * FROM ${quoted} LIMIT 0`);
        const meta = await conn.runAndReadAll(
          `SELECT column_name AS name, comment, is_nullable AS nullable FROM duckdb_columns()
           WHERE database_name = $1 AND schema_name = $2 AND table_name = $3`,
          [table.catalog, table.schema, table.table],
        );
        const byName = new Map(
          (meta.getRowObjectsJS() as { name: string; comment: string | null; nullable: boolean }[]).map(
            (m) => [m.name, m],
          ),
        );
        const sample =
          table.catalog === SAMPLE_CATALOG_NAME
            ? SAMPLE_TABLES.find((t) => t.schema === table.schema && t.name === table.table)
            : undefined;
        const columns: ColumnInfo[] = shape.columnNames().map((name, i) => {
          const type = shape.columnType(i);
          const m = byName.get(name);
          return {
            name,
            type: sparkType(type),
            native_type: nativeTypeName(type),
            nullable: m?.nullable ?? true,
            comment: m?.comment ?? sample?.columns.find((c) => c.name === name)?.comment ?? null,
            position: i + 1,
          };
        });
        const count = await conn.runAndReadAll(`SELECT count(*) AS n FROM ${quoted}`);
        const n = count.getRowsJS()[0]?.[0];
        return { ...table, columns, row_count: n === undefined || n === null ? null : Number(n) };
      }),
    );
  }

  async sampleRows(ref: TableRef, limit: number): Promise<QueryResult> {
    const table = await this.resolveTable(ref);
    if (!table) throw notFound(`Table ${ref.catalog}.${ref.schema}.${ref.table} was not found.`);
    const n = Math.max(0, Math.min(Math.trunc(limit), 10_000));
    const quoted = quoteQualified('duckdb', [table.catalog, table.schema, table.table]);
    return this.readingFile(table, () => this.query(`SELECT * FROM ${quoted} LIMIT ${n}`, { maxRows: n }));
  }

  async query(sql: string, options: QueryOptions = {}): Promise<QueryResult> {
    return this.engine.withConnection(async (conn: DuckDBConnection) => {
      if (options.signal?.aborted) throw new AppError('unavailable', 'The query was cancelled.');
      const onAbort = () => conn.interrupt();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        // One SELECT and nothing else: no ATTACH/DETACH, COPY, SET, DDL or a second statement, even
        // if SQL that should have been refused gets this far (see also lockDown() in engine.ts).
        const statements = await conn.extractStatements(sql);
        if (statements.count !== 1) throw notOneSelect();
        const prepared = await statements.prepare(0);
        if (prepared.statementType !== StatementType.SELECT) throw notOneSelect();
        const reader =
          options.maxRows === undefined
            ? await prepared.runAndReadAll()
            : await prepared.streamAndReadUntil(options.maxRows);
        const columns = reader
          .columnNames()
          .map((name, i) => ({ name, type: sparkType(reader.columnType(i)) }));
        let rows = reader.convertRows(toCell);
        if (options.maxRows !== undefined && rows.length > options.maxRows)
          rows = rows.slice(0, options.maxRows);
        return { columns, rows };
      } catch (error) {
        if (options.signal?.aborted)
          throw new AppError('unavailable', 'The query was cancelled.', { cause: error });
        // A query that names the big sample table before it is there: say so, not "does not exist".
        if (
          this.pendingSampleTable() &&
          error instanceof Error &&
          /Catalog Error: Table with name /.test(error.message) &&
          error.message.includes(`name ${BIG_SAMPLE_TABLE.name} does not exist`)
        ) {
          throw this.notReadyError(error);
        }
        throw error;
      } finally {
        options.signal?.removeEventListener('abort', onAbort);
      }
    });
  }

  stream(sql: string, options: { signal?: AbortSignal } = {}): AsyncIterable<QueryResult> {
    const { signal } = options;
    return this.engine.streamWithConnection(async function* (conn: DuckDBConnection) {
      if (signal?.aborted) throw new AppError('unavailable', 'The query was cancelled.');
      const onAbort = () => conn.interrupt();
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const statements = await conn.extractStatements(sql);
        if (statements.count !== 1) throw notOneSelect();
        const prepared = await statements.prepare(0);
        if (prepared.statementType !== StatementType.SELECT) throw notOneSelect();
        const result = await prepared.stream();
        const columns = result.columnNames().map((name, i) => ({ name, type: sparkType(result.columnType(i)) }));
        // Text, 32-bit integers, doubles and booleans are Cells as the driver's values already:
        // read them without the per-value converter, several times faster on big results.
        const plain = columns.every((c) => PLAIN_TYPES.has(c.type));
        for (;;) {
          const chunk = await result.fetchChunk();
          if (!chunk || chunk.rowCount === 0) break;
          yield { columns, rows: plain ? (chunk.getRows() as Cell[][]) : (chunk.convertRows(toCell) as Cell[][]) };
        }
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    });
  }

  close(): void {
    this.engine.close();
  }
}

export function createDuckDbWarehouse(options: DuckDbOptions): DuckDbWarehouse {
  return new DuckDbWarehouse(options);
}
