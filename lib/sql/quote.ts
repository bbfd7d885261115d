/**
 * The audited quoting functions: the only way an identifier or a literal value gets into SQL text.
 * Everything that builds SQL (the warehouse adapters, the DQX compiler, the profiler) calls these.
 *
 * - DuckDB: identifiers in double quotes with `"` doubled; strings in single quotes with `'` doubled
 *   (DuckDB does not treat backslash as an escape in standard strings).
 * - Databricks SQL / Spark SQL: identifiers in back-quotes with `` ` `` doubled; strings in single
 *   quotes with `\` and `'` escaped by a backslash (Spark's default `spark.sql.parser.escapedStringLiterals=false`).
 */
export type Dialect = 'duckdb' | 'databricks';

const CONTROL = /[\u0000]/;

function assertNoNul(value: string, what: string): void {
  if (CONTROL.test(value)) throw new Error(`${what} must not contain a NUL character`);
}

export function quoteIdent(dialect: Dialect, name: string): string {
  assertNoNul(name, 'An identifier');
  if (name.length === 0) throw new Error('An identifier must not be empty');
  if (dialect === 'duckdb') return `"${name.replaceAll('"', '""')}"`;
  return '`' + name.replaceAll('`', '``') + '`';
}

/** A dotted name of several identifiers, each quoted: catalog.schema.table. */
export function quoteQualified(dialect: Dialect, parts: readonly string[]): string {
  return parts.map((p) => quoteIdent(dialect, p)).join('.');
}

export function quoteString(dialect: Dialect, value: string): string {
  assertNoNul(value, 'A string literal');
  if (dialect === 'duckdb') return `'${value.replaceAll("'", "''")}'`;
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

/** A literal for a JavaScript value: strings quoted, finite numbers as is, booleans, NULL. */
export function quoteLiteral(dialect: Dialect, value: string | number | bigint | boolean | null): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`Cannot write ${value} as a SQL literal`);
    return Number.isInteger(value) ? value.toString() : value.toString();
  }
  return quoteString(dialect, value);
}
