/**
 * The outputs of a scheduled check in local mode, written to the local warehouse as DQX's
 * `apply_checks_by_metadata_and_save_in_table` with a metrics observer writes them (DQX 0.17, all
 * appended, DQX's default output mode):
 *
 * - quarantine: the rows with errors or warnings (DQX's `get_invalid`), every input column plus
 *   `_errors` / `_warnings` (arrays of DQX's result struct: name, message, columns, filter, function,
 *   run_time, run_id, user_metadata, rule_fingerprint, rule_set_fingerprint, skipped);
 * - valid rows: the rows without errors (warnings allowed), input columns only (DQX's `get_valid`);
 * - metrics: DQX's summary metrics in its long format (`OBSERVATION_TABLE_SCHEMA` of
 *   databricks/labs/dqx/metrics_observer.py): one row per metric, input_row_count,
 *   error_row_count, warning_row_count, valid_row_count.
 *
 * Where: an output `catalog.schema.table` is table `schema.table` of the DuckDB database file
 * `<state dir>/outputs/<catalog>.duckdb`. The rows never leave DuckDB: the applied rule set (one
 * SELECT compiled by lib/dqx, identifiers quoted there) is streamed with INSERT ... SELECT on an
 * instance set up and locked down like the serving one, with only those files attached writable
 * (DuckDbEngine.withWritableDatabases). Nothing here formats a value into SQL: names are quoted by
 * `quoteIdent`, metric values are bound parameters.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';

import type { DuckDBConnection } from '@duckdb/node-api';

import { quoteIdent } from '@/lib/sql/quote';

export interface CheckOutputs {
  valid_table: string | null;
  quarantine_table: string | null;
  metrics_table: string | null;
}

export interface CheckOutputsRequest {
  /** The checked table, `catalog.schema.table` (DQX's input_location). */
  tableName: string;
  /** `apply_checks_by_metadata` as one DuckDB SELECT over the table (compileApplyChecks). */
  appliedSql: string;
  /** The same rows with a boolean `__dqx_failed` instead of the result columns (to count input rows). */
  flaggedSql: string;
  /** The table's columns, in order. */
  inputColumns: string[];
  resultColumns: { errors: string; warnings: string };
  outputs: CheckOutputs;
  runId: string;
  runTime: Date;
  ruleSetFingerprint: string | null;
  /** Where the checks came from (DQX's checks_location), e.g. the rule store and version. */
  checksLocation: string | null;
}

export interface CheckOutputsResult {
  input_rows: number;
  error_rows: number;
  warning_rows: number;
  valid_rows: number;
  /** Rows appended to each output written. */
  quarantine_rows: number | null;
  valid_table_rows: number | null;
  metrics_rows: number | null;
}

/** Opens a locked-down instance with `files` attached writable (DuckDbEngine.withWritableDatabases). */
export interface OutputsWriter {
  withWritableDatabases<T>(files: readonly string[], fn: (conn: DuckDBConnection, aliases: string[]) => Promise<T>): Promise<T>;
}

/** DQX's metrics table, `OBSERVATION_TABLE_SCHEMA`, in DuckDB types (map<string,string> -> MAP(VARCHAR, VARCHAR)). */
export const METRICS_COLUMNS: readonly [string, string][] = [
  ['run_id', 'VARCHAR'],
  ['run_name', 'VARCHAR'],
  ['input_location', 'VARCHAR'],
  ['output_location', 'VARCHAR'],
  ['quarantine_location', 'VARCHAR'],
  ['checks_location', 'VARCHAR'],
  ['rule_set_fingerprint', 'VARCHAR'],
  ['metric_name', 'VARCHAR'],
  ['metric_value', 'VARCHAR'],
  ['run_time', 'TIMESTAMPTZ'],
  ['error_column_name', 'VARCHAR'],
  ['warning_column_name', 'VARCHAR'],
  ['user_metadata', 'MAP(VARCHAR, VARCHAR)'],
];

/** DQX's observer name (run_name), `DQMetricsObserver.name`'s default. */
export const METRICS_RUN_NAME = 'dqx';

/** The database file of an output catalog: its name when plain, else made safe with a short hash. */
export function outputDatabaseFile(stateDir: string, catalog: string): string {
  const safe = catalog.replace(/[^a-z0-9_-]+/g, '_');
  const stem = safe === catalog ? safe : `${safe}-${createHash('sha256').update(catalog, 'utf8').digest('hex').slice(0, 8)}`;
  return path.join(stateDir, 'outputs', `${stem}.duckdb`);
}

function splitName(name: string): { catalog: string; schema: string; table: string } {
  const [catalog, schema, table] = name.split('.');
  if (!catalog || !schema || !table || name.split('.').length !== 3) throw new Error(`${name} is not catalog.schema.table`);
  return { catalog, schema, table };
}

const q = (name: string) => quoteIdent('duckdb', name);

/** Append the outputs of one run. */
export async function writeCheckOutputs(writer: OutputsWriter, stateDir: string, request: CheckOutputsRequest): Promise<CheckOutputsResult> {
  const named = (['quarantine_table', 'valid_table', 'metrics_table'] as const)
    .filter((k) => request.outputs[k] !== null)
    .map((k) => ({ key: k, ...splitName(request.outputs[k]!) }));
  const files = [...new Set(named.map((n) => outputDatabaseFile(stateDir, n.catalog)))];
  return writer.withWritableDatabases(files, async (conn, aliases) => {
    const target = (key: (typeof named)[number]['key']) => {
      const n = named.find((x) => x.key === key);
      if (!n) return null;
      const alias = aliases[files.indexOf(outputDatabaseFile(stateDir, n.catalog))]!;
      return { schema: `${q(alias)}.${q(n.schema)}`, table: `${q(alias)}.${q(n.schema)}.${q(n.table)}` };
    };
    const run = (sql: string, params?: unknown[]) => conn.run(sql, params as never);
    const count = async (sql: string) => Number((await conn.runAndReadAll(sql)).getRowsJS()[0]?.[0] ?? 0);
    const errors = q(request.resultColumns.errors);
    const warnings = q(request.resultColumns.warnings);
    const inputCols = request.inputColumns.map(q).join(', ');

    // The invalid rows once (a scan of the table), kept for the counts and the quarantine.
    await run(`CREATE TEMP TABLE __dqx_invalid AS SELECT * FROM (${request.appliedSql}) AS __dqx_applied WHERE ${errors} IS NOT NULL OR ${warnings} IS NOT NULL`);
    const inputRows = await count(`SELECT count(*) FROM (${request.flaggedSql}) AS __dqx_flagged`);
    const invalidRows = await count(`SELECT count(*) FROM __dqx_invalid`);
    const errorRows = await count(`SELECT count(*) FROM __dqx_invalid WHERE ${errors} IS NOT NULL`);
    const warningRows = await count(`SELECT count(*) FROM __dqx_invalid WHERE ${warnings} IS NOT NULL`);
    const result: CheckOutputsResult = {
      input_rows: inputRows,
      error_rows: errorRows,
      warning_rows: warningRows,
      valid_rows: inputRows - invalidRows,
      quarantine_rows: null,
      valid_table_rows: null,
      metrics_rows: null,
    };

    const quarantine = target('quarantine_table');
    if (quarantine) {
      await run(`CREATE SCHEMA IF NOT EXISTS ${quarantine.schema}`);
      await run(`CREATE TABLE IF NOT EXISTS ${quarantine.table} AS SELECT * FROM __dqx_invalid LIMIT 0`);
      await run(`INSERT INTO ${quarantine.table} BY NAME SELECT * FROM __dqx_invalid`);
      result.quarantine_rows = invalidRows;
    }
    await run(`DROP TABLE __dqx_invalid`);

    const valid = target('valid_table');
    if (valid) {
      const select = `SELECT ${inputCols} FROM (${request.appliedSql}) AS __dqx_applied WHERE ${errors} IS NULL`;
      await run(`CREATE SCHEMA IF NOT EXISTS ${valid.schema}`);
      await run(`CREATE TABLE IF NOT EXISTS ${valid.table} AS ${select} LIMIT 0`);
      await run(`INSERT INTO ${valid.table} BY NAME ${select}`);
      result.valid_table_rows = inputRows - errorRows;
    }

    const metrics = target('metrics_table');
    if (metrics) {
      await run(`CREATE SCHEMA IF NOT EXISTS ${metrics.schema}`);
      await run(`CREATE TABLE IF NOT EXISTS ${metrics.table} (${METRICS_COLUMNS.map(([n, t]) => `${q(n)} ${t}`).join(', ')})`);
      const values: [string, number][] = [
        ['input_row_count', inputRows],
        ['error_row_count', errorRows],
        ['warning_row_count', warningRows],
        ['valid_row_count', inputRows - invalidRows],
      ];
      const placeholders = METRICS_COLUMNS.map(([n], i) => (n === 'user_metadata' ? 'NULL' : n === 'run_time' ? `CAST($${i + 1} AS TIMESTAMPTZ)` : `$${i + 1}`))
        .filter((p) => p !== 'NULL')
        .join(', ');
      const columns = METRICS_COLUMNS.filter(([n]) => n !== 'user_metadata').map(([n]) => q(n)).join(', ');
      for (const [name, value] of values) {
        await run(`INSERT INTO ${metrics.table} (${columns}) VALUES (${placeholders})`, [
          request.runId,
          METRICS_RUN_NAME,
          request.tableName,
          request.outputs.valid_table,
          request.outputs.quarantine_table,
          request.checksLocation,
          request.ruleSetFingerprint,
          name,
          String(value),
          request.runTime.toISOString(),
          request.resultColumns.errors,
          request.resultColumns.warnings,
        ]);
      }
      result.metrics_rows = values.length;
    }
    return result;
  });
}
