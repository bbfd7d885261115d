/**
 * DQX's curated aggregates (`CURATED_AGGR_FUNCTIONS`) as SQL in both dialects, with Spark's result
 * types, and where the metric of an aggregate check goes in the scan: a window over the group
 * (`OVER (PARTITION BY ...)`), or a LEFT JOIN to a grouped (null-safe) or one-row subquery over the
 * source when the aggregate cannot be windowed or has no group (a window over all rows would move
 * every row into one partition on Spark; DQX cross joins a one-row aggregate for the same reason).
 *
 * Spark (`databricks`) uses Spark's own functions, so it is exact by construction. DuckDB reproduces
 * Spark's definitions:
 * - `avg` is Spark's `sum / count` in double; over decimals it is the exact quotient rounded HALF_UP
 *   to scale s+4 (type decimal(p+4, s+4));
 * - `median` and `percentile` are Spark's `Percentile`: the elements at floor/ceil of
 *   `p * (n - 1)` and Spark's interpolation `(hi - pos) * lo + (pos - lo) * hi`;
 * - `approx_percentile` is the element of rank `ceil(p * n)` (the first element when
 *   `p <= 1/accuracy`, the last when `p >= 1 - 1/accuracy`). That is exactly what Spark's
 *   Greenwald-Khanna summary returns while fewer than accuracy/2 values are aggregated (no sample
 *   is merged and every rank error bound is 0, whatever the partitioning). Beyond that, Spark's
 *   result depends on how its partitions were merged, so no engine (Spark on another cluster
 *   included) reproduces it; DuckDB then returns the exact-rank element, which is within Spark's
 *   documented error bound;
 * - `mode` with `deterministic: true` is the lowest of the most frequent values.
 * Not reproducible on DuckDB, so left to a DQX job there: `approx_count_distinct` (HyperLogLog++
 * registers over Spark's xxhash64), `mode` without `deterministic: true` (ties are broken by
 * Spark's hash-map iteration order), `approx_percentile` over decimals of more than 15 digits (Spark
 * rebuilds the decimal from a double).
 */
import { quoteIdent } from '@/lib/sql/quote';

import type { DatasetSqlContext } from '../../compile/dataset-context';
import type { ColumnValue } from '../../compile/row-context';
import { columnDisplay, columnNorm } from '../../naming';
import { javaDoubleToString, numericValue, pyKind, pyStr } from '../../py-values';
import { simpleString, type SparkType } from '../../spark-types';
import type { DatasetColumn } from '../types';

export const CURATED_AGGR_FUNCTIONS: Record<string, string> = {
  count: 'Count',
  sum: 'Sum',
  avg: 'Average',
  min: 'Min',
  max: 'Max',
  count_distinct: 'Distinct count',
  approx_count_distinct: 'Approximate distinct count',
  count_if: 'Conditional count',
  stddev: 'Standard deviation',
  stddev_pop: 'Population standard deviation',
  stddev_samp: 'Sample standard deviation',
  variance: 'Variance',
  var_pop: 'Population variance',
  var_samp: 'Sample variance',
  median: 'Median',
  mode: 'Mode',
  skewness: 'Skewness',
  kurtosis: 'Kurtosis',
  percentile: 'Percentile',
  approx_percentile: 'Approximate percentile',
};

/** Parameters each aggregate accepts (passed by DQX as keyword arguments to pyspark). */
const PARAMS: Record<string, string[]> = {
  percentile: ['percentile'],
  approx_percentile: ['percentile', 'accuracy'],
  mode: ['deterministic'],
  approx_count_distinct: ['rsd'],
};

export interface AggrSpec {
  type: string;
  params: Record<string, unknown> | null;
  percentile: number | null;
  accuracy: number;
  deterministic: boolean;
  rsd: number | null;
}

const BIGINT: SparkType = { kind: 'bigint' };
const DOUBLE: SparkType = { kind: 'double' };
const UNKNOWN: SparkType = { kind: 'unknown', text: 'unknown' };
const INTEGRAL = new Set(['tinyint', 'smallint', 'int', 'bigint']);
const isIntegral = (t: SparkType | null) => !!t && INTEGRAL.has(t.kind);
const isFloating = (t: SparkType | null) => t?.kind === 'float' || t?.kind === 'double';
const isNumeric = (t: SparkType | null) => isIntegral(t) || isFloating(t) || t?.kind === 'decimal';

/** The aggregate as DQX reads `aggr_type` and `aggr_params`; unsupported when DQX would fail. */
export function aggrSpec(ctx: DatasetSqlContext, aggrType: unknown, aggrParams: unknown): AggrSpec {
  const type = aggrType === undefined || aggrType === null ? 'count' : String(aggrType);
  if (!(type in CURATED_AGGR_FUNCTIONS))
    ctx.unsupported(
      `'${type}' is not one of DQX's curated aggregates; non-curated aggregates run in a DQX job.`,
    );
  let params: Record<string, unknown> | null = null;
  if (aggrParams !== undefined && aggrParams !== null) {
    if (pyKind(aggrParams) !== 'dict') ctx.unsupported('aggr_params must be a dictionary.');
    params = aggrParams as Record<string, unknown>;
    const allowed = PARAMS[type] ?? [];
    const unknown = Object.keys(params).filter((k) => !allowed.includes(k));
    if (unknown.length)
      ctx.unsupported(
        `aggr_params ${unknown.map((k) => `'${k}'`).join(', ')} of '${type}' are passed to Spark as is; the rule runs in a DQX job.`,
      );
    if (Object.keys(params).length === 0) params = null;
  }
  let percentile: number | null = null;
  if (type === 'percentile' || type === 'approx_percentile') {
    const raw = params?.percentile;
    percentile = raw === undefined ? null : numericValue(raw);
    if (percentile === null || !(percentile >= 0 && percentile <= 1) || pyKind(raw) === 'bool')
      ctx.unsupported(`'${type}' needs aggr_params {'percentile': <number between 0 and 1>}.`);
  }
  let accuracy = 10000;
  if (params && params.accuracy !== undefined) {
    const a = numericValue(params.accuracy);
    if (a === null || !Number.isInteger(a) || a <= 0 || pyKind(params.accuracy) !== 'int')
      ctx.unsupported('accuracy must be a positive integer.');
    accuracy = a!;
  }
  let deterministic = false;
  if (params && params.deterministic !== undefined) {
    if (pyKind(params.deterministic) !== 'bool') ctx.unsupported('deterministic must be true or false.');
    deterministic = params.deterministic === true;
  }
  let rsd: number | null = null;
  if (params && params.rsd !== undefined) {
    rsd = numericValue(params.rsd);
    if (rsd === null || pyKind(params.rsd) === 'bool') ctx.unsupported('rsd must be a number.');
  }
  return { type, params, percentile, accuracy, deterministic, rsd };
}

/** DQX's `_get_aggregate_display_name`: the curated name, plus the parameters as Python prints them. */
export function aggrDisplayName(spec: AggrSpec): string {
  const base = CURATED_AGGR_FUNCTIONS[spec.type]!;
  if (!spec.params) return base;
  return `${base} (${Object.entries(spec.params)
    .map(([k, v]) => `${k}=${pyStr(v)}`)
    .join(', ')})`;
}

/** The aggregated column: `*` (count over rows) or a column / expression of the table. */
export interface AggrInput {
  star: boolean;
  col: ColumnValue | null;
  /** As DQX shows it in messages (`*` for the star). */
  display: string;
  /** As DQX writes it in names (empty for the star). */
  norm: string;
}

export function aggrInput(ctx: DatasetSqlContext, column: unknown): AggrInput {
  if (typeof column !== 'string') ctx.unsupported('The column to aggregate must be a string.');
  const text = column as string;
  if (text.trim() === '*') return { star: true, col: null, display: '*', norm: '' };
  const col = ctx.column(text);
  return { star: false, col, display: columnDisplay(text), norm: columnNorm(text) };
}

/** DQX's `validate_star_aggregate`: the star counts rows (count, or count_distinct unfiltered). */
export function validateStar(
  ctx: DatasetSqlContext,
  input: AggrInput,
  spec: AggrSpec,
  placeholder: boolean,
): void {
  if (!input.star) return;
  const allowed = placeholder ? ['count'] : ['count', 'count_distinct'];
  if (!allowed.includes(spec.type))
    ctx.unsupported(
      `Column '*'${placeholder ? ' with a row filter' : ''} is only supported with ${placeholder ? "'count'" : "'count' or 'count_distinct'"} (got '${spec.type}'); DQX refuses the rule.`,
    );
}

/** Spark's result type of the aggregate over a value of type `t` (null: not determinable). */
export function aggrResultType(spec: AggrSpec, t: SparkType | null, star: boolean): SparkType | null {
  switch (spec.type) {
    case 'count':
    case 'count_distinct':
    case 'approx_count_distinct':
      return BIGINT;
    case 'count_if':
      return t === null || t.kind === 'boolean' ? BIGINT : null;
    case 'sum':
      if (isIntegral(t)) return BIGINT;
      if (isFloating(t)) return DOUBLE;
      if (t?.kind === 'decimal')
        return { kind: 'decimal', precision: Math.min(38, t.precision + 10), scale: t.scale };
      return null;
    case 'avg':
      if (isIntegral(t) || isFloating(t)) return DOUBLE;
      if (t?.kind === 'decimal')
        return {
          kind: 'decimal',
          precision: Math.min(38, t.precision + 4),
          scale: Math.min(38, t.scale + 4),
        };
      return null;
    case 'min':
    case 'max':
    case 'mode':
      return star || !t || t.kind === 'unknown' ? null : t;
    case 'approx_percentile':
      return isNumeric(t) || t?.kind === 'date' || t?.kind === 'timestamp' || t?.kind === 'timestamp_ntz'
        ? t
        : null;
    default:
      // stddev*, var*, skewness, kurtosis, median, percentile
      return isNumeric(t) ? DOUBLE : null;
  }
}

const doubleLit = (ctx: DatasetSqlContext, n: number) => `CAST(${ctx.lit(javaDoubleToString(n))} AS DOUBLE)`;

/** Whether `agg OVER (PARTITION BY ...)` computes the aggregate in the dialect. */
export function windowable(ctx: DatasetSqlContext, spec: AggrSpec): boolean {
  if (spec.type === 'count_distinct') return false; // DISTINCT is not allowed in Spark windows
  if (ctx.dialect === 'databricks') return true;
  return !['median', 'percentile', 'approx_percentile', 'mode'].includes(spec.type);
}

/**
 * The aggregate over the value `v` (SQL; `*` for count(*)), with `over` appended to every aggregate
 * call (empty in a GROUP BY). `t` is the value's Spark type.
 */
export function aggrSql(
  ctx: DatasetSqlContext,
  spec: AggrSpec,
  v: string,
  t: SparkType | null,
  over: string,
  starColumns: string[] = [],
): string {
  const spark = ctx.dialect === 'databricks';
  switch (spec.type) {
    case 'count':
      return `count(${v})${over}`;
    case 'count_distinct': {
      if (v === '*') {
        if (spark) return `count(DISTINCT ${starColumns.join(', ')})${over}`;
        const all = starColumns.map((c) => `${c} IS NOT NULL`).join(' AND ');
        return `count(DISTINCT CASE WHEN ${all} THEN struct_pack(${starColumns.map((c, i) => `f${i} := ${c}`).join(', ')}) END)${over}`;
      }
      return `count(DISTINCT ${v})${over}`;
    }
    case 'approx_count_distinct':
      if (!spark)
        ctx.unsupported(
          "approx_count_distinct is Spark's HyperLogLog++ over xxhash64 registers, which DuckDB cannot reproduce; the rule runs in a DQX job.",
        );
      return spec.rsd !== null
        ? `approx_count_distinct(${v}, ${javaDoubleToString(spec.rsd)}D)${over}` // Spark wants a double literal
        : `approx_count_distinct(${v})${over}`;
    case 'count_if':
      return spark ? `count_if(${v})${over}` : `CAST(count_if(${v})${over} AS BIGINT)`;
    case 'sum': {
      if (spark) return `sum(${v})${over}`;
      if (isIntegral(t)) return `CAST(sum(${v})${over} AS BIGINT)`;
      if (t?.kind === 'decimal') {
        const r = aggrResultType(spec, t, false) as { precision: number; scale: number };
        return `CAST(sum(${v})${over} AS DECIMAL(${r.precision},${r.scale}))`;
      }
      return `sum(CAST(${v} AS DOUBLE))${over}`;
    }
    case 'avg': {
      if (spark) return `avg(${v})${over}`;
      if (t?.kind === 'decimal') return duckDecimalAvg(t, v, over);
      return `(sum(CAST(${v} AS DOUBLE))${over} / CAST(count(${v})${over} AS DOUBLE))`;
    }
    case 'min':
    case 'max':
      return `${spec.type}(${v})${over}`;
    case 'stddev':
    case 'stddev_pop':
    case 'stddev_samp':
    case 'variance':
    case 'var_pop':
    case 'var_samp': {
      if (spark) return `${spec.type}(${v})${over}`;
      const fn = spec.type === 'stddev' ? 'stddev_samp' : spec.type === 'variance' ? 'var_samp' : spec.type;
      return `${fn}(CAST(${v} AS DOUBLE))${over}`;
    }
    case 'skewness':
    case 'kurtosis': {
      if (spark) return `${spec.type}(${v})${over}`;
      // Spark: NULL without rows or without spread; population moments (no bias correction).
      const x = `CAST(${v} AS DOUBLE)`;
      const n = `CAST(count(${v})${over} AS DOUBLE)`;
      const m2 = `var_pop(${x})${over}`;
      const value =
        spec.type === 'kurtosis'
          ? `kurtosis_pop(${x})${over}`
          : `skewness(${x})${over} * (${n} - 2) / sqrt(${n} * (${n} - 1))`;
      return `(CASE WHEN ${m2} IS NULL OR ${m2} = 0 THEN NULL ELSE ${value} END)`;
    }
    case 'median':
    case 'percentile': {
      const p = spec.type === 'median' ? 0.5 : spec.percentile!;
      if (spark)
        return spec.type === 'median'
          ? `median(${v})${over}`
          : `percentile(${v}, ${doubleLit(ctx, p)})${over}`;
      return duckPercentile(ctx, v, p);
    }
    case 'approx_percentile': {
      const p = spec.percentile!;
      if (spark) return `approx_percentile(${v}, ${doubleLit(ctx, p)}, ${spec.accuracy})${over}`;
      // Spark ranks doubles and rebuilds the decimal from the chosen double (at the column's scale once
      // the metric is materialized): the same value when the decimal has at most 15 digits
      if (t?.kind === 'decimal' && t.precision > 15)
        ctx.unsupported(
          `Spark rebuilds approx_percentile over decimal(${t.precision},${t.scale}) from a double, which can change values of more than 15 digits; the rule runs in a DQX job.`,
        );
      return duckApproxPercentile(ctx, v, t, p, spec.accuracy);
    }
    case 'mode': {
      if (spark) return `mode(${v}, ${spec.deterministic ? 'true' : 'false'})${over}`;
      if (!spec.deterministic)
        ctx.unsupported(
          "Spark's mode breaks ties between equally frequent values by hash-map order, which DuckDB cannot reproduce; use aggr_params {'deterministic': true} (lowest of the most frequent values) or run the rule in a DQX job.",
        );
      return `list_sort(list_transform(map_entries(histogram(${v})), __dqx_e -> struct_pack(c := -__dqx_e.value, k := __dqx_e.key)))[1].k`;
    }
  }
  return ctx.unsupported(`Unknown aggregate '${spec.type}'.`);
}

/** Spark's avg over decimal(p,s): sum / count rounded HALF_UP to scale s+4, exactly. */
function duckDecimalAvg(t: { precision: number; scale: number }, v: string, over: string): string {
  const p = Math.min(38, t.precision + 4);
  const s = Math.min(38, t.scale + 4);
  const sumUnscaled = `CAST(sum(${v})${over} * ${10n ** BigInt(t.scale)} AS HUGEINT)`;
  const num = `(__dqx_t.s * CAST(${10n ** BigInt(s - t.scale)} AS HUGEINT))`;
  const n = `CAST(__dqx_t.n AS HUGEINT)`;
  const q = `(sign(${num}) * ((2 * abs(${num}) + ${n}) // (2 * ${n})))`;
  const scaleLit = `CAST('${s === 0 ? '1' : '0.' + '0'.repeat(s - 1) + '1'}' AS DECIMAL(${s + 1},${s}))`;
  return (
    `list_transform([struct_pack(s := ${sumUnscaled}, n := count(${v})${over})], __dqx_t -> ` +
    `CASE WHEN __dqx_t.n = 0 OR __dqx_t.s IS NULL THEN NULL ELSE CAST(CAST(${q} AS DECIMAL(38,0)) * ${scaleLit} AS DECIMAL(${p},${s})) END)[1]`
  );
}

const sortedValues = (v: string) => `array_agg(${v} ORDER BY ${v}) FILTER (WHERE ${v} IS NOT NULL)`;

/** Spark's exact Percentile (median) in DuckDB, from the sorted values. */
function duckPercentile(ctx: DatasetSqlContext, v: string, p: number): string {
  const lo = `CAST(floor(__dqx_pos) AS BIGINT) + 1`;
  const hi = `CAST(ceil(__dqx_pos) AS BIGINT) + 1`;
  const body =
    `CASE WHEN floor(__dqx_pos) = ceil(__dqx_pos) OR __dqx_l[${lo}] = __dqx_l[${hi}] THEN CAST(__dqx_l[${lo}] AS DOUBLE) ` +
    `ELSE (ceil(__dqx_pos) - __dqx_pos) * CAST(__dqx_l[${lo}] AS DOUBLE) + (__dqx_pos - floor(__dqx_pos)) * CAST(__dqx_l[${hi}] AS DOUBLE) END`;
  return (
    `list_transform([${sortedValues(v)}], __dqx_l -> CASE WHEN __dqx_l IS NULL OR len(__dqx_l) = 0 THEN NULL ELSE ` +
    `list_transform([${doubleLit(ctx, p)} * CAST(len(__dqx_l) - 1 AS DOUBLE)], __dqx_pos -> ${body})[1] END)[1]`
  );
}

/** The element Spark's approx_percentile returns (exact regime, see the module comment). */
export function duckApproxRank(ctx: DatasetSqlContext, list: string, p: number, accuracy: number): string {
  const eps = 1 / accuracy;
  if (p <= eps) return `${list}[1]`;
  if (p >= 1 - eps) return `${list}[len(${list})]`;
  return `${list}[CAST(ceil(${doubleLit(ctx, p)} * CAST(len(${list}) AS DOUBLE)) AS BIGINT)]`;
}

function duckApproxPercentile(
  ctx: DatasetSqlContext,
  v: string,
  t: SparkType | null,
  p: number,
  accuracy: number,
): string {
  // Spark ranks the values as doubles and converts the chosen one back (bigint beyond 2^53 rounds)
  const pick = duckApproxRank(ctx, '__dqx_l', p, accuracy);
  const value = t?.kind === 'bigint' ? `CAST(CAST(${pick} AS DOUBLE) AS BIGINT)` : pick;
  return `list_transform([${sortedValues(v)}], __dqx_l -> CASE WHEN __dqx_l IS NULL OR len(__dqx_l) = 0 THEN NULL ELSE ${value} END)[1]`;
}

/** `a <=> b` in the dialect. */
export const nullSafeEq = (ctx: DatasetSqlContext, a: string, b: string) =>
  ctx.dialect === 'databricks' ? `(${a} <=> ${b})` : `(${a} IS NOT DISTINCT FROM ${b})`;

/** Group columns as DQX reads them (`F.col`): names of the table only. */
export function groupColumns(ctx: DatasetSqlContext, groupBy: unknown, what = 'group_by'): ColumnValue[] {
  if (groupBy === undefined || groupBy === null) return [];
  if (!Array.isArray(groupBy)) return ctx.unsupported(`${what} must be a list of column names.`);
  return groupBy.map((g) => {
    if (typeof g !== 'string') return ctx.unsupported(`${what} must be a list of column names.`);
    const c = ctx.column(g);
    if (c.sql.startsWith('('))
      ctx.unsupported(
        `DQX reads ${what} columns by name (F.col), so '${g}' fails in DQX too; use a column name.`,
      );
    if (!c.type) ctx.unsupported(`The ${what} column '${g}' is not a column of the table; DQX fails on it.`);
    return c;
  });
}

export interface Metric {
  /** The metric as an internal column of the scan. */
  name: string;
  type: SparkType;
  columns: DatasetColumn[];
  joins: string[];
}

/**
 * The aggregate of the (row-filtered) input per group, as an internal column of every row: a window
 * when the aggregate allows one, else a LEFT JOIN to a grouped subquery (null-safe on the group
 * columns); without groups, a LEFT JOIN to a one-row aggregate over the source.
 */
export function aggregateMetric(
  ctx: DatasetSqlContext,
  spec: AggrSpec,
  input: AggrInput,
  groups: ColumnValue[],
  suffix = 'metric',
  /**
   * The rule's violation as a function of the metric, when it depends on nothing else (a constant
   * limit): per group, only the violating groups are then joined back on DuckDB. Rows of the other
   * groups read a NULL metric, and the violation of a NULL metric is NULL (not failing) as it is
   * for the metric of a group that does not violate.
   */
  violating?: (metric: string) => string,
): Metric {
  const inType = input.col?.type ?? null;
  // Spark types an expression itself; we only need the type to decode samples on DuckDB
  const type =
    aggrResultType(spec, inType, input.star) ??
    (ctx.dialect === 'databricks' && input.col && !inType ? UNKNOWN : null);
  if (!type)
    ctx.unsupported(
      input.col && !input.col.type
        ? `The type of '${input.display}' is not known, so the result of ${spec.type} cannot be typed; the rule runs in a DQX job.`
        : `${spec.type} over '${input.display}' (${inType ? simpleString(inType) : 'unknown type'}) fails in DQX; the rule runs in a DQX job.`,
    );
  const starColumns = ctx.table.columns.map((c) => quoteIdent(ctx.dialect, c.name));
  const name = ctx.id(suffix);
  const filter = ctx.rowFilter;
  const filtered = input.star
    ? filter
      ? `CASE WHEN ${filter} THEN 1 END`
      : '*'
    : filter
      ? `CASE WHEN ${filter} THEN ${input.col!.sql} END`
      : input.col!.sql;
  if (input.star && spec.type === 'count_distinct' && groups.length)
    ctx.unsupported(
      "count_distinct of '*' per group counts DQX's intermediate columns too; the rule runs in a DQX job.",
    );
  // Spark: a window over the group. DuckDB: the grouped aggregate joined back (a window partitions
  // whole rows; the aggregate reads the group columns alone and the join carries one value).
  if (groups.length && windowable(ctx, spec) && ctx.dialect === 'databricks') {
    const over = ` OVER (PARTITION BY ${groups.map((g) => g.sql).join(', ')})`;
    return {
      name,
      type,
      columns: [
        { name, sql: aggrSql(ctx, spec, filtered, inType, over, starColumns), type: simpleString(type) },
      ],
      joins: [],
    };
  }
  const alias = ctx.id(`${suffix}_j`);
  const src = ctx.id(`${suffix}_s`);
  const value = ctx.id(`${suffix}_v`);
  if (!groups.length) {
    // one row: the filter can go to WHERE (every curated aggregate ignores NULL inputs)
    const v = input.star ? '*' : input.col!.sql;
    const where = filter ? ` WHERE ${filter}` : '';
    return {
      name,
      type,
      columns: [{ name, sql: `${alias}.${value}`, type: simpleString(type) }],
      joins: [
        `LEFT JOIN (SELECT ${aggrSql(ctx, spec, v, inType, '', starColumns)} AS ${value} FROM ${ctx.source} AS ${src}${where}) AS ${alias} ON TRUE`,
      ],
    };
  }
  const keys = groups.map((_, i) => ctx.id(`${suffix}_k${i}`));
  const select = groups.map((g, i) => `${g.sql} AS ${keys[i]}`);
  const on = groups.map((g, i) => nullSafeEq(ctx, g.sql, `${alias}.${keys[i]}`)).join(' AND ');
  const grouped = `SELECT ${select.join(', ')}, ${aggrSql(ctx, spec, filtered, inType, '', starColumns)} AS ${value} FROM ${ctx.source} AS ${src} GROUP BY ${groups.map((g) => g.sql).join(', ')}`;
  // the violation over the grouped rows (not in HAVING: some aggregates bind names of their own)
  const kept =
    violating && ctx.dialect === 'duckdb'
      ? `SELECT * FROM (${grouped}) AS ${ctx.id(`${suffix}_g`)} WHERE ${violating(value)}`
      : grouped;
  return {
    name,
    type,
    columns: [{ name, sql: `${alias}.${value}`, type: simpleString(type) }],
    joins: [`LEFT JOIN (${kept}) AS ${alias} ON ${on}`],
  };
}
