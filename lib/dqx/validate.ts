/**
 * Validation of a rule set. (Initial structural version; the engine issue completes it with DQX's
 * exact error wording, argument checks per function and table-aware checks.)
 */
import type { DqxCheck, RuleIssue, RuleSetValidation, TableSchema } from './model';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function validateChecks(checks: unknown[], _options?: { table?: TableSchema }): RuleSetValidation {
  const errors: RuleIssue[] = [];
  checks.forEach((raw, index) => {
    const issue = (field: string | null, code: string, message: string) =>
      errors.push({ severity: 'error', ruleIndex: index, ruleName: isRecord(raw) ? ((raw.name as string) ?? null) : null, field, code, message });
    if (!isRecord(raw)) return issue(null, 'unsupported_type', `Unsupported check type: ${typeof raw}`);
    if (!('check' in raw)) return issue('check', 'check_missing', `'check' field is missing`);
    if (!isRecord(raw.check)) return issue('check', 'check_not_dict', `'check' field should be a dictionary`);
    if (typeof raw.check.function !== 'string') return issue('check.function', 'function_missing', `'function' field is missing in the 'check' block`);
    if (raw.criticality !== undefined && raw.criticality !== 'error' && raw.criticality !== 'warn') {
      issue('criticality', 'invalid_criticality', `Invalid 'criticality' value: '${String(raw.criticality)}'. Expected 'warn' or 'error'.`);
    }
    if (raw.check.arguments !== undefined && !isRecord(raw.check.arguments)) {
      issue('check.arguments', 'arguments_not_dict', `'arguments' should be a dictionary in the 'check' block`);
    }
  });
  return { ok: errors.length === 0, errors, warnings: [] };
}

export type { DqxCheck };
