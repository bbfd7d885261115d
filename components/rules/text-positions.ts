/**
 * Where a rule's field is in the YAML or JSON text of the code view, so the engine's findings can
 * be shown at their line. Both formats are read with the `yaml` library's document parser (JSON
 * is YAML's flow syntax), which keeps every node's source range.
 */
import { isMap, isPair, isScalar, isSeq, parseDocument, type Node } from 'yaml';

import type { ChecksFormat } from './engine';

export interface TextRange {
  from: number;
  to: number;
}

export interface FieldLocation {
  /** The key of the deepest field found (e.g. `colour` in `colour: red`); null for list items. */
  key: TextRange | null;
  /** Its value. */
  value: TextRange | null;
  /** The value is a plain (unquoted) scalar, a double- or single-quoted one, or not a scalar. */
  valueStyle: 'plain' | 'double' | 'single' | 'other';
  /** The same for the key. */
  keyStyle: 'plain' | 'double' | 'single' | 'other';
  /** Whether the whole path was found (false: the range is the nearest enclosing field). */
  exact: boolean;
}

const rangeOf = (node: Node | null | undefined): TextRange | null =>
  node?.range ? { from: node.range[0], to: node.range[1] } : null;

function styleOf(node: unknown): FieldLocation['valueStyle'] {
  if (!isScalar(node)) return 'other';
  if (node.type === 'PLAIN') return 'plain';
  if (node.type === 'QUOTE_DOUBLE') return 'double';
  if (node.type === 'QUOTE_SINGLE') return 'single';
  return 'other';
}

/**
 * The location of `field` (dotted, e.g. `check.arguments.colour`, `check.arguments.allowed.1`) of
 * rule `ruleIndex` in `text`; without a field, the rule itself. Null when the text does not read
 * or has no such rule.
 */
export function locateField(
  text: string,
  _format: ChecksFormat,
  ruleIndex: number,
  field: string | null,
): FieldLocation | null {
  let doc;
  try {
    doc = parseDocument(text, { uniqueKeys: false, keepSourceTokens: false });
  } catch {
    return null;
  }
  if (doc.errors.length) return null;
  const rules = doc.contents;
  if (!isSeq(rules)) return null;
  const rule = rules.items[ruleIndex] as Node | undefined;
  if (!rule) return null;
  let loc: FieldLocation = {
    key: null,
    value: rangeOf(rule),
    valueStyle: 'other',
    keyStyle: 'other',
    exact: true,
  };
  // The rule's first key is a better anchor than the whole rule (its first line).
  if (isMap(rule) && rule.items[0] && isScalar(rule.items[0].key)) {
    loc = { ...loc, key: rangeOf(rule.items[0].key as Node), keyStyle: styleOf(rule.items[0].key) };
  }
  if (!field) return loc;
  let node: unknown = rule;
  for (const part of field.split('.')) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === part);
      if (!pair) return { ...loc, exact: false };
      loc = {
        key: rangeOf(pair.key as Node),
        value: rangeOf(pair.value as Node) ?? rangeOf(pair.key as Node),
        valueStyle: styleOf(pair.value),
        keyStyle: styleOf(pair.key),
        exact: true,
      };
      node = pair.value;
    } else if (isSeq(node) && /^\d+$/.test(part)) {
      const item = node.items[Number(part)] as Node | undefined;
      if (!item) return { ...loc, exact: false };
      loc = { key: null, value: rangeOf(item), valueStyle: styleOf(item), keyStyle: 'other', exact: true };
      node = item;
    } else {
      return { ...loc, exact: false };
    }
  }
  return loc;
}

/** 1-based line of an offset. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < Math.min(offset, text.length); i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** The text that writes `value` in place of a scalar of that style (YAML plain, or quoted). */
export function scalarText(value: string, style: FieldLocation['valueStyle']): string {
  if (style === 'plain' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) return value;
  if (style === 'single') return `'${value.replaceAll("'", "''")}'`;
  return JSON.stringify(value);
}
