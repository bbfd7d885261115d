/**
 * The two statements the engine compiles a rule set into.
 *
 * `compileApplyChecks`: DQX's `apply_checks_by_metadata` as one SELECT: every input column plus
 * `_errors` and `_warnings` (arrays of DQX's result struct, NULL instead of empty).
 *
 * `compileValidation`: one statement that reads the source once and returns the total rows, the
 * rows with errors and with only warnings, per rule the rows evaluated (after its filter) and the
 * failing rows, and up to N sample failing rows per rule with their DQX entries. Each rule's
 * predicate is evaluated once per row, and messages are built only for the sampled rows. On
 * DuckDB the predicates become bit masks and one hash aggregate over the masks yields every count
 * and the samples (see `duckdbCounting`); over a stored DuckDB table (`rowIds`) the scan keeps only
 * the row ids of the samples and a second, short statement fetches those rows
 * (`duckdbRowIdSamples`); on Spark, aggregates count booleans and samples keep a bounded set per
 * rule.
 *
 * `source` is a quoted table name or a parenthesised subquery built by the caller with
 * `lib/sql/quote.ts`.
 */
import { quoteIdent, quoteString, type Dialect } from '@/lib/sql/quote';

import type { DqxCheck } from '../model';
import { fragmentTables } from '../sql-guard/fragments';
import type { SparkType } from '../spark-types';
import { duckType } from './duck-types';
import {
  entryType,
  internalColumns,
  planRuleSet,
  sourceRelation,
  type CompiledRule,
  type CompileOptions,
  type Plan,
  type PlannedRule,
} from './plan';

export type { CompileOptions, CompiledRule, RuleStatus } from './plan';
export { RuleSetCompileError } from './plan';

const SRC = '__dqx_src';

function errorsArray(plan: Plan, rules: PlannedRule[]): string {
  const d = plan.dialect;
  if (rules.length === 0)
    return d === 'duckdb' ? `NULL::${entryType(d)}[]` : `CAST(NULL AS ARRAY<${entryType(d)}>)`;
  const entries = rules.map((r) => `CASE WHEN ${r.flagSql} THEN ${r.entrySql} END`);
  if (d === 'duckdb') {
    return `list_transform([list_filter([${entries.join(', ')}], __e -> __e IS NOT NULL)], __l -> CASE WHEN len(__l) > 0 THEN __l END)[1]`;
  }
  return `transform(array(array_compact(array(${entries.join(', ')}))), __l -> CASE WHEN size(__l) > 0 THEN __l END)[0]`;
}

const byCriticality = (plan: Plan, c: 'error' | 'warn') => plan.rules.filter((r) => r.criticality === c);

export interface CompiledApply {
  sql: string;
  /** Reference tables the compiled dataset rules read (the caller checks access to each). */
  referenceTables: string[];
  rules: CompiledRule[];
  /** Rules not in the SQL: dataset-level and job-only checks, or what the dialect cannot express. */
  jobOnly: CompiledRule[];
  ruleSetFingerprint: string;
  resultColumns: { errors: string; warnings: string };
  /**
   * The same rows with, instead of the result columns, one boolean `__dqx_failed`: whether any rule
   * puts an entry on the row. Cheaper than building the entries when only which rows fail matters
   * (counting them, finding a page's position).
   */
  flaggedSql: string;
  /**
   * Whether a rule adds rows to the input (`compare_datasets` with `check_missing_records`): the
   * rows then depend on the whole rule set, so a subset of its rules is applied with
   * `entriesOf` rather than on its own.
   */
  addsRows: boolean;
}

export interface ApplyOptions extends CompileOptions {
  /**
   * Only these rules (indexes after expansion) put entries on the rows; the others still shape
   * the rows (the rows a rule adds, what later dataset rules read). Default: every rule.
   */
  entriesOf?: number[];
}

/** `apply_checks_by_metadata(df, checks)` as one SELECT over `source`. */
export function compileApplyChecks(checks: DqxCheck[], source: string, options: ApplyOptions): CompiledApply {
  const plan = planRuleSet(checks, options, source);
  const d = plan.dialect;
  const cols = plan.inputColumns.map((c) => quoteIdent(d, c));
  const only = options.entriesOf ? new Set(options.entriesOf) : null;
  const shown = only ? { ...plan, rules: plan.rules.filter((r) => only.has(r.index)) } : plan;
  const sql =
    `SELECT ${[...cols, `${errorsArray(shown, byCriticality(shown, 'error'))} AS ${quoteIdent(d, plan.resultColumns.errors)}`, `${errorsArray(shown, byCriticality(shown, 'warn'))} AS ${quoteIdent(d, plan.resultColumns.warnings)}`].join(',\n  ')}\n` +
    `FROM ${sourceRelation(plan, source, SRC)}`;
  const flags = shown.rules.map((r) => `coalesce(${r.flagSql}, FALSE)`);
  const flaggedSql =
    `SELECT ${[...cols, `${flags.length ? flags.join(' OR ') : 'FALSE'} AS __dqx_failed`].join(',\n  ')}\n` +
    `FROM ${sourceRelation(plan, source, SRC)}`;
  return {
    sql,
    flaggedSql,
    referenceTables: plan.referenceTables,
    rules: plan.rules.map(publicRule),
    jobOnly: plan.jobOnly,
    ruleSetFingerprint: plan.ruleSetFingerprint,
    resultColumns: plan.resultColumns,
    addsRows: plan.added !== null,
  };
}

function publicRule(r: PlannedRule): CompiledRule {
  const { flagSql: _f, testSql: _t, filterSql: _g, entrySql: _e, ...rest } = r;
  return rest;
}

// ---------------------------------------------------------------------------------------------
// Validation summary

export interface ValidationOptions extends CompileOptions {
  /** Sample failing rows kept per rule (default 10; 0 for none). */
  sampleLimit?: number;
  /**
   * DuckDB: `source` is a stored table (not a view or a subquery), so its `rowid` names a row. The
   * scan then keeps row ids instead of whole rows, and a second statement fetches the sampled rows
   * by id (see `duckdbRowIdSamples`). Ignored in other dialects and for rule sets whose dataset
   * rules add rows.
   */
  rowIds?: boolean;
}

export interface RuleSummary extends CompiledRule {
  /** Rows the rule looked at (after its filter); all rows for skipped rules. */
  evaluatedRows: number;
  failingRows: number;
}

export interface SampleRow {
  /** Index (in `rules`) of the rule this row was sampled for. */
  rule: number;
  /** The row's input values, by column. */
  values: Record<string, unknown>;
  /** The row's DQX result entries (all failing rules, not only the sampled one). */
  errors: SampleEntry[] | null;
  warnings: SampleEntry[] | null;
}

export interface SampleEntry {
  name: string;
  message: string | null;
  columns: string[] | null;
  filter: string | null;
  function: string;
  user_metadata: Record<string, string | null>;
  rule_fingerprint: string;
  skipped: boolean | null;
}

export interface ValidationSummary {
  totalRows: number;
  /** Rows with at least one error (DQX's invalid rows). */
  errorRows: number;
  /** Rows with warnings and no error (valid and invalid at once in DQX's split). */
  warningOnlyRows: number;
  /** Rows without errors (DQX's valid rows, warning-only rows included). */
  validRows: number;
  rules: RuleSummary[];
  jobOnly: CompiledRule[];
  samples: SampleRow[];
  ruleSetFingerprint: string;
}

/** What a warehouse returns for the validation statement. */
export interface QueryRows {
  columns: { name: string }[];
  rows: unknown[][];
}

export interface CompiledValidation {
  /** The first (with `rowIds`, the counting) statement; `run` sends it and any that follow. */
  sql: string;
  /** Reference tables the compiled dataset rules read (the caller checks access to each). */
  referenceTables: string[];
  rules: CompiledRule[];
  jobOnly: CompiledRule[];
  ruleSetFingerprint: string;
  /**
   * Turn the statement's result into a typed summary. Refused when the plan fetches its samples by
   * row id (a second statement): use `run`, which works for every plan.
   */
  decode(result: QueryRows): ValidationSummary;
  /** Send the statement(s) through `query` and decode the summary. */
  run(query: (sql: string) => Promise<QueryRows>): Promise<ValidationSummary>;
}

type Carried = { name: string; type: SparkType | null };

/**
 * The columns a sampled row carries: the input columns, then the internal columns dataset rules
 * add (their entries are rebuilt from them for the sampled rows).
 */
function carriedColumns(plan: Plan): Carried[] {
  return [
    ...plan.inputColumns.map((c) => ({ name: c, type: plan.resolver.column(c)?.type ?? null })),
    ...internalColumns(plan),
  ];
}

/**
 * How a carried column travels in the DuckDB payload: dates as days and timestamps as microseconds
 * since the epoch (numbers are written several times faster than date and time text, and the
 * payload is built for every failing row), the infinities as the integers one past each end of the
 * finite range; decimals as text; everything else as itself (JSON keeps NaN, the infinities and
 * -0.0 of doubles).
 */
const DAY_INF = 2147483647; // 'infinity'::DATE - DATE '1970-01-01'; finite dates stay within ±(2^31 - 2)
const MICROS_INF = '9223372036854775807'; // epoch_us of the finite timestamps stays within ±(2^63 - 2)

const isDate = (t: SparkType | null) => t?.kind === 'date';
const isTimestamp = (t: SparkType | null) => t?.kind === 'timestamp' || t?.kind === 'timestamp_ntz';

function encodeCarried({ name, type }: Carried): string {
  const c = quoteIdent('duckdb', name);
  if (isDate(type)) return `(${c} - DATE '1970-01-01')`;
  // as text: json_transform would read a JSON number into DECIMAL through a double
  if (type?.kind === 'decimal') return `CAST(${c} AS VARCHAR)`;
  if (isTimestamp(type)) {
    // epoch_us is NULL for the infinities; coalesce evaluates the CASE only for those rows
    return `coalesce(epoch_us(${c}), CASE WHEN ${c} > TIMESTAMP '1970-01-01' THEN ${MICROS_INF} WHEN ${c} < TIMESTAMP '1970-01-01' THEN -${MICROS_INF} END)`;
  }
  return c;
}

function decodeCarried({ name, type }: Carried): string {
  const c = quoteIdent('duckdb', name);
  if (isDate(type)) {
    return `CASE ${c} WHEN ${DAY_INF} THEN DATE 'infinity' WHEN -${DAY_INF} THEN DATE '-infinity' ELSE DATE '1970-01-01' + CAST(${c} AS INTEGER) END AS ${c}`;
  }
  if (isTimestamp(type)) {
    return `CASE ${c} WHEN ${MICROS_INF} THEN TIMESTAMP 'infinity' WHEN -${MICROS_INF} THEN TIMESTAMP '-infinity' ELSE make_timestamp(${c}) END AS ${c}`;
  }
  if (type?.kind === 'decimal') return `CAST(${c} AS ${duckType(type)}) AS ${c}`;
  return c;
}

/** DuckDB: the row as one JSON array text (values in carried-column order, see encodeCarried). */
function duckPayload(plan: Plan): string {
  return `CAST(json_array(${carriedColumns(plan).map(encodeCarried).join(', ')}) AS VARCHAR)`;
}

/** DuckDB: the sampled JSON payloads (`__dqx_row`) back to typed columns, after `counts` as they are. */
function duckDecodedRows(carried: Carried[], counts: string[], exploded: string): string {
  const structure: Record<string, string> = {};
  for (const { name, type: t } of carried) {
    structure[name] =
      !t || t.kind === 'decimal' ? 'VARCHAR' : isDate(t) || isTimestamp(t) ? 'BIGINT' : duckType(t);
  }
  // the array back to an object keyed by column, then typed by json_transform
  const object = `json_object(${carried.map(({ name }, k) => `${quoteString('duckdb', name)}, json_extract(__dqx_row, '$[${k}]')`).join(', ')})`;
  const parsed = `SELECT ${counts.join(', ')}, json_transform(${object}, ${quoteString('duckdb', JSON.stringify(structure))}) AS __dqx_row\n  FROM (${exploded}) AS __dqx_x`;
  const decoded = `SELECT ${counts.join(', ')}, __dqx_row.*\n  FROM (${parsed}) AS __dqx_j`;
  return `SELECT ${counts.join(', ')}, ${carried.map(decodeCarried).join(', ')}\n  FROM (${decoded}) AS __dqx_d`;
}

function containsMap(t: SparkType | null): boolean {
  if (!t) return false;
  if (t.kind === 'map') return true;
  if (t.kind === 'array') return containsMap(t.element);
  if (t.kind === 'struct') return t.fields.some((f) => containsMap(f.type));
  return false;
}

const X = (i: number) => `__dqx_x${i}`;
const F = (i: number) => `__dqx_f${i}`;

/** Spark: bounded samples per rule (Spark has no bounded top-N aggregate). */
function sparkSampleAggregates(plan: Plan, rowStruct: string, limit: number): string[] {
  if (limit <= 0) return [];
  // Per rule, the rows with the smallest and the largest hash in each of `limit` hash buckets (at
  // most 2N candidates, kept in memory per aggregate).
  return plan.rules.map((_, i) => {
    const parts: string[] = [];
    for (let b = 0; b < limit; b++) {
      const hit = `${X(i)} AND pmod(__dqx_h, ${limit}) = ${b}`;
      const h = `CASE WHEN ${hit} THEN __dqx_h END`;
      parts.push(`min_by(CASE WHEN ${hit} THEN ${rowStruct} END, ${h})`);
      // the largest-hash row of the bucket, unless it is the same row (one row in the bucket)
      parts.push(
        `CASE WHEN min(${h}) <> max(${h}) THEN max_by(CASE WHEN ${hit} THEN ${rowStruct} END, ${h}) END`,
      );
    }
    return `slice(array_compact(array(${parts.join(', ')})), 1, ${limit}) AS __dqx_s${i}`;
  });
}

/** Rules per BIGINT bit mask (bits 0..62: the mask stays non-negative). */
const MASK_BITS = 63;

/** The mask column holding bit `n` of a set, and the bit's value. */
const maskBit = (prefix: string, n: number) => ({
  column: `${prefix}${Math.floor(n / MASK_BITS)}`,
  value: (1n << BigInt(n % MASK_BITS)).toString(),
});

/** SQL true when any of the bits `ns` is set in the masks `prefix`0, `prefix`1, ... */
function anyBit(prefix: string, ns: number[]): string {
  const byColumn = new Map<string, bigint>();
  for (const n of ns) {
    const { column, value } = maskBit(prefix, n);
    byColumn.set(column, (byColumn.get(column) ?? 0n) | BigInt(value));
  }
  if (byColumn.size === 0) return 'FALSE';
  return `(${[...byColumn].map(([column, bits]) => `(${column} & ${bits}) <> 0`).join(' OR ')})`;
}

/** Bit mask columns `prefix`0, `prefix`1, ...: per 63 conditions, the bits of those that hold. */
function maskColumns(prefix: string, conditions: string[]): { name: string; sql: string }[] {
  const out: { name: string; sql: string }[] = [];
  for (let start = 0; start < conditions.length; start += MASK_BITS) {
    const bits = conditions
      .slice(start, start + MASK_BITS)
      .map((c, k) => `(CASE WHEN ${c} THEN ${maskBit(prefix, start + k).value} ELSE 0 END)`);
    out.push({ name: `${prefix}${start / MASK_BITS}`, sql: `(${bits.join(' | ')})` });
  }
  return out;
}

/**
 * DuckDB: the scan and the aggregate of the validation statement.
 *
 * The scan gives each row two sets of bit masks: the rules it fails and the rule filters it passes,
 * and, for a row failing any rule, its payload (the input columns as one JSON text). One hash
 * aggregate groups the rows by their masks (rows passing every rule fall in one group), counting
 * them and keeping up to N payloads of each failing group. Every count is then a sum over the
 * groups, and rule i's samples are taken from the groups with its bit: each keeps min(N, its rows),
 * so together they hold min(N, rows failing rule i) of them.
 *
 * There are as many groups as combinations of failing rules that occur: about 1,800 for 25 rules
 * on the 10-million-row benchmark table; at worst one per failing row. One top-N aggregate per rule
 * over every row, the plan this replaces, cost more than all the predicates together.
 */
function duckdbCounting(
  plan: Plan,
  source: string,
  limit: number,
  rowIds = false,
): { prelude: string; agg: string } {
  const q = (c: string) => quoteIdent('duckdb', c);
  const filtered = plan.rules.flatMap((r, i) => (r.filterSql ? [{ i, sql: r.filterSql }] : []));
  const failing = maskColumns(
    '__dqx_m',
    plan.rules.map((r) => r.testSql),
  );
  const masks = [
    ...failing,
    ...maskColumns(
      '__dqx_g',
      filtered.map((f) => f.sql),
    ),
  ];
  const maskNames = masks.map((m) => m.name);
  const carried = carriedColumns(plan).map((c) => q(c.name));
  const internal = internalColumns(plan);
  // sourceRelation wraps the source (and can carry its row id) when dataset rules add to it
  const withRowId = plan.contributions.some((c) => c.columns.length > 0 || c.joins.length > 0);
  const kept =
    limit === 0
      ? []
      : rowIds
        ? [withRowId ? `${SRC}.__dqx_rid` : `${SRC}.rowid AS __dqx_rid`, ...internal.map((c) => q(c.name))]
        : carried;
  const relation = sourceRelation(plan, source, SRC, rowIds && withRowId ? '__dqx_rid' : undefined);
  const scan = `SELECT ${[...kept, ...masks.map((m) => `${m.sql} AS ${m.name}`)].join(',\n    ')}\n  FROM ${relation}`;
  const anyFailing = failing.map((m) => `${m.name} <> 0`).join(' OR ');
  // with row ids and dataset columns: the id zero-padded (text order is id order) followed by the
  // row's dataset columns as a JSON array, which the fetch cannot compute from a few rows alone
  const kept2 = !rowIds
    ? duckPayload(plan)
    : internal.length === 0
      ? '__dqx_rid'
      : `lpad(CAST(__dqx_rid AS VARCHAR), ${ROW_ID_DIGITS}, '0') || CAST(json_array(${internal.map(encodeCarried).join(', ')}) AS VARCHAR)`;
  const flags =
    limit > 0
      ? `SELECT ${maskNames.join(', ')}, CASE WHEN ${anyFailing} THEN ${kept2} END AS __dqx_p\n  FROM (${scan}) AS __dqx_scan`
      : scan;
  // Without row ids the row travels as one JSON text built once per failing row: DuckDB's top-N
  // aggregates are fast on strings and slow on structs; any N rows of a group are kept (constant
  // key). With row ids each group keeps its N first rows (smallest ids), which a second statement
  // fetches: reading and encoding every failing row is most of what samples cost otherwise.
  const sampleAgg = rowIds
    ? `min(__dqx_p, ${limit})`
    : `arg_min(__dqx_p, CASE WHEN __dqx_p IS NOT NULL THEN 0 END, ${limit})`;
  const groups =
    `SELECT ${maskNames.join(', ')}, count(*) AS __dqx_n` +
    (limit > 0 ? `, ${sampleAgg} AS __dqx_s` : '') +
    `\n  FROM __dqx_flags GROUP BY ${maskNames.join(', ')}`;
  const rows = (where: string | null) =>
    `CAST(coalesce(sum(__dqx_n)${where ? ` FILTER (WHERE ${where})` : ''}, 0) AS BIGINT)`;
  const indexes = (c: 'error' | 'warn') => plan.rules.flatMap((r, i) => (r.criticality === c ? [i] : []));
  const anyError = anyBit('__dqx_m', indexes('error'));
  const anyWarn = anyBit('__dqx_m', indexes('warn'));
  const aggregates = [
    `${rows(null)} AS __dqx_total`,
    `${rows(anyError)} AS __dqx_error_rows`,
    `${rows(`NOT ${anyError} AND ${anyWarn}`)} AS __dqx_warning_rows`,
    ...plan.rules.flatMap((r, i) => {
      const f = filtered.findIndex((x) => x.i === i);
      return [
        `${rows(f >= 0 ? anyBit('__dqx_g', [f]) : null)} AS __dqx_eval${i}`,
        `${rows(anyBit('__dqx_m', [i]))} AS __dqx_fail${i}`,
      ];
    }),
    ...(limit > 0
      ? plan.rules.map((_, i) => {
          const all = `flatten(list(__dqx_s) FILTER (WHERE ${anyBit('__dqx_m', [i])}))`;
          // with row ids: the rule's first N rows in the table's order, close together to fetch
          return `list_slice(${rowIds ? `list_sort(${all})` : all}, 1, ${limit}) AS __dqx_s${i}`;
        })
      : []),
  ];
  return {
    prelude: `WITH __dqx_flags AS (\n  ${flags}\n),\n__dqx_groups AS (\n  ${groups}\n)\n`,
    agg: `SELECT ${aggregates.join(',\n    ')}\n  FROM __dqx_groups`,
  };
}

/**
 * `now` as the local date and time without a zone: what DuckDB's `CAST(current_timestamp AS
 * TIMESTAMP)`, the run time of a statement that is not given one, reads in the process's time zone.
 */
function localWallClock(now: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(now.getFullYear(), 4)}-${p(now.getMonth() + 1)}-${p(now.getDate())} ${p(now.getHours())}:${p(now.getMinutes())}:${p(now.getSeconds())}.${p(now.getMilliseconds(), 3)}`;
}

/** The validation summary of `checks` over `source` in a single scan (and, with `rowIds`, a short fetch of the samples). */
export function compileValidation(
  checks: DqxCheck[],
  source: string,
  options: ValidationOptions,
): CompiledValidation {
  const limit = Math.max(0, Math.floor(options.sampleLimit ?? 10));
  const wantsRowIds =
    options.dialect === 'duckdb' &&
    options.rowIds === true &&
    limit > 0 &&
    // a column named rowid hides DuckDB's row id
    !options.table.columns.some((c) => c.name.toLowerCase() === 'rowid');
  // Both statements read the same run time, so a sampled row's entries are those it was counted by.
  const plan = planRuleSet(
    checks,
    wantsRowIds ? { ...options, runTime: options.runTime ?? localWallClock(new Date()) } : options,
    source,
  );
  const rowIds = wantsRowIds && plan.rules.length > 0 && !plan.added;
  const d = plan.dialect;
  const q = (c: string) => quoteIdent(d, c);
  const inputCols = plan.inputColumns.map(q);
  const carried = carriedColumns(plan).map((c) => c.name);
  const lit = (s: string) => quoteString(d, s);

  const counts = [
    '__dqx_total',
    '__dqx_error_rows',
    '__dqx_warning_rows',
    ...plan.rules.flatMap((_, i) => [`__dqx_eval${i}`, `__dqx_fail${i}`]),
  ];
  let prelude: string;
  let agg: string;
  if (d === 'duckdb' && plan.rules.length > 0) {
    ({ prelude, agg } = duckdbCounting(plan, source, limit, rowIds));
  } else {
    // 1. one pass: input columns plus one boolean per rule (and per filter)
    const flagCols: string[] = [];
    plan.rules.forEach((r, i) => {
      flagCols.push(`${r.flagSql} AS ${X(i)}`);
      if (r.filterSql) flagCols.push(`coalesce(${r.filterSql}, FALSE) AS ${F(i)}`);
    });
    const rowStruct = `named_struct(${carried.map((c) => `${lit(c)}, ${q(c)}`).join(', ')})`;
    if (d === 'databricks' && limit > 0) {
      // xxhash64 refuses maps: hash their JSON form instead
      const hashArgs = plan.inputColumns.map((c) =>
        containsMap(plan.resolver.column(c)?.type ?? null) ? `to_json(${q(c)})` : q(c),
      );
      flagCols.push(`xxhash64(${hashArgs.join(', ')}) AS __dqx_h`);
    }
    const flags = `SELECT ${[...carried.map(q), ...flagCols].join(',\n    ')}\n  FROM ${sourceRelation(plan, source, SRC)}`;

    // 2. aggregate: counts and bounded samples
    const errorFlags = plan.rules
      .map((r, i) => (r.criticality === 'error' ? X(i) : null))
      .filter((x): x is string => x !== null);
    const warnFlags = plan.rules
      .map((r, i) => (r.criticality === 'warn' ? X(i) : null))
      .filter((x): x is string => x !== null);
    const anyOf = (xs: string[]) => (xs.length ? `(${xs.join(' OR ')})` : 'FALSE');
    const countIf = (cond: string) =>
      d === 'duckdb' ? `count(*) FILTER (WHERE ${cond})` : `count_if(${cond})`;
    const aggregates = [
      `count(*) AS __dqx_total`,
      `${countIf(anyOf(errorFlags))} AS __dqx_error_rows`,
      `${countIf(`NOT ${anyOf(errorFlags)} AND ${anyOf(warnFlags)}`)} AS __dqx_warning_rows`,
      ...plan.rules.flatMap((r, i) => [
        `${r.filterSql ? countIf(F(i)) : 'count(*)'} AS __dqx_eval${i}`,
        `${countIf(X(i))} AS __dqx_fail${i}`,
      ]),
      ...(d === 'databricks' ? sparkSampleAggregates(plan, rowStruct, limit) : []),
    ];
    prelude = `WITH __dqx_flags AS (\n  ${flags}\n)\n`;
    agg = `SELECT ${aggregates.join(',\n    ')}\n  FROM __dqx_flags`;
  }

  let sql: string;
  if (limit === 0 || plan.rules.length === 0 || rowIds) {
    sql = prelude + agg;
  } else {
    // 3. the sampled rows as rows with the input columns, then their DQX entries
    const tagged = plan.rules.map((_, i) =>
      d === 'duckdb'
        ? `list_transform(coalesce(__dqx_s${i}, []), __r -> struct_pack(__dqx_rule := ${i}, __dqx_row := __r))`
        : `transform(coalesce(__dqx_s${i}, array()), __r -> named_struct('__dqx_rule', ${i}, '__dqx_row', __r))`,
    );
    const all = d === 'duckdb' ? `flatten([${tagged.join(', ')}])` : `flatten(array(${tagged.join(', ')}))`;
    const exploded =
      d === 'duckdb'
        ? `SELECT ${counts.join(', ')}, __u.__dqx_smp.__dqx_rule AS __dqx_rule, __u.__dqx_smp.__dqx_row AS __dqx_row\n  FROM (${agg}) AS __dqx_agg LEFT JOIN LATERAL (SELECT unnest(${all}) AS __dqx_smp) AS __u ON TRUE`
        : `SELECT ${counts.join(', ')}, __dqx_rule, __dqx_row\n  FROM (SELECT ${counts.join(', ')}, ${all} AS __dqx_all FROM (${agg}) AS __dqx_agg0) AS __dqx_agg\n  LATERAL VIEW OUTER inline(__dqx_all) __dqx_smp AS __dqx_rule, __dqx_row`;
    const expanded =
      d === 'duckdb'
        ? duckDecodedRows(carriedColumns(plan), [...counts, '__dqx_rule'], exploded)
        : `SELECT ${counts.join(', ')}, __dqx_rule, __dqx_row.*\n  FROM (${exploded}) AS __dqx_x`;
    const errors = errorsArray(plan, byCriticality(plan, 'error'));
    const warnings = errorsArray(plan, byCriticality(plan, 'warn'));
    const json = (e: string) => `CASE WHEN __dqx_rule IS NOT NULL THEN to_json(${e}) END`;
    sql =
      prelude +
      `SELECT ${[...counts, '__dqx_rule', ...inputCols, `${json(errors)} AS __dqx_errors`, `${json(warnings)} AS __dqx_warnings`].join(',\n  ')}\n` +
      `FROM (${expanded}) AS __dqx_samples`;
  }

  const rules = plan.rules.map(publicRule);
  return {
    sql,
    referenceTables: plan.referenceTables,
    rules,
    jobOnly: plan.jobOnly,
    ruleSetFingerprint: plan.ruleSetFingerprint,
    decode: (result) => {
      // a summary without its samples would look like a table where nothing failed to show
      if (rowIds) throw new Error('This validation fetches its samples in a second statement: use run().');
      return decodeValidation(result, result, plan, rules);
    },
    run: async (query) => {
      const first = await query(sql);
      if (!rowIds) return decodeValidation(first, first, plan, rules);
      const fetch = duckdbRowIdSamples(plan, source, first, limit);
      return decodeValidation(first, fetch ? await query(fetch) : null, plan, rules);
    },
  };
}

/** Row ranges one sample fetch may touch: each costs a few milliseconds, whatever the table's size. */
const MAX_FETCH_RANGES = 64;
/** Row ids closer than this are read as one range (a few DuckDB vectors). */
const RANGE_GAP = 4096n;

/** Digits of a zero-padded row id (a BIGINT's). */
const ROW_ID_DIGITS = 19;

/** A kept sample: its row id, and with dataset columns their values as a JSON array text. */
function sampleOf(v: unknown, internal: boolean): { id: bigint; row: string | null } {
  const text = typeof v === 'bigint' ? v.toString() : String(v);
  const id = internal ? text.slice(0, ROW_ID_DIGITS) : text;
  if (!/^[0-9]{1,19}$/.test(id))
    throw new Error(`Unexpected row id in the validation result: ${id.slice(0, 40)}`);
  return { id: BigInt(id), row: internal ? text.slice(ROW_ID_DIGITS) : null };
}

/**
 * DuckDB with row ids: the statement fetching the sampled rows (the ids the counting statement kept
 * per rule, the first N failing rows of each in the table's order) with their DQX entries, or null
 * when no rule failed. Picks go round the rules (each rule's first row, then each one's second, ...)
 * and a pick is dropped when it would need more than MAX_FETCH_RANGES ranges of rows, so a table
 * whose failures are few and scattered costs at most that many short reads, and every failing rule
 * keeps at least its first row while the rules are fewer than the ranges. Dataset columns come
 * with the ids (the counting statement kept them): they depend on other rows than the fetched ones.
 */
function duckdbRowIdSamples(plan: Plan, source: string, first: QueryRows, limit: number): string | null {
  const idx = new Map(first.columns.map((c, i) => [c.name, i]));
  const row = first.rows[0];
  if (!row) throw new Error('The validation statement returned no rows.');
  const internal = internalColumns(plan);
  const lists = plan.rules.map((_, i) => {
    const v = row[idx.get(`__dqx_s${i}`) ?? -1];
    return Array.isArray(v) ? v.slice(0, limit).map((x) => sampleOf(x, internal.length > 0)) : [];
  });
  const chosen: bigint[] = []; // sorted, distinct
  let ranges = 0;
  const picks: { rule: number; id: bigint; row: string | null }[] = [];
  const near = (a: bigint | undefined, b: bigint | undefined) =>
    a !== undefined && b !== undefined && b - a <= RANGE_GAP;
  for (let k = 0; k < limit; k++) {
    lists.forEach((samples, rule) => {
      const sample = samples[k];
      if (sample === undefined) return;
      const id = sample.id;
      let lo = 0;
      let hi = chosen.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (chosen[mid]! < id) lo = mid + 1;
        else hi = mid;
      }
      if (chosen[lo] !== id) {
        const before = chosen[lo - 1];
        const after = chosen[lo];
        const added =
          1 - (near(before, id) ? 1 : 0) - (near(id, after) ? 1 : 0) + (near(before, after) ? 1 : 0);
        if (ranges + added > MAX_FETCH_RANGES) return;
        ranges += added;
        chosen.splice(lo, 0, id);
      }
      picks.push({ rule, id, row: sample.row });
    });
  }
  if (picks.length === 0) return null;
  const spans: [bigint, bigint][] = [];
  for (const id of chosen) {
    const last = spans.at(-1);
    if (last && id - last[1] <= RANGE_GAP) last[1] = id;
    else spans.push([id, id]);
  }
  const q = (c: string) => quoteIdent('duckdb', c);
  const where = spans
    .map(([a, b]) => (a === b ? `rowid = ${a}` : `rowid BETWEEN ${a} AND ${b}`))
    .join(' OR ');
  const errors = errorsArray(plan, byCriticality(plan, 'error'));
  const warnings = errorsArray(plan, byCriticality(plan, 'warn'));
  // the picks, with their dataset columns decoded to their types as the one-statement plan does
  const picked =
    internal.length === 0
      ? `(VALUES ${picks.map((p) => `(${p.rule}, ${p.id})`).join(', ')}) AS __dqx_p(__dqx_rule, __dqx_id)`
      : `(${duckDecodedRows(
          internal,
          ['__dqx_rule', '__dqx_id'],
          `SELECT * FROM (VALUES ${picks.map((p) => `(${p.rule}, ${p.id}, ${quoteString('duckdb', p.row ?? '[]')})`).join(', ')}) AS __dqx_v(__dqx_rule, __dqx_id, __dqx_row)`,
        )}) AS __dqx_p`;
  return (
    `SELECT ${['__dqx_p.__dqx_rule', ...plan.inputColumns.map((c) => `__dqx_f.${q(c)}`), `to_json(${errors}) AS __dqx_errors`, `to_json(${warnings}) AS __dqx_warnings`].join(',\n  ')}\n` +
    `FROM (SELECT rowid AS __dqx_rid, * FROM ${source} WHERE ${where}) AS __dqx_f\n` +
    `JOIN ${picked} ON __dqx_f.__dqx_rid = __dqx_p.__dqx_id\n` +
    `ORDER BY __dqx_p.__dqx_rule, __dqx_p.__dqx_id`
  );
}

const toNumber = (v: unknown): number =>
  typeof v === 'bigint' ? Number(v) : typeof v === 'string' ? Number(v) : ((v as number) ?? 0);

function parseEntries(v: unknown): SampleEntry[] | null {
  if (v === null || v === undefined) return null;
  const parsed = typeof v === 'string' ? (JSON.parse(v) as unknown) : v;
  if (!Array.isArray(parsed)) return null;
  return parsed.map((e) => {
    const entry = e as Record<string, unknown>;
    return {
      name: String(entry.name),
      message: (entry.message as string | null) ?? null,
      columns: (entry.columns as string[] | null) ?? null,
      filter: (entry.filter as string | null) ?? null,
      function: String(entry.function),
      user_metadata: (entry.user_metadata as Record<string, string | null>) ?? {},
      rule_fingerprint: String(entry.rule_fingerprint),
      skipped: (entry.skipped as boolean | null) ?? null,
    };
  });
}

/** The summary from the counts (first row of `result`) and the sample rows (`sampled`, if any). */
function decodeValidation(
  result: QueryRows,
  sampled: QueryRows | null,
  plan: Plan,
  rules: CompiledRule[],
): ValidationSummary {
  const cellOf = (r: QueryRows) => {
    const idx = new Map(r.columns.map((c, i) => [c.name, i]));
    return (row: unknown[], name: string) => {
      const i = idx.get(name);
      return i === undefined ? undefined : row[i];
    };
  };
  const cell = cellOf(result);
  const sampleCell = sampled ? cellOf(sampled) : cell;
  const first = result.rows[0];
  if (!first) throw new Error('The validation statement returned no rows.');
  const totalRows = toNumber(cell(first, '__dqx_total'));
  const errorRows = toNumber(cell(first, '__dqx_error_rows'));
  const warningOnlyRows = toNumber(cell(first, '__dqx_warning_rows'));
  const samples: SampleRow[] = [];
  for (const row of sampled?.rows ?? []) {
    const ruleIndex = sampleCell(row, '__dqx_rule');
    if (ruleIndex === null || ruleIndex === undefined) continue;
    const values: Record<string, unknown> = {};
    for (const c of plan.inputColumns) values[c] = sampleCell(row, c);
    samples.push({
      rule: toNumber(ruleIndex),
      values,
      errors: parseEntries(sampleCell(row, '__dqx_errors')),
      warnings: parseEntries(sampleCell(row, '__dqx_warnings')),
    });
  }
  return {
    totalRows,
    errorRows,
    warningOnlyRows,
    validRows: totalRows - errorRows,
    rules: rules.map((r, i) => ({
      ...r,
      evaluatedRows: r.status === 'skipped' ? totalRows : toNumber(cell(first, `__dqx_eval${i}`)),
      failingRows: toNumber(cell(first, `__dqx_fail${i}`)),
    })),
    jobOnly: plan.jobOnly,
    samples,
    ruleSetFingerprint: plan.ruleSetFingerprint,
  };
}

// ---------------------------------------------------------------------------------------------

/**
 * Tables a rule set reads besides the checked table: reference tables of dataset checks
 * (`ref_table`) and the tables of `sql_query` queries, read from their parse trees by the SQL
 * sandbox (row-level SQL cannot read tables: the sandbox refuses subqueries there). Callers check
 * the caller's access to each before running anything.
 */
export function tablesReadBy(checks: DqxCheck[]): string[] {
  const out = new Set<string>();
  for (const check of checks) {
    const args = check.check.arguments ?? {};
    if (typeof args.ref_table === 'string' && args.ref_table) out.add(args.ref_table);
    for (const t of fragmentTables({ function: check.check.function, arguments: args }).tables) out.add(t);
  }
  return [...out];
}

/**
 * Whether every table a rule set reads is known: false when a `sql_query` query is refused by the
 * sandbox (its tables cannot be named). The job path refuses such a rule set.
 */
export function tablesFullyKnown(checks: DqxCheck[]): boolean {
  return checks.every(
    (check) =>
      !fragmentTables({ function: check.check.function, arguments: check.check.arguments ?? {} }).unknown,
  );
}

export type { Dialect };
