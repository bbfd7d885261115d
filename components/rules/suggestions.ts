/**
 * "Did you mean …?" for the names a rule gets wrong most often: a check function DQX does not
 * have, an argument the function does not take, a column the table does not have. Candidates come
 * from the engine's check catalog (every function and its arguments) and the table's columns.
 */
import { getCheck, listChecks } from './engine';
import type { EditorIssue } from './rule-issues';
import { argumentsOf, functionOf, isRecord, type RawRule } from './rule-model';

/** Edit distance with transpositions (optimal string alignment), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const d: number[][] = Array.from({ length: s.length + 1 }, (_, i) => [
    i,
    ...Array<number>(t.length).fill(0),
  ]);
  for (let j = 1; j <= t.length; j++) d[0]![j] = j;
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[s.length]![t.length]!;
}

/**
 * The candidates close to `word`, best first (at most `max`): a few typos away (about a third of
 * the word), or containing it / contained in it as whole `_`-separated parts (`not_null` ->
 * `is_not_null`).
 */
export function closest(word: string, candidates: readonly string[], max = 3): string[] {
  const w = word.trim().toLowerCase();
  if (!w) return [];
  const limit = Math.max(1, Math.min(3, Math.floor(w.length / 3)));
  const scored: { c: string; score: number }[] = [];
  for (const c of new Set(candidates)) {
    const lc = c.toLowerCase();
    if (lc === w) continue;
    const distance = editDistance(w, lc);
    const parts = `_${lc}_`;
    const contains = w.length >= 3 && (parts.includes(`_${w}_`) || `_${w}_`.includes(parts));
    if (distance <= limit) scored.push({ c, score: distance });
    else if (contains) scored.push({ c, score: limit + 1 + Math.abs(lc.length - w.length) / 100 });
  }
  return scored
    .sort((a, b) => a.score - b.score || a.c.localeCompare(b.c))
    .slice(0, max)
    .map((s) => s.c);
}

export interface Suggestion {
  /** What the text should say instead. */
  replacements: string[];
  /** Which part of the field the replacement goes into: its key (an argument name) or its value. */
  target: 'key' | 'value';
  /** For the user: "Did you mean 'is_not_null'?" */
  message: string;
}

const quoteList = (names: string[]) =>
  names.length === 1
    ? `'${names[0]}'`
    : `${names
        .slice(0, -1)
        .map((n) => `'${n}'`)
        .join(', ')} or '${names.at(-1)}'`;

function valueAt(rule: RawRule, field: string): unknown {
  let node: unknown = rule;
  for (const part of field.split('.')) {
    if (Array.isArray(node) && /^\d+$/.test(part)) node = node[Number(part)];
    else if (isRecord(node)) node = node[part];
    else return undefined;
  }
  return node;
}

/** A "did you mean" for an issue of the engine, given the rule it is about and the table's columns. */
export function suggestionFor(
  issue: EditorIssue,
  rule: RawRule | undefined,
  columns: readonly string[],
): Suggestion | null {
  if (!rule || !issue.field) return null;
  let found: string[] = [];
  let target: Suggestion['target'] = 'value';
  if (issue.code === 'unknown_function') {
    const fn = functionOf(rule);
    if (!fn) return null;
    found = closest(
      fn,
      listChecks().map((c) => c.name),
    );
  } else if (issue.code === 'unexpected_argument') {
    const def = getCheck(functionOf(rule));
    const arg = issue.field.split('.').pop() ?? '';
    if (!def || !arg) return null;
    const present = Object.keys(argumentsOf(rule));
    const params = def.params
      .filter((p) => !p.programmaticOnly && !present.includes(p.name))
      .map((p) => p.name);
    found = closest(arg, params);
    target = 'key';
  } else if (issue.code === 'unknown_column') {
    const value = valueAt(rule, issue.field);
    if (typeof value !== 'string' || columns.length === 0) return null;
    found = closest(value, columns);
  }
  if (!found.length) return null;
  return { replacements: found, target, message: `Did you mean ${quoteList(found)}?` };
}
