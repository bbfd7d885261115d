/**
 * Python type annotations of check-function parameters, and the strict type test DQX's validator
 * applies to metadata values (`CheckSpec._matches_type`: pydantic strict mode, a bool accepted
 * wherever an int is, unknown annotations accepted).
 */
import { isMarker, pyKind } from '../py-values';

export type PyTypeNode =
  { kind: 'name'; name: string; args: PyTypeNode[] } | { kind: 'union'; members: PyTypeNode[] };

export function parseAnnotation(text: string): PyTypeNode {
  let pos = 0;
  const ws = () => {
    while (text[pos] === ' ') pos++;
  };
  const parseUnion = (): PyTypeNode => {
    const members = [parseTerm()];
    ws();
    while (text[pos] === '|') {
      pos++;
      members.push(parseTerm());
      ws();
    }
    return members.length === 1 ? members[0]! : { kind: 'union', members };
  };
  const parseTerm = (): PyTypeNode => {
    ws();
    const m = /^[A-Za-z_][\w.]*/.exec(text.slice(pos));
    if (!m) throw new Error(`Bad annotation: ${text}`);
    pos += m[0].length;
    const args: PyTypeNode[] = [];
    ws();
    if (text[pos] === '[') {
      pos++;
      args.push(parseUnion());
      ws();
      while (text[pos] === ',') {
        pos++;
        args.push(parseUnion());
        ws();
      }
      if (text[pos] !== ']') throw new Error(`Bad annotation: ${text}`);
      pos++;
    }
    return { kind: 'name', name: m[0], args };
  };
  const node = parseUnion();
  if (pos !== text.length) throw new Error(`Bad annotation: ${text}`);
  return node;
}

export function annotationText(node: PyTypeNode): string {
  if (node.kind === 'union') return node.members.map(annotationText).join(' | ');
  return node.args.length ? `${node.name}[${node.args.map(annotationText).join(', ')}]` : node.name;
}

/** `getattr(t, "__name__", str(t))` as DQX prints an expected type. */
export function annotationDisplayName(node: PyTypeNode): string {
  if (node.kind === 'union') return annotationText(node);
  const last = node.name.split('.').pop()!;
  if (node.args.length) return last; // generic aliases proxy __name__ to their origin
  return node.name === 'None' ? 'NoneType' : last;
}

/** True when DQX validates the argument item by item (`get_origin(annotation) is list`). */
export function isListOrigin(node: PyTypeNode): node is { kind: 'name'; name: 'list'; args: PyTypeNode[] } {
  return node.kind === 'name' && node.name === 'list' && node.args.length > 0;
}

function strictMatches(value: unknown, node: PyTypeNode): boolean {
  if (node.kind === 'union') return node.members.some((m) => strictMatches(value, m));
  const kind = pyKind(value);
  switch (node.name) {
    case 'str':
      return kind === 'str';
    case 'int':
      return kind === 'int';
    case 'float':
      return kind === 'int' || kind === 'float' || kind === 'decimal';
    case 'bool':
      return kind === 'bool';
    case 'None':
      return kind === 'none';
    case 'bytes':
      return false;
    case 'decimal.Decimal':
      return kind === 'decimal';
    case 'datetime.date':
      return kind === 'date';
    case 'datetime.datetime':
      return kind === 'datetime';
    case 'pyspark.sql.column.Column':
    case 'pyspark.sql.types.StructType':
      return false;
    case 'typing.Any':
      return true;
    case 'list':
      if (kind !== 'list') return false;
      return (
        node.args.length === 0 || (value as unknown[]).every((item) => matchesWithBool(item, node.args[0]!))
      );
    case 'dict': {
      if (kind !== 'dict' || isMarker(value)) return false;
      if (node.args.length < 2) return true;
      const [keyType, valueType] = node.args as [PyTypeNode, PyTypeNode];
      return Object.entries(value as Record<string, unknown>).every(
        ([k, v]) => strictMatches(k, keyType) && matchesWithBool(v, valueType),
      );
    }
    case 'NLPEngineConfig':
    case 'LLMModelConfig':
      return false;
    default:
      return true; // pydantic cannot build a schema: DQX accepts the value
  }
}

function matchesWithBool(value: unknown, node: PyTypeNode): boolean {
  if (strictMatches(value, node)) return true;
  if (typeof value === 'boolean') return strictMatches(value ? 1 : 0, node);
  return false;
}

/** `CheckSpec._matches_type(value, annotation)`. */
export function matchesAnnotation(value: unknown, node: PyTypeNode): boolean {
  return matchesWithBool(value, node);
}
