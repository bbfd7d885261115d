/**
 * Values as DQX's Python code holds them (int, float, Decimal, str, bool, date, datetime), typed so
 * that nothing is lost when they cross JSON: a Python `0.0` stays a float, a Decimal keeps its digits
 * and scale, a 64-bit integer keeps every digit. Plus the exact Python and Java text renderings DQX's
 * output depends on (float repr, `:.1f`, `Double.toString`, `BigDecimal.toString`).
 */

export interface DqxInt {
  type: 'int';
  /** Decimal digits, optional leading '-'. */
  value: string;
}
export interface DqxFloat {
  type: 'float';
  value: number | 'nan' | 'inf' | '-inf';
}
export interface DqxDecimal {
  type: 'decimal';
  /** Python `str(Decimal)`. */
  value: string;
}
export interface DqxDate {
  type: 'date';
  /** `YYYY-MM-DD` */
  value: string;
}
export interface DqxDateTime {
  type: 'datetime';
  /** Python `datetime.isoformat()` of a UTC-aware datetime, e.g. `2024-01-30T00:00:00+00:00`. */
  value: string;
}

/** A Python value: None, bool, str (plain JSON), or a tagged number/temporal value. */
export type DqxValue = null | boolean | string | DqxInt | DqxFloat | DqxDecimal | DqxDate | DqxDateTime;

export const pyInt = (value: bigint | number): DqxInt => ({ type: 'int', value: BigInt(value).toString() });
export const pyFloat = (value: number): DqxFloat => ({
  type: 'float',
  value: Number.isNaN(value) ? 'nan' : value === Infinity ? 'inf' : value === -Infinity ? '-inf' : value,
});
export const pyDecimal = (value: string): DqxDecimal => ({ type: 'decimal', value });
export const pyDate = (value: string): DqxDate => ({ type: 'date', value });
export const pyDateTime = (value: string): DqxDateTime => ({ type: 'datetime', value });

export function isTagged(v: DqxValue): v is DqxInt | DqxFloat | DqxDecimal | DqxDate | DqxDateTime {
  return typeof v === 'object' && v !== null;
}

export function floatOf(v: DqxFloat): number {
  if (v.value === 'nan') return NaN;
  if (v.value === 'inf') return Infinity;
  if (v.value === '-inf') return -Infinity;
  return v.value;
}

/** A number for display or arithmetic (exactness not guaranteed for big ints and decimals). */
export function toNumber(v: DqxValue): number | null {
  if (!isTagged(v)) return null;
  switch (v.type) {
    case 'int':
    case 'decimal':
      return Number(v.value);
    case 'float':
      return floatOf(v);
    default:
      return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Exact decimals: an unscaled BigInt and an exponent (value = unscaled * 10^exp), like Python's Decimal.

export interface ExactDecimal {
  negative: boolean;
  /** Coefficient digits as a non-negative BigInt. */
  coefficient: bigint;
  exponent: number;
}

const DECIMAL_RE = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

export function parseDecimal(text: string): ExactDecimal {
  const m = DECIMAL_RE.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new Error(`Not a decimal number: '${text}'`);
  const intPart = m[2] ?? '';
  const fracPart = m[3] ?? '';
  const exp = Number(m[4] ?? '0') - fracPart.length;
  const digits = (intPart + fracPart).replace(/^0+(?=\d)/, '') || '0';
  return { negative: m[1] === '-', coefficient: BigInt(digits), exponent: exp };
}

/** Python `str(Decimal)` / Java `BigDecimal.toString()` (the "to-scientific-string" rule). */
export function decimalToSciString(d: ExactDecimal): string {
  const digits = d.coefficient.toString();
  const sign = d.negative ? '-' : '';
  const adjusted = d.exponent + digits.length - 1;
  if (d.exponent <= 0 && adjusted >= -6) {
    if (d.exponent === 0) return sign + digits;
    const point = digits.length + d.exponent;
    if (point > 0) return sign + digits.slice(0, point) + '.' + digits.slice(point);
    return sign + '0.' + '0'.repeat(-point) + digits;
  }
  const mantissa = digits.length > 1 ? digits[0] + '.' + digits.slice(1) : digits;
  return `${sign}${mantissa}E${adjusted >= 0 ? '+' : '-'}${Math.abs(adjusted)}`;
}

/** Python `Decimal(text)` rendered back with `str()`. */
export function pyDecimalStr(text: string): string {
  return decimalToSciString(parseDecimal(text));
}

/** The exact rational value of a decimal as num / 10^k (k >= 0). */
function decimalAsScaled(d: ExactDecimal): { num: bigint; scale: number } {
  const signed = d.negative ? -d.coefficient : d.coefficient;
  if (d.exponent >= 0) return { num: signed * 10n ** BigInt(d.exponent), scale: 0 };
  return { num: signed, scale: -d.exponent };
}

/** Exact rational of a finite double: num / 2^k. */
function doubleAsRational(x: number): { num: bigint; pow2: number } {
  if (!Number.isFinite(x)) throw new Error('not finite');
  if (x === 0) return { num: 0n, pow2: 0 };
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const sign = hi >>> 31 ? -1n : 1n;
  const expBits = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (expBits === 0) exp = -1074;
  else {
    mant |= 1n << 52n;
    exp = expBits - 1075;
  }
  if (exp >= 0) return { num: sign * (mant << BigInt(exp)), pow2: 0 };
  return { num: sign * mant, pow2: -exp };
}

/** Exact comparison of two Python numbers (int, float, Decimal), like Python's `<`/`>` on mixed types. */
export function compareNumbers(a: DqxValue, b: DqxValue): number {
  const ra = rationalOf(a);
  const rb = rationalOf(b);
  if (ra === 'nan' || rb === 'nan') return NaN;
  if (ra === 'inf') return rb === 'inf' ? 0 : 1;
  if (ra === '-inf') return rb === '-inf' ? 0 : -1;
  if (rb === 'inf') return -1;
  if (rb === '-inf') return 1;
  // a.num / a.den  vs  b.num / b.den  (dens positive)
  const left = ra.num * rb.den;
  const right = rb.num * ra.den;
  return left < right ? -1 : left > right ? 1 : 0;
}

function rationalOf(v: DqxValue): { num: bigint; den: bigint } | 'nan' | 'inf' | '-inf' {
  if (!isTagged(v)) throw new Error(`Not a number: ${JSON.stringify(v)}`);
  switch (v.type) {
    case 'int':
      return { num: BigInt(v.value), den: 1n };
    case 'decimal': {
      const s = decimalAsScaled(parseDecimal(v.value));
      return { num: s.num, den: 10n ** BigInt(s.scale) };
    }
    case 'float': {
      if (typeof v.value !== 'number') return v.value;
      const r = doubleAsRational(v.value);
      return { num: r.num, den: 1n << BigInt(r.pow2) };
    }
    default:
      throw new Error(`Not a number: ${JSON.stringify(v)}`);
  }
}

/** Python `Decimal.to_integral_value(ROUND_FLOOR / ROUND_CEILING)`, sign of zero kept as Python keeps it. */
export function decimalToIntegral(text: string, direction: 'down' | 'up'): string {
  const d = parseDecimal(text);
  if (d.exponent >= 0) return decimalToSciString(d);
  const div = 10n ** BigInt(-d.exponent);
  let q = d.coefficient / div;
  const rem = d.coefficient % div;
  if (rem !== 0n) {
    // floor of a negative number / ceiling of a positive one moves away from zero
    if ((direction === 'down' && d.negative) || (direction === 'up' && !d.negative)) q += 1n;
  }
  return decimalToSciString({ negative: d.negative, coefficient: q, exponent: 0 });
}

function roundHalfUp(num: bigint, den: bigint): bigint {
  // num / den rounded half away from zero (den > 0)
  const negative = num < 0n;
  const abs = negative ? -num : num;
  let q = abs / den;
  if ((abs % den) * 2n >= den) q += 1n;
  return negative ? -q : q;
}

/**
 * Spark's `avg` of a decimal(p, s) column, as text: the exact sum (type decimal(p + 10, s)) divided
 * by the count (decimal(20, 0)) at the scale Spark's decimal division gives that pair (HALF_UP),
 * then cast to the result type decimal(p + 4, s + 4) (HALF_UP again when that scale is smaller).
 */
export function sparkDecimalAverage(sumText: string, count: bigint, precision: number, scale: number): string {
  const sumPrecision = Math.min(precision + 10, 38);
  const sumScale = Math.min(scale, 38);
  let divScale = Math.max(6, sumScale + 20 + 1);
  const divPrecision = sumPrecision - sumScale + divScale;
  if (divPrecision > 38) {
    const intDigits = divPrecision - divScale;
    divScale = Math.max(38 - intDigits, Math.min(divScale, 6));
  }
  const resultScale = Math.min(scale + 4, 38);
  const sum = decimalAsScaled(parseDecimal(sumText));
  // sum.num / 10^sum.scale / count at divScale digits
  let q = roundHalfUp(sum.num * 10n ** BigInt(divScale), count * 10n ** BigInt(sum.scale));
  let qScale = divScale;
  if (resultScale < qScale) {
    q = roundHalfUp(q, 10n ** BigInt(qScale - resultScale));
    qScale = resultScale;
  }
  return decimalToSciString({ negative: q < 0n, coefficient: q < 0n ? -q : q, exponent: -qScale });
}

// ---------------------------------------------------------------------------------------------
// Text renderings.

function shortestDigits(x: number): { digits: string; exp10: number } {
  // toExponential() without an argument gives the shortest digits that round-trip.
  const [mant, exp] = Math.abs(x).toExponential().split('e') as [string, string];
  return { digits: mant.replace('.', ''), exp10: Number(exp) };
}

/** Python `repr(float)`. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const { digits, exp10 } = shortestDigits(x);
  if (exp10 < -4 || exp10 >= 16) {
    const mantissa = digits.length > 1 ? digits[0] + '.' + digits.slice(1) : digits;
    const e = Math.abs(exp10).toString().padStart(2, '0');
    return `${sign}${mantissa}e${exp10 < 0 ? '-' : '+'}${e}`;
  }
  return sign + placeDecimalPoint(digits, exp10, true);
}

/** Digits d1d2d3... with the first digit at 10^exp10, in plain notation; `.0` appended if integral. */
function placeDecimalPoint(digits: string, exp10: number, forceFraction: boolean): string {
  if (exp10 < 0) return '0.' + '0'.repeat(-exp10 - 1) + digits;
  const intLen = exp10 + 1;
  if (digits.length <= intLen) {
    const int = digits + '0'.repeat(intLen - digits.length);
    return forceFraction ? int + '.0' : int;
  }
  return digits.slice(0, intLen) + '.' + digits.slice(intLen);
}

/** Java `Double.toString(double)` (shortest round-trip digits). */
export function javaDoubleToString(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const abs = Math.abs(x);
  const { digits, exp10 } = shortestDigits(x);
  if (abs >= 1e-3 && abs < 1e7) return sign + placeDecimalPoint(digits, exp10, true);
  const mantissa = digits[0] + '.' + (digits.length > 1 ? digits.slice(1) : '0');
  return `${sign}${mantissa}E${exp10}`;
}

/** Python `format(x, '.Nf')`: exact binary value rounded half-to-even. */
export function pyFormatFixed(x: number, fractionDigits: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const negative = x < 0 || Object.is(x, -0);
  const r = doubleAsRational(Math.abs(x));
  const den = 1n << BigInt(r.pow2);
  const scaledNum = r.num * 10n ** BigInt(fractionDigits);
  let q = scaledNum / den;
  const rem = scaledNum % den;
  if (rem * 2n > den || (rem * 2n === den && q % 2n === 1n)) q += 1n;
  let digits = q.toString().padStart(fractionDigits + 1, '0');
  if (fractionDigits > 0) digits = digits.slice(0, -fractionDigits) + '.' + digits.slice(-fractionDigits);
  return (negative ? '-' : '') + digits;
}

/** Python `format(value)` as an f-string renders it: int -> digits, float -> repr, Decimal -> str. */
export function pyStr(v: DqxValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'string') return v;
  switch (v.type) {
    case 'int':
    case 'decimal':
      return v.value;
    case 'float':
      return typeof v.value === 'number' ? pyFloatRepr(v.value) : v.value;
    case 'date':
      return v.value;
    case 'datetime':
      return v.value.replace('T', ' ');
  }
}

/** A Python number operand for arithmetic/formatting of ratios: a JS number from int or float. */
export function pyNumberForFormat(v: number | DqxValue): number {
  if (typeof v === 'number') return v;
  const n = toNumber(v);
  if (n === null) throw new Error(`Not a number: ${JSON.stringify(v)}`);
  return n;
}
