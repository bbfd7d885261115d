/**
 * SQL of DQX's aggregate dataset-level checks (see index.ts):
 * - `is_aggr_not_greater_than`, `is_aggr_not_less_than`, `is_aggr_equal`, `is_aggr_not_equal`:
 *   the curated aggregate (aggregate-functions.ts) of the row-filtered column, over all rows or per
 *   group, compared with the limit (a number, or a column / expression of the row), with DQX's
 *   absolute / relative tolerances for the equality checks;
 * - `aggr_matches_dataset`: the same metric compared, null-safely, with the aggregate of a
 *   reference table (per group, matched by position to `ref_group_by`);
 * - `has_no_outliers`: values outside median ± 3.5·MAD, both from percentile_approx;
 * - `has_no_aggr_outliers`: the latest time bucket's metric against the mean and population
 *   standard deviation of the previous buckets.
 * Every row of a failing group fails (the planner then applies the rule filter), as in DQX.
 */
import { quoteIdent } from '@/lib/sql/quote';

import type { DatasetSqlContext } from '../../compile/dataset-context';
import type { ColumnValue, LimitSql, SqlValue } from '../../compile/row-context';
import { columnDisplay } from '../../naming';
import { numericValue, pyFloat, pyKind, pyStr } from '../../py-values';
import { isSqlQuerySafe } from '../../spark-sql';
import { parseSparkType, simpleString, type SparkType } from '../../spark-types';
import type { DatasetCheckSql } from '../types';
import {
  aggrDisplayName,
  aggregateMetric,
  aggrInput,
  aggrResultType,
  aggrSpec,
  aggrSql,
  duckApproxRank,
  groupColumns,
  nullSafeEq,
  validateStar,
  type AggrInput,
  type AggrSpec,
} from './aggregate-functions';
import type { DatasetBuilder } from './index';

type Op = 'gt' | 'lt' | 'ne' | 'eq';
const OP_SQL: Record<Op, string> = { gt: '>', lt: '<', ne: '<>', eq: '=' };

/** A tolerance argument (None → 0.0) as its value and SQL literal. */
function tolerance(ctx: DatasetSqlContext, value: unknown): { n: number; sql: string } {
  if (value === undefined || value === null) return { n: 0, sql: ctx.limit(0.0).sql };
  const n = numericValue(value);
  if (n === null || pyKind(value) === 'bool' || pyKind(value) === 'str')
    return ctx.unsupported('Tolerances must be numbers.');
  if (n < 0) ctx.unsupported('Absolute and/or relative tolerances if provided must be non-negative');
  return { n, sql: ctx.limit(value).sql };
}

/** DQX's `_build_aggr_condition_result`. */
function violation(
  ctx: DatasetSqlContext,
  op: Op,
  metric: string,
  limit: string,
  abs: { n: number; sql: string },
  rel: { n: number; sql: string },
  nullSafe: boolean,
): string {
  const equality = op === 'ne' || op === 'eq';
  let cond: string;
  if (equality && (abs.n > 0 || rel.n > 0)) {
    const diff = `abs(${metric} - ${limit})`;
    const match = `(${diff} <= ${abs.sql} OR ${diff} <= ${rel.sql} * greatest(abs(${metric}), abs(${limit})))`;
    cond = op === 'ne' ? `(NOT ${match})` : match;
  } else cond = `(${metric} ${OP_SQL[op]} ${limit})`;
  if (nullSafe && equality) {
    const mismatch = op === 'ne';
    cond = `(CASE WHEN ${metric} IS NULL AND ${limit} IS NULL THEN ${!mismatch ? 'TRUE' : 'FALSE'} WHEN ${metric} IS NULL OR ${limit} IS NULL THEN ${mismatch ? 'TRUE' : 'FALSE'} ELSE ${cond} END)`;
  }
  return cond;
}

const groupText = (groupBy: unknown) =>
  Array.isArray(groupBy) && groupBy.length ? groupBy.map(String).join(', ') : null;

/** DQX's aggregate message: `<Aggregate> value <m> in column '<c>'[ per group of columns '<g>'] is <label> limit: <l>`. */
function aggrMessage(
  ctx: DatasetSqlContext,
  spec: AggrSpec,
  input: AggrInput,
  metric: SqlValue,
  groupBy: unknown,
  label: string,
  limitText: string,
): string {
  const groups = groupText(groupBy);
  return ctx.concat(
    ctx.lit(`${aggrDisplayName(spec)} value `),
    ctx.str(metric),
    ctx.lit(
      ` in column '${input.display}'${groups ? ` per group of columns '${groups}'` : ''} is ${label} limit: `,
    ),
    limitText,
  );
}

function aggrCompare(op: Op, label: string, withTolerance: boolean): DatasetBuilder {
  return (ctx, args) => {
    const spec = aggrSpec(ctx, args.aggr_type, args.aggr_params);
    const abs = tolerance(ctx, withTolerance ? args.abs_tolerance : null);
    const rel = tolerance(ctx, withTolerance ? args.rel_tolerance : null);
    const input = aggrInput(ctx, args.column);
    validateStar(ctx, input, spec, !!ctx.rowFilter);
    if (args.limit === undefined || args.limit === null) ctx.unsupported('Limit is not provided.');
    const limit: LimitSql = ctx.limit(args.limit);
    const groups = groupColumns(ctx, args.group_by);
    const constantLimit = limit.lit.kind !== 'expr';
    const m = aggregateMetric(
      ctx,
      spec,
      input,
      groups,
      'metric',
      constantLimit ? (metric) => violation(ctx, op, metric, limit.sql, abs, rel, false) : undefined,
    );
    return {
      columns: m.columns,
      joins: m.joins,
      condition: violation(ctx, op, m.name, limit.sql, abs, rel, false),
      message: aggrMessage(
        ctx,
        spec,
        input,
        { sql: m.name, type: m.type },
        args.group_by,
        label,
        ctx.limitStr(limit),
      ),
    };
  };
}

/** `aggr_matches_dataset`: the metric against the same aggregate over a reference table. */
const aggrMatchesDataset: DatasetBuilder = (ctx, args) => {
  if (typeof args.ref_df_name === 'string' && args.ref_df_name)
    ctx.unsupported(
      `The reference is the DataFrame '${args.ref_df_name}' (ref_df_name), which only exists in the DQX job that passes it; the rule runs there.`,
    );
  if (typeof args.ref_table !== 'string' || !args.ref_table.trim())
    ctx.unsupported("Either 'ref_df_name' or 'ref_table' is required but neither was provided.");
  const spec = aggrSpec(ctx, args.aggr_type, args.aggr_params);
  const abs = tolerance(ctx, args.abs_tolerance);
  const rel = tolerance(ctx, args.rel_tolerance);
  const input = aggrInput(ctx, args.column);
  validateStar(ctx, input, spec, !!ctx.rowFilter);
  const refColumnRaw =
    args.ref_column === undefined || args.ref_column === null ? args.column : args.ref_column;
  if (typeof refColumnRaw !== 'string') return ctx.unsupported('ref_column must be a string.');
  const refStar = refColumnRaw.trim() === '*';
  const refDisplay = refStar ? '*' : columnDisplay(refColumnRaw);
  validateStar(ctx, { star: refStar, col: null, display: refDisplay, norm: '' }, spec, false);
  const hasGroups = Array.isArray(args.group_by) && args.group_by.length > 0;
  if (Array.isArray(args.ref_group_by) && args.ref_group_by.length && !hasGroups)
    ctx.unsupported("'ref_group_by' was provided without 'group_by'; DQX refuses the rule.");
  const groups = groupColumns(ctx, args.group_by);
  const refGroupsRaw =
    hasGroups && Array.isArray(args.ref_group_by) && args.ref_group_by.length
      ? args.ref_group_by
      : args.group_by;
  if (hasGroups && (refGroupsRaw as unknown[]).length !== groups.length)
    ctx.unsupported("'group_by' and 'ref_group_by' have different lengths; DQX refuses the rule.");
  const refRowFilter =
    typeof args.ref_row_filter === 'string' && args.ref_row_filter ? args.ref_row_filter : null;
  if (refRowFilter && !isSqlQuerySafe(refRowFilter))
    ctx.unsupported('The ref_row_filter is not a safe SQL expression; DQX refuses it.');

  const ref = ctx.refTable(args.ref_table);
  // the reference side: the aggregate over the (filtered) reference table, per reference group
  const refCol = (name: string) => {
    const col = ref.schema?.columns.find((c) => c.name.toLowerCase() === columnDisplay(name).toLowerCase());
    return col ?? null;
  };
  let refValue = '*';
  let refType: SparkType | null = null;
  if (!refStar) {
    const c = refCol(refColumnRaw);
    if (c && !/[`.]/.test(refColumnRaw.replace(/^`|`$/g, ''))) {
      refValue = quoteIdent(ctx.dialect, c.name);
      refType = parseSparkType(c.type);
    } else {
      refValue = ctx.expr(refColumnRaw);
      refType = null;
    }
  }
  const refResultType = aggrResultType(spec, refType, refStar);
  if (!refResultType && ctx.dialect === 'duckdb')
    ctx.unsupported(
      `The type of '${refDisplay}' in '${ref.name}' is not known (describe the reference table's columns), so ${spec.type} over it cannot be reproduced; the rule runs in a DQX job.`,
    );
  const refStarColumns = (ref.schema?.columns ?? []).map((c) => quoteIdent(ctx.dialect, c.name));
  if (refStar && spec.type === 'count_distinct' && !ref.schema)
    ctx.unsupported(`count_distinct of '*' needs the columns of '${ref.name}'; the rule runs in a DQX job.`);
  const refAgg = aggrSql(ctx, spec, refValue, refType, '', refStarColumns);
  const alias = ctx.id('ref');
  const refSrc = ctx.id('ref_s');
  const refMetric = ctx.id('ref_v');
  const where = refRowFilter ? ` WHERE ${ctx.expr(refRowFilter)}` : '';
  let join: string;
  if (groups.length) {
    const refGroups = (refGroupsRaw as unknown[]).map((g) => {
      if (typeof g !== 'string') return ctx.unsupported('ref_group_by must be a list of column names.');
      const c = refCol(g);
      if (ref.schema && !c) ctx.unsupported(`'${g}' is not a column of '${ref.name}'; DQX fails on it.`);
      return quoteIdent(ctx.dialect, c ? c.name : columnDisplay(g));
    });
    const keys = refGroups.map((_, i) => ctx.id(`ref_k${i}`));
    const on = groups.map((g, i) => nullSafeEq(ctx, g.sql, `${alias}.${keys[i]}`)).join(' AND ');
    join = `LEFT JOIN (SELECT ${refGroups.map((g, i) => `${g} AS ${keys[i]}`).join(', ')}, ${refAgg} AS ${refMetric} FROM ${ref.sql} AS ${refSrc}${where} GROUP BY ${refGroups.join(', ')}) AS ${alias} ON ${on}`;
  } else {
    join = `LEFT JOIN (SELECT ${refAgg} AS ${refMetric} FROM ${ref.sql} AS ${refSrc}${where}) AS ${alias} ON TRUE`;
  }
  const refName = ctx.id('ref_metric');
  const m = aggregateMetric(ctx, spec, input, groups);
  const label = `not equal to table '${args.ref_table}' column '${refDisplay}'`;
  return {
    columns: [
      ...m.columns,
      { name: refName, sql: `${alias}.${refMetric}`, type: simpleString(refResultType ?? m.type) },
    ],
    joins: [join, ...m.joins],
    condition: violation(ctx, 'ne', m.name, refName, abs, rel, true),
    message: aggrMessage(
      ctx,
      spec,
      input,
      { sql: m.name, type: m.type },
      args.group_by,
      label,
      ctx.str({ sql: refName, type: refResultType ?? m.type }),
    ),
  };
};

/** A plain column of the table, as DQX's `F.col(column)` needs it. */
function namedColumn(ctx: DatasetSqlContext, raw: unknown, check: string): ColumnValue {
  if (typeof raw !== 'string') return ctx.unsupported('The column must be a string.');
  const c = ctx.column(raw);
  if (c.sql.startsWith('('))
    ctx.unsupported(
      `${check} reads its column by name (F.col), so '${raw}' fails in DQX too; use a column name.`,
    );
  return c;
}

const NUMERIC = new Set(['tinyint', 'smallint', 'int', 'bigint', 'float', 'double', 'decimal']);

/** `has_no_outliers`: median ± 3.5·MAD, both percentile_approx(…, 0.5) over the filtered values. */
const hasNoOutliers: DatasetBuilder = (ctx, args) => {
  const col = namedColumn(ctx, args.column, 'has_no_outliers');
  if (!col.type || !NUMERIC.has(col.type.kind))
    ctx.unsupported(
      `Column '${col.display}' must be of numeric type to perform outlier detection using MAD method; DQX fails on it.`,
    );
  const where = ctx.rowFilter ? ` WHERE ${ctx.rowFilter}` : '';
  const alias = ctx.id('mad');
  const lo = ctx.id('lower');
  const hi = ctx.id('upper');
  const src = ctx.id('mad_s');
  let bounds: string;
  if (ctx.dialect === 'databricks') {
    const med = ctx.id('med');
    const mad = ctx.id('mad_v');
    const x = ctx.id('x');
    const half = 'CAST(0.5 AS DOUBLE)';
    const stats =
      `SELECT first(${med}) AS ${med}, percentile_approx(abs(${x} - ${med}), ${half}) AS ${mad} FROM ` +
      `(SELECT ${col.sql} AS ${x} FROM ${ctx.source} AS ${src}${where}) CROSS JOIN ` +
      `(SELECT percentile_approx(${col.sql}, ${half}) AS ${med} FROM ${ctx.source} AS ${src}${where})`;
    bounds = `SELECT CAST(${med} AS DOUBLE) - CAST(3.5 AS DOUBLE) * CAST(${mad} AS DOUBLE) AS ${lo}, CAST(${med} AS DOUBLE) + CAST(3.5 AS DOUBLE) * CAST(${mad} AS DOUBLE) AS ${hi} FROM (${stats})`;
  } else {
    // percentile_approx(…, 0.5) with the default accuracy: the element of rank ceil(n / 2)
    const l = '__dqx_l';
    const med = duckApproxRank(ctx, l, 0.5, 10000);
    const deviations = `list_sort(list_transform(${l}, __dqx_x -> abs(__dqx_x - __dqx_m)))`;
    const mad = duckApproxRank(ctx, deviations, 0.5, 10000);
    const pair =
      `list_transform([array_agg(${col.sql} ORDER BY ${col.sql}) FILTER (WHERE ${col.sql} IS NOT NULL)], ${l} -> ` +
      `CASE WHEN ${l} IS NULL OR len(${l}) = 0 THEN NULL ELSE list_transform([${med}], __dqx_m -> ` +
      `struct_pack(m := CAST(__dqx_m AS DOUBLE), d := CAST(${mad} AS DOUBLE)))[1] END)[1]`;
    const p = ctx.id('pair');
    bounds = `SELECT ${p}.m - CAST(3.5 AS DOUBLE) * ${p}.d AS ${lo}, ${p}.m + CAST(3.5 AS DOUBLE) * ${p}.d AS ${hi} FROM (SELECT ${pair} AS ${p} FROM ${ctx.source} AS ${src}${where})`;
  }
  const lower = ctx.id('lower_bound');
  const upper = ctx.id('upper_bound');
  const outside = `(${col.sql} < ${lower} OR ${col.sql} > ${upper})`;
  return {
    columns: [
      { name: lower, sql: `${alias}.${lo}`, type: 'double' },
      { name: upper, sql: `${alias}.${hi}`, type: 'double' },
    ],
    joins: [`LEFT JOIN (${bounds}) AS ${alias} ON TRUE`],
    condition: ctx.rowFilter ? `(${ctx.rowFilter} AND ${outside})` : outside,
    message: ctx.concat(
      ctx.lit("Value '"),
      ctx.str(col),
      ctx.lit(`' in Column '${col.display}' is an outlier as per MAD.`),
    ),
  };
};

const TIME_INTERVALS = ['minute', 'hour', 'day', 'week', 'month'];

/**
 * `has_no_aggr_outliers`: per group, the metric of each date_trunc bucket; the latest bucket against
 * the avg and stddev_pop of up to `lookback` previous buckets (silent below `warmup` of them, without
 * spread, or with a NULL latest metric). One subquery over the source, joined to every row of its
 * group.
 */
const hasNoAggrOutliers: DatasetBuilder = (ctx, args) => {
  const spec = aggrSpec(ctx, args.aggr_type ?? 'avg', args.aggr_params);
  const sigma = args.sigma ?? pyFloat('3.0');
  const lookback = args.lookback_num_intervals ?? 14;
  const warmup = args.warmup_num_intervals ?? 7;
  const interval = args.time_interval ?? 'day';
  const sigmaN = numericValue(sigma);
  const lookbackN = numericValue(lookback);
  const warmupN = numericValue(warmup);
  if (sigmaN === null || sigmaN <= 0)
    ctx.unsupported("'sigma' must be a positive number; DQX refuses the rule.");
  if (lookbackN === null || !Number.isInteger(lookbackN) || lookbackN < 2)
    ctx.unsupported("'lookback_num_intervals' must be >= 2; DQX refuses the rule.");
  if (warmupN === null || !Number.isInteger(warmupN) || warmupN < 1 || warmupN > lookbackN!)
    ctx.unsupported(
      "'warmup_num_intervals' must be between 1 and lookback_num_intervals; DQX refuses the rule.",
    );
  if (typeof interval !== 'string' || !TIME_INTERVALS.includes(interval))
    ctx.unsupported(`'time_interval' must be one of ${TIME_INTERVALS.join(', ')}; DQX refuses the rule.`);
  const input = aggrInput(ctx, args.column);
  validateStar(ctx, input, spec, !!ctx.rowFilter);
  const time = namedColumn(ctx, args.time_column, 'has_no_aggr_outliers');
  if (!time.type || !['date', 'timestamp', 'timestamp_ntz'].includes(time.type.kind))
    ctx.unsupported(
      `Column '${time.display}' must be of date or timestamp type for time-series bucketing; DQX fails on it.`,
    );
  const groups = groupColumns(ctx, args.group_by);
  const inType = input.col?.type ?? null;
  const metricType = aggrResultType(spec, inType, input.star);
  if (!metricType)
    return ctx.unsupported(
      `${spec.type} over '${input.display}' cannot be typed; the rule runs in a DQX job.`,
    );
  if (input.star && spec.type === 'count_distinct')
    ctx.unsupported(
      "count_distinct of '*' counts DQX's intermediate columns too; the rule runs in a DQX job.",
    );

  const id = (s: string) => ctx.id(s);
  const [grain, metric, rn, cur, mu, sd, n, cond, msg, src] = [
    'grain',
    'metric',
    'rn',
    'current',
    'mu',
    'sigma',
    'n',
    'cond',
    'msg',
    'o_s',
  ].map((s) => id(`o_${s}`)) as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const keys = groups.map((_, i) => id(`o_k${i}`));
  const filtered = input.star
    ? ctx.rowFilter
      ? `CASE WHEN ${ctx.rowFilter} THEN 1 END`
      : '*'
    : ctx.rowFilter
      ? `CASE WHEN ${ctx.rowFilter} THEN ${input.col!.sql} END`
      : input.col!.sql;
  const starColumns = ctx.table.columns.map((c) => quoteIdent(ctx.dialect, c.name));
  const trunc =
    ctx.dialect === 'databricks'
      ? `date_trunc(${ctx.lit(interval as string)}, ${time.sql})`
      : `date_trunc(${ctx.lit(interval as string)}, CAST(${time.sql} AS TIMESTAMP))`;
  const keySel = groups.map((g, i) => `${g.sql} AS ${keys[i]}`);
  const perBucket =
    `SELECT ${[...keySel, `${trunc} AS ${grain}`].join(', ')}, ${aggrSql(ctx, spec, filtered, inType, '', starColumns)} AS ${metric} ` +
    `FROM ${ctx.source} AS ${src} GROUP BY ${[...groups.map((g) => g.sql), trunc].join(', ')}`;
  const part = keys.length ? `PARTITION BY ${keys.join(', ')} ` : '';
  const ranked = `SELECT *, row_number() OVER (${part}ORDER BY ${grain} DESC NULLS LAST) AS ${rn} FROM (${perBucket})`;
  // avg of the bucket metrics: Spark's avg (a decimal metric keeps a decimal mean)
  const metricIn: AggrSpec = {
    type: 'avg',
    params: null,
    percentile: null,
    accuracy: 10000,
    deterministic: false,
    rsd: null,
  };
  const muType = aggrResultType(metricIn, metricType, false);
  if (!muType)
    return ctx.unsupported(`The ${spec.type} metric cannot be averaged; the rule runs in a DQX job.`);
  const hist = `CASE WHEN ${rn} >= 2 AND ${rn} <= ${lookbackN! + 1} THEN ${metric} END`;
  const stats = `SELECT ${[
    ...keys,
    `max(CASE WHEN ${rn} = 1 THEN ${metric} END) AS ${cur}`,
    `${aggrSql(ctx, metricIn, hist, metricType, '')} AS ${mu}`,
    `stddev_pop(${ctx.dialect === 'databricks' ? hist : `CAST(${hist} AS DOUBLE)`}) AS ${sd}`,
    `count(CASE WHEN ${rn} >= 2 AND ${rn} <= ${lookbackN! + 1} THEN 1 END) AS ${n}`,
  ].join(', ')} FROM (${ranked})${keys.length ? ` GROUP BY ${keys.join(', ')}` : ''}`;
  const sdSql = sd;
  const delta = `abs(${cur} - ${mu})`;
  const sigmaSql = ctx.limit(sigma).sql;
  const violated =
    `CASE WHEN ${n} IS NULL OR ${n} < ${warmupN} THEN FALSE WHEN ${sdSql} IS NULL OR ${sdSql} = 0 THEN FALSE ` +
    `WHEN ${cur} IS NULL THEN FALSE ELSE ${delta} > ${sigmaSql} * ${sdSql} END`;
  const deltaType = deltaTypeOf(metricType, muType);
  const message = ctx.concat(
    ctx.lit(`${spec.type}(${input.display}): current=`),
    ctx.str({ sql: cur, type: metricType }),
    ctx.lit(', baseline='),
    ctx.str({ sql: mu, type: muType }),
    ctx.lit(', stddev='),
    ctx.str({ sql: sdSql, type: { kind: 'double' } }),
    ctx.lit(', delta='),
    ctx.str({ sql: delta, type: deltaType }),
    ctx.lit(` exceeds ${pyStr(sigma)} x stddev (lookback=${pyStr(lookback)} intervals)`),
  );
  const result = `SELECT ${[...keys, `${violated} AS ${cond}`, `CASE WHEN ${violated} THEN ${message} END AS ${msg}`].join(', ')} FROM (${stats})`;
  const alias = id('o');
  const on = groups.length
    ? groups.map((g, i) => nullSafeEq(ctx, g.sql, `${alias}.${keys[i]}`)).join(' AND ')
    : 'TRUE';
  const condCol = id('outlier');
  const msgCol = id('outlier_msg');
  return {
    columns: [
      { name: condCol, sql: `${alias}.${cond}`, type: 'boolean' },
      { name: msgCol, sql: `${alias}.${msg}`, type: 'string' },
    ],
    joins: [`LEFT JOIN (${result}) AS ${alias} ON ${on}`],
    condition: condCol,
    message: msgCol,
  };
};

/** Spark's type of `abs(current - mean)`. */
function deltaTypeOf(metric: SparkType, mean: SparkType): SparkType {
  if (metric.kind === 'decimal' && mean.kind === 'decimal') {
    const scale = Math.max(metric.scale, mean.scale);
    const intDigits = Math.max(metric.precision - metric.scale, mean.precision - mean.scale);
    let precision = intDigits + scale + 1;
    let s = scale;
    if (precision > 38) {
      s = Math.max(38 - intDigits, Math.min(scale, 6));
      precision = 38;
    }
    return { kind: 'decimal', precision, scale: s };
  }
  return { kind: 'double' };
}

export const AGGREGATE_SQL: Record<string, DatasetBuilder> = {
  is_aggr_not_greater_than: aggrCompare('gt', 'greater than', false),
  is_aggr_not_less_than: aggrCompare('lt', 'less than', false),
  is_aggr_equal: aggrCompare('ne', 'not equal to', true),
  is_aggr_not_equal: aggrCompare('eq', 'equal to', true),
  aggr_matches_dataset: aggrMatchesDataset,
  has_no_outliers: hasNoOutliers,
  has_no_aggr_outliers: hasNoAggrOutliers,
};

export type { DatasetCheckSql };
