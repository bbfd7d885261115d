/**
 * Every statement the Databricks warehouse adapter sends, built from validated parts only:
 * identifiers through `quoteIdent`/`quoteQualified` (dialect 'databricks'), values as bound named
 * parameters (`:name`), and the few integers (LIMIT) checked to be whole numbers in range. No user
 * text is ever formatted into SQL.
 *
 * `scripts/export-warehouse-statements.ts` writes a sample of each (with hostile names) to
 * statements.json, which the notebook test suite executes on local Spark to prove the SQL is valid.
 */
import { quoteIdent, quoteQualified } from '@/lib/sql/quote';

import type { TableRef } from '../port';

export interface Statement {
  /** Stable id, for tests and logs. */
  id: string;
  sql: string;
  /** Bound with `:name` markers; every value a string. */
  params: Record<string, string>;
}

/** Catalogs whose tables live in the legacy Hive metastore, which has no information_schema. */
export function isHiveCatalog(catalog: string): boolean {
  const lower = catalog.toLowerCase();
  return lower === 'hive_metastore' || lower === 'spark_catalog';
}

function wholeNumber(value: number, min: number, max: number, what: string): string {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${what} must be a whole number from ${min} to ${max}`);
  return String(value);
}

export const MAX_SEARCH_TERMS = 8;

/** Lower-cased, de-duplicated search terms (whitespace separated), at most MAX_SEARCH_TERMS of 100 characters. */
export function searchTerms(query: string): string[] {
  const terms = query
    .toLowerCase()
    .split(/\s+/)
    .map((t) => t.trim())
    .filter((t) => t.length > 0)
    .map((t) => t.slice(0, 100));
  return [...new Set(terms)].slice(0, MAX_SEARCH_TERMS);
}

export const statements = {
  ping(): Statement {
    return { id: 'ping', sql: 'SELECT 1 AS ok', params: {} };
  },

  listCatalogs(): Statement {
    return { id: 'list-catalogs', sql: 'SHOW CATALOGS', params: {} };
  },

  listSchemas(catalog: string): Statement {
    return { id: 'list-schemas', sql: `SHOW SCHEMAS IN ${quoteIdent('databricks', catalog)}`, params: {} };
  },

  /** Unity Catalog: names, kinds and comments of the tables the caller can see. */
  listTables(catalog: string, schema: string): Statement {
    return {
      id: 'list-tables',
      sql:
        `SELECT table_name, table_type, comment FROM ${quoteIdent('databricks', catalog)}.information_schema.tables ` +
        'WHERE table_schema = :schema ORDER BY table_name',
      params: { schema },
    };
  },

  /** Hive metastore catalogs (no information_schema). */
  showTables(catalog: string, schema: string): Statement {
    return { id: 'show-tables', sql: `SHOW TABLES IN ${quoteQualified('databricks', [catalog, schema])}`, params: {} };
  },

  /** Every term must occur in the catalog, schema or table name (case-insensitive), across catalogs. */
  searchTables(terms: string[], limit: number): Statement {
    const params: Record<string, string> = {};
    const conditions = terms.map((term, i) => {
      params[`t${i}`] = term;
      return `(contains(lower(table_catalog), :t${i}) OR contains(lower(table_schema), :t${i}) OR contains(lower(table_name), :t${i}))`;
    });
    return {
      id: 'search-tables',
      sql:
        'SELECT table_catalog, table_schema, table_name, table_type, comment FROM system.information_schema.tables ' +
        `WHERE table_schema <> 'information_schema'${conditions.map((c) => ` AND ${c}`).join('')} ` +
        `ORDER BY table_catalog, table_schema, table_name LIMIT ${wholeNumber(limit, 1, 1000, 'limit')}`,
      params,
    };
  },

  describeTable(ref: TableRef): Statement {
    return {
      id: 'describe-table',
      sql: `DESCRIBE TABLE EXTENDED ${quoteQualified('databricks', [ref.catalog, ref.schema, ref.table])} AS JSON`,
      params: {},
    };
  },

  sampleRows(ref: TableRef, limit: number): Statement {
    return {
      id: 'sample-rows',
      sql: `SELECT * FROM ${quoteQualified('databricks', [ref.catalog, ref.schema, ref.table])} LIMIT ${wholeNumber(limit, 1, 100_000, 'limit')}`,
      params: {},
    };
  },

  /**
   * Unity Catalog governance of one table that the CALLER can see (information_schema shows only
   * relations the caller may interact with): a row for its row filter and one per masked column.
   * Run as the user before a Databricks job, which would read the table as the job's principal,
   * is allowed to start.
   */
  tableGovernance(ref: TableRef): Statement {
    const is = `${quoteIdent('databricks', ref.catalog)}.information_schema`;
    const where = 'WHERE lower(schema_name) = lower(:schema) AND lower(table_name) = lower(:table)';
    return {
      id: 'table-governance',
      sql:
        `SELECT 'row_filter' AS kind, CAST(NULL AS STRING) AS column_name FROM ${is}.row_filters ${where} ` +
        `UNION ALL SELECT 'column_mask' AS kind, column_name FROM ${is}.column_masks ${where}`,
      params: { schema: ref.schema, table: ref.table },
    };
  },

  /**
   * ABAC row-filter and column-mask policies attached to the table, its schema or its catalog, as
   * far as the caller may see them (READ METADATA or MANAGE on where they are attached).
   */
  abacPolicies(ref: TableRef): Statement {
    return {
      id: 'abac-policies',
      sql:
        `SELECT policy_name, policy_type FROM ${quoteIdent('databricks', ref.catalog)}.information_schema.abac_policy_definitions ` +
        "WHERE upper(policy_type) IN ('ROW_FILTER', 'COLUMN_MASK') AND (schema_name IS NULL OR (lower(schema_name) = lower(:schema) " +
        'AND (securable_name IS NULL OR lower(securable_name) = lower(:table) OR lower(securable_name) = lower(:full_name))))',
      params: { schema: ref.schema, table: ref.table, full_name: `${ref.catalog}.${ref.schema}.${ref.table}` },
    };
  },
};
