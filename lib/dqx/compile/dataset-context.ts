/**
 * What a dataset-check SQL builder needs beyond a row check's context: unique internal names for
 * the columns and relations it adds to the scan, the rule's row filter, the source relation (for
 * the few checks that must read it again, e.g. `sql_query`), the checked table's schema, the run
 * time, and reference tables with their schemas. Reference-table names are quoted here, never
 * pasted into SQL.
 */
import { quoteIdent, quoteQualified } from '@/lib/sql/quote';

import type { TableSchema } from '../model';
import { assertQuery } from '../sql-guard/guard';
import { UnsupportedInDialect, type RowSqlContext } from './row-context';

/** The internal column that marks the rows a dataset check adds to the output. */
export const ADDED_ROW = '__dqx_added';

export interface ReferenceTable {
  /** The quoted, qualified name for the dialect. */
  sql: string;
  /** Its columns when the caller described it (CompileOptions.referenceTables), else null. */
  schema: TableSchema | null;
  /** The name as the rule wrote it. */
  name: string;
}

export interface DatasetSqlContext extends RowSqlContext {
  /** A quoted internal identifier unique to this rule: `__dqx_d<rule>_<suffix>`. */
  id(suffix: string): string;
  /** The rule's row filter in the dialect (DQX fills `row_filter` from the rule `filter`), or null. */
  readonly rowFilter: string | null;
  /** The source relation (quoted table name or parenthesised subquery) for subqueries over it. */
  readonly source: string;
  /** The checked table's columns (Spark types). */
  readonly table: TableSchema;
  /** The run time as SQL (`run_time_overwrite`, else the statement's current timestamp). */
  readonly runTimeSql: string;
  /** A reference table named by the rule (`ref_table`). */
  refTable(name: unknown): ReferenceTable;
  /**
   * The boolean column that is TRUE on the rows a check adds (`DatasetCheckSql.addsRows`), or
   * null when an earlier rule of the set already adds rows (the fast path models one such rule).
   */
  readonly addedRow: string | null;
  /** The source is a sample of the table (CompileOptions.sourceIsSample). */
  readonly sourceIsSample: boolean;
  /**
   * A `sql_query` query through the SQL sandbox (lib/dqx/sql-guard): its accepted text with table
   * placeholders and the tables it reads; throws SqlGuardError when refused. (Passed to the catalog
   * this way so the check catalog, which the browser loads, does not load the SQL parser.)
   */
  sqlQuery(text: string, inputName: string): { template: string; tables: string[] };
}

/** Splits `catalog.schema.table` (back-quoted parts allowed) into its parts. */
export function splitTableName(name: string): string[] | null {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  let wasQuoted = false;
  for (let i = 0; i < name.length; i++) {
    const ch = name[i]!;
    if (quoted) {
      if (ch === '`') {
        if (name[i + 1] === '`') {
          current += '`';
          i++;
        } else quoted = false;
      } else current += ch;
    } else if (ch === '`') {
      quoted = true;
      wasQuoted = true;
    } else if (ch === '.') {
      parts.push(current);
      current = '';
      wasQuoted = false;
    } else current += ch;
  }
  if (quoted) return null;
  parts.push(wasQuoted ? current : current.trim());
  if (parts.length > 3 || parts.some((p) => p.trim() === '')) return null;
  return parts;
}

export function createDatasetContext(
  row: RowSqlContext,
  options: {
    ruleIndex: number;
    rowFilter: string | null;
    source: string;
    table: TableSchema;
    runTimeSql: string;
    referenceTables: Record<string, TableSchema>;
    /** Called with each reference table the rule reads. */
    onReference(name: string): void;
    /** Whether this rule may add rows (no earlier rule of the set does). */
    mayAddRows: boolean;
    sourceIsSample: boolean;
  },
): DatasetSqlContext {
  const lookup = (name: string): TableSchema | null => {
    if (options.referenceTables[name]) return options.referenceTables[name]!;
    const lower = name.toLowerCase();
    const key = Object.keys(options.referenceTables).find((k) => k.toLowerCase() === lower);
    return key ? options.referenceTables[key]! : null;
  };
  return {
    ...row,
    id(suffix) {
      if (!/^[a-z0-9_]+$/.test(suffix)) throw new Error(`Internal column suffix '${suffix}' is not [a-z0-9_]`);
      return quoteIdent(row.dialect, `__dqx_d${options.ruleIndex}_${suffix}`);
    },
    rowFilter: options.rowFilter,
    source: options.source,
    sqlQuery: (text, inputName) => assertQuery(text, inputName),
    table: options.table,
    runTimeSql: options.runTimeSql,
    addedRow: options.mayAddRows ? quoteIdent(row.dialect, ADDED_ROW) : null,
    sourceIsSample: options.sourceIsSample,
    refTable(name: unknown): ReferenceTable {
      if (typeof name !== 'string' || name.trim() === '')
        throw new UnsupportedInDialect('The reference table name is missing.', row.dialect);
      const parts = splitTableName(name.trim());
      if (!parts) throw new UnsupportedInDialect(`'${name}' is not a valid table name.`, row.dialect);
      options.onReference(name.trim());
      return { sql: quoteQualified(row.dialect, parts), schema: lookup(name.trim()), name: name.trim() };
    },
  };
}
