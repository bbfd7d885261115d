/**
 * What the code view marks in the text: the syntax error (at its line and column) while the text
 * does not read, else each of the engine's findings at the line of its rule and field, with a
 * "did you mean" replacement where one is known.
 */
import type { ChecksFormat } from './engine';
import type { EditorIssue } from './rule-issues';
import type { RuleItem } from './rule-model';
import type { TextProblem } from './rules-text';
import { suggestionFor, type Suggestion } from './suggestions';
import { lineOf, locateField, scalarText } from './text-positions';

export interface CodeDiagnostic {
  from: number;
  to: number;
  /** 1-based line of `from`. */
  line: number;
  severity: 'error' | 'warning';
  message: string;
  /** The engine's finding (absent for a syntax error). */
  issue: EditorIssue | null;
  /** Replacements for the marked text ("did you mean"), each as the text to put at [from, to). */
  fixes: { label: string; insert: string }[];
  suggestion: Suggestion | null;
}

/** Offset in `text` of a 1-based line and column. */
export function offsetOf(text: string, line: number, column = 1): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  return Math.min(text.length, offset + Math.max(0, column - 1));
}

/** The part of a field a finding is about: the key of an argument that should not be there, else the value. */
const MARK_KEY = new Set(['unexpected_argument', 'missing_argument', 'no_arguments']);

export function codeDiagnostics(input: {
  text: string;
  format: ChecksFormat;
  problem: TextProblem | null;
  issues: readonly EditorIssue[];
  items: readonly RuleItem[];
  columns: readonly string[];
}): CodeDiagnostic[] {
  const { text, format, problem } = input;
  if (problem) {
    if (!problem.line) return [];
    let from = offsetOf(text, problem.line, problem.column);
    const lineEnd = text.indexOf('\n', from);
    let to = Math.min(lineEnd < 0 ? text.length : lineEnd, from + 1);
    if (to <= from) {
      from = Math.max(0, from - 1);
      to = Math.max(from, Math.min(text.length, from + 1));
    }
    return [
      {
        from,
        to,
        line: problem.line,
        severity: 'error',
        message: problem.message,
        issue: null,
        fixes: [],
        suggestion: null,
      },
    ];
  }
  const out: CodeDiagnostic[] = [];
  for (const issue of input.issues) {
    if (issue.ruleIndex === null) continue;
    const loc = locateField(text, format, issue.ruleIndex, issue.field);
    if (!loc) continue;
    const rule = input.items[issue.ruleIndex]?.rule;
    const suggestion = loc.exact ? suggestionFor(issue, rule, input.columns) : null;
    const onKey = suggestion ? suggestion.target === 'key' : MARK_KEY.has(issue.code) || !loc.exact;
    const range = (onKey ? loc.key : loc.value) ?? loc.key ?? loc.value;
    if (!range) continue;
    const style = onKey ? loc.keyStyle : loc.valueStyle;
    const fixes =
      suggestion && (style === 'plain' || style === 'double' || style === 'single')
        ? suggestion.replacements.map((r) => ({ label: `Use '${r}'`, insert: scalarText(r, style) }))
        : [];
    out.push({
      from: range.from,
      to: Math.max(range.to, range.from + 1),
      line: lineOf(text, range.from),
      severity: issue.severity,
      message: suggestion ? `${issue.message} ${suggestion.message}` : issue.message,
      issue,
      fixes,
      suggestion,
    });
  }
  return out.sort((a, b) => a.from - b.from);
}
