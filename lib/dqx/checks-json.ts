/**
 * JSON reading and writing with Python's `json` semantics: a number literal with a fraction or an
 * exponent is a float (so `2.0` stays a float), an integer literal is an int of any size,
 * `NaN`/`Infinity` are accepted, and a repeated key keeps its last value. Values that JavaScript
 * cannot hold exactly become the markers of `py-values.ts`.
 */
import { floatValue, pyFloatNumber, pyIntText, pyJsonFloat, pyKind, pyStr } from './py-values';

export class JsonTextError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
    this.name = 'JsonTextError';
  }
}

/** Limits of a JSON checks file (as for YAML): size and nesting. */
export const JSON_LIMITS = { maxChars: 2_000_000, maxDepth: 64 } as const;

export function parsePythonJson(text: string, limits: { maxChars: number; maxDepth: number } = JSON_LIMITS): unknown {
  if (text.length > limits.maxChars) throw new JsonTextError(`The document is too large: it has more than ${limits.maxChars} characters`, 1, 1);
  let pos = 0;
  let depth = 0;
  const fail = (message: string): never => {
    const before = text.slice(0, pos);
    const line = before.split('\n').length;
    const column = pos - before.lastIndexOf('\n');
    throw new JsonTextError(`${message} (line ${line}, column ${column})`, line, column);
  };
  const ws = () => {
    while (pos < text.length && ' \t\n\r'.includes(text[pos]!)) pos++;
  };
  const literal = (word: string, value: unknown) => {
    if (text.startsWith(word, pos)) {
      pos += word.length;
      return value;
    }
    return fail('Expecting value');
  };
  const parseString = (): string => {
    pos++; // opening quote
    let out = '';
    for (;;) {
      if (pos >= text.length) fail('Unterminated string');
      const ch = text[pos]!;
      if (ch === '"') {
        pos++;
        return out;
      }
      if (ch === '\\') {
        const esc = text[pos + 1];
        const map: Record<string, string> = {
          '"': '"',
          '\\': '\\',
          '/': '/',
          b: '\b',
          f: '\f',
          n: '\n',
          r: '\r',
          t: '\t',
        };
        if (esc !== undefined && esc in map) {
          out += map[esc];
          pos += 2;
        } else if (esc === 'u') {
          const hex = text.slice(pos + 2, pos + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('Invalid \\uXXXX escape');
          out += String.fromCharCode(parseInt(hex, 16));
          pos += 6;
        } else fail('Invalid \\escape');
        continue;
      }
      if (ch.charCodeAt(0) < 0x20) fail('Invalid control character');
      out += ch;
      pos++;
    }
  };
  const parseNumber = (): unknown => {
    const m = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/.exec(text.slice(pos));
    if (!m) return fail('Expecting value');
    pos += m[0].length;
    if (m[1] || m[2]) return floatValue(Number(m[0]));
    const n = Number(m[0]);
    if (Number.isSafeInteger(n)) return n === 0 ? 0 : n;
    return { __int__: BigInt(m[0]).toString() };
  };
  const parseValue = (): unknown => {
    ws();
    const ch = text[pos];
    if ((ch === '{' || ch === '[') && ++depth > limits.maxDepth) {
      fail(`The document is too large: it is nested more than ${limits.maxDepth} levels deep`);
    }
    if (ch === '{') {
      pos++;
      const obj: Record<string, unknown> = {};
      ws();
      if (text[pos] === '}') {
        pos++;
        depth--;
        return obj;
      }
      for (;;) {
        ws();
        if (text[pos] !== '"') fail('Expecting property name enclosed in double quotes');
        const key = parseString();
        ws();
        if (text[pos] !== ':') fail("Expecting ':' delimiter");
        pos++;
        const value = parseValue();
        if (key === '__proto__')
          Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
        else obj[key] = value;
        ws();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === '}') {
          pos++;
          depth--;
          return obj;
        }
        fail("Expecting ',' delimiter");
      }
    }
    if (ch === '[') {
      pos++;
      const arr: unknown[] = [];
      ws();
      if (text[pos] === ']') {
        pos++;
        depth--;
        return arr;
      }
      for (;;) {
        arr.push(parseValue());
        ws();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === ']') {
          pos++;
          depth--;
          return arr;
        }
        fail("Expecting ',' delimiter");
      }
    }
    if (ch === '"') return parseString();
    if (ch === 't') return literal('true', true);
    if (ch === 'f') return literal('false', false);
    if (ch === 'n') return literal('null', null);
    if (ch === 'N') return literal('NaN', { __float__: 'nan' });
    if (ch === 'I') return literal('Infinity', { __float__: 'inf' });
    if (ch === '-' && text.startsWith('-Infinity', pos)) return literal('-Infinity', { __float__: '-inf' });
    return parseNumber();
  };
  const value = parseValue();
  ws();
  if (pos < text.length) fail('Extra data');
  return value;
}

/**
 * Write model values as JSON that Python's `json.load` reads back to the same values. Dates are
 * written as their ISO strings (as DQX's own `save_checks` does), Decimals as DQX's marker object.
 */
export function stringifyPythonJson(value: unknown, indent = 2): string {
  const pad = (depth: number) => ' '.repeat(indent * depth);
  const write = (v: unknown, depth: number): string => {
    switch (pyKind(v)) {
      case 'none':
        return 'null';
      case 'bool':
        return v ? 'true' : 'false';
      case 'int':
        return pyIntText(v);
      case 'float':
        return pyJsonFloat(pyFloatNumber(v));
      case 'str':
        return JSON.stringify(v);
      case 'date':
      case 'datetime':
        return JSON.stringify(pyStr(v));
      case 'decimal':
        return `{"__decimal__": ${JSON.stringify((v as { __decimal__: string }).__decimal__)}}`;
      case 'list': {
        const items = v as unknown[];
        if (items.length === 0) return '[]';
        return (
          '[\n' + items.map((i) => pad(depth + 1) + write(i, depth + 1)).join(',\n') + '\n' + pad(depth) + ']'
        );
      }
      case 'dict': {
        const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
        if (entries.length === 0) return '{}';
        return (
          '{\n' +
          entries
            .map(([k, x]) => `${pad(depth + 1)}${JSON.stringify(k)}: ${write(x, depth + 1)}`)
            .join(',\n') +
          '\n' +
          pad(depth) +
          '}'
        );
      }
      default:
        return JSON.stringify(String(v));
    }
  };
  return write(value, 0);
}
