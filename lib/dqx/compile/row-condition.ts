/**
 * The SQL condition under which one row-level DQX check fails a row, exactly as the validation
 * statement evaluates it, over the table's own (unqualified) columns. The rule generator uses it to
 * measure, inside its profile scan, how many values a candidate check would accept (formats, ISO
 * codes, fixed-shape codes), so what it measures is what the rule will later do.
 */
import type { Dialect } from '@/lib/sql/quote';

import type { DqxCheck, TableSchema } from '../model';
import { planRuleSet } from './plan';

/**
 * SQL TRUE when `check` fails the row, NULL or FALSE when it passes; null when the check is not a
 * row-level check that compiles for the dialect (dataset-level, job-only, skipped, or invalid).
 * The check's own `filter` is part of the condition.
 */
export function rowCheckFailureSql(
  check: DqxCheck,
  options: { dialect: Dialect; table: TableSchema },
): string | null {
  let plan;
  try {
    plan = planRuleSet(
      [check],
      { dialect: options.dialect, table: options.table, runId: 'probe' },
      '__dqx_probe',
    );
  } catch {
    return null;
  }
  const rule = plan.rules[0];
  if (
    !rule ||
    rule.status !== 'compiled' ||
    rule.level !== 'row' ||
    plan.contributions.some((c) => c.columns.length || c.joins.length)
  ) {
    return null;
  }
  return rule.testSql;
}
