/**
 * "Likely too strict": a proposed rule that fails more than a few percent of the table's rows gets
 * a flag with the evidence (how many rows, which values, what the whole column looks like) and a
 * suggested correction the user can accept in one click:
 *
 * - a range on an identifier -> `is_unique` on it (a key) or no rule (a reference);
 * - otherwise the recommended generator's rule of the same kind for the same column, when it has
 *   one that differs (a robust range, a list from the bulk of the values, ...);
 * - a range without one -> the range the whole column really spans, rounded outward;
 * - anything else -> remove the rule.
 *
 * Pure: the caller measures the corrections' impact (one more scan, only when something is flagged).
 */
import {
  expandChecks,
  identityOf,
  ruleFingerprint,
  type DqxCheck,
  type FieldStats,
  type Recommendation,
} from '@/lib/dqx';
import { niceCeil, niceFloor } from '@/lib/dqx/generator/nice-numbers';
import { isIntegral } from '@/lib/dqx/profiler/spark-type';

import { TOO_STRICT_SHARE, type RuleImpact } from './generation-impact';
import { formatPercent } from '@/lib/format/percent';

export interface RuleCorrection {
  action: 'replace' | 'remove';
  /** The rule to use instead (replace). */
  rule: DqxCheck | null;
  reason: string;
  /** The correction's own impact on the whole table (measured after flagging). */
  impact: RuleImpact | null;
}

export interface RuleFlag {
  kind: 'too_strict';
  /** "Fails 996,674 of 1,000,000 rows (99.7%)". */
  message: string;
  /** What the data says, in a sentence or two. */
  evidence: string;
  correction: RuleCorrection;
}

const FAMILY: Record<string, string> = {
  is_in_range: 'range',
  is_not_less_than: 'range',
  is_not_greater_than: 'range',
  is_in_list: 'list',
  is_not_null_and_is_in_list: 'list',
  is_not_null: 'null',
  is_not_empty: 'null',
  is_not_null_and_not_empty: 'null',
};

const familyOf = (fn: string) => FAMILY[fn] ?? fn;
const count = (n: number) => n.toLocaleString('en-US');

function columnsOf(check: DqxCheck): string[] {
  try {
    return expandChecks([check])[0]?.columns ?? [];
  } catch {
    return [];
  }
}

function sameRule(a: DqxCheck, b: DqxCheck): boolean {
  try {
    return (
      ruleFingerprint({ ...a, criticality: 'error' }) === ruleFingerprint({ ...b, criticality: 'error' })
    );
  } catch {
    return false;
  }
}

function describeColumn(stats: FieldStats | undefined): string {
  if (!stats) return '';
  const parts: string[] = [];
  const nulls = stats.rows - stats.nonNull;
  if (nulls > 0) parts.push(`${count(nulls)} NULLs (${formatPercent(nulls / Math.max(stats.rows, 1))})`);
  if (stats.family === 'numeric' && stats.min !== null && stats.max !== null) {
    parts.push(`values from ${stats.min} to ${stats.max}`);
    const med = stats.quantiles?.[9];
    if (med !== null && med !== undefined) parts.push(`median ${med}`);
  }
  if (stats.distinct !== null) parts.push(`${count(stats.distinct)} distinct values`);
  return parts.length ? `The whole column has ${parts.join(', ')}.` : '';
}

/** The range the whole column spans, rounded outward, as a rule like `check` (same function family). */
function observedRange(check: DqxCheck, stats: FieldStats): DqxCheck | null {
  if (stats.family !== 'numeric' || stats.min === null || stats.max === null) return null;
  const integral = isIntegral(stats.field.type);
  const spread = stats.max - stats.min;
  const lo = niceFloor(stats.min, spread || Math.abs(stats.min), integral);
  const hi = niceCeil(stats.max, spread || Math.abs(stats.max), integral);
  const column = stats.field.name;
  return {
    ...check,
    check: { function: 'is_in_range', arguments: { column, min_limit: lo, max_limit: hi } },
  };
}

/** A flag for a rule that fails too many rows, or null. */
export function flagFor(
  check: DqxCheck,
  impact: RuleImpact | null,
  context: { stats: Map<string, FieldStats>; recommendation: Recommendation | null; current: DqxCheck[] },
): RuleFlag | null {
  if (
    !impact ||
    impact.failing_share === null ||
    impact.failing_rows === null ||
    impact.rows_evaluated === null
  )
    return null;
  if (!(impact.failing_share > TOO_STRICT_SHARE)) return null;
  const fn = check.check.function;
  const columns = columnsOf(check);
  const column = columns.length === 1 ? columns[0]! : null;
  const stats = column ? context.stats.get(column) : undefined;
  const message = `Fails ${count(impact.failing_rows)} of ${count(impact.rows_evaluated)} rows (${formatPercent(impact.failing_share)}) of the whole table.`;
  const examples = impact.examples.length
    ? ` Failing values include ${impact.examples.map((e) => `'${e}'`).join(', ')}.`
    : '';
  const evidence = `${describeColumn(stats)}${examples}`.trim();
  const family = familyOf(fn);
  const has = (c: DqxCheck) => context.current.some((x) => sameRule(x, c));

  let correction: RuleCorrection | null = null;
  const identity = stats ? identityOf(stats) : null;
  if (family === 'range' && identity) {
    const unique: DqxCheck = {
      criticality: check.criticality,
      check: { function: 'is_unique', arguments: { columns: [column!] } },
    };
    correction =
      identity.kind === 'key' && !has(unique)
        ? {
            action: 'replace',
            rule: unique,
            reason: `${column} is an identifier (${identity.why}): a range learned from some of its values fails the others; check that it is unique instead.`,
            impact: null,
          }
        : {
            action: 'remove',
            rule: null,
            reason: `${column} is an identifier (${identity.why}): a range on it only fails new values.`,
            impact: null,
          };
  }
  if (!correction && column && context.recommendation) {
    const counterpart = context.recommendation.rules.find((r) => {
      const cols = columnsOf(r.check);
      return (
        cols.length === 1 &&
        cols[0] === column &&
        familyOf(r.check.check.function) === family &&
        !sameRule(r.check, check)
      );
    });
    if (counterpart) {
      const replacement: DqxCheck = {
        ...counterpart.check,
        criticality: check.criticality,
        ...(check.filter ? { filter: check.filter } : {}),
      };
      correction = has(replacement)
        ? {
            action: 'remove',
            rule: null,
            reason: 'The rule set already has the rule the whole-table profile suggests for this column.',
            impact: null,
          }
        : {
            action: 'replace',
            rule: replacement,
            reason:
              `The rule the whole-table profile suggests for ${column}: ${counterpart.evidence.description ?? ''}`.trim(),
            impact: null,
          };
    }
  }
  if (!correction && family === 'range' && stats) {
    const widened = observedRange(check, stats);
    if (widened && !sameRule(widened, check)) {
      correction = {
        action: 'replace',
        rule: widened,
        reason: `The range the whole column spans (${stats.min} to ${stats.max}), rounded outward.`,
        impact: null,
      };
    }
  }
  if (!correction) {
    correction = {
      action: 'remove',
      rule: null,
      reason:
        family === 'null'
          ? 'Missing values are common in this column, so they are not defects: remove the rule.'
          : 'The data does not support this rule: remove it (or edit it by hand).',
      impact: null,
    };
  }
  return { kind: 'too_strict', message, evidence, correction };
}

/** The rule list with every flagged rule's correction applied (removals dropped). */
export function applyCorrections<T extends { check: DqxCheck; flag?: RuleFlag | null }>(
  rules: T[],
): DqxCheck[] {
  const out: DqxCheck[] = [];
  for (const r of rules) {
    if (!r.flag) out.push(r.check);
    else if (r.flag.correction.action === 'replace' && r.flag.correction.rule)
      out.push(r.flag.correction.rule);
  }
  return out;
}
