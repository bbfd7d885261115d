/**
 * Conversions between what a form field holds (text the user typed, a kind chosen from a list)
 * and the value DQX reads from a checks file, plus the edits the form makes to a rule.
 *
 * The one rule that matters most (DQX reference §1.6, `get_limit_expr`): a Python string in a limit
 * or in an `allowed`/`forbidden` list is a Spark SQL *expression*. `status` is the column named
 * status; the text ACTIVE must be written `'ACTIVE'`. Digits-only strings are integers and ISO
 * dates are date literals. So the form never stores a user's text as a bare string unless the user
 * chose "column or expression": a "text value" is stored quoted, a number as a number, a date as
 * its ISO text. Reading a stored value back picks the kind that shows what it means, and nothing
 * is rewritten until the user edits it.
 */
import { floatValue, getCheck, isMarker, type CheckDefinition } from './engine';
import { argumentsOf, checkBlock, columnKeyOf, forEachColumnOf, isRecord, type RawRule } from './rule-model';

// ---------------------------------------------------------------------------------------------
// Spark string literals

/** `'text'` as a Spark SQL string literal (backslash escapes, the form Spark's parser reads). */
export function quoteSparkString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * The text of a stored value that is exactly one single-quoted Spark string literal which
 * `quoteSparkString` writes the same way; null for anything else (a column, an expression, a
 * literal with other escapes or in double quotes), which the form then shows as an expression.
 */
export function unquoteSparkString(stored: string): string | null {
  const m = /^'((?:[^'\\]|\\[\s\S])*)'$/.exec(stored);
  if (!m) return null;
  const text = m[1]!.replace(/\\([\s\S])/g, '$1');
  return quoteSparkString(text) === stored ? text : null;
}

// ---------------------------------------------------------------------------------------------
// Numbers

export type ParseResult<T> = { ok: true; value: T } | { ok: false; message: string };

const INT_RE = /^[+-]?\d+$/;
const FLOAT_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A whole number as DQX reads it: a JS number when safe, else the engine's `{__int__}` marker. */
export function parseIntegerText(text: string): ParseResult<unknown> {
  const t = text.trim();
  if (!INT_RE.test(t)) return { ok: false, message: 'Enter a whole number, such as 7 or -1.' };
  const big = BigInt(t);
  const n = Number(big);
  return { ok: true, value: Number.isSafeInteger(n) ? n : { __int__: big.toString() } };
}

/**
 * A number: whole numbers stay ints, others are Python floats (`2.0` is kept a float, as the
 * engine's `{__float__}` marker, because JavaScript cannot tell it from 2). With `decimal` the
 * value is a Python Decimal (`{__decimal__}`), exact like DQX's own serialisation of Decimals.
 */
export function parseNumberText(text: string, options: { decimal?: boolean } = {}): ParseResult<unknown> {
  const t = text.trim();
  if (INT_RE.test(t) && !options.decimal) return parseIntegerText(t);
  if (!FLOAT_RE.test(t)) return { ok: false, message: 'Enter a number, such as 10, -3 or 2.5.' };
  if (options.decimal && !/[eE]/.test(t)) return { ok: true, value: { __decimal__: t.replace(/^\+/, '') } };
  const n = Number(t);
  if (!Number.isFinite(n)) return { ok: false, message: 'The number is too large.' };
  return { ok: true, value: floatValue(n) };
}

/** The text a form shows for a stored number (int, float, Decimal or their markers), or null. */
export function numberText(value: unknown): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
  if (isMarker(value)) {
    if ('__int__' in value) return value.__int__;
    if ('__float__' in value) return value.__float__;
    if ('__decimal__' in value) return value.__decimal__;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Limits and list values

/** How a limit or list value is edited. */
export type ValueKind = 'text' | 'number' | 'date' | 'timestamp' | 'expression' | 'other';

export const VALUE_KIND_LABELS: Record<ValueKind, string> = {
  text: 'Text value',
  number: 'Number',
  date: 'Date',
  timestamp: 'Timestamp',
  expression: 'Column or expression',
  other: 'Other (JSON)',
};

export interface ValueDraft {
  kind: ValueKind;
  text: string;
}

const ISO_DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_TIMESTAMP_RE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?$/;

function isRealDate(text: string): boolean {
  const [y, m, d] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d && y >= 1;
}

/** What a stored value means, as a kind and the text to show; null when nothing is stored. */
export function describeValue(value: unknown): ValueDraft | null {
  if (value === undefined || value === null) return null;
  const num = numberText(value);
  if (num !== null) return { kind: 'number', text: num };
  if (isMarker(value)) {
    if ('__date__' in value) return { kind: 'date', text: value.__date__ };
    if ('__datetime__' in value) return { kind: 'timestamp', text: value.__datetime__ };
  }
  if (typeof value === 'string') {
    // DQX: a digits-only string is an integer literal (`"01234"` is 1234): shown as typed.
    if (/^[0-9]+$/.test(value)) return { kind: 'number', text: value };
    const text = unquoteSparkString(value);
    if (text !== null) return { kind: 'text', text };
    if (ISO_DATE_RE.test(value) && isRealDate(value)) return { kind: 'date', text: value };
    if (ISO_TIMESTAMP_RE.test(value) && isRealDate(value)) return { kind: 'timestamp', text: value };
    return { kind: 'expression', text: value };
  }
  return { kind: 'other', text: JSON.stringify(value) };
}

/**
 * The value to store for what the form holds; `undefined` when the field is empty. `previous` is
 * the stored value, so an edited Decimal stays a Decimal.
 */
export function valueFromDraft(draft: ValueDraft, previous?: unknown): ParseResult<unknown> {
  const trimmed = draft.text.trim();
  if (draft.kind === 'text')
    return { ok: true, value: draft.text === '' ? undefined : quoteSparkString(draft.text) };
  if (trimmed === '') return { ok: true, value: undefined };
  switch (draft.kind) {
    case 'number':
      return parseNumberText(trimmed, { decimal: isMarker(previous) && '__decimal__' in previous });
    case 'date':
      return ISO_DATE_RE.test(trimmed) && isRealDate(trimmed)
        ? { ok: true, value: trimmed }
        : { ok: false, message: 'Enter a date as YYYY-MM-DD, such as 2024-01-31.' };
    case 'timestamp':
      return ISO_TIMESTAMP_RE.test(trimmed) && isRealDate(trimmed)
        ? { ok: true, value: trimmed }
        : { ok: false, message: 'Enter a timestamp as YYYY-MM-DD HH:MM:SS, such as 2024-01-31 23:59:59.' };
    case 'expression':
      return { ok: true, value: trimmed };
    case 'other':
      try {
        return { ok: true, value: JSON.parse(trimmed) as unknown };
      } catch {
        return { ok: false, message: 'Not valid JSON.' };
      }
  }
}

/** How a stored value reads for a person ("the text ACTIVE", "column or expression status"). */
export function explainValue(value: unknown): string {
  const d = describeValue(value);
  if (!d) return 'no value';
  switch (d.kind) {
    case 'text':
      return `the text "${d.text}" (stored as ${String(value)})`;
    case 'number':
      return `the number ${d.text}`;
    case 'date':
      return `the date ${d.text}`;
    case 'timestamp':
      return `the timestamp ${d.text}`;
    case 'expression':
      return `the column or SQL expression ${d.text}`;
    case 'other':
      return d.text;
  }
}

// ---------------------------------------------------------------------------------------------
// Edits of a rule. Every function returns a new rule; empty optional fields are removed, so the
// YAML shows only what was set.

function withCheckBlock(rule: RawRule, block: Record<string, unknown>): RawRule {
  const out: RawRule = { ...rule, check: block };
  return out;
}

/** Set (or with `undefined`, remove) one argument. An emptied `arguments` mapping is removed. */
export function setArgument(rule: RawRule, name: string, value: unknown): RawRule {
  const block = { ...checkBlock(rule) };
  const args = { ...argumentsOf(rule) };
  if (value === undefined) delete args[name];
  else args[name] = value;
  if (Object.keys(args).length === 0) delete block.arguments;
  else block.arguments = args;
  return withCheckBlock(rule, block);
}

type TopLevelKey = 'name' | 'criticality' | 'filter' | 'message_expr' | 'user_metadata';

/** Set a rule-level key; `undefined`, an empty string or an empty mapping removes it. */
export function setRuleField(rule: RawRule, key: TopLevelKey, value: unknown): RawRule {
  const out = { ...rule };
  const empty = value === undefined || value === '' || (isRecord(value) && Object.keys(value).length === 0);
  if (empty) delete out[key];
  else out[key] = value;
  return out;
}

/** Replace the `for_each_column` list (`null` removes it). */
export function setForEachColumn(rule: RawRule, list: unknown[] | null): RawRule {
  const block = { ...checkBlock(rule) };
  if (list === null) delete block.for_each_column;
  else block.for_each_column = list;
  return withCheckBlock(rule, block);
}

/**
 * Turn `for_each_column` on: the column (or column list) the rule had becomes the first entry, so
 * the rule still checks what it checked. An empty list is kept (DQX reports it) until columns are
 * added.
 */
export function enableForEachColumn(rule: RawRule, def: CheckDefinition): RawRule {
  const key = columnKeyOf(def);
  if (!key || forEachColumnOf(rule)) return rule;
  const current = argumentsOf(rule)[key];
  const has =
    key === 'column'
      ? typeof current === 'string' && current !== ''
      : Array.isArray(current) && current.length > 0;
  const moved = setArgument(rule, key, undefined);
  return setForEachColumn(moved, has ? [current] : []);
}

/** Turn `for_each_column` off: its first entry becomes the rule's column (or column list). */
export function disableForEachColumn(rule: RawRule, def: CheckDefinition): RawRule {
  const key = columnKeyOf(def);
  const list = forEachColumnOf(rule);
  if (!key || !list) return rule;
  const first = list[0];
  const cleared = setForEachColumn(rule, null);
  return first === undefined ? cleared : setArgument(cleared, key, first);
}

/** `column` <-> `columns` values when a rule moves to a check that takes the other one. */
function convertColumnValue(value: unknown, to: 'column' | 'columns'): unknown {
  if (to === 'columns') return typeof value === 'string' ? [value] : Array.isArray(value) ? value : undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.length === 1 && typeof value[0] === 'string') return value[0];
  return undefined;
}

/**
 * Switch a rule to another check function. Arguments the new function also takes are kept (a
 * column moves between `column` and `columns` when it can); the others are dropped and named in
 * `dropped`, so the form can say so.
 */
export function changeFunction(rule: RawRule, functionName: string): { rule: RawRule; dropped: string[] } {
  const oldDef = getCheck(
    typeof checkBlock(rule).function === 'string' ? (checkBlock(rule).function as string) : '',
  );
  const newDef = getCheck(functionName);
  const oldKey = columnKeyOf(oldDef);
  const newKey = columnKeyOf(newDef);
  const dropped: string[] = [];
  const args = argumentsOf(rule);
  const nextArgs: Record<string, unknown> = {};
  const accepts = (name: string) =>
    !newDef || newDef.params.some((p) => p.name === name && !p.programmaticOnly);
  for (const [name, value] of Object.entries(args)) {
    if (accepts(name)) nextArgs[name] = value;
    else if (oldKey && newKey && name === oldKey && oldKey !== newKey) {
      const converted = convertColumnValue(value, newKey);
      if (converted === undefined) dropped.push(name);
      else if (nextArgs[newKey] === undefined) nextArgs[newKey] = converted;
    } else dropped.push(name);
  }
  const block: Record<string, unknown> = { function: functionName };
  const fec = forEachColumnOf(rule);
  if (fec) {
    if (!newKey) dropped.push('for_each_column');
    else if (oldKey === newKey || !oldKey) block.for_each_column = fec;
    else {
      const converted = fec.map((v) => convertColumnValue(v, newKey));
      if (converted.some((v) => v === undefined)) dropped.push('for_each_column');
      else block.for_each_column = converted;
    }
  }
  if (Object.keys(nextArgs).length) block.arguments = nextArgs;
  return { rule: withCheckBlock(rule, block), dropped };
}

/** A new, empty rule: the form asks for the function first. */
export function blankRule(): RawRule {
  return { criticality: 'error', check: { function: '' } };
}
