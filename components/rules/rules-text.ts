/**
 * The rule set as DQX YAML or JSON text: reading what the user typed or imported (with the line
 * and column of a syntax error), writing the current rules, and matching re-read rules to the
 * editor's items so each keeps its identity and origin.
 */
import { parseAllDocuments } from 'yaml';

import {
  ChecksFormatError,
  parseChecksText,
  serializeChecks,
  type ChecksFormat,
  type DqxCheck,
} from './engine';
import {
  CHECK_BLOCK_KEYS,
  isRecord,
  newRuleKey,
  TOP_LEVEL_KEYS,
  type RawRule,
  type RuleAnnotation,
  type RuleItem,
  type RuleOrigin,
} from './rule-model';

export interface TextProblem {
  message: string;
  line?: number;
  column?: number;
}

export interface IgnoredKey {
  /** 0-based rule index. */
  ruleIndex: number;
  /** Dotted path of the key, e.g. `check.column`. */
  path: string;
}

export type ParsedRules =
  { ok: true; rules: RawRule[]; ignored: IgnoredKey[] } | { ok: false; problem: TextProblem };

/** Where a key DQX ignores was probably meant to go (DQX issue #305: keys inside `check`). */
export function ignoredKeyHint(path: string): string {
  const key = path.split('.').pop() ?? path;
  if (path.startsWith('check.') && (TOP_LEVEL_KEYS as readonly string[]).includes(key)) {
    return `'${key}' belongs at the top level of the rule, not inside 'check'`;
  }
  if (!path.startsWith('check.') && key !== 'arguments') return `did you mean check.arguments.${key}?`;
  return 'DQX ignores it';
}

/**
 * A parsed rule with what the form needs checked (a mapping with a `check` mapping naming its
 * function). Keys DQX ignores are dropped and reported; `null` optional keys, which DQX treats
 * as absent, are dropped silently.
 */
function cleanRule(raw: unknown, index: number): { rule: RawRule; ignored: IgnoredKey[] } | TextProblem {
  const n = index + 1;
  if (!isRecord(raw))
    return { message: `Rule ${n} is not a mapping: each rule needs a 'check' with a 'function'.` };
  if (!isRecord(raw.check)) {
    return { message: `Rule ${n} has no 'check' mapping (with 'function' and 'arguments').` };
  }
  if (typeof raw.check.function !== 'string') {
    return { message: `Rule ${n}: 'check.function' must be the name of a DQX check function.` };
  }
  const ignored: IgnoredKey[] = [];
  const rule: RawRule = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!(TOP_LEVEL_KEYS as readonly string[]).includes(key)) ignored.push({ ruleIndex: index, path: key });
    else if (value !== null) rule[key] = value;
  }
  const block: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw.check)) {
    if (!(CHECK_BLOCK_KEYS as readonly string[]).includes(key))
      ignored.push({ ruleIndex: index, path: `check.${key}` });
    else if (value !== null) block[key] = value;
  }
  rule.check = block;
  return { rule, ignored };
}

/**
 * Where the first YAML syntax error is. The engine's YAML reader reports syntax errors without a
 * position (it asks the YAML library for errors without line numbers), so the editor asks the
 * same library again, with positions, for the text it already knows is wrong.
 */
function locateYamlError(text: string): { line: number; column: number } | null {
  try {
    const docs = parseAllDocuments(text);
    const list = Array.isArray(docs) ? docs : [docs];
    for (const doc of list) {
      const pos = doc.errors[0]?.linePos?.[0];
      if (pos) return { line: pos.line, column: pos.col };
    }
  } catch {
    // no position then
  }
  return null;
}

/** Read DQX YAML or JSON text into rules, or say where it is wrong. */
export function parseRulesText(text: string, format: ChecksFormat): ParsedRules {
  let checks: unknown[];
  try {
    checks = parseChecksText(text, format).checks;
  } catch (error) {
    if (error instanceof ChecksFormatError) {
      const at = error.line === undefined && format === 'yaml' ? locateYamlError(text) : null;
      if (at) return { ok: false, problem: { message: error.message, ...at } };
      return {
        ok: false,
        problem: {
          message: error.message,
          ...(error.line !== undefined ? { line: error.line } : {}),
          ...(error.column !== undefined ? { column: error.column } : {}),
        },
      };
    }
    return { ok: false, problem: { message: error instanceof Error ? error.message : String(error) } };
  }
  const rules: RawRule[] = [];
  const ignored: IgnoredKey[] = [];
  for (const [i, raw] of checks.entries()) {
    const cleaned = cleanRule(raw, i);
    if ('message' in cleaned) return { ok: false, problem: cleaned };
    rules.push(cleaned.rule);
    ignored.push(...cleaned.ignored);
  }
  return { ok: true, rules, ignored };
}

/** The rules as DQX YAML or JSON (DQX's key order; DQX reads it back to the same rules). */
export function formatRulesText(rules: readonly RawRule[], format: ChecksFormat): string {
  return serializeChecks(rules as unknown as DqxCheck[], format);
}

/** The format of a file by its name (YAML unless it ends in .json), or by its first character. */
export function formatOfFile(fileName: string, text: string): ChecksFormat {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  const first = text.trimStart()[0];
  return first === '[' || first === '{' ? 'json' : 'yaml';
}

/** JSON with the keys of every mapping sorted, so key order does not make two values differ. */
function sortedJson(value: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sort)
      : isRecord(v)
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sort(v[k])]),
          )
        : v;
  return JSON.stringify(sort(value));
}

/**
 * A rule as the text views see it: written and read back once (which is how every rule in the
 * YAML and JSON views got there), then as JSON with sorted keys. Rules that differ only in what
 * the text cannot show (key order, a default criticality written out, 2 vs 2.0 markers) compare equal.
 */
export function ruleIdentity(rule: RawRule): string {
  try {
    const back = parseRulesText(formatRulesText([rule], 'json'), 'json');
    if (back.ok && back.rules.length === 1) return sortedJson(back.rules[0]);
  } catch {
    // a rule the text cannot hold: compare it as it is
  }
  return sortedJson(rule);
}

/**
 * Items for re-read rules: a rule identical to an existing one (as the text shows it, see
 * ruleIdentity) keeps that item (key, origin, evidence, edited or not); a changed rule at the same
 * position keeps the item's key and origin and is marked edited; anything else is new with `origin`.
 */
export function reconcileItems(
  previous: readonly RuleItem[],
  rules: readonly RawRule[],
  origin: RuleOrigin,
): RuleItem[] {
  const used = new Set<number>();
  const result: (RuleItem | null)[] = rules.map(() => null);
  const prevText = previous.map((item) => ruleIdentity(item.rule));
  rules.forEach((rule, i) => {
    const text = ruleIdentity(rule);
    const j = prevText.findIndex((t, k) => !used.has(k) && t === text);
    if (j >= 0) {
      used.add(j);
      result[i] = previous[j]!;
    }
  });
  return rules.map((rule, i) => {
    const found = result[i];
    if (found) return found;
    const same = previous[i];
    if (same && !used.has(i)) {
      used.add(i);
      return {
        key: same.key,
        rule,
        annotation: annotationAfterChange(same.annotation, rule) ?? { origin: 'manual' },
      };
    }
    return { key: newRuleKey(), rule, annotation: { origin } };
  });
}

/**
 * The annotation of a rule after it changed to `rule`: a generated or imported rule is edited when
 * it differs from the rule as it arrived (or was edited before it arrived); hand-written rules are
 * never "edited".
 */
export function annotationAfterChange(
  annotation: RuleAnnotation | undefined,
  rule: RawRule,
): RuleAnnotation | undefined {
  if (!annotation || annotation.origin === 'manual') return annotation;
  const changed = annotation.original ? ruleIdentity(rule) !== ruleIdentity(annotation.original) : true;
  return { ...annotation, edited: changed || Boolean(annotation.editedBefore) };
}

/** A file name for a download: `<table>.checks.yaml`. */
export function downloadName(base: string | undefined, format: ChecksFormat): string {
  const safe = (base ?? 'rules').replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^_+|_+$/g, '') || 'rules';
  return `${safe}.checks.${format === 'json' ? 'json' : 'yaml'}`;
}
