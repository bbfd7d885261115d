/**
 * `npm run bench`: the engine's performance targets (ARCHITECTURE.md section 8) measured in one run
 * on one table. A script, not a test: it prints one JSON document on stdout (progress on stderr),
 * writes it to .bench/latest.json, and exits non-zero only when the per-rule failing counts of the
 * measured plans disagree.
 *
 *   npm run bench                          DuckDB side only
 *   npm run bench -- --with-dqx            also real DQX on local Spark, same rows
 *   npm run bench -- --with-dqx --dqx-rows 1000000
 *   npm run bench -- --failing-rows        also failing rows at depth (scripts/bench-failing-rows.ts)
 *   npm run bench -- --with-peers          also Soda Core and Great Expectations, same rules and rows
 *
 * Options: --rows N (table size, default 10,000,000), --runs N (timed runs per measurement after
 * one warm-up, default 3), --dqx-runs N (default: --runs), --dqx-rows N (default: every row),
 * --driver-memory 8g, --master local[2], --peer-rows N (rows given to the peers, default 2,000,000).
 *
 * What is measured, on a table built once per generator version into .bench/ (scripts/bench/table.ts):
 * - scan_floor: one aggregate reading every column; predicate_floor: the hand-written query that
 *   counts the failing rows of each of the 25 rules (scripts/bench/floors.ts);
 * - validate_25: compileValidation of the 25 row rules, run and decoded (counts, splits, samples);
 * - validate_25_per_rule: each rule compiled and run alone, sequentially, summed;
 * - validate_25_plus_3_dataset: with is_unique, is_aggr_not_greater_than and foreign_key added;
 * - validate_21 and predicate_floor_21: the 21 rules without a regular expression and their floor;
 * - dataset_floor_*: the cheapest hand-written query for each dataset rule's failing count (grouped
 *   duplicate count, grouped aggregate, anti-join), against what the 3 rules add to validate_25;
 * - profile_20: compileProfile over every row of the 20 columns, and with DQX's default options;
 * - the table scans of each plan, counted in DuckDB's physical plan (EXPLAIN).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { DuckDBConnection } from '@duckdb/node-api';

import {
  compileProfile,
  compileValidation,
  rowsToObjects,
  type DqxCheck,
  type ValidationSummary,
} from '../lib/dqx';
import { quoteIdent, quoteString } from '../lib/sql/quote';

import {
  countScans,
  duckdbVersion,
  openBenchDatabase,
  query,
  TABLE_SQL,
  type PlanScans,
} from './bench/database';
import { runDqx, type DqxCounts, type DqxOutput, type Timing } from './bench/dqx';
import {
  datasetExpectedSql,
  datasetFloorSqls,
  FLOOR_PREDICATES,
  NON_REGEX_PREDICATES,
  predicateFloorSql,
  REGEX_RULES,
  scanFloorSql,
} from './bench/floors';
import { log } from './bench/log';
import {
  PEER_REF_TABLE,
  PEER_TABLE,
  peerDatabase,
  runPeers,
  translateDatasetRule,
  translateRowRule,
} from './bench/peers';
import { DATASET_RULES, REF_TABLE, ROW_RULES } from './bench/rules';
import { COLUMNS, GENERATOR_VERSION } from './bench/table';

interface Options {
  rows: number;
  runs: number;
  withDqx: boolean;
  failingRows: boolean;
  dqxRows: number | null;
  dqxRuns: number | null;
  driverMemory: string;
  master: string;
  withPeers: boolean;
  peerRows: number;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    rows: 10_000_000,
    runs: 3,
    withDqx: false,
    failingRows: false,
    dqxRows: null,
    dqxRuns: null,
    driverMemory: '8g',
    master: 'local[2]',
    withPeers: false,
    peerRows: 2_000_000,
  };
  const count = (flag: string, v: string | undefined) => {
    const n = Number(v?.replaceAll('_', ''));
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive integer`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.includes('=') ? (a.split('=', 2) as [string, string]) : [a, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--with-dqx':
        o.withDqx = true;
        break;
      case '--failing-rows':
        o.failingRows = true;
        break;
      case '--with-peers':
        o.withPeers = true;
        break;
      case '--peer-rows':
        o.peerRows = count(flag, value());
        break;
      case '--rows':
        o.rows = count(flag, value());
        break;
      case '--runs':
        o.runs = count(flag, value());
        break;
      case '--dqx-rows':
        o.dqxRows = count(flag, value());
        break;
      case '--dqx-runs':
        o.dqxRuns = count(flag, value());
        break;
      case '--driver-memory':
        o.driverMemory = value() ?? o.driverMemory;
        break;
      case '--master':
        o.master = value() ?? o.master;
        break;
      default:
        throw new Error(`Unknown option ${a} (see the comment at the top of scripts/bench.ts)`);
    }
  }
  if (o.dqxRows !== null && o.dqxRows > o.rows) o.dqxRows = o.rows;
  if (o.peerRows > o.rows) o.peerRows = o.rows;
  return o;
}

const CACHE_DIR = path.resolve('.bench');
const TABLE = { columns: COLUMNS };
/** The reference table's columns, described to the compiler as the validation service does. */
const REFERENCE_TABLES = { [REF_TABLE]: { columns: [{ name: 'code', type: 'string' }] } };
/** Whole-table profiling: DQX's options with sampling and the row limit switched off. */
const FULL_PROFILE_OPTIONS = { sample_fraction: null, limit: null };
const AGGR_LIMIT = Number(DATASET_RULES[1]!.check.arguments!.limit);
/** The 21 row rules without a regular expression (their cost is not hidden by RE2's). */
const ROW_RULES_21 = ROW_RULES.filter((_, i) => !REGEX_RULES.has(i));

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round = (x: number, digits = 3) => Number(x.toFixed(digits));

/**
 * Median of `runs` timed runs after one warm-up run; returns the last run's result. Besides wall
 * time, the process's CPU time (user + system, DuckDB's threads included): on a shared machine it
 * moves far less than wall time with what else is running.
 */
async function measure<T>(
  label: string,
  runs: number,
  action: () => Promise<T>,
): Promise<{ timing: Timing; result: T }> {
  let started = performance.now();
  let result = await action();
  const warmup = (performance.now() - started) / 1000;
  log(`${label}: warm-up ${warmup.toFixed(2)} s`);
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const cpuStart = process.cpuUsage();
    started = performance.now();
    result = await action();
    times.push((performance.now() - started) / 1000);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1e6);
    log(`${label}: run ${i + 1}/${runs} ${times[i]!.toFixed(2)} s (CPU ${cpu[i]!.toFixed(2)} s)`);
  }
  return {
    timing: {
      median_s: round(median(times)),
      runs_s: times.map((t) => round(t)),
      warmup_s: round(warmup),
      cpu_median_s: round(median(cpu)),
      cpu_runs_s: cpu.map((t) => round(t)),
    },
    result,
  };
}

const wallRatio = (a: Timing, b: Timing) => round(a.median_s / b.median_s, 2);
/** A timing made of others' medians (sum of `plus` minus `minus`), for ratios of sums and differences. */
function combined(plus: Timing[], minus: Timing[] = []): Timing {
  const sum = (f: (t: Timing) => number | null) => {
    const xs = [
      ...plus.map(f),
      ...minus.map((t) => {
        const v = f(t);
        return v === null ? null : -v;
      }),
    ];
    return xs.some((x) => x === null) ? null : round(xs.reduce<number>((a, x) => a + x!, 0));
  };
  return {
    median_s: sum((t) => t.median_s)!,
    runs_s: [],
    warmup_s: 0,
    cpu_median_s: sum((t) => t.cpu_median_s),
    cpu_runs_s: [],
  };
}
const cpuRatio = (a: Timing, b: Timing) =>
  a.cpu_median_s === null || !b.cpu_median_s ? null : round(a.cpu_median_s / b.cpu_median_s, 2);

/**
 * Whether `source` names a stored table, not a subquery (the first rows given to DQX): the
 * validation service then lets the plan fetch samples by row id, as it does for stored tables.
 */
const isStoredTable = (source: string) => !source.startsWith('(');

/** Statements the last `validate` sent (the counting scan, and the fetch of samples by row id). */
let lastStatements = 0;

/** Compile, run and decode one validation, as the validation service does. */
async function validate(
  conn: DuckDBConnection,
  checks: DqxCheck[],
  source: string,
): Promise<ValidationSummary> {
  const compiled = compileValidation(checks, source, {
    dialect: 'duckdb',
    table: TABLE,
    referenceTables: REFERENCE_TABLES,
    sampleLimit: 10,
    rowIds: isStoredTable(source),
  });
  lastStatements = 0;
  return compiled.run((sql) => {
    lastStatements++;
    return query(conn, sql);
  });
}

function validationSql(checks: DqxCheck[], source: string): string {
  return compileValidation(checks, source, {
    dialect: 'duckdb',
    table: TABLE,
    referenceTables: REFERENCE_TABLES,
    sampleLimit: 10,
    rowIds: isStoredTable(source),
  }).sql;
}

function summaryResult(s: ValidationSummary) {
  return {
    total_rows: s.totalRows,
    error_rows: s.errorRows,
    warning_only_rows: s.warningOnlyRows,
    valid_rows: s.validRows,
    samples: s.samples.length,
    samples_with_messages: s.samples.filter((x) =>
      [...(x.errors ?? []), ...(x.warnings ?? [])].some((e) => e.message),
    ).length,
    rules: Object.fromEntries(
      s.rules.map((r) => [
        r.name,
        { criticality: r.criticality, evaluated: r.evaluatedRows, failing: r.failingRows },
      ]),
    ),
    not_evaluated: s.jobOnly.map((r) => ({ name: r.name, reason: r.reason ?? null })),
  };
}

const failingOf = (s: ValidationSummary) => Object.fromEntries(s.rules.map((r) => [r.name, r.failingRows]));

interface Mismatch {
  rule: string;
  compared: string;
  ours: number | null;
  theirs: number | null;
}

function compareCounts(
  label: string,
  ours: Record<string, number>,
  theirs: Record<string, number>,
  names: string[],
): Mismatch[] {
  return names
    .filter((n) => ours[n] !== theirs[n])
    .map((n) => ({ rule: n, compared: label, ours: ours[n] ?? null, theirs: theirs[n] ?? null }));
}

async function profile(conn: DuckDBConnection, source: string, options: Record<string, unknown> | undefined) {
  const compiled = compileProfile(TABLE, source, { dialect: 'duckdb', options });
  const result = compiled.decode(rowsToObjects(await query(conn, compiled.sql)));
  return { sql: compiled.sql, result };
}

/** The measurements DQX is compared with, over `source` (the whole table or its first rows). */
async function measureComparable(conn: DuckDBConnection, source: string, runs: number, suffix = '') {
  const v25 = await measure(`validate_25${suffix}`, runs, () => validate(conn, ROW_RULES, source));
  const v28 = await measure(`validate_25_plus_3_dataset${suffix}`, runs, () =>
    validate(conn, [...ROW_RULES, ...DATASET_RULES], source),
  );
  const p = await measure(`profile_20${suffix}`, runs, () => profile(conn, source, FULL_PROFILE_OPTIONS));
  const pd = await measure(`profile_20_default_options${suffix}`, runs, () =>
    profile(conn, source, undefined),
  );
  return { v25, v28, p, pd };
}

/**
 * `--with-peers`: Soda Core and Great Expectations on the first `peerRows` rows (a DuckDB file of
 * their own that our side reads too), the same rules translated (scripts/bench/peers.ts). Their
 * failing counts are checked against ours; differences go to `mismatches`.
 */
async function comparePeers(
  conn: DuckDBConnection,
  databaseFile: string,
  opts: Options,
  mismatches: Mismatch[],
) {
  const file = await peerDatabase(conn, CACHE_DIR, databaseFile, opts.peerRows);
  const attached = await query(conn, "SELECT 1 FROM duckdb_databases() WHERE database_name = 'peersdb'");
  if (attached.rows.length === 0)
    await conn.run(`ATTACH ${quoteString('duckdb', file)} AS peersdb (READ_ONLY)`);
  const source = `peersdb.main.${quoteIdent('duckdb', PEER_TABLE)}`;
  const suffix = ` (peer rows: ${opts.peerRows})`;
  const v25 = await measure(`validate_25${suffix}`, opts.runs, () => validate(conn, ROW_RULES, source));
  const statements25 = lastStatements;
  const v28 = await measure(`validate_25_plus_3_dataset${suffix}`, opts.runs, () =>
    validate(conn, [...ROW_RULES, ...DATASET_RULES], source),
  );
  const statements28 = lastStatements;
  const expectedRow = rowsToObjects(await query(conn, datasetExpectedSql(source, AGGR_LIMIT)))[0]!;
  const expectedByFn: Record<string, number> = {
    is_unique: Number(expectedRow.order_id_is_not_unique),
    is_aggr_not_greater_than: Number(expectedRow.aggr),
    foreign_key: Number(expectedRow.fk),
  };
  const rowPeers = ROW_RULES.map((r, i) =>
    translateRowRule(r, FLOOR_PREDICATES[i]![0], FLOOR_PREDICATES[i]![1]),
  );
  const datasetPeers = DATASET_RULES.map((r) => {
    const fn = r.check.function;
    const name =
      [...v28.result.rules, ...v28.result.jobOnly].find((x) => x.level === 'dataset' && x.function === fn)
        ?.name ?? fn;
    return translateDatasetRule(
      r,
      name,
      quoteIdent('duckdb', PEER_TABLE),
      quoteIdent('duckdb', PEER_REF_TABLE),
    );
  });
  const suites = { validate_25: rowPeers, validate_25_plus_3_dataset: [...rowPeers, ...datasetPeers] };
  const out = await runPeers({
    cacheDir: CACHE_DIR,
    databaseFile: file,
    rows: opts.peerRows,
    runs: opts.runs,
    suites,
  });

  const oursTiming = { validate_25: v25.timing, validate_25_plus_3_dataset: v28.timing };
  const oursCounts: Record<keyof typeof suites, Record<string, number>> = {
    validate_25: failingOf(v25.result),
    validate_25_plus_3_dataset: {
      ...Object.fromEntries(
        datasetPeers.map((p, i) => [p.name, expectedByFn[DATASET_RULES[i]!.check.function]!]),
      ),
      ...failingOf(v28.result),
    },
  };
  const tools = { soda: out.tools.soda, gx: out.tools.gx } as const;
  const perTool = Object.fromEntries(
    (Object.keys(tools) as (keyof typeof tools)[]).map((tool) => {
      const t = tools[tool];
      for (const suite of Object.keys(suites) as (keyof typeof suites)[]) {
        const expressible = suites[suite].filter((p) => p[tool].form !== 'unsupported').map((p) => p.name);
        mismatches.push(
          ...compareCounts(
            `${suite}: ours vs ${tool}`,
            oursCounts[suite],
            nonNull(t.counts[suite] ?? {}),
            expressible,
          ),
        );
      }
      return [
        tool,
        {
          version: t.version,
          timings_s: t.timings_s,
          statements: t.statements,
          ...(t.logged_queries ? { logged_queries: t.logged_queries } : {}),
          cpu_over_ours: {
            validate_25: cpuRatio(t.timings_s.validate_25!, oursTiming.validate_25),
            validate_25_plus_3_dataset: cpuRatio(
              t.timings_s.validate_25_plus_3_dataset!,
              oursTiming.validate_25_plus_3_dataset,
            ),
          },
          time_over_ours: {
            validate_25: wallRatio(t.timings_s.validate_25!, oursTiming.validate_25),
            validate_25_plus_3_dataset: wallRatio(
              t.timings_s.validate_25_plus_3_dataset!,
              oursTiming.validate_25_plus_3_dataset,
            ),
          },
          errors: t.errors,
        },
      ];
    }),
  );
  const all = suites.validate_25_plus_3_dataset;
  return {
    rows: out.rows,
    file: path.relative(process.cwd(), file),
    versions: { duckdb_python: out.duckdb_python, python: out.python, duckdb_node: duckdbVersion() },
    method:
      "each tool: 1 warm-up run and --runs timed runs per suite in one Python process; setup a user pays once (Soda connection, GX context/datasource/suite) is not timed; cpu is that process's user + system time, DuckDB threads included; statements are those sent to DuckDB in one run (Soda: through the connection; GX: SQLAlchemy before_cursor_execute). Ours: the statements one validation sent (the scan, and the fetch of its samples by row id)",
    ours: {
      timings_s: oursTiming,
      statements: { validate_25: statements25, validate_25_plus_3_dataset: statements28 },
    },
    ...perTool,
    expressed: Object.fromEntries(
      all.map((p) => [
        p.name,
        {
          soda: p.soda.form + (p.soda.note ? `: ${p.soda.note}` : ''),
          gx: p.gx.form + (p.gx.note ? `: ${p.gx.note}` : ''),
        },
      ]),
    ),
    cannot_express: {
      soda: all.filter((p) => p.soda.form === 'unsupported').map((p) => p.name),
      gx: all.filter((p) => p.gx.form === 'unsupported').map((p) => p.name),
    },
    failing_counts: Object.fromEntries(
      all.map((p) => [
        p.name,
        {
          ours: oursCounts.validate_25_plus_3_dataset[p.name] ?? null,
          soda: tools.soda.counts.validate_25_plus_3_dataset?.[p.name] ?? null,
          gx: tools.gx.counts.validate_25_plus_3_dataset?.[p.name] ?? null,
        },
      ]),
    ),
  };
}

const nonNull = (c: Record<string, number | null>) =>
  Object.fromEntries(Object.entries(c).filter((e): e is [string, number] => e[1] !== null));

function machine() {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpu_model: cpus[0]?.model ?? null,
    memory_gb: round(os.totalmem() / 2 ** 30, 1),
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    duckdb: duckdbVersion(),
    load_average_at_start: os.loadavg().map((x) => round(x, 2)),
  };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const startedAt = new Date();
  const host = machine();
  log(
    `${opts.rows.toLocaleString('en-US')} rows, median of ${opts.runs} runs after a warm-up; load average ${host.load_average_at_start.join(' ')}`,
  );
  const db = await openBenchDatabase(CACHE_DIR, opts.rows);
  const conn = db.connection;
  const threads = (await query(conn, "SELECT current_setting('threads')")).rows[0]?.[0];

  try {
    // warm the file pages so the first measurement does not pay for reading from disk
    await query(conn, scanFloorSql());

    const scanFloor = await measure('scan_floor', opts.runs, () => query(conn, scanFloorSql()));
    const predicateFloor = await measure('predicate_floor', opts.runs, () =>
      query(conn, predicateFloorSql()),
    );
    const floorRow = rowsToObjects(predicateFloor.result)[0]!;
    const floorCounts = Object.fromEntries(FLOOR_PREDICATES.map(([name]) => [name, Number(floorRow[name])]));
    const predicateFloor21 = await measure('predicate_floor_21', opts.runs, () =>
      query(conn, predicateFloorSql(NON_REGEX_PREDICATES)),
    );
    const floor21Row = rowsToObjects(predicateFloor21.result)[0]!;
    const floor21Counts = Object.fromEntries(
      NON_REGEX_PREDICATES.map(([name]) => [name, Number(floor21Row[name])]),
    );
    const datasetFloors: { fn: string; sql: string; timing: Timing; failing: number }[] = [];
    for (const f of datasetFloorSqls(TABLE_SQL, AGGR_LIMIT)) {
      const m = await measure(`dataset_floor_${f.fn}`, opts.runs, () => query(conn, f.sql));
      datasetFloors.push({ ...f, timing: m.timing, failing: Number(rowsToObjects(m.result)[0]!.failing) });
    }
    const datasetFloorsTiming = combined(datasetFloors.map((f) => f.timing));

    const ours = await measureComparable(conn, TABLE_SQL, opts.runs);
    const v21m = await measure('validate_21', opts.runs, () => validate(conn, ROW_RULES_21, TABLE_SQL));
    const perRule = await measure('validate_25_per_rule', opts.runs, async () => {
      const out: ValidationSummary[] = [];
      for (const rule of ROW_RULES) out.push(await validate(conn, [rule], TABLE_SQL));
      return out;
    });

    const v25 = ours.v25.result;
    const v28 = ours.v28.result;
    const datasetNames = v28.rules.filter((r) => r.level === 'dataset').map((r) => r.name);
    const datasetNameOf = (fn: string) =>
      [...v28.rules, ...v28.jobOnly].find((r) => r.level === 'dataset' && r.function === fn)?.name ?? fn;
    const datasetExpectedOn = async (source: string): Promise<Record<string, number>> => {
      const row = rowsToObjects(await query(conn, datasetExpectedSql(source, AGGR_LIMIT)))[0]!;
      return {
        [datasetNameOf('is_unique')]: Number(row.order_id_is_not_unique),
        [datasetNameOf('is_aggr_not_greater_than')]: Number(row.aggr),
        [datasetNameOf('foreign_key')]: Number(row.fk),
      };
    };
    const datasetExpected = await datasetExpectedOn(TABLE_SQL);
    const datasetFloorCounts = Object.fromEntries(datasetFloors.map((f) => [datasetNameOf(f.fn), f.failing]));

    const rowNames = v25.rules.map((r) => r.name);
    const perRuleCounts = Object.fromEntries(
      perRule.result.flatMap((s) => s.rules.map((r) => [r.name, r.failingRows])),
    );
    const mismatches: Mismatch[] = [
      ...compareCounts('validate_25 vs predicate_floor', failingOf(v25), floorCounts, [
        ...new Set([...rowNames, ...Object.keys(floorCounts)]),
      ]),
      ...compareCounts('validate_25_per_rule vs validate_25', perRuleCounts, failingOf(v25), rowNames),
      ...compareCounts('validate_25_plus_3_dataset vs validate_25', failingOf(v28), failingOf(v25), rowNames),
      ...compareCounts(
        'validate_25_plus_3_dataset vs hand-written dataset counts',
        failingOf(v28),
        datasetExpected,
        datasetNames,
      ),
      ...compareCounts('validate_21 vs predicate_floor_21', failingOf(v21m.result), floor21Counts, [
        ...new Set([...v21m.result.rules.map((r) => r.name), ...Object.keys(floor21Counts)]),
      ]),
      ...compareCounts('dataset floors vs hand-written dataset counts', datasetFloorCounts, datasetExpected, [
        ...Object.keys(datasetExpected),
      ]),
    ];

    log('counting table scans (EXPLAIN)');
    const scans = {
      scan_floor: await countScans(conn, scanFloorSql()),
      predicate_floor: await countScans(conn, predicateFloorSql()),
      validate_25: await countScans(conn, validationSql(ROW_RULES, TABLE_SQL)),
      validate_21: await countScans(conn, validationSql(ROW_RULES_21, TABLE_SQL)),
      validate_25_per_rule: await ROW_RULES.reduce<Promise<PlanScans>>(
        async (acc, rule) => {
          const sum = await acc;
          const one = await countScans(conn, validationSql([rule], TABLE_SQL));
          return { table: sum.table + one.table, other: sum.other + one.other };
        },
        Promise.resolve({ table: 0, other: 0 }),
      ),
      validate_25_plus_3_dataset: await countScans(
        conn,
        validationSql([...ROW_RULES, ...DATASET_RULES], TABLE_SQL),
      ),
      profile_20: await countScans(conn, ours.p.result.sql),
      profile_20_default_options: await countScans(conn, ours.pd.result.sql),
    };

    // real DQX on the same rows
    let dqx: Record<string, unknown> | null = null;
    let dqxTargets: { validation: boolean | null; profile: boolean | null } = {
      validation: null,
      profile: null,
    };
    if (opts.withDqx) {
      const dqxRows = opts.dqxRows ?? opts.rows;
      const subset = dqxRows < opts.rows;
      const rowFilter = subset ? `rowid < ${dqxRows}` : null;
      const source = subset ? `(SELECT * FROM ${TABLE_SQL} WHERE ${rowFilter})` : TABLE_SQL;
      const same = subset
        ? await measureComparable(conn, source, opts.runs, ` (first ${dqxRows} rows)`)
        : ours;
      const out: DqxOutput = await runDqx({
        connection: conn,
        cacheDir: CACHE_DIR,
        databaseFile: db.file,
        rows: dqxRows,
        rowFilter,
        rowChecks: ROW_RULES,
        allChecks: [...ROW_RULES, ...DATASET_RULES],
        ruleNames: {
          validate_25: rowNames,
          validate_25_plus_3_dataset: [...rowNames, ...Object.keys(datasetExpected)],
        },
        profileOptions: FULL_PROFILE_OPTIONS,
        runs: opts.dqxRuns ?? opts.runs,
        master: opts.master,
        driverMemory: opts.driverMemory,
      });
      const split = (s: ValidationSummary | DqxCounts) =>
        'totalRows' in s
          ? { total_rows: s.totalRows, error_rows: s.errorRows, warning_only_rows: s.warningOnlyRows }
          : { total_rows: s.total_rows, error_rows: s.error_rows, warning_only_rows: s.warning_only_rows };
      const ours25 = same.v25.result;
      const ours28 = same.v28.result;
      const expectedSubset = subset ? await datasetExpectedOn(source) : datasetExpected;
      const dqx28Rows = Object.fromEntries(
        rowNames.map((n) => [n, out.results.validate_25_plus_3_dataset.rules[n]!]),
      );
      const dqx28Dataset = Object.fromEntries(
        Object.keys(datasetExpected).map((n) => [n, out.results.validate_25_plus_3_dataset.rules[n]!]),
      );
      mismatches.push(
        ...compareCounts('validate_25 vs DQX', failingOf(ours25), out.results.validate_25.rules, rowNames),
        ...compareCounts(
          'validate_25_plus_3_dataset vs DQX (row rules)',
          failingOf(ours28),
          dqx28Rows,
          rowNames,
        ),
        ...compareCounts(
          'validate_25_plus_3_dataset vs DQX (dataset rules we evaluate)',
          failingOf(ours28),
          dqx28Dataset,
          datasetNames,
        ),
        ...compareCounts(
          'hand-written dataset counts vs DQX',
          expectedSubset,
          dqx28Dataset,
          Object.keys(expectedSubset),
        ),
      );
      for (const [label, a, b] of [
        ['validate_25 split vs DQX', split(ours25), split(out.results.validate_25)],
        ...(datasetNames.length === DATASET_RULES.length
          ? [
              [
                'validate_25_plus_3_dataset split vs DQX',
                split(ours28),
                split(out.results.validate_25_plus_3_dataset),
              ] as const,
            ]
          : []),
      ] as const) {
        for (const k of Object.keys(a) as (keyof typeof a)[]) {
          if (a[k] !== b[k]) mismatches.push({ rule: `(${k})`, compared: label, ours: a[k], theirs: b[k] });
        }
      }
      const against = <R>(r: (a: Timing, b: Timing) => R) => ({
        validate_25: r(out.timings_s.validate_25, same.v25.timing),
        validate_25_plus_3_dataset: r(out.timings_s.validate_25_plus_3_dataset, same.v28.timing),
        profile_20: r(out.timings_s.profile_20, same.p.timing),
        profile_20_default_options: r(out.timings_s.profile_20_default_options, same.pd.timing),
      });
      const ratios = against(wallRatio);
      const ourProfileNames = (r: Awaited<ReturnType<typeof profile>>) =>
        r.result.profiles.map((p) => `${p.name}:${p.column}`).sort();
      dqx = {
        rows: out.rows,
        same_rows_as_ours: !subset,
        versions: out.versions,
        spark: out.spark,
        runs: opts.dqxRuns ?? opts.runs,
        timings_s: out.timings_s,
        ...(subset
          ? {
              ours_on_same_rows_s: {
                validate_25: same.v25.timing,
                validate_25_plus_3_dataset: same.v28.timing,
                profile_20: same.p.timing,
                profile_20_default_options: same.pd.timing,
              },
            }
          : {}),
        dqx_time_over_ours: ratios,
        dqx_cpu_over_ours: against(cpuRatio),
        note_validate_25_plus_3_dataset:
          datasetNames.length === DATASET_RULES.length
            ? null
            : `our plan evaluated ${datasetNames.length} of the ${DATASET_RULES.length} dataset rules; DQX evaluated all of them, so this ratio is not like for like yet`,
        results: {
          validate_25: out.results.validate_25,
          validate_25_plus_3_dataset: out.results.validate_25_plus_3_dataset,
          profiles: Object.fromEntries(
            (['profile_20', 'profile_20_default_options'] as const).map((k) => {
              const theirs = out.results.profiles[k]!;
              const mine = ourProfileNames(same[k === 'profile_20' ? 'p' : 'pd'].result);
              return [
                k,
                {
                  dqx_profiles: theirs.profiles,
                  our_profiles: mine.length,
                  only_dqx: theirs.names.filter((n) => !mine.includes(n)),
                  only_ours: mine.filter((n) => !theirs.names.includes(n)),
                },
              ];
            }),
          ),
        },
      };
      dqxTargets = { validation: ratios.validate_25 >= 10, profile: ratios.profile_20 >= 10 };
    }

    const peers = opts.withPeers ? await comparePeers(conn, db.file, opts, mismatches) : null;

    // what the 3 dataset rules add to the 25 row rules, against their 3 floors
    const datasetAdded = combined([ours.v28.timing], [ours.v25.timing]);
    const ourRatios = <R>(r: (a: Timing, b: Timing) => R) => ({
      validate_25_over_predicate_floor: r(ours.v25.timing, predicateFloor.timing),
      validate_21_over_predicate_floor_21: r(v21m.timing, predicateFloor21.timing),
      dataset_rules_over_dataset_floors: r(datasetAdded, datasetFloorsTiming),
      validate_25_plus_3_dataset_over_all_floors: r(
        ours.v28.timing,
        combined([predicateFloor.timing, datasetFloorsTiming]),
      ),
      validate_25_over_scan_floor: r(ours.v25.timing, scanFloor.timing),
      validate_25_per_rule_over_validate_25: r(perRule.timing, ours.v25.timing),
      predicate_floor_over_scan_floor: r(predicateFloor.timing, scanFloor.timing),
    });
    const ratios = ourRatios(wallRatio);
    const cpuRatios = ourRatios(cpuRatio);
    const atMost = (x: number | null, limit: number) => (x === null ? null : x <= limit);
    const countsAgree = mismatches.length === 0;
    const report = {
      benchmark: 'npm run bench (ARCHITECTURE.md section 8)',
      started_at: startedAt.toISOString(),
      finished_at: new Date().toISOString(),
      machine: {
        ...host,
        duckdb_threads: threads === undefined ? null : Number(threads),
        load_average_at_end: os.loadavg().map((x) => round(x, 2)),
      },
      method: {
        timing: `median of ${opts.runs} timed runs after 1 warm-up run, wall clock, one query at a time; validation and profiling include compiling, running and decoding the result as the services do. cpu_* is this process's CPU time (user + system, DuckDB threads included) over the same runs; ratios_cpu compares those, and moves less than wall time when other work shares the machine`,
        dqx_timing: opts.withDqx
          ? `median of ${opts.dqxRuns ?? opts.runs} runs after 1 warm-up run; apply_checks_by_metadata written to Spark's noop sink; DQProfiler.profile; each run reads the Parquet file; cpu_* is the Spark JVM's CPU time`
          : null,
        table_scans:
          'SEQ_SCAN/TABLE_SCAN operators on the benchmark table in DuckDB’s physical plan (EXPLAIN (FORMAT json)), summed over the statements of a plan',
      },
      table: {
        rows: opts.rows,
        columns: COLUMNS.length,
        column_types: Object.fromEntries(COLUMNS.map((c) => [c.name, c.type])),
        generator_version: GENERATOR_VERSION,
        file: path.relative(process.cwd(), db.file),
        generated_this_run: db.generated,
        generate_s: db.generateSeconds === null ? null : round(db.generateSeconds, 1),
      },
      rules: {
        row_level: ROW_RULES.length,
        dataset_level: DATASET_RULES.length,
        dataset_rules_compiled: datasetNames.length,
        dataset_rules_not_compiled: v28.jobOnly.map((r) => ({ name: r.name, reason: r.reason ?? null })),
      },
      timings_s: {
        scan_floor: scanFloor.timing,
        predicate_floor: predicateFloor.timing,
        predicate_floor_21: predicateFloor21.timing,
        ...Object.fromEntries(datasetFloors.map((f) => [`dataset_floor_${f.fn}`, f.timing])),
        dataset_floors_sum: datasetFloorsTiming,
        validate_25: ours.v25.timing,
        validate_21: v21m.timing,
        validate_25_per_rule: perRule.timing,
        validate_25_plus_3_dataset: ours.v28.timing,
        dataset_rules_added: datasetAdded,
        profile_20: ours.p.timing,
        profile_20_default_options: ours.pd.timing,
      },
      ratios,
      ratios_cpu: cpuRatios,
      table_scans: Object.fromEntries(Object.entries(scans).map(([k, v]) => [k, v.table])),
      other_table_scans: Object.fromEntries(Object.entries(scans).map(([k, v]) => [k, v.other])),
      profile: {
        profile_20: {
          rows_profiled: ours.p.result.result.rowsProfiled,
          sampling: ours.p.result.result.sampling.description,
          profiles: ours.p.result.result.profiles.length,
        },
        profile_20_default_options: {
          rows_profiled: ours.pd.result.result.rowsProfiled,
          sampling: ours.pd.result.result.sampling.description,
          profiles: ours.pd.result.result.profiles.length,
        },
      },
      results: {
        predicate_floor: floorCounts,
        predicate_floor_21: floor21Counts,
        dataset_floors: datasetFloorCounts,
        validate_25: summaryResult(v25),
        validate_21: summaryResult(v21m.result),
        validate_25_plus_3_dataset: summaryResult(v28),
        dataset_rules_expected: datasetExpected,
      },
      counts_agree: countsAgree,
      count_mismatches: mismatches,
      dqx,
      failing_rows: opts.failingRows ? failingRowsSection(opts.runs) : null,
      peers,
      targets: {
        validate_25_at_most_1_3x_predicate_floor: ratios.validate_25_over_predicate_floor <= 1.3,
        // issue 17's targets, on CPU time (wall time is not comparable on a shared machine)
        validate_25_at_most_1_3x_predicate_floor_cpu: atMost(cpuRatios.validate_25_over_predicate_floor, 1.3),
        validate_21_at_most_1_3x_predicate_floor_21_cpu: atMost(
          cpuRatios.validate_21_over_predicate_floor_21,
          1.3,
        ),
        dataset_rules_at_most_1_3x_dataset_floors_cpu: atMost(
          cpuRatios.dataset_rules_over_dataset_floors,
          1.3,
        ),
        one_scan_for_all_row_rules: scans.validate_25.table === 1,
        profile_one_scan: scans.profile_20.table === 1,
        dqx_validation_at_least_10x_slower: dqxTargets.validation,
        dqx_profile_at_least_10x_slower: dqxTargets.profile,
        counts_agree: countsAgree,
      },
    };
    const json = JSON.stringify(report, null, 2);
    fs.writeFileSync(path.join(CACHE_DIR, 'latest.json'), json + '\n');
    process.stdout.write(json + '\n');
    if (!countsAgree) {
      log(`per-rule failing counts disagree (${mismatches.length}): see count_mismatches`);
      process.exitCode = 1;
    }
  } finally {
    db.close();
  }
}

/**
 * Failing rows at depth (keyset pages, jumps, streamed export of 1M rows) go through the real
 * services, which need the `react-server` condition: their own script, run as a child.
 */
function failingRowsSection(runs: number): unknown {
  log('failing rows at depth (scripts/bench-failing-rows.ts)');
  const child = spawnSync(
    path.resolve('node_modules', '.bin', 'tsx'),
    ['--conditions=react-server', path.join('scripts', 'bench-failing-rows.ts'), '--runs', String(runs)],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, DQX_LOG_LEVEL: 'warn' },
    },
  );
  if (child.status !== 0) throw new Error(`scripts/bench-failing-rows.ts failed (exit ${child.status})`);
  // the document is the last thing printed, from a line holding `{` alone
  return JSON.parse(child.stdout.slice(child.stdout.lastIndexOf('\n{\n') + 1)) as unknown;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 2;
});
