/**
 * `--with-dqx`: the same table, rules and profiler options through real DQX on local Spark, in the
 * Python environment of the conformance suite (tests/conformance/.venv, made by
 * scripts/conformance-env.sh). The table goes to Parquet once (cached next to the DuckDB file);
 * scripts/bench/dqx_bench.py does the Spark side and writes its timings and counts as JSON.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import type { DuckDBConnection } from '@duckdb/node-api';

import type { DqxCheck } from '../../lib/dqx';
import { quoteString } from '../../lib/sql/quote';

import { REF_SQL, TABLE_SQL } from './database';
import { log } from './log';
import { runPythonJson } from './python';
import { REF_TABLE } from './rules';
import { COLUMNS } from './table';

export interface Timing {
  median_s: number;
  runs_s: number[];
  warmup_s: number;
  /** CPU time (user + system) of the process doing the work; null where it cannot be read. */
  cpu_median_s: number | null;
  cpu_runs_s: (number | null)[];
}

export interface DqxCounts {
  total_rows: number;
  error_rows: number;
  warning_only_rows: number;
  rules: Record<string, number>;
}

export interface DqxOutput {
  versions: Record<string, string>;
  spark: { master: string; driver_memory: string };
  rows: number;
  timings_s: Record<
    'validate_25' | 'validate_25_plus_3_dataset' | 'profile_20' | 'profile_20_default_options',
    Timing
  >;
  results: {
    validate_25: DqxCounts;
    validate_25_plus_3_dataset: DqxCounts;
    profiles: Record<string, { profiles: number; names: string[] }>;
  };
}

export interface DqxRunInput {
  connection: DuckDBConnection;
  cacheDir: string;
  /** The DuckDB file the rows come from (its name keys the Parquet cache). */
  databaseFile: string;
  /** Rows given to DQX: the table's first `rows` rows (all of them by default). */
  rows: number;
  /** SQL source of exactly those rows, for our side of a same-data comparison. */
  rowFilter: string | null;
  rowChecks: DqxCheck[];
  allChecks: DqxCheck[];
  ruleNames: { validate_25: string[]; validate_25_plus_3_dataset: string[] };
  profileOptions: Record<string, unknown>;
  runs: number;
  master: string;
  driverMemory: string;
}

/** The Python of the conformance environment (created on first use by scripts/conformance-env.sh). */
function conformancePython(): string {
  const out = execFileSync('bash', ['scripts/conformance-env.sh'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const python = out.trim().split('\n').pop();
  if (!python) throw new Error('scripts/conformance-env.sh printed no Python path');
  return python;
}

async function exportParquet(input: DqxRunInput): Promise<{ table: string; ref: string }> {
  const base = path.basename(input.databaseFile, '.duckdb');
  const table = path.resolve(input.cacheDir, `${base}-first${input.rows}.parquet`);
  const ref = path.resolve(input.cacheDir, `${base}-ref.parquet`);
  const write = async (file: string, select: string) => {
    if (fs.existsSync(file)) return;
    log(`writing ${path.relative(process.cwd(), file)} ...`);
    const partial = `${file}.partial`;
    await input.connection.run(`COPY (${select}) TO ${quoteString('duckdb', partial)} (FORMAT parquet)`);
    fs.renameSync(partial, file);
  };
  const where = input.rowFilter ? ` WHERE ${input.rowFilter}` : '';
  await write(table, `SELECT * FROM ${TABLE_SQL}${where}`);
  await write(ref, `SELECT * FROM ${REF_SQL}`);
  return { table, ref };
}

export async function runDqx(input: DqxRunInput): Promise<DqxOutput> {
  const python = conformancePython();
  const files = await exportParquet(input);
  // Spark's in-memory catalog starts empty each run, but refuses a table whose folder exists
  const warehouse = path.resolve(input.cacheDir, 'spark-warehouse');
  fs.rmSync(warehouse, { recursive: true, force: true });
  const spec = {
    master: input.master,
    driver_memory: input.driverMemory,
    warehouse_dir: warehouse,
    table_parquet: files.table,
    ref_parquet: files.ref,
    ref_table: REF_TABLE,
    column_types: Object.fromEntries(COLUMNS.map((c) => [c.name, c.type])),
    row_checks: input.rowChecks,
    all_checks: input.allChecks,
    rule_names: input.ruleNames,
    profile_options: input.profileOptions,
    runs: input.runs,
  };
  log(`running real DQX on local Spark (${input.master}); progress below`);
  return runPythonJson<DqxOutput>(python, 'scripts/bench/dqx_bench.py', input.cacheDir, 'dqx', spec);
}
