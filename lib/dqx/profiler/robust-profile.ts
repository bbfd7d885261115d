/**
 * The profile behind the recommended rules: what a careful data engineer looks at before writing
 * rules, computed in ONE scan of the rows (every row by default, or a uniform sample of a table too
 * large to read whole; never a first-N cut).
 *
 * Per field (struct columns flattened into `parent.child`, as DQX does):
 * - every type: rows, non-null values, distinct values (exact up to EXACT_DISTINCT_MAX_ROWS rows,
 *   and for keys and integers; approximate otherwise);
 * - numbers: min, max, a grid of quantiles (DuckDB: exact, over a uniform sub-sample of at most
 *   QUANTILE_SAMPLE_ROWS rows; Databricks: `percentile_approx` over every row), how many are
 *   negative or zero, and non-finite floats;
 * - dates and timestamps: the same on epoch days / epoch seconds, and how many lie after `now`;
 * - text: empty and padded values, lengths, upper/lower-case values, values made of several words,
 *   and, for each format a rule could check (e-mail,
 *   UUID, IPv4, JSON, ISO country/currency/language codes, HTML-like markup), how many values look
 *   like it by a cheap test (an '@', 36 characters, a leading '{', ...). The most common
 *   value shapes (`SKU-000001` -> `AAA-999999`) are read from a uniform sub-sample of at most
 *   {@link SHAPE_SAMPLE_ROWS} rows (computing shapes of every row of a big table costs more than the
 *   rest of the profile together).
 *
 * A second, optional statement ({@link compileValueCounts}) counts the values of the few
 * low-cardinality text columns exactly, and asks the DQX checks themselves (the compiler's own
 * condition, `rowCheckFailureSql`) how many values they fail, for the formats most values look
 * like and the candidate shape patterns: what is measured is what the rule does later.
 */
import { quoteIdent, type Dialect } from '@/lib/sql/quote';

import { assertSafeFilter } from './filter-guard';
import { rowsToObjects, type ResultRow } from './decode-profile';
import { flattenFields, isIntegral, isNumeric, isText, isTimestamp, type ProfiledField } from './spark-type';
import { profileSql } from './sql-dialect';
import type { SamplingPlan } from './types';

export { rowsToObjects };

/** Quantile levels computed for numbers, dates and timestamps. */
export const QUANTILE_GRID = [
  0, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.98, 0.99, 0.995, 0.9975,
  0.999, 1,
] as const;

/** Distinct counts are exact for every field up to this many profiled rows (approximate above, except keys and integers). */
export const EXACT_DISTINCT_MAX_ROWS = 2_000_000;

/**
 * Quantiles come from a uniform sub-sample of about this many rows (every row below): a sort of
 * every value of every numeric column costs more than the rest of the profile together, and
 * 200,000 rows still leave 200 rows in each 0.1% tail.
 */
export const QUANTILE_SAMPLE_ROWS = 200_000;

/** The sample's per-row random number (input columns named `__dqx_*` are reserved by the engine). */
const RANDOM_COLUMN = '__dqx_rand';

/** Rows of the uniform sub-sample value shapes and example values are read from. */
export const SHAPE_SAMPLE_ROWS = 20_000;

/** Values that stand for "no value" in text columns (compared trimmed and in lower case). */
export const PLACEHOLDER_VALUES = [
  'n/a',
  'na',
  'null',
  'none',
  'nil',
  'unknown',
  'undefined',
  'nan',
  '-',
  '--',
  '?',
  'tbd',
  '#n/a',
  'not available',
] as const;

/** A regular expression (Java and RE2 alike) for an HTML/XML tag or script in text. */
export const MARKUP_REGEX = '<\\s*/?\\s*[A-Za-z!][^<>]*>';

/** Format probes on text: the DQX check, and a cheap test a value must pass to be a candidate. */
export const TEXT_FORMATS = [
  { key: 'email', check: 'is_valid_email', args: {}, candidate: (x: string) => `instr(${x}, '@') > 0` },
  { key: 'uuid', check: 'is_valid_uuid', args: {}, candidate: (x: string) => `length(${x}) = 36` },
  {
    key: 'ipv4',
    check: 'is_valid_ipv4_address',
    args: {},
    candidate: (x: string) => `length(${x}) BETWEEN 7 AND 15 AND left(${x}, 1) BETWEEN '0' AND '9'`,
  },
  {
    key: 'json',
    check: 'is_valid_json',
    args: {},
    candidate: (x: string) => `left(ltrim(${x}), 1) IN ('{', '[')`,
  },
  { key: 'country', check: 'is_valid_country_code', args: {}, candidate: (x: string) => `length(${x}) = 2` },
  {
    key: 'currency',
    check: 'is_valid_currency_code',
    args: {},
    candidate: (x: string) => `length(${x}) = 3`,
  },
  {
    key: 'language',
    check: 'is_valid_language_code',
    args: {},
    candidate: (x: string) => `length(${x}) = 2`,
  },
  // markup: the check (regex_match with negate) FAILS on markup; "accepted" counts values with markup
  {
    key: 'markup',
    check: 'regex_match',
    args: { regex: MARKUP_REGEX, negate: true },
    candidate: (x: string) => `instr(${x}, '<') > 0`,
  },
] as const;

export type TextFormatKey = (typeof TEXT_FORMATS)[number]['key'];

export type FieldFamily = 'numeric' | 'date' | 'timestamp' | 'text' | 'boolean' | 'other';

export interface FormatCount {
  /** Values that look like the format (the cheap test). */
  candidates: number;
  /**
   * Values the DQX check accepts (for markup: values that contain markup), from the follow-up
   * statement; 0 until then.
   */
  matching: number;
}

export interface FieldStats {
  field: ProfiledField;
  family: FieldFamily;
  /** Column comment (top-level columns), for hints such as "NULL for anonymous visitors". */
  comment: string | null;
  rows: number;
  nonNull: number;
  distinct: number | null;
  distinctExact: boolean;
  /** Numbers as numbers; dates as epoch days; timestamps as epoch seconds. */
  min: number | null;
  max: number | null;
  /** Aligned with QUANTILE_GRID. */
  quantiles: (number | null)[] | null;
  negatives: number;
  zeros: number;
  /** NaN and infinities (float and double). */
  nonFinite: number;
  /** Dates/timestamps after the profile's `now`. */
  future: number;
  // text
  empty: number;
  padded: number;
  minLength: number | null;
  maxLength: number | null;
  meanLength: number | null;
  multiWord: number;
  upper: number;
  lower: number;
  placeholders: number;
  formats: Partial<Record<TextFormatKey, FormatCount>>;
  /** Most common value shapes (letters -> A/a, digits -> 9) on the sub-sample, most common first. */
  shapes: string[];
  /** A few frequent values (DuckDB; from the sub-sample), as text. */
  examples: string[];
}

export interface RobustProfile {
  rowsProfiled: number;
  sampling: SamplingPlan;
  /** Epoch seconds the profile compared dates with ("in the future"). */
  now: number;
  fields: FieldStats[];
}

/** How the rows are chosen: all of them, a uniform sample of n rows, or a Bernoulli fraction. */
export type RobustSampling =
  | { kind: 'all' }
  | { kind: 'rows'; rows: number; seed?: number }
  | { kind: 'fraction'; fraction: number; seed?: number };

export interface CompileRobustProfileInput {
  dialect: Dialect;
  sampling?: RobustSampling;
  /** Spark SQL predicate applied before sampling (checked like DQX's profile filter). */
  filter?: string | null;
  /** Row count of the source when known (sizes the shape sub-sample). */
  rowCount?: number | null;
  /** Epoch milliseconds of "now" (default: the clock). */
  now?: number;
}

export interface CompiledRobustProfile {
  sql: string;
  sampling: SamplingPlan;
  fields: ProfiledField[];
  decode(rows: ResultRow[]): RobustProfile;
}

function familyOf(field: ProfiledField): FieldFamily {
  const t = field.type;
  if (isNumeric(t)) return 'numeric';
  if (t.kind === 'date') return 'date';
  if (isTimestamp(t)) return 'timestamp';
  if (isText(t)) return 'text';
  if (t.kind === 'boolean') return 'boolean';
  return 'other';
}

const KEY_NAME = /(^|_)(id|key|uuid|guid)$|[a-z0-9](Id|ID|Key|Uuid)$/;

/** The column name says it identifies something (`id`, `order_id`, `customerKey`, ...). */
export function looksLikeKeyName(name: string): boolean {
  const last = name.split('.').pop() ?? name;
  return KEY_NAME.test(last);
}

function pct(fraction: number): string {
  const s = (fraction * 100).toFixed(6).replace(/0+$/, '').replace(/\.$/, '');
  return s;
}

export function describeSampling(s: RobustSampling, filter: string | null): SamplingPlan {
  const where = filter ? `filter ${filter}, then ` : '';
  if (s.kind === 'all')
    return { kind: 'all', filter, fraction: null, seed: null, limit: null, description: `${where}every row` };
  if (s.kind === 'rows') {
    return {
      kind: 'rows',
      filter,
      fraction: null,
      seed: s.seed ?? null,
      limit: s.rows,
      description: `${where}a uniform random sample of ${s.rows} rows${s.seed !== undefined ? ` (seed ${s.seed})` : ''}`,
    };
  }
  return {
    kind: 'fraction',
    filter,
    fraction: s.fraction,
    seed: s.seed ?? null,
    limit: null,
    description: `${where}a uniform random sample of ${pct(s.fraction)}% of the rows${s.seed !== undefined ? ` (seed ${s.seed})` : ''}`,
  };
}

/** The rows to profile as a relation: `SELECT <columns> FROM <source> [WHERE filter] [sample]`. */
export function robustSampleSql(
  dialect: Dialect,
  source: string,
  projection: string[],
  s: RobustSampling,
  filter: string | null,
): string {
  const where = filter ? ` WHERE (${filter})` : '';
  const inner = `(SELECT * FROM ${source} AS _dqx_src${where})`;
  const cols = projection.join(', ');
  if (s.kind === 'all') return `SELECT ${cols} FROM ${inner} AS _dqx_f`;
  if (s.kind === 'rows') {
    if (!Number.isInteger(s.rows) || s.rows < 1) throw new Error('rows must be a positive integer');
    if (dialect === 'duckdb') {
      return `SELECT ${cols} FROM ${inner} AS _dqx_f TABLESAMPLE reservoir(${s.rows} ROWS)${s.seed !== undefined ? ` REPEATABLE (${s.seed})` : ''}`;
    }
    return `SELECT ${cols} FROM ${inner} AS _dqx_f ORDER BY rand(${s.seed ?? ''}) LIMIT ${s.rows}`;
  }
  if (!(s.fraction > 0 && s.fraction <= 1)) throw new Error('fraction must be in (0, 1]');
  const percent = pct(s.fraction);
  if (dialect === 'duckdb') {
    return `SELECT ${cols} FROM ${inner} AS _dqx_f TABLESAMPLE ${percent}% (bernoulli${s.seed !== undefined ? `, ${s.seed}` : ''})`;
  }
  return `SELECT ${cols} FROM ${inner} TABLESAMPLE (${percent} PERCENT)${s.seed !== undefined ? ` REPEATABLE (${s.seed})` : ''} AS _dqx_f`;
}

/** Letters -> A / a, digits -> 9, everything else kept: the shape of a value. */
export function shapeSql(dialect: Dialect, x: string): string {
  const g = dialect === 'duckdb' ? ", 'g'" : '';
  return `regexp_replace(regexp_replace(regexp_replace(${x}, '[0-9]', '9'${g}), '[a-z]', 'a'${g}), '[A-Z]', 'A'${g})`;
}

/** The same on a JavaScript string (for tests and decoding). */
export function shapeOf(value: string): string {
  return value.replace(/[0-9]/g, '9').replace(/[a-z]/g, 'a').replace(/[A-Z]/g, 'A');
}

interface Dial {
  countIf(cond: string): string;
  /** TRUE for a finite float (not NaN, not an infinity). */
  finite(x: string): string;
  /** The quantile grid over the rows where `filter` holds (DuckDB; Databricks sketches every row). */
  quantilesWhere(x: string, filter: string): string;
  quantiles(x: string): string;
  approxDistinct(x: string): string;
  topValues(x: string, k: number, filter: string): string | null;
  topShape(x: string, filter: string): string;
  random: string;
  length(x: string): string;
  toText(x: string): string;
  toTextArray(x: string): string;
}

function dialectOf(dialect: Dialect): Dial {
  const q = profileSql(dialect);
  const grid = QUANTILE_GRID.join(', ');
  if (dialect === 'duckdb') {
    return {
      countIf: (c) => `count_if(${c})`,
      finite: (x) => `isfinite(${x})`,
      quantilesWhere: (x, f) =>
        f === 'TRUE'
          ? `quantile_disc(${x}, [${grid}])`
          : `quantile_disc(${x}, [${grid}]) FILTER (WHERE ${f})`,
      quantiles: (x) => `quantile_disc(${x}, [${grid}])`,
      approxDistinct: (x) => `approx_count_distinct(${x})`,
      topValues: (x, k, f) => `approx_top_k(${x}, ${k}) FILTER (WHERE ${f})`,
      topShape: (x, f) => `approx_top_k(${shapeSql('duckdb', x)}, 3) FILTER (WHERE ${f})`,
      random: 'random()',
      length: (x) => `length(${x})`,
      toText: q.toText,
      toTextArray: q.toTextArray,
    };
  }
  return {
    countIf: (c) => `count_if(${c})`,
    finite: (x) => `(NOT isnan(${x}) AND abs(${x}) < CAST('Infinity' AS DOUBLE))`,
    quantilesWhere: (x) =>
      `percentile_approx(${x}, array(${QUANTILE_GRID.map((p) => `${p}D`).join(', ')}), 100000)`,
    quantiles: (x) =>
      `percentile_approx(${x}, array(${QUANTILE_GRID.map((p) => `${p}D`).join(', ')}), 100000)`,
    approxDistinct: (x) => `approx_count_distinct(${x})`,
    topValues: () => null,
    topShape: (x, f) => `array(mode(CASE WHEN ${f} THEN ${shapeSql('databricks', x)} END))`,
    random: 'rand()',
    length: (x) => `length(${x})`,
    toText: q.toText,
    toTextArray: q.toTextArray,
  };
}

/**
 * The profile statement. `schema` names the source's columns (Spark types); `source` is a quoted
 * table name or a parenthesised subquery.
 */
export function compileRobustProfile(
  schema: { name?: string; columns: { name: string; type: string; comment?: string | null }[] },
  source: string,
  input: CompileRobustProfileInput,
): CompiledRobustProfile {
  const { dialect } = input;
  // the filter as the SQL sandbox accepted it (comments removed)
  const filter = input.filter ? assertSafeFilter(input.filter, schema.columns.map((c) => c.name)) : null;
  const sampling = input.sampling ?? { kind: 'all' };
  const plan = describeSampling(sampling, filter);
  const nowMs = input.now ?? Date.now();
  const nowSeconds = Math.floor(nowMs / 1000);
  const q = profileSql(dialect);
  const d = dialectOf(dialect);
  const id = (name: string) => quoteIdent(dialect, name);
  const comments = new Map(schema.columns.map((c) => [c.name, c.comment ?? null]));
  const fields = flattenFields(schema.columns);

  // The sub-sample for shapes and examples: about SHAPE_SAMPLE_ROWS rows of the profiled ones.
  const expectedRows =
    sampling.kind === 'rows'
      ? sampling.rows
      : sampling.kind === 'fraction' && input.rowCount
        ? input.rowCount * sampling.fraction
        : input.rowCount;
  const subFraction = expectedRows && expectedRows > SHAPE_SAMPLE_ROWS ? SHAPE_SAMPLE_ROWS / expectedRows : 1;
  // One random number per row (a column of the sample), shared by the sub-samples below.
  const sub = subFraction >= 1 ? 'TRUE' : `_dqx_s.${RANDOM_COLUMN} < ${subFraction.toPrecision(6)}`;
  // Quantiles (a sort per column) from a uniform sub-sample of at most QUANTILE_SAMPLE_ROWS rows.
  const quantileFraction =
    expectedRows && expectedRows > QUANTILE_SAMPLE_ROWS ? QUANTILE_SAMPLE_ROWS / expectedRows : 1;
  const quantileSub = quantileFraction >= 1 ? 'TRUE' : `_dqx_s.${RANDOM_COLUMN} < ${quantileFraction.toPrecision(6)}`;
  // Exact distinct counts where the rows are few enough (HyperLogLog is far off on small sets).
  const exactDistinct =
    expectedRows !== null && expectedRows !== undefined && expectedRows <= EXACT_DISTINCT_MAX_ROWS;

  const aggs: string[] = ['count(*) AS n'];
  const out: { field: ProfiledField; family: FieldFamily; cols: Record<string, string> }[] = [];
  fields.forEach((field, i) => {
    const family = familyOf(field);
    const ref = ['_dqx_s', ...field.path.map(id)].join('.');
    const cols: Record<string, string> = {};
    const add = (key: string, expr: string) => {
      const name = `f${i}_${key}`;
      aggs.push(`${expr} AS ${name}`);
      cols[key] = name;
    };
    if (family === 'numeric') {
      const floating = field.type.kind === 'float' || field.type.kind === 'double';
      const x = floating ? `CASE WHEN ${d.finite(ref)} THEN ${ref} END` : ref;
      const xd = q.toDouble(x);
      add('nn', `count(${ref})`);
      if (floating) add('nf', d.countIf(`NOT ${d.finite(ref)}`));
      // exact for integers (keys, dense sequences, small scales); other numbers need no more than an estimate
      const exact = isIntegral(field.type) || looksLikeKeyName(field.name);
      add('nd', exact ? `count(DISTINCT ${ref})` : d.approxDistinct(ref));
      if (exact) cols.exact = 'yes';
      add('min', d.toText(`min(${xd})`));
      add('max', d.toText(`max(${xd})`));
      // Quantiles of the column's own type (sorting integers or decimals is much cheaper than
      // doubles); identifiers get none (they get no range rule).
      if (!looksLikeKeyName(field.name)) add('qs', d.toTextArray(d.quantilesWhere(x, quantileSub)));
      add('neg', d.countIf(`${x} < 0`));
      add('zero', d.countIf(`${x} = 0`));
    } else if (family === 'date' || family === 'timestamp') {
      const epoch = family === 'date' ? q.daysSinceEpoch(ref) : q.epochSecondsDouble(ref);
      const e = q.toDouble(epoch);
      add('nn', `count(${ref})`);
      add('nd', d.approxDistinct(ref));
      add('min', d.toText(`min(${e})`));
      add('max', d.toText(`max(${e})`));
      add('qs', d.toTextArray(d.quantilesWhere(ref, quantileSub)));
      const nowValue = family === 'date' ? Math.floor(nowSeconds / 86400) : nowSeconds;
      add('fut', d.countIf(`${e} > ${nowValue}`));
    } else if (family === 'text') {
      const trimmed = `trim(${ref})`;
      add('nn', `count(${ref})`);
      const exact = exactDistinct || looksLikeKeyName(field.name);
      add('nd', exact ? `count(DISTINCT ${ref})` : d.approxDistinct(ref));
      if (exact) cols.exact = 'yes';
      add('empty', d.countIf(`${trimmed} = ''`));
      add('pad', d.countIf(`${ref} <> ${trimmed}`));
      add('minl', `min(${d.length(ref)})`);
      add('maxl', `max(${d.length(ref)})`);
      add('avgl', d.toText(`avg(${d.length(ref)})`));
      add('words', d.countIf(`instr(${trimmed}, ' ') > 0`));
      add('up', d.countIf(`${ref} = upper(${ref}) AND ${ref} <> lower(${ref})`));
      add('low', d.countIf(`${ref} = lower(${ref}) AND ${ref} <> upper(${ref})`));
      // How many values look like each format (a cheap test); the follow-up statement asks the
      // DQX check itself, only where most values look like it.
      for (const f of TEXT_FORMATS) add(`fc_${f.key}`, d.countIf(f.candidate(ref)));
      const shortValue = `${d.length(ref)} <= 40 AND ${sub}`;
      add('shapes', d.toTextArray(d.topShape(ref, shortValue)));
      const top = d.topValues(ref, 8, sub);
      if (top) add('top', d.toTextArray(top));
    } else {
      add('nn', `count(${ref})`);
    }
    out.push({ field, family, cols });
  });

  const projection = [...new Set(schema.columns.map((c) => c.name))].map(id);
  if (sub !== 'TRUE' || quantileSub !== 'TRUE') projection.push(`${d.random} AS ${RANDOM_COLUMN}`);
  const sample = robustSampleSql(
    dialect,
    source,
    projection.length ? projection : ['1 AS _dqx_none'],
    sampling,
    filter,
  );
  const sql = `WITH _dqx_sample AS (${sample}) SELECT ${aggs.join(', ')} FROM _dqx_sample AS _dqx_s`;

  return {
    sql,
    sampling: plan,
    fields,
    decode(rows) {
      const row = rows[0];
      if (!row) throw new Error('The profile query returned no row.');
      const n = int(row.n);
      return {
        rowsProfiled: n,
        sampling: plan,
        now: nowSeconds,
        fields: out.map(({ field, family, cols }) => {
          const get = (k: string) => (cols[k] === undefined ? undefined : row[cols[k]!]);
          const formats: FieldStats['formats'] = {};
          for (const f of TEXT_FORMATS) {
            if (cols[`fc_${f.key}`] === undefined) continue;
            // `matching` is filled in from the follow-up counts (see recommendRules)
            formats[f.key] = { candidates: int(get(`fc_${f.key}`)), matching: 0 };
          }
          const qs = textList(get('qs'));
          const fromText = family === 'date' ? epochDays : family === 'timestamp' ? epochSeconds : num;
          return {
            field,
            family,
            comment: field.topLevel ? (comments.get(field.name) ?? null) : null,
            rows: n,
            nonNull: int(get('nn')),
            distinct: get('nd') === undefined || get('nd') === null ? null : int(get('nd')),
            distinctExact: cols.exact === 'yes',
            min: num(get('min')),
            max: num(get('max')),
            quantiles: qs ? qs.map((v) => (v === null ? null : fromText(v))) : null,
            negatives: int(get('neg')),
            zeros: int(get('zero')),
            nonFinite: int(get('nf')),
            future: int(get('fut')),
            empty: int(get('empty')),
            padded: int(get('pad')),
            minLength: num(get('minl')),
            maxLength: num(get('maxl')),
            meanLength: num(get('avgl')),
            multiWord: int(get('words')),
            upper: int(get('up')),
            lower: int(get('low')),
            // counted by the follow-up statement, for the text fields that need it
            placeholders: 0,
            formats,
            shapes: (textList(get('shapes')) ?? []).filter((s): s is string => typeof s === 'string'),
            examples: (textList(get('top')) ?? []).filter((s): s is string => typeof s === 'string'),
          };
        }),
      };
    },
  };
}

function int(v: unknown): number {
  if (v === null || v === undefined) return 0;
  const n = typeof v === 'bigint' ? Number(v) : Number(v);
  return Number.isFinite(n) ? n : 0;
}

function num(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const s = String(v).trim().toLowerCase();
  if (s === 'nan' || s === '-nan' || s === '') return null;
  const n = Number(s.replace(/^\+?inf(inity)?$/, 'Infinity').replace(/^-inf(inity)?$/, '-Infinity'));
  return Number.isFinite(n) ? n : null;
}

/** A date as the engines print it (`2024-03-01`) -> days since 1970-01-01. */
function epochDays(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const m = /^(-?\d{4,})-(\d{2})-(\d{2})/.exec(String(v).trim());
  if (!m) return num(v);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isFinite(ms) ? Math.round(ms / 86_400_000) : null;
}

/** A timestamp as the engines print it (`2024-03-01 12:00:00[.123456]`, UTC) -> epoch seconds. */
function epochSeconds(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const m = /^(-?\d{4,})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?/.exec(String(v).trim());
  if (!m) return num(v);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  return Number.isFinite(ms) ? ms / 1000 + (m[7] ? Number(m[7]) : 0) : null;
}

function textList(v: unknown): (string | null)[] | null {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.map((x) => (x === null || x === undefined ? null : String(x)));
  if (typeof v === 'string') {
    try {
      const parsed: unknown = JSON.parse(v);
      if (Array.isArray(parsed)) return parsed.map((x) => (x === null || x === undefined ? null : String(x)));
    } catch {
      return null;
    }
  }
  if (typeof v === 'object' && v !== null && 'items' in v && Array.isArray((v as { items: unknown }).items)) {
    return (v as { items: unknown[] }).items.map((x) => (x === null || x === undefined ? null : String(x)));
  }
  return null;
}
