/**
 * compileProfile: one SQL statement that reads the sample once and returns, in a single row,
 * everything DQX's profiler computes for a table (its `df.summary()` statistics, per-field counts,
 * distinct values for `is_in`, the aggregates behind `min_max`, and the MAD bounds behind
 * `has_no_outliers`), plus `decode(rows)` that rebuilds DQX's `summary_stats` and profile list from it.
 */
import type { TableSchema } from '@/lib/dqx/model';
import { type Dialect, quoteIdent } from '@/lib/sql/quote';

import { buildProfiles } from './build-profiles';
import { decodeMeasures, type ResultRow } from './decode-profile';
import { assertSafeFilter } from './filter-guard';
import { hasNoOutliersEnabled, parseProfileOptions, removesOutliers, type ProfileOptions } from './options';
import { profileSql } from './sql-dialect';
import {
  flattenFields,
  inSparkSummary,
  isGeospatial,
  isIntegral,
  isNumeric,
  isText,
  isTimestamp,
  supportsDistinctValues,
  supportsMinMax,
  type ProfiledField,
  type SparkType,
} from './spark-type';
import type { ProfileResult, SamplingPlan } from './types';

/**
 * Which rows are profiled.
 * - omitted: DQX's own semantics from the options: `filter`, then a Bernoulli sample of
 *   `sample_fraction` (seeded by `sample_seed`), then `limit` rows.
 * - a number n: `filter`, then a uniform random sample of n rows (every row when the table has fewer).
 * - 'all': `filter`, then every row.
 */
export type SampleRows = number | 'all';

export interface CompileProfileInput {
  dialect: Dialect;
  /** DQX profiler options (snake_case keys, merged over DQX's defaults). */
  options?: unknown;
  /** Overrides DQX's fraction/limit sampling with a row count or the whole table. */
  sampleRows?: SampleRows;
  /** Seed for `sampleRows` sampling (reproducible samples). */
  sampleSeed?: number;
  /** Top-level columns to profile (DQX's `columns` argument); all when omitted. */
  columns?: string[];
}

export interface CompiledProfile {
  sql: string;
  dialect: Dialect;
  options: ProfileOptions;
  sampling: SamplingPlan;
  fields: ProfiledField[];
  /**
   * Rows of the plan's result (one row, objects keyed by column name; values as drivers return them:
   * strings, numbers, bigints, arrays) -> DQX's summary statistics and profiles.
   */
  decode(rows: ResultRow[]): ProfileResult;
}

/**
 * Samples no larger than this get Spark's exact arithmetic replayed in DuckDB (stddev by Spark's
 * update formula, distinct values in first-occurrence order), which needs the values as lists.
 */
export const EXACT_REPLAY_MAX_ROWS = 10_000;

/** Spark's default `spark.sql.shuffle.partitions`: DQX's distinct values come back in this bucket order without a LIMIT. */
export const SPARK_SHUFFLE_PARTITIONS = 200;

export interface FieldPlan {
  field: ProfiledField;
  index: number;
  /** Output column names in the plan's result, by measure. */
  out: Partial<Record<FieldOutput, string>>;
}

export type FieldOutput =
  | 'nn'
  | 'nd'
  | 'empty'
  | 'min'
  | 'max'
  | 'mean'
  | 'meanSum'
  | 'meanCount'
  | 'stddev'
  | 'quartiles'
  | 'values'
  | 'mmMin'
  | 'mmMax'
  | 'mmMean'
  | 'mmMeanSum'
  | 'mmMeanCount'
  | 'mmStddev'
  | 'madLo'
  | 'madHi'
  | 'madOutliers';

function plainNumber(x: number): string {
  // Non-negative finite number without exponent notation (fractions and percents are small, plain values).
  if (!Number.isFinite(x) || x < 0) throw new Error(`Not a plain non-negative number: ${x}`);
  const s = x.toString();
  if (!/e/i.test(s)) return s;
  return x.toFixed(20).replace(/0+$/, '').replace(/\.$/, '');
}

function percentOf(fraction: number): string {
  // fraction * 100 without binary noise: shift the decimal text two places.
  const text = plainNumber(fraction);
  const [int = '0', frac = ''] = text.split('.');
  const shifted = (int + frac.padEnd(2, '0').slice(0, 2)).replace(/^0+(?=\d)/, '');
  const rest = frac.length > 2 ? frac.slice(2) : '';
  return rest ? `${shifted}.${rest}` : shifted;
}

function planSampling(o: ProfileOptions, sampleRows: SampleRows | undefined, sampleSeed: number | undefined): SamplingPlan {
  const filter = o.filter;
  const where = filter ? `filter ${filter}, then ` : '';
  if (sampleRows === 'all') {
    return { kind: 'all', filter, fraction: null, seed: null, limit: null, description: `${where}every row` };
  }
  if (typeof sampleRows === 'number') {
    if (!Number.isInteger(sampleRows) || sampleRows < 1) throw new Error('sampleRows must be a positive integer or "all"');
    return {
      kind: 'rows',
      filter,
      fraction: null,
      seed: sampleSeed ?? null,
      limit: sampleRows,
      description: `${where}a uniform random sample of ${sampleRows} rows${sampleSeed !== undefined ? ` (seed ${sampleSeed})` : ''}`,
    };
  }
  const fraction = o.sample_fraction;
  const limit = o.limit ? o.limit : null;
  const parts: string[] = [];
  if (fraction !== null && fraction < 1) parts.push(`a Bernoulli sample of ${percentOf(fraction)}% of the rows${o.sample_seed !== null ? ` (seed ${o.sample_seed})` : ''}`);
  if (limit !== null) parts.push(`at most ${limit} rows`);
  return {
    kind: 'dqx',
    filter,
    fraction: fraction !== null && fraction < 1 ? fraction : null,
    seed: o.sample_seed,
    limit,
    description: where + (parts.length ? parts.join(', then ') : 'every row'),
  };
}

function sampleSql(dialect: Dialect, source: string, projection: string[], s: SamplingPlan): string {
  const where = s.filter ? ` WHERE (${s.filter})` : '';
  const inner = `(SELECT * FROM ${source} AS _dqx_src${where})`;
  const cols = projection.join(', ');
  if (s.kind === 'all') return `SELECT ${cols} FROM ${inner} AS _dqx_f`;
  if (s.kind === 'rows') {
    if (dialect === 'duckdb') {
      const seed = s.seed !== null ? ` REPEATABLE (${s.seed})` : '';
      return `SELECT ${cols} FROM ${inner} AS _dqx_f TABLESAMPLE reservoir(${s.limit} ROWS)${seed}`;
    }
    const seed = s.seed !== null ? String(s.seed) : '';
    return `SELECT ${cols} FROM ${inner} AS _dqx_f ORDER BY rand(${seed}) LIMIT ${s.limit}`;
  }
  let sample = '';
  if (s.fraction !== null) {
    const pct = percentOf(s.fraction);
    if (dialect === 'duckdb') sample = ` TABLESAMPLE ${pct}% (bernoulli${s.seed !== null ? `, ${s.seed}` : ''})`;
    else sample = ` TABLESAMPLE (${pct} PERCENT)${s.seed !== null ? ` REPEATABLE (${s.seed})` : ''}`;
  }
  const limit = s.limit !== null ? ` LIMIT ${s.limit}` : '';
  // DuckDB: `(query) AS alias TABLESAMPLE ...`; Spark: `(query) TABLESAMPLE (...) AS alias`.
  if (dialect === 'duckdb') return `SELECT ${cols} FROM ${inner} AS _dqx_f${sample}${limit}`;
  return `SELECT ${cols} FROM ${inner}${sample} AS _dqx_f${limit}`;
}

function containsMap(t: SparkType): boolean {
  if (t.kind === 'map') return true;
  if (t.kind === 'array') return containsMap(t.element);
  if (t.kind === 'struct') return t.fields.some((f) => containsMap(f.type));
  return false;
}

/** collect_set cannot hold maps: such values are compared through their JSON (top-level map entries sorted). */
function distinctKey(t: SparkType, e: string): string {
  if (!containsMap(t)) return e;
  if (t.kind === 'map') return `to_json(array_sort(map_entries(${e})))`;
  return `to_json(${e})`;
}

export function compileProfile(schema: TableSchema, source: string, input: CompileProfileInput): CompiledProfile {
  const { dialect } = input;
  const parsed = parseProfileOptions(input.options);
  // the filter as the SQL sandbox accepted it (comments removed)
  const o = parsed.filter
    ? { ...parsed, filter: assertSafeFilter(parsed.filter, schema.columns.map((c) => c.name)) }
    : parsed;
  if (input.sampleSeed !== undefined && (!Number.isInteger(input.sampleSeed) || input.sampleSeed < 0)) {
    throw new Error('sampleSeed must be a non-negative integer');
  }
  if (o.sample_seed !== null && o.sample_seed < 0) throw new Error('sample_seed must be a non-negative integer');
  const wanted = input.columns;
  const columns = wanted ? schema.columns.filter((c) => wanted.includes(c.name)) : schema.columns;
  const fields = flattenFields(columns);
  const sampling = planSampling(o, input.sampleRows, input.sampleSeed);
  const bounded = sampling.limit !== null && sampling.limit <= EXACT_REPLAY_MAX_ROWS;
  const firstOccurrenceOrder = sampling.limit !== null && bounded;
  const q = profileSql(dialect);
  const id = (name: string) => quoteIdent(dialect, name);

  // Level 0 aggregates over the sample, then levels of per-row expressions over that single row.
  const level0: [string, string][] = [['n', 'count(*)']];
  const levels: [string, string][][] = [[], [], [], []];
  const outputs: string[] = ['n'];
  const plans: FieldPlan[] = [];

  fields.forEach((field, index) => {
    const p = `f${index}_`;
    const ref = ['_dqx_s', ...field.path].map((part) => (part === '_dqx_s' ? part : id(part))).join('.');
    const t = field.type;
    const text = isText(t);
    const valueExpr = text && o.trim_strings ? `trim(${ref})` : ref;
    const out: FieldPlan['out'] = {};
    const agg = (key: FieldOutput, name: string, expr: string) => {
      level0.push([p + name, expr]);
      outputs.push(p + name);
      out[key] = p + name;
    };
    const derived = (level: number, key: FieldOutput | null, name: string, expr: string) => {
      levels[level]!.push([p + name, expr]);
      if (key) {
        outputs.push(p + name);
        out[key] = p + name;
      }
    };
    const hidden = (name: string, expr: string) => level0.push([p + name, expr]);

    // DQX profiles `df.select(field).dropna()`, and dropna also drops NaN from float/double columns.
    const floating = t.kind === 'float' || t.kind === 'double';
    const present = floating ? `CASE WHEN NOT isnan(${ref}) THEN ${ref} END` : valueExpr;
    agg('nn', 'nn', `count(${present})`);
    if (!isGeospatial(t)) {
      // Spark plans count(DISTINCT) with an Expand that reorders rows for every other aggregate in the
      // query; bounded samples count distinct values with collect_set so Spark's row-order-sensitive
      // aggregates (avg, stddev, collect_list) see the rows exactly as DQX's own queries do.
      const distinct = dialect === 'databricks' && bounded ? `size(${q.collectSet(distinctKey(t, present))})` : `count(DISTINCT ${present})`;
      agg('nd', 'nd', distinct);
    }
    if (text) agg('empty', 'empty', `count_if(${valueExpr} = '')`);

    // DataFrame.summary() statistics: top-level numeric and string columns.
    if (field.topLevel && inSparkSummary(t)) {
      const x = text ? q.tryToDouble(ref) : t.kind === 'decimal' ? ref : q.toDouble(ref);
      if (t.kind === 'decimal') {
        if (dialect === 'databricks') agg('mean', 'mean', q.toText(q.avg(ref)));
        else agg('meanSum', 'msum', q.toText(q.sum(ref)));
      } else if (dialect === 'databricks') {
        agg('mean', 'mean', q.toText(q.avg(x)));
      } else {
        // Spark's avg of non-decimals sums doubles in scan order; so does DuckDB's sum of doubles.
        agg('meanSum', 'msum', q.toText(q.sum(x)));
        agg('meanCount', 'mcnt', `count(${x})`);
      }
      const dx = t.kind === 'decimal' ? q.toDouble(ref) : x;
      if (dialect === 'duckdb' && bounded) {
        hidden('dl', q.collectList(dx));
        derived(0, 'stddev', 'sd', q.toText(q.listStddevLikeSpark(p + 'dl')));
      } else {
        agg('stddev', 'sd', q.toText(q.stddev(dx)));
      }
      agg('quartiles', 'qs', q.toTextArray(q.quartiles(text ? x : ref)));
    }
    if (isNumeric(t)) {
      // summary() sees NaN (top-level columns); the aggregate over the dropna'd field does not.
      const v = field.topLevel ? ref : present;
      agg('min', 'min', q.toText(`min(${v})`));
      agg('max', 'max', q.toText(`max(${v})`));
    }

    // min_max on dates and timestamps: DQX aggregates epoch seconds.
    if (supportsMinMax(t) && (t.kind === 'date' || isTimestamp(t))) {
      const isDate = t.kind === 'date';
      agg('mmMin', 'mmin', q.toText(`min(${isDate ? q.daysSinceEpoch(ref) : q.microsSinceEpoch(ref)})`));
      agg('mmMax', 'mmax', q.toText(`max(${isDate ? q.daysSinceEpoch(ref) : q.microsSinceEpoch(ref)})`));
      if (removesOutliers(field.name, o)) {
        const epoch = isDate ? `CAST(${q.daysSinceEpoch(ref)} AS BIGINT) * 86400` : q.epochSecondsDouble(ref);
        if (dialect === 'databricks') agg('mmMean', 'mmean', q.toText(q.avg(epoch)));
        else {
          agg('mmMeanSum', 'mmsum', q.toText(q.sum(q.toDouble(epoch))));
          agg('mmMeanCount', 'mmcnt', `count(${epoch})`);
        }
        if (dialect === 'duckdb' && bounded) {
          hidden('mdl', q.collectList(q.toDouble(epoch)));
          derived(0, 'mmStddev', 'mmsd', q.toText(q.listStddevLikeSpark(p + 'mdl')));
        } else {
          agg('mmStddev', 'mmsd', q.toText(q.stddev(q.toDouble(epoch))));
        }
      }
    }

    // is_in: distinct (trimmed) values, only when there are fewer than max_in_count of them.
    if (supportsDistinctValues(t) && o.max_in_count > 1) {
      const limit = o.max_in_count;
      if (firstOccurrenceOrder) {
        hidden('vl', q.collectList(valueExpr));
        derived(0, 'values', 'vals', `CASE WHEN ${p}nd < ${limit} THEN ${q.toTextArray(q.distinctInOrder(p + 'vl'))} END`);
      } else {
        agg('values', 'vals', `CASE WHEN count(DISTINCT ${valueExpr}) < ${limit} THEN ${q.toTextArray(q.fewDistinct(valueExpr, limit - 1))} END`);
      }
    }

    // has_no_outliers: median ± 3.5 · MAD of the non-null values, and how many fall outside.
    // (Top-level numeric columns only: DQX itself fails on struct fields here.)
    if (field.topLevel && isNumeric(t) && hasNoOutliersEnabled(field.name, o)) {
      hidden('ol', q.collectList(present));
      derived(0, null, 'med', q.listPercentile(p + 'ol', 0.5));
      // DQX subtracts a Python-literal median: floats in double, integers as int/bigint literals.
      const as = floating ? 'DOUBLE' : isIntegral(t) ? 'BIGINT' : null;
      derived(1, null, 'mad', q.listPercentile(q.listAbsDeviation(p + 'ol', p + 'med', as), 0.5));
      const three5 = q.doubleLiteral(3.5);
      derived(2, null, 'lo', `${q.toDouble(p + 'med')} - ${three5} * ${q.toDouble(p + 'mad')}`);
      derived(2, null, 'hi', `${q.toDouble(p + 'med')} + ${three5} * ${q.toDouble(p + 'mad')}`);
      derived(3, 'madOutliers', 'out', q.listCountOutside(p + 'ol', p + 'lo', p + 'hi'));
      // The bounds travel as text so no driver rounds them.
      derived(3, 'madLo', 'lo_t', q.toText(p + 'lo'));
      derived(3, 'madHi', 'hi_t', q.toText(p + 'hi'));
    }
    plans.push({ field, index, out });
  });

  const projection = [...new Set(columns.map((c) => c.name))].map((name) => id(name));
  const sample = sampleSql(dialect, source, projection.length ? projection : ['1 AS _dqx_none'], sampling);
  let body = `SELECT ${level0.map(([a, e]) => `${e} AS ${a}`).join(', ')} FROM _dqx_sample AS _dqx_s`;
  levels.forEach((level, i) => {
    if (level.length === 0) return;
    body = `SELECT *, ${level.map(([a, e]) => `${e} AS ${a}`).join(', ')} FROM (${body}) AS _dqx_l${i}`;
  });
  const sql = `WITH _dqx_sample AS (${sample}) SELECT ${outputs.join(', ')} FROM (${body}) AS _dqx_out`;

  return {
    sql,
    dialect,
    options: o,
    sampling,
    fields,
    decode(rows: ResultRow[]): ProfileResult {
      const row = rows[0];
      if (!row) throw new Error('The profile query returned no row.');
      const measures = decodeMeasures(row, plans, {
        dialect,
        options: o,
        bucketOrder: !firstOccurrenceOrder,
        shufflePartitions: SPARK_SHUFFLE_PARTITIONS,
      });
      return { ...buildProfiles(measures, o), sampling };
    },
  };
}
