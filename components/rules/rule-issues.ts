/**
 * The engine's validation results arranged for the editor: per rule (by the item's key, so a
 * result computed a moment ago still points at the right rule after a reorder) and per field.
 */
import type { DetailedRuleIssue, ValidationResult } from './engine';
import type { RuleItem } from './rule-model';

export interface EditorIssue {
  severity: 'error' | 'warning';
  /** Position of the rule when validated (0-based); null for issues of the whole set. */
  ruleIndex: number | null;
  ruleKey: string | null;
  /** Dotted path inside the rule (`check.arguments.allowed.1`), or null for the whole rule. */
  field: string | null;
  code: string;
  /** Short message for display next to a field. */
  message: string;
  /** DQX's full message, with the rule dump (for the code view's list). */
  detail: string;
}

export interface RuleIssues {
  errors: EditorIssue[];
  warnings: EditorIssue[];
}

export interface IssueIndex {
  byKey: Map<string, RuleIssues>;
  /** Issues not tied to one rule. */
  setLevel: RuleIssues;
  errorCount: number;
  warningCount: number;
  /** Every issue in order: errors first, then warnings. */
  all: EditorIssue[];
}

export const EMPTY_RULE_ISSUES: RuleIssues = { errors: [], warnings: [] };

function shortMessage(issue: DetailedRuleIssue): string {
  if (issue.code === 'unknown_function' && /function '' is not defined/.test(issue.message)) {
    return 'Choose a check function.';
  }
  return issue.summary || issue.message;
}

/** Index a validation result computed for `items`. */
export function indexIssues(items: readonly RuleItem[], result: ValidationResult | null): IssueIndex {
  const byKey = new Map<string, RuleIssues>();
  const setLevel: RuleIssues = { errors: [], warnings: [] };
  const all: EditorIssue[] = [];
  if (!result) return { byKey, setLevel, errorCount: 0, warningCount: 0, all };
  for (const raw of [...result.errors, ...result.warnings]) {
    const item = raw.ruleIndex === null ? undefined : items[raw.ruleIndex];
    const issue: EditorIssue = {
      severity: raw.severity,
      ruleIndex: raw.ruleIndex,
      ruleKey: item?.key ?? null,
      field: raw.field,
      code: raw.code,
      message: shortMessage(raw),
      detail: raw.message,
    };
    all.push(issue);
    let bucket = setLevel;
    if (item) {
      bucket = byKey.get(item.key) ?? { errors: [], warnings: [] };
      byKey.set(item.key, bucket);
    }
    (issue.severity === 'error' ? bucket.errors : bucket.warnings).push(issue);
  }
  return { byKey, setLevel, errorCount: result.errors.length, warningCount: result.warnings.length, all };
}

/** Issues at `path` or below it (`check.arguments.allowed` also gets `check.arguments.allowed.2`). */
export function issuesAt(issues: RuleIssues, path: string, options: { exact?: boolean } = {}): EditorIssue[] {
  const match = (i: EditorIssue) =>
    i.field !== null && (i.field === path || (!options.exact && i.field.startsWith(path + '.')));
  return [...issues.errors.filter(match), ...issues.warnings.filter(match)];
}

/** The DOM id of a rule field, so an issue can move the focus to it. */
export function fieldDomId(prefix: string, path: string): string {
  return `${prefix}-f-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

/** The ids to try, most specific first, to focus the field an issue points at. */
export function focusCandidates(prefix: string, path: string | null): string[] {
  if (!path) return [];
  const parts = path.split('.');
  const ids: string[] = [];
  for (let n = parts.length; n > 0; n--) ids.push(fieldDomId(prefix, parts.slice(0, n).join('.')));
  return ids;
}
