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
    const item = raw.rule_index === null ? undefined : items[raw.rule_index];
    const issue: EditorIssue = {
      severity: raw.severity,
      ruleIndex: raw.rule_index,
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

/** A problem reported from elsewhere (the server refusing a save or a run), by rule position and field. */
export interface ExternalIssue {
  /** 0-based position of the rule; null for the whole set. */
  ruleIndex: number | null;
  /** Dotted path inside the rule, or null for the whole rule. */
  field: string | null;
  message: string;
}

/**
 * Field errors of an action result (`rules.<index>.<field>`, `rules.<index>`, `rules`) as issues
 * for the editor; other keys are ignored (they are about the request, not the rules).
 */
export function externalIssuesFromFieldErrors(fieldErrors: Record<string, string[]> | undefined): ExternalIssue[] {
  const issues: ExternalIssue[] = [];
  for (const [key, messages] of Object.entries(fieldErrors ?? {})) {
    const m = /^rules(?:\.(\d+)(?:\.(.+))?)?$/.exec(key);
    if (!m) continue;
    const ruleIndex = m[1] === undefined ? null : Number(m[1]);
    for (const message of messages) issues.push({ ruleIndex, field: m[2] ?? null, message });
  }
  return issues;
}

/** The engine's issues plus external ones (as errors), placed at their rule and field. */
export function withExternalIssues(index: IssueIndex, items: readonly RuleItem[], extra: readonly ExternalIssue[]): IssueIndex {
  if (extra.length === 0) return index;
  const byKey = new Map<string, RuleIssues>();
  for (const [key, issues] of index.byKey) byKey.set(key, { errors: [...issues.errors], warnings: [...issues.warnings] });
  const setLevel: RuleIssues = { errors: [...index.setLevel.errors], warnings: [...index.setLevel.warnings] };
  const added: EditorIssue[] = [];
  for (const e of extra) {
    const item = e.ruleIndex === null ? undefined : items[e.ruleIndex];
    const issue: EditorIssue = {
      severity: 'error',
      ruleIndex: item ? e.ruleIndex : null,
      ruleKey: item?.key ?? null,
      field: item ? e.field : null,
      code: 'server',
      message: e.message,
      detail: e.message,
    };
    added.push(issue);
    let bucket = setLevel;
    if (item) {
      bucket = byKey.get(item.key) ?? { errors: [], warnings: [] };
      byKey.set(item.key, bucket);
    }
    bucket.errors.push(issue);
  }
  const errors = index.all.filter((i) => i.severity === 'error');
  const warnings = index.all.filter((i) => i.severity === 'warning');
  return {
    byKey,
    setLevel,
    errorCount: index.errorCount + added.length,
    warningCount: index.warningCount,
    all: [...errors, ...added, ...warnings],
  };
}
