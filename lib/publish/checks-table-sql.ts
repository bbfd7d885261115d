/**
 * The statements that keep DQX's checks table (`TableChecksStorageConfig`) in a warehouse, in the
 * `databricks` dialect (a Unity Catalog Delta table, run as the user) and the `duckdb` dialect (the
 * local checks table). Identifiers go through the audited quoting helpers; every value is a bound
 * parameter (`:p` for Databricks, `$p` for DuckDB), never text in the SQL.
 *
 * Writing follows DQX's `save_checks` in append mode: the table is created when missing (no
 * `USING`, so the workspace default, Delta, as DQX's `saveAsTable`), and a save appends one batch
 * of rows stamped with one `created_at`. `load_checks` reads the fingerprint of the latest batch
 * and then EVERY row of the run config with that fingerprint. DQX's own save therefore skips a rule
 * set stored anywhere for the run config, which leaves a rollback unpublished (an older batch is not
 * the latest). We skip only when the latest batch already is this rule set; when an older batch is,
 * its rows are deleted before the new batch is appended (see checks-table-writer.ts), so the latest
 * batch is exactly the active version, without duplicates.
 */
import { CHECKS_TABLE_COLUMNS, type ChecksTableRow } from '@/lib/dqx/checks-table';
import { quoteIdent, quoteQualified, quoteString, type Dialect } from '@/lib/sql/quote';

export interface ParamStatement {
  /** Stable id, for tests and logs. */
  id: string;
  sql: string;
  /** Bound by name; every value a string (NULLs are written as NULL in the text). */
  params: Record<string, string>;
}

export interface TablePath {
  catalog: string;
  schema: string;
  table: string;
}

const DUCKDB_TYPES: Record<string, string> = {
  STRING: 'VARCHAR',
  TIMESTAMP: 'TIMESTAMP',
  'MAP<STRING, STRING>': 'MAP(VARCHAR, VARCHAR)',
  'STRUCT<function: STRING, for_each_column: ARRAY<STRING>, arguments: MAP<STRING, STRING>>':
    'STRUCT("function" VARCHAR, for_each_column VARCHAR[], arguments MAP(VARCHAR, VARCHAR))',
};

/** Databricks: the struct's field names quoted too (the column types are otherwise DQX's, as written). */
const DATABRICKS_TYPES: Record<string, string> = {
  'STRUCT<function: STRING, for_each_column: ARRAY<STRING>, arguments: MAP<STRING, STRING>>':
    'STRUCT<`function`: STRING, `for_each_column`: ARRAY<STRING>, `arguments`: MAP<STRING, STRING>>',
};

const target = (dialect: Dialect, t: TablePath) =>
  dialect === 'duckdb' ? quoteQualified(dialect, [t.schema, t.table]) : quoteQualified(dialect, [t.catalog, t.schema, t.table]);

/** The table in DQX's schema, when it does not exist yet. */
export function createChecksTable(dialect: Dialect, t: TablePath): ParamStatement {
  const columns = CHECKS_TABLE_COLUMNS.map(([name, type]) => `${quoteIdent(dialect, name)} ${dialect === 'duckdb' ? DUCKDB_TYPES[type] : (DATABRICKS_TYPES[type] ?? type)}`);
  return { id: 'create-checks-table', sql: `CREATE TABLE IF NOT EXISTS ${target(dialect, t)} (${columns.join(', ')})`, params: {} };
}

/** The fingerprint of the batch `load_checks` would read for `runConfigName` (no row: none). */
export function latestChecksBatch(dialect: Dialect, t: TablePath, runConfigName: string): ParamStatement {
  const p = marker(dialect);
  return {
    id: 'latest-checks-batch',
    sql:
      `SELECT ${quoteIdent(dialect, 'rule_set_fingerprint')} AS rule_set_fingerprint FROM ${target(dialect, t)} ` +
      `WHERE ${quoteIdent(dialect, 'run_config_name')} = ${p}run_config_name ` +
      `ORDER BY ${quoteIdent(dialect, 'created_at')} DESC NULLS LAST, ${quoteIdent(dialect, 'rule_set_fingerprint')} DESC NULLS LAST LIMIT 1`,
    params: { run_config_name: runConfigName },
  };
}

/** How many rows of `fingerprint` the run config holds (in any batch). */
export function countChecksBatch(dialect: Dialect, t: TablePath, runConfigName: string, fingerprint: string): ParamStatement {
  const p = marker(dialect);
  return {
    id: 'count-checks-batch',
    sql:
      `SELECT count(*) AS n FROM ${target(dialect, t)} ` +
      `WHERE ${quoteIdent(dialect, 'run_config_name')} = ${p}run_config_name AND ${quoteIdent(dialect, 'rule_set_fingerprint')} = ${p}rule_set_fingerprint`,
    params: { run_config_name: runConfigName, rule_set_fingerprint: fingerprint },
  };
}

/** Remove the run config's rows of `fingerprint` (an older batch of the rule set being published again). */
export function deleteChecksBatch(dialect: Dialect, t: TablePath, runConfigName: string, fingerprint: string): ParamStatement {
  const p = marker(dialect);
  return {
    id: 'delete-checks-batch',
    sql:
      `DELETE FROM ${target(dialect, t)} ` +
      `WHERE ${quoteIdent(dialect, 'run_config_name')} = ${p}run_config_name AND ${quoteIdent(dialect, 'rule_set_fingerprint')} = ${p}rule_set_fingerprint`,
    params: { run_config_name: runConfigName, rule_set_fingerprint: fingerprint },
  };
}

const marker = (dialect: Dialect) => (dialect === 'duckdb' ? '$' : ':');

/**
 * One batch: every row in one INSERT, so they share one `created_at`: the warehouse's clock for
 * Databricks (`current_timestamp()`), `createdAt` (ISO text) for DuckDB.
 */
export function insertChecksBatch(dialect: Dialect, t: TablePath, rows: ChecksTableRow[], createdAt: string): ParamStatement {
  if (rows.length === 0) throw new RangeError('A checks batch needs at least one row');
  const params: Record<string, string> = {};
  const p = marker(dialect);
  const bind = (key: string, value: string | null): string => {
    if (value === null) return dialect === 'duckdb' ? 'CAST(NULL AS VARCHAR)' : 'CAST(NULL AS STRING)';
    params[key] = value;
    return `${p}${key}`;
  };
  const strings = (prefix: string, values: string[]) => values.map((v, j) => bind(`${prefix}_${j}`, v));
  const list = (items: string[]) =>
    dialect === 'duckdb' ? `CAST([${items.join(', ')}] AS VARCHAR[])` : items.length > 0 ? `array(${items.join(', ')})` : 'CAST(array() AS ARRAY<STRING>)';
  const map = (prefix: string, values: Record<string, string> | null): string => {
    if (values === null) return dialect === 'duckdb' ? 'CAST(NULL AS MAP(VARCHAR, VARCHAR))' : 'CAST(NULL AS MAP<STRING, STRING>)';
    const keys = strings(`${prefix}k`, Object.keys(values));
    const vals = strings(`${prefix}v`, Object.values(values));
    if (dialect === 'duckdb') return `MAP(${list(keys)}, ${list(vals)})`;
    return keys.length > 0 ? `map(${keys.map((k, j) => `${k}, ${vals[j]}`).join(', ')})` : 'CAST(map() AS MAP<STRING, STRING>)';
  };
  const createdAtSql = dialect === 'duckdb' ? `CAST(${bind('created_at', createdAt)} AS TIMESTAMP)` : 'current_timestamp()';
  const values = rows.map((row, i) => {
    const fields: [string, string][] = [
      ['function', bind(`f${i}`, row.check.function)],
      ['for_each_column', list(strings(`e${i}`, row.check.for_each_column))],
      ['arguments', map(`a${i}`, row.check.arguments)],
    ];
    const check =
      dialect === 'duckdb'
        ? `struct_pack(${fields.map(([k, v]) => `${quoteIdent(dialect, k)} := ${v}`).join(', ')})`
        : `named_struct(${fields.map(([k, v]) => `${quoteString(dialect, k)}, ${v}`).join(', ')})`;
    return (
      '(' +
      [
        bind(`n${i}`, row.name),
        bind(`c${i}`, row.criticality),
        check,
        bind(`w${i}`, row.filter),
        bind('run_config_name', row.run_config_name),
        map(`u${i}`, row.user_metadata),
        bind(`m${i}`, row.message_expr),
        createdAtSql,
        bind(`r${i}`, row.rule_fingerprint),
        bind('rule_set_fingerprint', row.rule_set_fingerprint),
      ].join(', ') +
      ')'
    );
  });
  const columns = CHECKS_TABLE_COLUMNS.map(([name]) => quoteIdent(dialect, name)).join(', ');
  return { id: 'insert-checks-batch', sql: `INSERT INTO ${target(dialect, t)} (${columns}) VALUES ${values.join(', ')}`, params };
}
