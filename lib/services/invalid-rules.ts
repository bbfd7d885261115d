/** Refusing rules that do not validate, with a message that names the first few problems. */
import 'server-only';

import { sqlSandboxIssues, type RuleIssue } from '@/lib/dqx';
import { badRequest } from '@/lib/errors';

function describeIssue(issue: RuleIssue): string {
  const where =
    issue.rule_index === null
      ? 'Rule set'
      : `Rule ${issue.rule_index + 1}${issue.rule_name ? ` (${issue.rule_name})` : ''}`;
  return `${where}: ${issue.message}`;
}

/** 400 listing the rule errors (all of them in its details), or nothing when there are none. */
export function refuseInvalid(errors: RuleIssue[], warnings: RuleIssue[]): void {
  if (errors.length === 0) return;
  const shown = errors.slice(0, 3).map(describeIssue).join('; ');
  const more = errors.length > 3 ? `; and ${errors.length - 3} more` : '';
  throw badRequest(
    `The rules do not validate (${errors.length} error${errors.length === 1 ? '' : 's'}): ${shown}${more}.`,
    {
      errors,
      warnings,
    },
  );
}

/**
 * 400 when the SQL sandbox (lib/dqx/sql-guard) refuses a fragment of the rules: checked first, before
 * the caller's access to the table is asked of the warehouse, so hostile rule SQL reaches nothing.
 */
export function refuseUnsafeSql(rules: unknown[]): void {
  const errors = sqlSandboxIssues(rules);
  if (errors.length) refuseInvalid(errors, []);
}
