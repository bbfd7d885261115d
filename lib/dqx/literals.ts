/**
 * DQX's resolution of limits and values (`get_limit_expr`, reference section 1.6): how a metadata
 * value becomes a Spark expression. A Python str is an integer literal when it is all digits, a
 * date or timestamp literal when `datetime.fromisoformat` accepts it (timestamp when it contains
 * `:`), and otherwise a Spark SQL expression (`'abc'` is a string literal, `col_b` a column).
 * Every other value becomes `F.lit(value)`.
 *
 * For literals the Spark type and the text Spark prints for `CAST(x AS STRING)` are known here,
 * so messages can show them exactly in any dialect.
 */
import {
  formatPyDate,
  javaDoubleToString,
  javaFloatToString,
  numericValue,
  parsePyDatetimeStr,
  pyDatetimeToUtc,
  pyFloatNumber,
  pyFromIsoformat,
  pyIntText,
  pyIsDigit,
  pyKind,
  type PyDateTime,
} from './py-values';
import { tokenize } from './spark-sql';
import type { SparkType } from './spark-types';

export type LimitValue =
  | { kind: 'int'; text: string; type: SparkType }
  | { kind: 'decimal'; text: string; type: SparkType }
  | { kind: 'double'; value: number; type: SparkType }
  | { kind: 'float32'; value: number; type: SparkType }
  | { kind: 'bool'; value: boolean; type: SparkType }
  | { kind: 'string'; value: string; type: SparkType }
  | { kind: 'date'; text: string; type: SparkType }
  | { kind: 'timestamp'; date: string; time: string; micro: number; type: SparkType }
  | { kind: 'null'; type: SparkType | null }
  | { kind: 'array'; items: LimitValue[]; type: SparkType }
  | { kind: 'expr'; text: string; type: null };

const INT32 = 2n ** 31n;
const INT64 = 2n ** 63n;

function intLiteral(digits: string, negative = false): LimitValue {
  const n = BigInt(digits) * (negative ? -1n : 1n);
  const text = n.toString();
  let type: SparkType;
  if (n >= -INT32 && n < INT32) type = { kind: 'int' };
  else if (n >= -INT64 && n < INT64) type = { kind: 'bigint' };
  else type = { kind: 'decimal', precision: Math.max(1, text.replace('-', '').length), scale: 0 };
  return { kind: 'int', text, type };
}

/** A Python int as F.lit makes it (IntegerType when it fits 32 bits, else LongType). */
function pyIntLiteral(text: string): LimitValue {
  const n = BigInt(text);
  return {
    kind: 'int',
    text: n.toString(),
    type: n >= -INT32 && n < INT32 ? { kind: 'int' } : { kind: 'bigint' },
  };
}

/** Spark's decimal literal `digits.digits` as DECIMAL(p, s) and its string form. */
function decimalLiteral(intPart: string, fracPart: string, negative: boolean): LimitValue {
  const scale = fracPart.length;
  const unscaled = (intPart + fracPart).replace(/^0+/, '') || '0';
  const precision = Math.max(unscaled.length, scale, 1);
  const intText = intPart.replace(/^0+/, '') || '0';
  const text =
    (negative && /[1-9]/.test(intPart + fracPart) ? '-' : '') + intText + (scale ? '.' + fracPart : '');
  return { kind: 'decimal', text, type: { kind: 'decimal', precision, scale } };
}

/** A Python Decimal (DQX marker) as F.lit makes it. */
function pyDecimalLiteral(text: string): LimitValue {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!m) return { kind: 'decimal', text, type: { kind: 'decimal', precision: 38, scale: 18 } };
  return decimalLiteral(m[2] || '0', m[3] ?? '', m[1] === '-');
}

function timestampOf(d: PyDateTime): LimitValue {
  const utc = pyDatetimeToUtc(d);
  return { kind: 'timestamp', date: utc.date, time: utc.time, micro: utc.micro, type: { kind: 'timestamp' } };
}

/**
 * A Spark SQL expression string that is a single literal, typed as Spark's parser types it; or
 * an `expr` (a column or any other expression).
 */
export function sparkExpressionLiteral(text: string): LimitValue {
  let tokens;
  try {
    tokens = tokenize(text).filter((t) => t.kind !== 'ws' && t.kind !== 'comment');
  } catch {
    return { kind: 'expr', text, type: null };
  }
  let negative = false;
  let rest = tokens;
  if (
    rest.length === 2 &&
    rest[0]!.kind === 'op' &&
    (rest[0]!.text === '-' || rest[0]!.text === '+') &&
    rest[1]!.kind === 'number'
  ) {
    negative = rest[0]!.text === '-';
    rest = rest.slice(1);
  }
  if (rest.length >= 1 && rest.every((t) => t.kind === 'string') && !negative) {
    return { kind: 'string', value: rest.map((t) => t.value!).join(''), type: { kind: 'string' } };
  }
  if (rest.length !== 1) return { kind: 'expr', text, type: null };
  const t = rest[0]!;
  if (t.kind === 'ident' && !negative) {
    const lower = t.text.toLowerCase();
    if (lower === 'true' || lower === 'false')
      return { kind: 'bool', value: lower === 'true', type: { kind: 'boolean' } };
    if (lower === 'null') return { kind: 'null', type: null };
    return { kind: 'expr', text, type: null };
  }
  if (t.kind !== 'number') return { kind: 'expr', text, type: null };
  const m = /^(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d+))?(BD|bd|[LlSsYyDdFf])?$/.exec(t.text);
  if (!m) return { kind: 'expr', text, type: null };
  const [, ip = '', fp, exp, suffixRaw] = m;
  const suffix = (suffixRaw ?? '').toUpperCase();
  const numberText = t.text.slice(0, t.text.length - (suffixRaw?.length ?? 0));
  const value = (negative ? -1 : 1) * Number(numberText);
  if (suffix === 'D' || (exp !== undefined && suffix === ''))
    return { kind: 'double', value, type: { kind: 'double' } };
  if (suffix === 'F') return { kind: 'float32', value: Math.fround(value), type: { kind: 'float' } };
  if (suffix === 'BD' || (fp !== undefined && suffix === '')) {
    if (exp !== undefined) return { kind: 'expr', text, type: null };
    return decimalLiteral(ip, fp ?? '', negative);
  }
  if (fp !== undefined || exp !== undefined) return { kind: 'expr', text, type: null };
  if (suffix === 'L')
    return { kind: 'int', text: (negative ? -1n : 1n) * BigInt(ip) + '', type: { kind: 'bigint' } };
  if (suffix === 'S')
    return { kind: 'int', text: (negative ? -1n : 1n) * BigInt(ip) + '', type: { kind: 'smallint' } };
  if (suffix === 'Y')
    return { kind: 'int', text: (negative ? -1n : 1n) * BigInt(ip) + '', type: { kind: 'tinyint' } };
  return intLiteral(ip, negative);
}

/** DQX `get_limit_expr(value)`; null for None ("Limit is not provided."). */
export function resolveLimit(value: unknown): LimitValue | null {
  switch (pyKind(value)) {
    case 'none':
      return null;
    case 'str': {
      const s = value as string;
      if (pyIsDigit(s)) {
        if (/^[0-9]+$/.test(s)) return intLiteral(s);
        return { kind: 'expr', text: s, type: null };
      }
      const parsed = pyFromIsoformat(s);
      if (parsed) {
        if (s.includes(':')) return timestampOf(parsed);
        return { kind: 'date', text: formatPyDate(parsed), type: { kind: 'date' } };
      }
      return sparkExpressionLiteral(s);
    }
    case 'bool':
      return { kind: 'bool', value: value as boolean, type: { kind: 'boolean' } };
    case 'int':
      return pyIntLiteral(pyIntText(value));
    case 'float':
      return { kind: 'double', value: pyFloatNumber(value), type: { kind: 'double' } };
    case 'decimal':
      return pyDecimalLiteral((value as { __decimal__: string }).__decimal__);
    case 'date':
      return { kind: 'date', text: (value as { __date__: string }).__date__, type: { kind: 'date' } };
    case 'datetime': {
      const d = parsePyDatetimeStr((value as { __datetime__: string }).__datetime__);
      return d ? timestampOf(d) : { kind: 'expr', text: String(value), type: null };
    }
    case 'list': {
      const items = (value as unknown[]).map(
        (v) => resolveLimit(v) ?? ({ kind: 'null', type: null } as LimitValue),
      );
      const element = items.find((i) => i.type)?.type ?? { kind: 'string' };
      return { kind: 'array', items, type: { kind: 'array', element, containsNull: true } };
    }
    default:
      return { kind: 'expr', text: String(value), type: null };
  }
}

/** How Spark prints the literal with `CAST(x AS STRING)`; null for expressions (known at run time only). */
export function literalSparkString(v: LimitValue): string | null {
  switch (v.kind) {
    case 'int':
    case 'decimal':
      return v.text;
    case 'double':
      return javaDoubleToString(v.value);
    case 'float32':
      return javaFloatToString(v.value);
    case 'bool':
      return v.value ? 'true' : 'false';
    case 'string':
      return v.value;
    case 'date':
      return v.text;
    case 'timestamp': {
      const frac = v.micro ? '.' + String(v.micro).padStart(6, '0').replace(/0+$/, '') : '';
      return `${v.date} ${v.time}${frac}`;
    }
    case 'null':
      return null;
    case 'array': {
      const parts = v.items.map((i) => (i.kind === 'null' ? 'null' : literalSparkString(i)));
      return parts.includes(null) ? null : `[${parts.join(', ')}]`;
    }
    default:
      return null;
  }
}

/** Whether a value is a numeric literal kind. */
export const isNumericLiteral = (v: LimitValue) =>
  v.kind === 'int' || v.kind === 'decimal' || v.kind === 'double' || v.kind === 'float32';

export { numericValue };
