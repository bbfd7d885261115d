/**
 * Catalog browsing for a caller: catalogs, schemas, tables, search, table descriptions and sample
 * rows. Everything goes through the caller's own warehouse (in databricks mode, the caller's token),
 * so a caller only ever sees what the warehouse lets them see.
 *
 * Listings, searches and descriptions are cached per caller for `DQX_CATALOG_CACHE_SECONDS`: the
 * cache key starts with the caller's identity, so one user's catalogs are never served to another.
 * A warehouse that can tell when its listings changed (`listingVersion`, the local data folder)
 * invalidates the cache at once. Sample rows are never cached.
 */
import 'server-only';

import type { Caller } from '@/lib/auth/caller';
import { getConfig } from '@/lib/config';
import { badRequest, notFound } from '@/lib/errors';
import { getWarehouse } from '@/lib/warehouse';
import { cellToText } from '@/lib/warehouse/cells';
import { formatTableName, parseCatalogName, parseSchemaName, sameName } from '@/lib/warehouse/names';
import type {
  CatalogInfo,
  QueryColumn,
  SchemaInfo,
  TableDescription,
  TableInfo,
  TableRef,
  Warehouse,
} from '@/lib/warehouse/port';

import { SAMPLE_LIMIT_MAX, SEARCH_LIMIT, SEARCH_QUERY_MAX_LENGTH } from './catalog-schemas';

/** Preview cells longer than this are cut, so one huge value cannot blow up a page. */
export const MAX_CELL_CHARS = 2000;
const MAX_CACHE_ENTRIES = 5000;

export interface TableSample {
  table: string;
  columns: QueryColumn[];
  /** Every value as display text; SQL NULL stays null. */
  rows: (string | null)[][];
  limit: number;
  /** True when at least one value was longer than MAX_CELL_CHARS and was cut. */
  truncated: boolean;
}

export interface CatalogServiceOptions {
  warehouseFor: (caller: Caller) => Warehouse;
  cacheSeconds: number;
  previewRows: number;
  now?: () => number;
}

interface CacheEntry {
  expires: number;
  version: string;
  value: Promise<unknown>;
}

export function createCatalogService(options: CatalogServiceOptions) {
  const cache = new Map<string, CacheEntry>();
  const now = options.now ?? Date.now;

  /** The value for `key`, from the cache when fresh, else loaded (one load shared by concurrent callers). */
  async function cached<T>(
    caller: Caller,
    key: string,
    load: (wh: Warehouse) => Promise<T>,
    keep: (value: T) => boolean = () => true,
  ): Promise<T> {
    const wh = options.warehouseFor(caller);
    if (options.cacheSeconds <= 0) return load(wh);
    const version = (await wh.listingVersion?.()) ?? '';
    const fullKey = `${caller.mode}\u0000${caller.id}\u0000${key}`;
    const hit = cache.get(fullKey);
    if (hit && hit.expires > now() && hit.version === version) return hit.value as Promise<T>;

    const value = load(wh);
    cache.set(fullKey, { expires: now() + options.cacheSeconds * 1000, version, value });
    // Failures, and answers not worth keeping (a table that does not exist yet), are not cached.
    value.then(
      (v) => {
        if (!keep(v) && cache.get(fullKey)?.value === value) cache.delete(fullKey);
      },
      () => {
        if (cache.get(fullKey)?.value === value) cache.delete(fullKey);
      },
    );
    if (cache.size > MAX_CACHE_ENTRIES) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    return value;
  }

  async function listCatalogs(caller: Caller): Promise<CatalogInfo[]> {
    return cached(caller, 'catalogs', (wh) => wh.listCatalogs());
  }

  async function findCatalog(caller: Caller, catalog: string): Promise<string> {
    const name = parseCatalogName(catalog);
    const found = (await listCatalogs(caller)).find((c) => sameName(c.name, name));
    if (!found) throw notFound(`Catalog '${name}' was not found, or you do not have access to it.`);
    return found.name;
  }

  async function listSchemas(caller: Caller, catalog: string): Promise<SchemaInfo[]> {
    const name = await findCatalog(caller, catalog);
    return cached(caller, `schemas\u0000${name}`, (wh) => wh.listSchemas(name));
  }

  async function listTables(caller: Caller, catalog: string, schema: string): Promise<TableInfo[]> {
    const schemaName = parseSchemaName(schema);
    const schemas = await listSchemas(caller, catalog);
    const found = schemas.find((s) => sameName(s.name, schemaName));
    if (!found) {
      throw notFound(
        `Schema '${schemaName}' was not found in catalog '${parseCatalogName(catalog)}', or you do not have access to it.`,
      );
    }
    return cached(caller, `tables\u0000${found.catalog}\u0000${found.name}`, (wh) =>
      wh.listTables(found.catalog, found.name),
    );
  }

  async function searchTables(
    caller: Caller,
    query: string,
    limit: number = SEARCH_LIMIT.default,
  ): Promise<TableInfo[]> {
    if (query.length > SEARCH_QUERY_MAX_LENGTH)
      throw badRequest(`The search text is longer than ${SEARCH_QUERY_MAX_LENGTH} characters.`);
    if (!Number.isInteger(limit) || limit < 1 || limit > SEARCH_LIMIT.max) {
      throw badRequest(`limit: expected a whole number between 1 and ${SEARCH_LIMIT.max}`);
    }
    const normalised = query.trim().replace(/\s+/g, ' ').toLowerCase();
    return cached(caller, `search\u0000${limit}\u0000${normalised}`, (wh) =>
      wh.searchTables(normalised, limit),
    );
  }

  async function describeTable(caller: Caller, ref: TableRef): Promise<TableDescription> {
    const key = `describe\u0000${formatTableName(ref).toLowerCase()}`;
    const table = await cached(
      caller,
      key,
      (wh) => wh.describeTable(ref),
      (found) => found !== null,
    );
    if (!table)
      throw notFound(`Table '${formatTableName(ref)}' was not found, or you do not have access to it.`);
    return table;
  }

  async function sampleTable(caller: Caller, ref: TableRef, limit?: number): Promise<TableSample> {
    const n = limit ?? options.previewRows;
    if (!Number.isInteger(n) || n < 1 || n > SAMPLE_LIMIT_MAX) {
      throw badRequest(`limit: expected a whole number between 1 and ${SAMPLE_LIMIT_MAX}`);
    }
    const table = await describeTable(caller, ref);
    const result = await options.warehouseFor(caller).sampleRows(table, n);
    let truncated = false;
    const rows = result.rows.slice(0, n).map((row) =>
      row.map((cell) => {
        const text = cellToText(cell);
        if (text !== null && text.length > MAX_CELL_CHARS) {
          truncated = true;
          return `${text.slice(0, MAX_CELL_CHARS)}…`;
        }
        return text;
      }),
    );
    return { table: table.full_name, columns: result.columns, rows, limit: n, truncated };
  }

  return {
    listCatalogs,
    listSchemas,
    listTables,
    searchTables,
    describeTable,
    sampleTable,
    /** Forget every cached listing (all callers). */
    clearCache: () => cache.clear(),
  };
}

export type CatalogService = ReturnType<typeof createCatalogService>;

const KEY = Symbol.for('dqx.services.catalog');
type Holder = { [KEY]?: CatalogService };

/** The process-wide service, configured from `lib/config`. */
export function catalogService(): CatalogService {
  const holder = globalThis as Holder;
  if (!holder[KEY]) {
    const config = getConfig();
    holder[KEY] = createCatalogService({
      warehouseFor: getWarehouse,
      cacheSeconds: config.catalog.cacheSeconds,
      previewRows: config.catalog.previewRows,
    });
  }
  return holder[KEY];
}

/** Tests only: forget the process-wide service and its cache. */
export function resetCatalogServiceForTests(): void {
  delete (globalThis as Holder)[KEY];
}

export const listCatalogs = (caller: Caller) => catalogService().listCatalogs(caller);
export const listSchemas = (caller: Caller, catalog: string) => catalogService().listSchemas(caller, catalog);
export const listTables = (caller: Caller, catalog: string, schema: string) =>
  catalogService().listTables(caller, catalog, schema);
export const searchTables = (caller: Caller, query: string, limit?: number) =>
  catalogService().searchTables(caller, query, limit);
export const describeTable = (caller: Caller, ref: TableRef) => catalogService().describeTable(caller, ref);
export const sampleTable = (caller: Caller, ref: TableRef, limit?: number) =>
  catalogService().sampleTable(caller, ref, limit);
