/**
 * How our profile is compared with DQX's recorded one. Everything must be equal, value and Python
 * type, except where docs/profiler.md says otherwise; the exceptions are spelled out here:
 *
 * - `relaxStddev` (DuckDB without exact replay, i.e. samples above EXACT_REPLAY_MAX_ROWS or without a
 *   limit): `summary_stats[*].stddev` may differ from Spark's by at most 1e-12 relative, because DuckDB's
 *   stddev_samp uses a different streaming update than Spark's. Nothing in the vectors depends on it
 *   otherwise (profiles built from a stddev are only compared exactly where the replay is exact).
 *
 * Rules: DQX's rule dicts are compared after the documented JSON mapping (toDqxJson) of their values.
 */
import { isDeepStrictEqual } from 'node:util';

import { toDqxJson, type GeneratedRule } from '@/lib/dqx/generator';
import type { ProfileResult } from '@/lib/dqx/profiler';
import { isTagged, type DqxValue } from '@/lib/dqx/profiler/values';

import type { ProfilerVector } from './vectors';

export interface CompareMode {
  relaxStddev: boolean;
}

const show = (v: unknown) => JSON.stringify(v);

function plainDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plainDeep);
  if (v !== null && typeof v === 'object') {
    if (isTagged(v as DqxValue) && typeof (v as { type: unknown }).type === 'string' && 'value' in v && Object.keys(v).length === 2) {
      return toDqxJson(v as DqxValue);
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plainDeep(x)]));
  }
  return v;
}

function closeFloat(a: DqxValue, b: DqxValue): boolean {
  if (!isTagged(a) || !isTagged(b) || a.type !== 'float' || b.type !== 'float') return false;
  if (typeof a.value !== 'number' || typeof b.value !== 'number') return false;
  const scale = Math.max(Math.abs(a.value), Math.abs(b.value));
  return Math.abs(a.value - b.value) <= 1e-12 * scale;
}

export function compareWithDqx(vector: ProfilerVector, actual: ProfileResult, rules: GeneratedRule[], mode: CompareMode): string[] {
  const diffs: string[] = [];
  const expected = vector.expected;
  if (!expected) return [`vector ${vector.name} has no recorded expectation (run record.py)`];

  if (actual.rowsProfiled !== expected.rows_profiled) {
    diffs.push(`rowsProfiled: ${actual.rowsProfiled}, expected ${expected.rows_profiled} (every row${vector.options.filter ? ' passing the filter' : ''})`);
  }

  const expCols = Object.keys(expected.summary_stats);
  const actCols = Object.keys(actual.summaryStats);
  if (!isDeepStrictEqual(expCols, actCols)) diffs.push(`summary_stats columns: ${show(actCols)} != ${show(expCols)}`);
  for (const col of expCols) {
    const e = expected.summary_stats[col] ?? {};
    const a = actual.summaryStats[col] ?? {};
    const keys = new Set([...Object.keys(e), ...Object.keys(a)]);
    for (const key of keys) {
      if (!(key in a)) {
        diffs.push(`summary_stats[${col}].${key}: missing, expected ${show(e[key])}`);
        continue;
      }
      if (!(key in e)) {
        diffs.push(`summary_stats[${col}].${key}: ${show(a[key])} not in DQX's stats`);
        continue;
      }
      const ev = e[key] as DqxValue;
      const av = a[key] as DqxValue;
      if (isDeepStrictEqual(ev, av)) continue;
      if (key === 'stddev' && mode.relaxStddev && closeFloat(ev, av)) continue;
      diffs.push(`summary_stats[${col}].${key}: ${show(av)} != ${show(ev)}`);
    }
  }

  const actProfiles = actual.profiles.map((p) => ({
    name: p.name,
    column: p.column,
    description: p.description,
    parameters: p.parameters,
    filter: p.filter,
  }));
  const n = Math.max(actProfiles.length, expected.profiles.length);
  for (let i = 0; i < n; i++) {
    const e = expected.profiles[i];
    const a = actProfiles[i];
    if (!isDeepStrictEqual(e, a)) diffs.push(`profiles[${i}]: ${show(a)} != ${show(e)}`);
  }

  const expRules = expected.rules.map(plainDeep);
  const actRules = rules.map((r) => r.check);
  const m = Math.max(expRules.length, actRules.length);
  for (let i = 0; i < m; i++) {
    if (!isDeepStrictEqual(expRules[i], actRules[i])) diffs.push(`rules[${i}]: ${show(actRules[i])} != ${show(expRules[i])}`);
  }
  return diffs;
}

/** Counts that do not depend on row order or float rounding: checked for every sampling mode. */
const COUNT_STATS = ['count', 'count_null', 'count_non_null', 'count_distinct', 'empty_count'];

export type SamplingVariant = 'all' | 'rows50' | 'half';

/** The other sampling modes on the same data: they must read the rows they claim and decode cleanly. */
export const SAMPLING_VARIANTS: Record<SamplingVariant, { sampleRows?: number | 'all'; sampleSeed?: number; options?: Record<string, unknown> }> = {
  all: { sampleRows: 'all' },
  rows50: { sampleRows: 50, sampleSeed: 1 },
  half: { options: { sample_fraction: 0.5, sample_seed: 7, limit: null } },
};

export function compareVariant(vector: ProfilerVector, variant: SamplingVariant, actual: ProfileResult): string[] {
  const expected = vector.expected;
  if (!expected) return ['not recorded'];
  const diffs: string[] = [];
  const total = expected.rows_profiled;
  const claimed = actual.rowsProfiled;
  const statsCount = (col: string) => {
    const c = actual.summaryStats[col]?.count;
    return c && typeof c === 'object' && c.type === 'int' ? Number(c.value) : null;
  };
  for (const col of Object.keys(actual.summaryStats)) {
    if (claimed > 0 && statsCount(col) !== claimed) diffs.push(`${variant}: summary_stats[${col}].count ${statsCount(col)} != rowsProfiled ${claimed}`);
  }
  if (variant === 'all') {
    if (claimed !== total) diffs.push(`all: rowsProfiled ${claimed} != ${total}`);
    for (const [col, stats] of Object.entries(expected.summary_stats)) {
      for (const key of COUNT_STATS) {
        if (!(key in stats)) continue;
        if (!isDeepStrictEqual(actual.summaryStats[col]?.[key], stats[key])) {
          diffs.push(`all: summary_stats[${col}].${key}: ${show(actual.summaryStats[col]?.[key])} != ${show(stats[key])}`);
        }
      }
    }
    const names = (ps: { name: string; column: string }[]) => ps.map((p) => `${p.column}:${p.name}`);
    if (!isDeepStrictEqual(names(actual.profiles), names(expected.profiles))) {
      diffs.push(`all: profiles ${show(names(actual.profiles))} != ${show(names(expected.profiles))}`);
    }
  } else if (variant === 'rows50') {
    if (claimed !== Math.min(50, total)) diffs.push(`rows50: rowsProfiled ${claimed} != ${Math.min(50, total)}`);
  } else if (claimed > total) {
    diffs.push(`half: rowsProfiled ${claimed} > ${total}`);
  }
  return diffs;
}
