/**
 * The Warehouse port: everything the application asks of a SQL warehouse. The DuckDB adapter
 * (local mode) and the Databricks SQL adapter (databricks mode, on behalf of the caller) implement it.
 *
 * Column types are reported as Spark SQL type strings (`string`, `int`, `bigint`, `decimal(10,2)`,
 * `double`, `boolean`, `date`, `timestamp`, `array<string>`, `struct<a:int,b:string>`, `map<string,int>`),
 * the type system of DQX, whatever the engine underneath.
 */
import type { Dialect } from '@/lib/sql/quote';

export interface TableRef {
  catalog: string;
  schema: string;
  table: string;
}

export interface CatalogInfo {
  name: string;
  comment: string | null;
}

export interface SchemaInfo {
  catalog: string;
  name: string;
  comment: string | null;
}

/** Why a listed table cannot be read yet (the local sample catalog's big table while it is built). */
export interface TableAvailability {
  /** `preparing`: being built, readable when done; `failed`: it could not be built. */
  state: 'preparing' | 'failed';
  /** Share done, 0 to 1, while preparing; null when not known. */
  progress: number | null;
  /** For the user: what is happening and what to do. */
  message: string;
}

export interface TableInfo extends TableRef {
  full_name: string;
  kind: 'table' | 'view' | 'file';
  comment: string | null;
  /** Present only while the table is listed but cannot be read yet. */
  availability?: TableAvailability;
}

export interface ColumnInfo {
  name: string;
  /** Spark SQL type string, lower case. */
  type: string;
  /** The engine's own type name, for display. */
  native_type: string;
  nullable: boolean;
  comment: string | null;
  position: number;
}

export interface TableDescription extends TableInfo {
  columns: ColumnInfo[];
  /** Exact row count when cheap to know, else null. */
  row_count: number | null;
}

/**
 * Unity Catalog governance of a table as its reader sees it: what a Databricks job (which reads as
 * its own principal, not as the user) would bypass. `checked: false` when it could not be found out;
 * callers treat that like a governed table (fail closed).
 */
export interface TableGovernance {
  checked: boolean;
  rowFilter: boolean;
  maskedColumns: string[];
  /** ABAC row-filter / column-mask policies the caller can see on the table, its schema or catalog. */
  policies: string[];
}

export function isGoverned(g: TableGovernance): boolean {
  return !g.checked || g.rowFilter || g.maskedColumns.length > 0 || g.policies.length > 0;
}

/** Why a governed table cannot go to a job, in words a user understands. */
export function governanceReason(g: TableGovernance): string {
  if (!g.checked) return 'its row filters and column masks could not be checked';
  const parts: string[] = [];
  if (g.rowFilter) parts.push('a row filter');
  if (g.maskedColumns.length > 0) parts.push(`a column mask on ${g.maskedColumns.join(', ')}`);
  if (g.policies.length > 0) parts.push(`the access policies ${g.policies.join(', ')}`);
  return `it has ${parts.join(' and ')}`;
}

export interface QueryColumn {
  name: string;
  type: string;
}

/** Values as the driver returns them, converted to JSON-safe forms (bigint -> string, dates -> ISO text). */
export type Cell = string | number | boolean | null | Cell[] | { [key: string]: Cell };

export interface QueryResult {
  columns: QueryColumn[];
  rows: Cell[][];
}

/** SQL built by this application with its values as named parameters (every value a string). */
export interface BoundStatement {
  /** Stable id, for logs. */
  id: string;
  sql: string;
  params: Record<string, string>;
}

export interface QueryOptions {
  signal?: AbortSignal;
  /** Stop reading after this many rows (the query itself should also LIMIT). */
  maxRows?: number;
}

export interface Warehouse {
  readonly dialect: Dialect;
  listCatalogs(): Promise<CatalogInfo[]>;
  listSchemas(catalog: string): Promise<SchemaInfo[]>;
  listTables(catalog: string, schema: string): Promise<TableInfo[]>;
  /** Tables whose catalog, schema or table name contains every term of `query` (case-insensitive). */
  searchTables(query: string, limit: number): Promise<TableInfo[]>;
  /** Null when the table does not exist (or the caller cannot see it). */
  describeTable(ref: TableRef): Promise<TableDescription | null>;
  sampleRows(ref: TableRef, limit: number): Promise<QueryResult>;
  /** Run SQL produced by this application's compilers. Never user text. */
  query(sql: string, options?: QueryOptions): Promise<QueryResult>;
  /**
   * Optional: run one statement this application built (identifiers quoted by lib/sql/quote) with
   * its values bound as named parameters (`:name`). The Databricks adapter has it, for writes made
   * as the caller (publishing rule sets); the local DuckDB serving instance is read-only and has not.
   */
  execute?(statement: BoundStatement, options?: QueryOptions): Promise<QueryResult>;
  /**
   * Run SQL produced by this application's compilers and hand its rows over a chunk at a time, the
   * next chunk read only when the consumer asks for it: the result is never held whole. Stopping the
   * iteration (`return()`, a `break`) closes the statement. Never user text.
   */
  stream(sql: string, options?: { signal?: AbortSignal }): AsyncIterable<QueryResult>;
  /** A cheap liveness probe. */
  ping(): Promise<void>;
  /**
   * Optional: a token that changes whenever the set of catalogs, schemas or tables may have
   * changed (the local adapter's data folder gained a file, say). Caches of listings compare it and
   * reload on a change; adapters that cannot know leave it out and listings live for the cache TTL.
   */
  listingVersion?(): Promise<string>;
  /**
   * Optional: the row filters, column masks and ABAC policies on a table, asked as the caller.
   * Adapters without Unity Catalog (DuckDB) leave it out: nothing there is governed.
   */
  tableGovernance?(ref: TableRef): Promise<TableGovernance>;
}
