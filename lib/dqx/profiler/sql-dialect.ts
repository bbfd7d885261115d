/**
 * The few SQL spellings the profile plan needs, per dialect. Identifiers and literals never appear
 * here: expressions are composed from already-quoted references (lib/sql/quote.ts) and numbers the
 * plan itself chose.
 */
import type { Dialect } from '@/lib/sql/quote';

export interface ProfileSql {
  dialect: Dialect;
  toText(e: string): string;
  toTextArray(e: string): string;
  toDouble(e: string): string;
  tryToDouble(e: string): string;
  /** Non-null values in scan order (bounded plans only). */
  collectList(e: string): string;
  /** Distinct non-null values, in no particular order. */
  collectSet(e: string): string;
  /**
   * All distinct non-null values when there are at most k of them (callers gate on the exact
   * distinct count), without materialising every distinct value of a high-cardinality column.
   */
  fewDistinct(e: string, k: number): string;
  /** Distinct values of a list in order of first occurrence. */
  distinctInOrder(list: string): string;
  /** `percentile_approx(e, [0.25, 0.5, 0.75])` (DuckDB: exact `quantile_disc`, the same rank rule). */
  quartiles(e: string): string;
  /** The element of rank max(ceil(q * n), 1) of a list of n values (Spark's exact-mode percentile). */
  listPercentile(list: string, q: number): string;
  /** |v - center| per value: in double for float columns, in bigint for integral ones (no overflow), else native. */
  listAbsDeviation(list: string, center: string, as: 'DOUBLE' | 'BIGINT' | null): string;
  listCountOutside(list: string, lo: string, hi: string): string;
  /** Spark's stddev_samp, by replaying its update formula over a list in scan order (DuckDB only). */
  listStddevLikeSpark(list: string): string;
  stddev(e: string): string;
  avg(e: string): string;
  sum(e: string): string;
  daysSinceEpoch(e: string): string;
  microsSinceEpoch(e: string): string;
  epochSecondsDouble(e: string): string;
  doubleLiteral(x: number): string;
}

const duckdb: ProfileSql = {
  dialect: 'duckdb',
  toText: (e) => `CAST(${e} AS VARCHAR)`,
  toTextArray: (e) => `CAST(${e} AS VARCHAR[])`,
  toDouble: (e) => `CAST(${e} AS DOUBLE)`,
  tryToDouble: (e) => `TRY_CAST(${e} AS DOUBLE)`,
  collectList: (e) => `list(${e}) FILTER (WHERE ${e} IS NOT NULL)`,
  collectSet: (e) => `list(DISTINCT ${e}) FILTER (WHERE ${e} IS NOT NULL)`,
  // Space-saving sketch: exact while the distinct values fit in its capacity (>= k).
  fewDistinct: (e, k) => `approx_top_k(${e}, ${k})`,
  distinctInOrder: (l) =>
    `list_transform(list_sort(list_transform(list_distinct(${l}), v -> {'p': list_position(${l}, v), 'v': v})), e -> e.v)`,
  quartiles: (e) => `quantile_disc(${e}, [0.25, 0.5, 0.75])`,
  listPercentile: (l, q) => `list_extract(list_sort(${l}), CAST(greatest(ceil(${q} * len(${l})), 1) AS BIGINT))`,
  listAbsDeviation: (l, c, as) =>
    as ? `list_transform(${l}, v -> abs(CAST(v AS ${as}) - CAST(${c} AS ${as})))` : `list_transform(${l}, v -> abs(v - ${c}))`,
  listCountOutside: (l, lo, hi) => `len(list_filter(${l}, v -> CAST(v AS DOUBLE) < ${lo} OR CAST(v AS DOUBLE) > ${hi}))`,
  listStddevLikeSpark: (l) =>
    `CASE WHEN len(${l}) >= 2 THEN sqrt(list_reduce(list_transform(${l}, x -> {'n': CAST(1 AS DOUBLE), 'a': x, 'm': CAST(0 AS DOUBLE)}), ` +
    `(s, e) -> {'n': s.n + 1, 'a': s.a + (e.a - s.a) / (s.n + 1), 'm': s.m + (e.a - s.a) * ((e.a - s.a) - (e.a - s.a) / (s.n + 1))}).m / CAST(len(${l}) - 1 AS DOUBLE)) END`,
  // DuckDB's stddev_samp raises on non-finite input where Spark's returns NaN.
  stddev: (e) =>
    `CASE WHEN count(${e}) < 2 THEN NULL WHEN count_if(NOT isfinite(${e})) > 0 THEN CAST('NaN' AS DOUBLE) ` +
    `ELSE stddev_samp(CASE WHEN isfinite(${e}) THEN ${e} END) END`,
  avg: (e) => `avg(${e})`,
  sum: (e) => `sum(${e})`,
  daysSinceEpoch: (e) => `date_diff('day', DATE '1970-01-01', ${e})`,
  microsSinceEpoch: (e) => `epoch_us(${e})`,
  epochSecondsDouble: (e) => `CAST(epoch_us(${e}) AS DOUBLE) / CAST(1000000 AS DOUBLE)`,
  doubleLiteral: (x) => `CAST(${x} AS DOUBLE)`,
};

const databricks: ProfileSql = {
  dialect: 'databricks',
  toText: (e) => `CAST(${e} AS STRING)`,
  toTextArray: (e) => `CAST(${e} AS ARRAY<STRING>)`,
  toDouble: (e) => `CAST(${e} AS DOUBLE)`,
  tryToDouble: (e) => `TRY_CAST(${e} AS DOUBLE)`,
  collectList: (e) => `collect_list(${e})`,
  collectSet: (e) => `collect_set(${e})`,
  fewDistinct: (e) => `collect_set(${e})`,
  distinctInOrder: (l) => `array_distinct(${l})`,
  quartiles: (e) => `percentile_approx(${e}, array(0.25D, 0.5D, 0.75D), 10000)`,
  listPercentile: (l, q) => `try_element_at(array_sort(${l}), CAST(greatest(ceil(${q}D * size(${l})), 1) AS INT))`,
  listAbsDeviation: (l, c, as) =>
    as ? `transform(${l}, v -> abs(CAST(v AS ${as}) - CAST(${c} AS ${as})))` : `transform(${l}, v -> abs(v - ${c}))`,
  listCountOutside: (l, lo, hi) => `size(filter(${l}, v -> CAST(v AS DOUBLE) < ${lo} OR CAST(v AS DOUBLE) > ${hi}))`,
  listStddevLikeSpark: (l) => {
    throw new Error(`not needed on Databricks (stddev_samp is Spark's own): ${l}`);
  },
  stddev: (e) => `stddev_samp(${e})`,
  avg: (e) => `avg(${e})`,
  sum: (e) => `sum(${e})`,
  daysSinceEpoch: (e) => `unix_date(${e})`,
  microsSinceEpoch: (e) => `unix_micros(CAST(${e} AS TIMESTAMP))`,
  epochSecondsDouble: (e) => `CAST(CAST(${e} AS TIMESTAMP) AS DOUBLE)`,
  doubleLiteral: (x) => `CAST(${x} AS DOUBLE)`,
};

export function profileSql(dialect: Dialect): ProfileSql {
  return dialect === 'duckdb' ? duckdb : databricks;
}
