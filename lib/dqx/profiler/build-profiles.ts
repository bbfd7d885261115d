/**
 * DQX's profile builders (databricks-labs-dqx 0.17.0 `profile_builder.py`), run over the decoded
 * measures in DQX's order: per field null_or_empty, is_in, min_max, has_no_outliers. The decisions,
 * limits, rounding, value types and description texts are DQX's; each profile also carries the
 * evidence it was decided on.
 */
import type { FieldMeasures } from './decode-profile';
import { isoDateFromDays, isoDateTimeFromMicros } from './decode-profile';
import { hasNoOutliersEnabled, removesOutliers, type ProfileOptions } from './options';
import { type SparkType, isIntegral, isNumeric, isText, isTimestamp, supportsDistinctValues, supportsMinMax } from './spark-type';
import type { ColumnSummaryStats, DqProfile, EvidenceValue, ProfileEvidence, ProfileResult } from './types';
import {
  type DqxValue,
  compareNumbers,
  decimalToIntegral,
  floatOf,
  isTagged,
  pyDate,
  pyDateTime,
  pyDecimal,
  pyFloat,
  pyFloatRepr,
  pyFormatFixed,
  pyInt,
  pyStr,
} from './values';

const pct = (ratio: number) => pyFormatFixed(ratio * 100, 1);

/** Python's rendering of a numeric option in an f-string (JSON cannot tell 3 from 3.0; integral values print as ints). */
const optionStr = (x: number) => (Number.isInteger(x) ? String(x) : pyFloatRepr(x));

function evidence(
  m: FieldMeasures,
  statistic: string,
  value: EvidenceValue,
  statistics: Record<string, EvidenceValue>,
  thresholds: ProfileEvidence['thresholds'],
): ProfileEvidence {
  return { statistic, value, statistics, thresholds, rowsProfiled: m.count };
}

function nullOrEmpty(m: FieldMeasures, o: ProfileOptions): DqProfile | null {
  const column = m.field.name;
  const total = m.count;
  if (total === 0) return null;
  const nullCount = total - m.countNonNull;
  const nullRatio = nullCount / total;
  const filter = o.filter;
  const maxNull = o.max_null_ratio;
  if (!isText(m.field.type)) {
    if (nullRatio > maxNull) return null;
    return {
      name: 'is_not_null',
      column,
      description: nullCount > 0 ? `Column ${column} has ${pct(nullRatio)}% of null values (allowed ${pct(maxNull)}%)` : null,
      parameters: null,
      filter,
      evidence: evidence(m, 'null_ratio', nullRatio, { count: total, count_null: nullCount, null_ratio: nullRatio }, { max_null_ratio: maxNull }),
    };
  }
  const emptyCount = m.emptyCount;
  const emptyRatio = emptyCount / total;
  const maxEmpty = o.max_empty_ratio;
  const notNull = nullRatio <= maxNull;
  const notEmpty = emptyRatio <= maxEmpty;
  const stats = { count: total, count_null: nullCount, null_ratio: nullRatio, empty_count: emptyCount, empty_ratio: emptyRatio };
  const thresholds = { max_null_ratio: maxNull, max_empty_ratio: maxEmpty, trim_strings: o.trim_strings };
  if (notNull && notEmpty) {
    return {
      name: 'is_not_null_or_empty',
      column,
      description:
        nullCount > 0 || emptyCount > 0
          ? `Column ${column} has ${pct(nullRatio)}% of null values and has ${pct(emptyRatio)}% of empty values (allowed ${pct(maxNull)}% of nulls and ${pct(maxEmpty)}% of empty values)`
          : null,
      parameters: { trim_strings: o.trim_strings },
      filter,
      evidence: evidence(m, 'null_ratio', nullRatio, stats, thresholds),
    };
  }
  if (notNull) {
    return {
      name: 'is_not_null',
      column,
      description: `Column ${column} has ${pct(nullRatio)}% of null values (allowed ${pct(maxNull)}%); empty value check skipped: ${pct(emptyRatio)}% empty (exceeds ${pct(maxEmpty)}% threshold)`,
      parameters: null,
      filter,
      evidence: evidence(m, 'null_ratio', nullRatio, stats, thresholds),
    };
  }
  if (notEmpty) {
    return {
      name: 'is_not_empty',
      column,
      description: emptyCount > 0 ? `Column ${column} has ${pct(emptyRatio)}% of empty values (allowed ${pct(maxEmpty)}%)` : null,
      parameters: { trim_strings: o.trim_strings },
      filter,
      evidence: evidence(m, 'empty_ratio', emptyRatio, stats, thresholds),
    };
  }
  return null;
}

function isIn(m: FieldMeasures, o: ProfileOptions): DqProfile | null {
  if (!supportsDistinctValues(m.field.type)) return null;
  if (m.countNonNull === 0) return null;
  const values = m.distinctValues;
  if (!values || values.length === 0) return null;
  const distinctCount = values.length;
  const ratio = distinctCount / m.countNonNull;
  if (!(distinctCount < o.max_in_count && ratio < o.distinct_ratio)) return null;
  return {
    name: 'is_in',
    column: m.field.name,
    description: null,
    parameters: { in: values },
    filter: o.filter,
    evidence: evidence(
      m,
      'count_distinct',
      distinctCount,
      { count_distinct: distinctCount, count_non_null: m.countNonNull, distinct_ratio: ratio },
      { max_in_count: o.max_in_count, distinct_ratio: o.distinct_ratio },
    ),
  };
}

// --- min_max -----------------------------------------------------------------------------------

function floorOrCeil(x: number, direction: 'down' | 'up'): DqxValue {
  if (!Number.isFinite(x)) throw new Error(`cannot round ${x}`);
  return pyInt(BigInt(direction === 'down' ? Math.floor(x) : Math.ceil(x)));
}

/** DQX `_round_value` on a Python value (no-op when `round` is off). */
function roundValue(v: DqxValue, direction: 'down' | 'up', o: ProfileOptions): DqxValue {
  if (v === null || !o.round || !isTagged(v)) return v;
  switch (v.type) {
    case 'datetime':
      return pyDateTime(roundDateTime(v.value, direction));
    case 'float':
      return floorOrCeil(floatOf(v), direction);
    case 'decimal':
      return pyDecimal(decimalToIntegral(v.value, direction));
    default:
      return v;
  }
}

/** Midnight below (down) or the next midnight unless already midnight (up), on an isoformat UTC datetime. */
function roundDateTime(iso: string, direction: 'down' | 'up'): string {
  const date = iso.slice(0, iso.indexOf('T'));
  const time = iso.slice(iso.indexOf('T') + 1, iso.indexOf('+'));
  const midnight = `${date}T00:00:00+00:00`;
  if (direction === 'down' || time === '00:00:00') return midnight;
  const days = BigInt(Math.round(Date.parse(`${date}T00:00:00Z`) / 86_400_000)) + 1n;
  return `${isoDateFromDays(days)}T00:00:00+00:00`;
}

/** CPython `datetime.fromtimestamp(t, timezone.utc)`: microseconds rounded half-to-even. */
function dateTimeFromEpochSeconds(t: number): string {
  let intPart = Math.trunc(t);
  let frac = (t - intPart) * 1e6;
  const r = Math.round(frac);
  // round half to even
  frac = Math.abs(frac - Math.trunc(frac)) === 0.5 ? 2 * Math.round(frac / 2) : r;
  if (frac >= 1e6) {
    frac -= 1e6;
    intPart += 1;
  } else if (frac < 0) {
    frac += 1e6;
    intPart -= 1;
  }
  return isoDateTimeFromMicros(BigInt(intPart) * 1_000_000n + BigInt(frac));
}

function pyIntOfNumber(v: DqxValue): DqxValue {
  // Python int(x): truncation toward zero for floats, identity for ints.
  if (!isTagged(v)) throw new Error(`int() of ${JSON.stringify(v)}`);
  if (v.type === 'int') return v;
  if (v.type === 'float') {
    const x = floatOf(v);
    if (!Number.isFinite(x)) throw new Error(`int() of ${x}`);
    return pyInt(BigInt(Math.trunc(x)));
  }
  throw new Error(`int() of ${JSON.stringify(v)}`);
}

function numberOf(v: DqxValue): number {
  if (!isTagged(v)) throw new Error(`float() of ${JSON.stringify(v)}`);
  if (v.type === 'float') return floatOf(v);
  if (v.type === 'int' || v.type === 'decimal') return Number(v.value);
  throw new Error(`float() of ${JSON.stringify(v)}`);
}

/** DQX `_adjust_min_max_limits`. Returns nulls where DQX returns None. */
function adjustLimits(type: SparkType, min: DqxValue, max: DqxValue, o: ProfileOptions): [DqxValue, DqxValue] {
  if (type.kind === 'date') {
    const toDate = (v: DqxValue) => {
      const seconds = pyIntOfNumber(v);
      const s = BigInt(isTagged(seconds) && seconds.type === 'int' ? seconds.value : 0);
      const days = s >= 0n ? s / 86_400n : -((-s + 86_399n) / 86_400n);
      return pyDate(isoDateFromDays(days));
    };
    return [toDate(min), toDate(max)];
  }
  if (isTimestamp(type)) {
    const toDateTime = (v: DqxValue) => pyDateTime(dateTimeFromEpochSeconds(numberOf(v)));
    return [roundValue(toDateTime(min), 'down', o), roundValue(toDateTime(max), 'up', o)];
  }
  if (isIntegral(type)) {
    if (min === null || max === null) throw new UnsupportedByDqx('int() of None');
    return [pyIntOfNumber(roundValue(min, 'down', o)), pyIntOfNumber(roundValue(max, 'up', o))];
  }
  return [min, max];
}

/** A case where DQX itself raises (kept explicit so the profile is skipped, not silently wrong). */
class UnsupportedByDqx extends Error {}

const lt = (a: DqxValue, b: DqxValue) => compareNumbers(a, b) < 0;
const gt = (a: DqxValue, b: DqxValue) => compareNumbers(a, b) > 0;

function minMaxWithOutlierRemoval(m: FieldMeasures, o: ProfileOptions, summaryMetrics: ColumnSummaryStats): DqProfile | null {
  const type = m.field.type;
  let minValue: DqxValue;
  let maxValue: DqxValue;
  let meanValue: number | null;
  let stddevValue: number | null;
  if (type.kind === 'date' || isTimestamp(type)) {
    if (!m.epoch) return null;
    minValue = m.epoch.min;
    maxValue = m.epoch.max;
    meanValue = m.epoch.mean;
    stddevValue = m.epoch.stddev;
  } else {
    minValue = summaryMetrics.min ?? null;
    maxValue = summaryMetrics.max ?? null;
    const mean = summaryMetrics.mean;
    const sd = summaryMetrics.stddev;
    meanValue = mean && isTagged(mean) && mean.type === 'float' ? floatOf(mean) : null;
    stddevValue = sd && isTagged(sd) && sd.type === 'float' ? floatOf(sd) : null;
  }
  const k = o.num_sigmas;
  const stats: Record<string, EvidenceValue> = {
    min: minValue,
    max: maxValue,
    mean: meanValue,
    stddev: stddevValue,
  };
  const thresholds = { num_sigmas: k, round: o.round, remove_outliers: true };
  let limits: [DqxValue, DqxValue];
  let description: string;
  let decision: string;
  try {
    if (meanValue === null || stddevValue === null) {
      limits = adjustLimits(type, minValue, maxValue, o);
      description = 'Real min/max values were used';
      decision = 'real_min_max';
    } else {
      const lo = pyFloat(meanValue - k * stddevValue);
      const hi = pyFloat(meanValue + k * stddevValue);
      stats.lower_limit = lo;
      stats.upper_limit = hi;
      const head = `avg=${pyFloatRepr(meanValue)}, stddev=${pyFloatRepr(stddevValue)}`;
      if (lt(lo, minValue) && gt(hi, maxValue)) {
        limits = adjustLimits(type, minValue, maxValue, o);
        description = 'Real min/max values were used';
        decision = 'real_min_max';
      } else if (gt(lo, minValue) && lt(hi, maxValue)) {
        limits = adjustLimits(type, lo, hi, o);
        description = `Range doesn't include outliers, capped by ${optionStr(k)} sigmas. ${head}, min=${pyStr(minValue)}, max=${pyStr(maxValue)}`;
        decision = 'capped_min_max';
      } else if (lt(lo, minValue)) {
        limits = adjustLimits(type, minValue, hi, o);
        description = `Real min value was used. Max was capped by ${optionStr(k)} sigmas. ${head}, max=${pyStr(maxValue)}`;
        decision = 'capped_max';
      } else if (gt(hi, maxValue)) {
        limits = adjustLimits(type, lo, maxValue, o);
        description = `Real max value was used. Min was capped by ${optionStr(k)} sigmas. ${head}, min=${pyStr(minValue)}`;
        decision = 'capped_min';
      } else {
        limits = adjustLimits(type, minValue, maxValue, o);
        description = 'Real min/max values were used';
        decision = 'real_min_max';
      }
    }
  } catch (e) {
    if (e instanceof UnsupportedByDqx) return null;
    throw e;
  }
  const [min, max] = limits;
  if (min === null || max === null) return null;
  return {
    name: 'min_max',
    column: m.field.name,
    description,
    parameters: { min, max },
    filter: o.filter,
    evidence: evidence(m, 'min_max', decision, stats, thresholds),
  };
}

function minMaxWithoutOutlierRemoval(m: FieldMeasures, o: ProfileOptions, summaryMetrics: ColumnSummaryStats): DqProfile | null {
  let minValue: DqxValue = summaryMetrics.min ?? null;
  let maxValue: DqxValue = summaryMetrics.max ?? null;
  if (minValue === null || maxValue === null) {
    if (m.aggMin === null) return null;
    minValue = m.aggMin;
    maxValue = m.aggMax;
  }
  const min = roundValue(minValue, 'down', o);
  const max = roundValue(maxValue, 'up', o);
  return {
    name: 'min_max',
    column: m.field.name,
    description: 'Real min/max values were used',
    parameters: { min, max },
    filter: o.filter,
    evidence: evidence(m, 'min_max', 'real_min_max', { min: minValue, max: maxValue }, { round: o.round, remove_outliers: false }),
  };
}

function minMax(m: FieldMeasures, o: ProfileOptions, metrics: ColumnSummaryStats): DqProfile | null {
  if (m.countNonNull === 0) return null;
  if (!supportsMinMax(m.field.type)) return null;
  return removesOutliers(m.field.name, o) ? minMaxWithOutlierRemoval(m, o, metrics) : minMaxWithoutOutlierRemoval(m, o, metrics);
}

function hasNoOutliers(m: FieldMeasures, o: ProfileOptions): DqProfile | null {
  if (!isNumeric(m.field.type)) return null;
  if (!hasNoOutliersEnabled(m.field.name, o)) return null;
  if (m.countNonNull === 0) return null;
  if (!m.mad) return null;
  const { lower, upper, outliers } = m.mad;
  const band = upper - lower;
  const scale = Math.max(Math.abs(lower), Math.abs(upper));
  if (band <= 0 || (scale > 0 && band <= 1e-12 * scale)) return null;
  const ratio = outliers / m.countNonNull;
  const threshold = o.outliers_ratio;
  if (!(ratio <= threshold)) return null;
  const safe = m.field.name.replaceAll('\n', ' ').replaceAll('\r', ' ');
  return {
    name: 'has_no_outliers',
    column: m.field.name,
    description: `Column ${safe} has ${pct(ratio)}% of outliers (allowed: ${pct(threshold)}%). Lower boundary - ${pyFloatRepr(lower)}, upper boundary - ${pyFloatRepr(upper)}.`,
    parameters: null,
    filter: o.filter,
    evidence: evidence(
      m,
      'outliers_ratio',
      ratio,
      { outliers: outliers, count_non_null: m.countNonNull, outliers_ratio: ratio, lower_bound: lower, upper_bound: upper },
      { outliers_ratio: threshold },
    ),
  };
}

/** DQX `_build_column_metrics`: summary() stats, then registry metrics, then the always-on counts. */
function columnMetrics(m: FieldMeasures): ColumnSummaryStats {
  const metrics: ColumnSummaryStats = { ...(m.summary ?? {}) };
  metrics.count_non_null = pyInt(m.countNonNull);
  metrics.empty_count = pyInt(m.emptyCount);
  if (m.countDistinct !== null) metrics.count_distinct = pyInt(m.countDistinct);
  metrics.count_non_null = pyInt(m.countNonNull);
  metrics.count = pyInt(m.count);
  metrics.count_null = pyInt(m.count - m.countNonNull);
  return metrics;
}

/** The profiles and summary statistics DQX builds from these measures. */
export function buildProfiles(measures: FieldMeasures[], o: ProfileOptions): Omit<ProfileResult, 'sampling'> {
  const rowsProfiled = measures[0]?.count ?? 0;
  const summaryStats: Record<string, ColumnSummaryStats> = {};
  // DQX starts from df.summary() (top-level numeric/string columns), then adds every field.
  for (const m of measures) if (m.summary) summaryStats[m.field.name] = { ...m.summary };
  const profiles: DqProfile[] = [];
  if (rowsProfiled === 0) return { rowsProfiled, summaryStats, profiles };
  for (const m of measures) {
    const metrics = columnMetrics(m);
    summaryStats[m.field.name] = metrics;
    for (const build of [nullOrEmpty, isIn]) {
      const p = build(m, o);
      if (p) profiles.push(p);
    }
    const mm = minMax(m, o, metrics);
    if (mm) {
      profiles.push(mm);
      const params = mm.parameters as { min: DqxValue; max: DqxValue };
      if (params.min !== null) metrics.min = params.min;
      if (params.max !== null) metrics.max = params.max;
    }
    const hno = hasNoOutliers(m, o);
    if (hno) profiles.push(hno);
  }
  return { rowsProfiled, summaryStats, profiles };
}
