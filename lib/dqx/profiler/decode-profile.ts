/**
 * The profile plan's single result row -> per-field measures, typed as DQX's Python code sees them
 * (what `df.summary()` strings become after DQX's casts, what pyspark returns for aggregates).
 */
import type { Dialect } from '@/lib/sql/quote';

import type { FieldPlan } from './compile-profile';
import type { ProfileOptions } from './options';
import { type ProfiledField, type SparkType, isIntegral, isText, isTimestamp } from './spark-type';
import { sparkHashInt, sparkHashLong, sparkHashString, sparkPartitionOf } from './spark-hash';
import {
  type DqxValue,
  javaDoubleToString,
  pyDate,
  pyDateTime,
  pyDecimal,
  pyDecimalStr,
  pyFloat,
  pyInt,
  sparkDecimalAverage,
} from './values';

/** One result row, keyed by column name, values as a driver returns them. */
export type ResultRow = Record<string, unknown>;

/** Rows of a column-list result (the Warehouse port's `QueryResult`) as objects for `decode`. */
export function rowsToObjects(result: { columns: { name: string }[]; rows: unknown[][] }): ResultRow[] {
  return result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c.name, row[i]])));
}

export interface FieldMeasures {
  field: ProfiledField;
  /** Rows in the sample (DQX's `count`: every row, nulls included). */
  count: number;
  countNonNull: number;
  /** Distinct non-null (trimmed) values; null for geospatial columns, where DQX does not count them. */
  countDistinct: number | null;
  emptyCount: number;
  /** The `df.summary()` part of summary_stats (top-level numeric and string columns), DQX-typed. */
  summary: Record<string, DqxValue> | null;
  /** Distinct values, in the order DQX's Spark query returns them, when fewer than max_in_count. */
  distinctValues: DqxValue[] | null;
  /** min/max as a Spark aggregate returns them to Python (numeric fields, dates, timestamps). */
  aggMin: DqxValue;
  aggMax: DqxValue;
  /** Epoch-second aggregates DQX uses for date/timestamp min_max with outlier removal. */
  epoch: { min: DqxValue; max: DqxValue; mean: number | null; stddev: number | null } | null;
  /** MAD bounds and outlier count for has_no_outliers. */
  mad: { lower: number; upper: number; outliers: number } | null;
}

export interface DecodeContext {
  dialect: Dialect;
  options: ProfileOptions;
  /** Distinct values come in Spark shuffle-partition order (no LIMIT in the sample plan). */
  bucketOrder: boolean;
  shufflePartitions: number;
}

function text(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (typeof v === 'object' && 'toString' in v) return String(v);
  throw new Error(`Unexpected value in profile result: ${JSON.stringify(v)}`);
}

function count(v: unknown): number {
  const t = text(v);
  if (t === null) return 0;
  const n = Number(t);
  if (!Number.isSafeInteger(n)) throw new Error(`Unexpected count in profile result: ${t}`);
  return n;
}

function textArray(v: unknown): (string | null)[] | null {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.map(text);
  if (typeof v === 'string') {
    const parsed: unknown = JSON.parse(v);
    if (Array.isArray(parsed)) return parsed.map(text);
  }
  if (typeof v === 'object' && v !== null && 'items' in v && Array.isArray((v as { items: unknown }).items)) {
    return (v as { items: unknown[] }).items.map(text);
  }
  throw new Error(`Unexpected list in profile result: ${JSON.stringify(v)}`);
}

/** A double as DuckDB (`nan`, `inf`, `1e+20`) or Spark (`NaN`, `Infinity`, `1.0E20`) writes it. */
export function parseDouble(s: string): number {
  const t = s.trim().toLowerCase();
  if (t === 'nan' || t === '-nan') return NaN;
  if (t === 'inf' || t === '+inf' || t === 'infinity' || t === '+infinity') return Infinity;
  if (t === '-inf' || t === '-infinity') return -Infinity;
  const n = Number(t);
  if (Number.isNaN(n)) throw new Error(`Not a double: '${s}'`);
  return n;
}

/** DQX `_do_cast` of a `df.summary()` min/max string. */
function summaryValue(s: string | null, type: SparkType): DqxValue {
  if (!s) return null;
  if (isIntegral(type)) return pyInt(BigInt(s));
  if (type.kind === 'float' || type.kind === 'double') return pyFloat(parseDouble(s));
  if (type.kind === 'decimal') return pyDecimal(pyDecimalStr(s));
  if (isText(type)) return s;
  return null;
}

/**
 * A `df.summary()` percentile: Spark computes it with `percentile_approx` (decimals through doubles,
 * string columns cast to double) and DQX casts the text back by column type.
 */
function percentileValue(s: string | null, type: SparkType): DqxValue {
  if (!s) return null;
  if (isText(type)) return javaDoubleToString(parseDouble(s));
  if (type.kind === 'decimal') return pyDecimal(pyDecimalStr(javaDoubleToString(parseDouble(s))));
  // percentile_approx keeps its sketch in doubles: a bigint beyond 2^53 comes back rounded.
  if (type.kind === 'long') return pyInt(BigInt(Number(BigInt(s))));
  return summaryValue(s, type);
}

/** A Spark aggregate min/max as pyspark hands it to Python. */
function aggregateValue(s: string | null, type: SparkType): DqxValue {
  if (s === null) return null;
  if (isIntegral(type)) return pyInt(BigInt(s));
  if (type.kind === 'double') return pyFloat(parseDouble(s));
  if (type.kind === 'float') return pyFloat(Math.fround(parseDouble(s)));
  if (type.kind === 'decimal') return pyDecimal(pyDecimalStr(s));
  return null;
}

function isoDate(days: bigint): string {
  const d = new Date(Number(days) * 86_400_000);
  const y = d.getUTCFullYear();
  const year = y < 0 ? '-' + String(-y).padStart(6, '0') : y > 9999 ? '+' + String(y) : String(y).padStart(4, '0');
  return `${year}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
}

/** Python `datetime.isoformat()` of a UTC-aware datetime from epoch microseconds. */
export function isoDateTimeFromMicros(micros: bigint): string {
  const days = micros >= 0n ? micros / 86_400_000_000n : -((-micros + 86_399_999_999n) / 86_400_000_000n);
  const inDay = micros - days * 86_400_000_000n;
  const secs = inDay / 1_000_000n;
  const us = inDay % 1_000_000n;
  const hh = String(secs / 3600n).padStart(2, '0');
  const mm = String((secs % 3600n) / 60n).padStart(2, '0');
  const ss = String(secs % 60n).padStart(2, '0');
  const frac = us === 0n ? '' : '.' + String(us).padStart(6, '0');
  return `${isoDate(days)}T${hh}:${mm}:${ss}${frac}+00:00`;
}

export function isoDateFromDays(days: bigint): string {
  return isoDate(days);
}

function hashOf(value: string, type: SparkType): number {
  if (type.kind === 'long') return sparkHashLong(BigInt(value));
  if (type.kind === 'int' || type.kind === 'short') return sparkHashInt(Number(value));
  return sparkHashString(value);
}

function compareValueText(a: string, b: string, type: SparkType): number {
  if (isIntegral(type)) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

function mean(sumText: string | null, n: number): number | null {
  if (sumText === null || n === 0) return null;
  return parseDouble(sumText) / n;
}

export function decodeMeasures(row: ResultRow, plans: FieldPlan[], ctx: DecodeContext): FieldMeasures[] {
  const total = count(row.n);
  const get = (plan: FieldPlan, key: keyof FieldPlan['out']): unknown => {
    const name = plan.out[key];
    return name === undefined ? undefined : row[name];
  };
  return plans.map((plan) => {
    const { field } = plan;
    const type = field.type;
    const countNonNull = count(get(plan, 'nn'));
    const nd = get(plan, 'nd');

    let summary: Record<string, DqxValue> | null = null;
    if (plan.out.quartiles !== undefined) {
      const qs = textArray(get(plan, 'quartiles')) ?? [null, null, null];
      let meanValue: number | null;
      if (plan.out.mean !== undefined) {
        const m = text(get(plan, 'mean'));
        meanValue = m === null ? null : parseDouble(m);
      } else if (type.kind === 'decimal') {
        const sum = text(get(plan, 'meanSum'));
        meanValue =
          sum === null || countNonNull === 0
            ? null
            : parseDouble(sparkDecimalAverage(sum, BigInt(countNonNull), type.precision, type.scale));
      } else {
        meanValue = mean(text(get(plan, 'meanSum')), count(get(plan, 'meanCount')));
      }
      const sd = text(get(plan, 'stddev'));
      const textColumn = isText(type);
      summary = {
        // Spark's non-null count, cast like any summary value; replaced by the row count when rows exist.
        count: summaryValue(String(countNonNull), type),
        mean: meanValue === null ? null : pyFloat(meanValue),
        stddev: sd === null ? null : pyFloat(parseDouble(sd)),
        min: textColumn ? null : summaryValue(text(get(plan, 'min')), type),
        '25%': percentileValue(qs[0] ?? null, type),
        '50%': percentileValue(qs[1] ?? null, type),
        '75%': percentileValue(qs[2] ?? null, type),
        max: textColumn ? null : summaryValue(text(get(plan, 'max')), type),
      };
    }

    let distinctValues: DqxValue[] | null = null;
    const vals = textArray(get(plan, 'values'));
    if (vals) {
      let ordered = vals.filter((v): v is string => v !== null);
      if (ctx.bucketOrder) {
        const keyed = ordered.map((v) => ({ v, b: sparkPartitionOf(hashOf(v, type), ctx.shufflePartitions) }));
        keyed.sort((a, b) => a.b - b.b || compareValueText(a.v, b.v, type));
        ordered = keyed.map((k) => k.v);
      }
      distinctValues = ordered.map((v) => (isIntegral(type) ? pyInt(BigInt(v)) : v));
    }

    let aggMin: DqxValue = null;
    let aggMax: DqxValue = null;
    let epoch: FieldMeasures['epoch'] = null;
    if (plan.out.min !== undefined) {
      aggMin = aggregateValue(text(get(plan, 'min')), type);
      aggMax = aggregateValue(text(get(plan, 'max')), type);
    }
    if (plan.out.mmMin !== undefined) {
      const lo = text(get(plan, 'mmMin'));
      const hi = text(get(plan, 'mmMax'));
      if (lo !== null && hi !== null) {
        if (type.kind === 'date') {
          aggMin = pyDate(isoDate(BigInt(lo)));
          aggMax = pyDate(isoDate(BigInt(hi)));
        } else if (isTimestamp(type)) {
          aggMin = pyDateTime(isoDateTimeFromMicros(BigInt(lo)));
          aggMax = pyDateTime(isoDateTimeFromMicros(BigInt(hi)));
        }
      }
      if (plan.out.mmStddev !== undefined && lo !== null && hi !== null) {
        let m: number | null;
        if (plan.out.mmMean !== undefined) {
          const t = text(get(plan, 'mmMean'));
          m = t === null ? null : parseDouble(t);
        } else {
          m = mean(text(get(plan, 'mmMeanSum')), count(get(plan, 'mmMeanCount')));
        }
        const sd = text(get(plan, 'mmStddev'));
        epoch =
          type.kind === 'date'
            ? {
                min: pyInt(BigInt(lo) * 86_400n),
                max: pyInt(BigInt(hi) * 86_400n),
                mean: m,
                stddev: sd === null ? null : parseDouble(sd),
              }
            : {
                min: pyFloat(Number(BigInt(lo)) / 1e6),
                max: pyFloat(Number(BigInt(hi)) / 1e6),
                mean: m,
                stddev: sd === null ? null : parseDouble(sd),
              };
      }
    }

    let mad: FieldMeasures['mad'] = null;
    if (plan.out.madLo !== undefined) {
      const lo = text(get(plan, 'madLo'));
      const hi = text(get(plan, 'madHi'));
      if (lo !== null && hi !== null) {
        mad = { lower: parseDouble(lo), upper: parseDouble(hi), outliers: count(get(plan, 'madOutliers')) };
      }
    }

    return {
      field,
      count: total,
      countNonNull,
      countDistinct: nd === undefined ? null : count(nd),
      emptyCount: plan.out.empty !== undefined ? count(get(plan, 'empty')) : 0,
      summary,
      distinctValues,
      aggMin,
      aggMax,
      epoch,
      mad,
    };
  });
}
