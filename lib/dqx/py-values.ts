/**
 * Python value semantics the DQX library relies on, reproduced in TypeScript.
 *
 * DQX reads checks files with PyYAML / json, so an argument value is a Python object: str, int,
 * float, bool, None, list, dict, and (from YAML, or DQX's `{"__decimal__": ...}` marker) date,
 * datetime and Decimal. JavaScript numbers cannot tell `2` from `2.0`, and JSON cannot carry dates,
 * so the rule model keeps the Python types that JSON cannot express as small marker objects:
 *
 * - `{"__decimal__": "1.50"}`   a Decimal (DQX's own serialised form)
 * - `{"__float__": "2.0"}`       a float whose value JavaScript would show as an integer, or inf/nan
 * - `{"__int__": "1234...890"}`  an int outside JavaScript's safe integer range
 * - `{"__date__": "2024-01-01"}` a datetime.date (YAML timestamps without time)
 * - `{"__datetime__": "2024-01-01 10:00:00+00:00"}` a datetime.datetime (Python `str()` form)
 *
 * Every other float is a plain JS number with a fractional part, every other int a safe integer.
 * This module also renders values the way Python does (`repr`, `json.dumps`) because DQX's error
 * messages and fingerprints are built from those renderings.
 */

export type PyMarker =
  | { __decimal__: string }
  | { __float__: string }
  | { __int__: string }
  | { __date__: string }
  | { __datetime__: string };

export type PyKind =
  'none' | 'bool' | 'int' | 'float' | 'str' | 'list' | 'dict' | 'decimal' | 'date' | 'datetime' | 'unknown';

const MARKER_KEYS = ['__decimal__', '__float__', '__int__', '__date__', '__datetime__'] as const;

export function isMarker(value: unknown): value is PyMarker {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return (
    keys.length === 1 &&
    (MARKER_KEYS as readonly string[]).includes(keys[0]!) &&
    typeof (value as Record<string, unknown>)[keys[0]!] === 'string'
  );
}

/** The Python type of a model value. */
export function pyKind(value: unknown): PyKind {
  if (value === null || value === undefined) return 'none';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'bigint') return 'int';
  if (typeof value === 'string') return 'str';
  if (Array.isArray(value)) return 'list';
  if (isMarker(value)) {
    if ('__decimal__' in value) return 'decimal';
    if ('__float__' in value) return 'float';
    if ('__int__' in value) return 'int';
    if ('__date__' in value) return 'date';
    return 'datetime';
  }
  if (typeof value === 'object') return 'dict';
  return 'unknown';
}

export const pyFloat = (text: string): { __float__: string } => ({ __float__: text });
export const pyDecimal = (text: string): { __decimal__: string } => ({ __decimal__: text });

/** A JS number that represents a Python float (markers for integral values). */
export function floatValue(n: number): number | { __float__: string } {
  if (Number.isFinite(n) && !Number.isInteger(n)) return n;
  return { __float__: pyFloatRepr(n) };
}

/** Numeric value of an int/float/decimal model value, or null. */
export function numericValue(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (isMarker(value)) {
    if ('__float__' in value) return parsePyFloat(value.__float__);
    if ('__int__' in value) return Number(value.__int__);
    if ('__decimal__' in value) return Number(value.__decimal__);
  }
  return null;
}

/** The digits of a value `pyKind` calls `int`: a safe integer, a bigint, or an `__int__` marker. */
export function pyIntText(value: unknown): string {
  return isMarker(value) ? (value as { __int__: string }).__int__ : String(value);
}

/** The number a value `pyKind` calls `float` stands for: a JS number, or a `__float__` marker. */
export function pyFloatNumber(value: unknown): number {
  return isMarker(value) ? parsePyFloat((value as { __float__: string }).__float__) : (value as number);
}

export function parsePyFloat(text: string): number {
  const t = text.trim().toLowerCase();
  if (t === 'inf' || t === '+inf' || t === 'infinity') return Infinity;
  if (t === '-inf' || t === '-infinity') return -Infinity;
  if (t === 'nan' || t === '+nan' || t === '-nan') return NaN;
  return Number(t);
}

// ---------------------------------------------------------------------------------------------
// Number renderings

/** Shortest round-trip digits and decimal exponent: value = 0.DIGITS x 10^point. */
function shortestDigits(n: number): { negative: boolean; digits: string; point: number } {
  const negative = n < 0 || Object.is(n, -0);
  const abs = Math.abs(n);
  if (abs === 0) return { negative, digits: '0', point: 1 };
  const [mant, exp] = abs.toExponential().split('e') as [string, string];
  const digits = mant.replace('.', '');
  return { negative, digits, point: Number(exp) + 1 };
}

/** Python's `repr(float)`. */
export function pyFloatRepr(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  const { negative, digits, point } = shortestDigits(n);
  const sign = negative ? '-' : '';
  if (digits === '0') return `${sign}0.0`;
  if (point > 16 || point < -3) {
    const exp = point - 1;
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp).toString().padStart(2, '0');
    return `${sign}${mant}e${exp < 0 ? '-' : '+'}${e}`;
  }
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}.0`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/**
 * Java's `Double.toString` (what Spark's CAST(double AS STRING) prints), using shortest
 * round-trip digits. JDK 17 occasionally prints one or two more digits than needed for values
 * with 16-17 significant digits (JDK-4511638); those rare values differ.
 */
export function javaDoubleToString(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  const { negative, digits, point } = shortestDigits(n);
  const sign = negative ? '-' : '';
  if (digits === '0') return `${sign}0.0`;
  const abs = Math.abs(n);
  if (abs >= 1e-3 && abs < 1e7) {
    if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
    if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}.0`;
    return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
  }
  const mant = `${digits[0]}.${digits.length > 1 ? digits.slice(1) : '0'}`;
  return `${sign}${mant}E${point - 1}`;
}

/** Java's `Float.toString` for a 32-bit float value. */
export function javaFloatToString(n: number): string {
  if (!Number.isFinite(n)) return javaDoubleToString(n);
  const f = Math.fround(n);
  if (f === 0) return Object.is(f, -0) ? '-0.0' : '0.0';
  // Shortest digits that round-trip through float32.
  let digits = '';
  let point = 0;
  for (let p = 1; p <= 9; p++) {
    const candidate = Math.abs(f).toExponential(p - 1);
    if (Math.fround(Number(candidate)) === Math.abs(f)) {
      const [mant, exp] = candidate.split('e') as [string, string];
      digits = mant.replace('.', '').replace(/0+$/, '') || '0';
      point = Number(exp) + 1;
      break;
    }
  }
  const sign = f < 0 ? '-' : '';
  const abs = Math.abs(f);
  if (abs >= 1e-3 && abs < 1e7) {
    if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
    if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}.0`;
    return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
  }
  return `${sign}${digits[0]}.${digits.length > 1 ? digits.slice(1) : '0'}E${point - 1}`;
}

// ---------------------------------------------------------------------------------------------
// repr() and str()

const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/** Python's `repr(str)`. */
export function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (cp < 0x7f) out += ch;
    else if (NON_PRINTABLE.test(ch)) {
      if (cp <= 0xff) out += '\\x' + cp.toString(16).padStart(2, '0');
      else if (cp <= 0xffff) out += '\\u' + cp.toString(16).padStart(4, '0');
      else out += '\\U' + cp.toString(16).padStart(8, '0');
    } else out += ch;
  }
  return out + quote;
}

function dateParts(text: string): number[] {
  return (text.match(/\d+/g) ?? []).map(Number);
}

/** Python's `repr()` of a model value (as DQX prints a check dict in its error messages). */
export function pyRepr(value: unknown): string {
  switch (pyKind(value)) {
    case 'none':
      return 'None';
    case 'bool':
      return value ? 'True' : 'False';
    case 'int':
      return pyIntText(value);
    case 'float':
      return isMarker(value) ? (value as { __float__: string }).__float__ : pyFloatRepr(value as number);
    case 'str':
      return pyStrRepr(value as string);
    case 'list':
      return '[' + (value as unknown[]).map(pyRepr).join(', ') + ']';
    case 'decimal':
      return `Decimal(${pyStrRepr((value as { __decimal__: string }).__decimal__)})`;
    case 'date': {
      const [y, m, d] = dateParts((value as { __date__: string }).__date__);
      return `datetime.date(${y}, ${m}, ${d})`;
    }
    case 'datetime':
      return pyDatetimeRepr((value as { __datetime__: string }).__datetime__);
    case 'dict':
      return (
        '{' +
        Object.entries(value as Record<string, unknown>)
          .map(([k, v]) => `${pyStrRepr(k)}: ${pyRepr(v)}`)
          .join(', ') +
        '}'
      );
    default:
      return String(value);
  }
}

function pyDatetimeRepr(text: string): string {
  const m =
    /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{6}))?(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(
      text,
    );
  if (!m) return `datetime.datetime(${pyStrRepr(text)})`;
  const parts = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])];
  const sec = Number(m[6]);
  const micro = m[7] ? Number(m[7]) : 0;
  if (sec || micro) parts.push(sec);
  if (micro) parts.push(micro);
  let tz = '';
  if (m[8]) {
    const h = Number(m[9]);
    const mi = Number(m[10]);
    if (h === 0 && mi === 0 && !m[11]) tz = ', tzinfo=datetime.timezone.utc';
    else {
      const secs = h * 3600 + mi * 60 + (m[11] ? Number(m[11]) : 0);
      tz =
        m[8] === '-'
          ? `, tzinfo=datetime.timezone(datetime.timedelta(days=-1, seconds=${86400 - secs}))`
          : `, tzinfo=datetime.timezone(datetime.timedelta(seconds=${secs}))`;
    }
  }
  return `datetime.datetime(${parts.join(', ')}${tz})`;
}

/** Python's `str()` of a model value (used where DQX passes values through `default=str`). */
export function pyStr(value: unknown): string {
  switch (pyKind(value)) {
    case 'str':
      return value as string;
    case 'decimal':
      return (value as { __decimal__: string }).__decimal__;
    case 'date':
      return (value as { __date__: string }).__date__;
    case 'datetime':
      return (value as { __datetime__: string }).__datetime__;
    default:
      return pyRepr(value);
  }
}

// ---------------------------------------------------------------------------------------------
// json.dumps(obj, sort_keys=True, default=str) with Python's default separators and ensure_ascii

function jsonEscapeString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const code = s.charCodeAt(i);
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (code < 0x20 || code > 0x7e) out += '\\u' + code.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}

/** Compare two strings by Unicode code point, as Python sorts str. */
export function compareCodePoints(a: string, b: string): number {
  const ai = a[Symbol.iterator]();
  const bi = b[Symbol.iterator]();
  for (;;) {
    const x = ai.next();
    const y = bi.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const d = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}

/** A Python float as `json.dumps` writes it (`NaN`, `Infinity` and `-Infinity` for the non-finite). */
export function pyJsonFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  return pyFloatRepr(n);
}

/**
 * `json.dumps(value, sort_keys=True, default=str)`. Markers are rendered as the Python object
 * they stand for would be after DQX's `normalize_bound_args` (dates become their `str()`,
 * Decimals stay `{"__decimal__": ...}`), which is what DQX hashes. With `sortKeys` false, dict
 * keys keep their order (`json.dumps(value)`, as DQX encodes the values of its checks table).
 */
export function pyJsonDumps(value: unknown, sortKeys = true): string {
  switch (pyKind(value)) {
    case 'none':
      return 'null';
    case 'bool':
      return value ? 'true' : 'false';
    case 'int':
      return pyIntText(value);
    case 'float':
      return pyJsonFloat(pyFloatNumber(value));
    case 'str':
      return jsonEscapeString(value as string);
    case 'list':
      return '[' + (value as unknown[]).map((v) => pyJsonDumps(v, sortKeys)).join(', ') + ']';
    case 'decimal':
      return `{"__decimal__": ${jsonEscapeString((value as { __decimal__: string }).__decimal__)}}`;
    case 'date':
    case 'datetime':
      return jsonEscapeString(pyStr(value));
    case 'dict': {
      const entries = Object.entries(value as Record<string, unknown>);
      if (sortKeys) entries.sort(([a], [b]) => compareCodePoints(a, b));
      return '{' + entries.map(([k, v]) => `${jsonEscapeString(k)}: ${pyJsonDumps(v, sortKeys)}`).join(', ') + '}';
    }
    default:
      return jsonEscapeString(String(value));
  }
}

// ---------------------------------------------------------------------------------------------
// str.isdigit() and datetime.fromisoformat() (CPython 3.11+ C implementation)

/** Python's `str.isdigit()`: non-empty and every character has a digit value (Nd and superscripts...). */
export function pyIsDigit(s: string): boolean {
  if (s.length === 0) return false;
  for (const ch of s) {
    if (
      !/\p{Nd}/u.test(ch) &&
      !/[\u00b2\u00b3\u00b9\u2070\u2074-\u2079\u2080-\u2089\u2460-\u2468\u2474-\u247c\u2488-\u2490\u24ea\u24f5-\u24fd\u24ff\u2776-\u277e\u2780-\u2788\u278a-\u2792\u1369-\u1371\u19da\u{10a40}-\u{10a43}\u{10e60}-\u{10e68}\u{11052}-\u{1105a}\u{1f100}-\u{1f10a}]/u.test(
        ch,
      )
    ) {
      return false;
    }
  }
  return true;
}

export interface PyDateTime {
  kind: 'date' | 'datetime';
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  microsecond: number;
  /** Offset from UTC in seconds (may carry a fraction of microseconds), or null for naive values. */
  offsetSeconds: number | null;
}

const isAsciiDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

function parseDigits(s: string): number {
  if (s.length === 0 || ![...s].every(isAsciiDigit)) throw new Error('bad digits');
  return Number(s);
}

function isLeap(y: number): boolean {
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
}

function daysInMonth(y: number, m: number): number {
  return [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
}

function findSeparator(s: string): number {
  const len = s.length;
  if (len === 7) return 7;
  if (s[4] === '-') {
    if (s[5] === 'W') {
      if (len < 8) throw new Error('invalid');
      if (len > 8 && s[8] === '-') {
        if (len === 9) throw new Error('invalid');
        if (len > 10 && isAsciiDigit(s[10])) return 8;
        return 10;
      }
      return 8;
    }
    return 10;
  }
  if (s[4] === 'W') {
    let idx = 7;
    while (idx < len && isAsciiDigit(s[idx])) idx++;
    if (idx < 9) return idx;
    return idx % 2 === 0 ? 7 : 8;
  }
  return 8;
}

function isoWeekToGregorian(year: number, week: number, day: number): [number, number, number] {
  if (year < 1 || year > 9999) throw new Error('year');
  const jan1 = Date.UTC(year, 0, 1);
  const jan1Weekday = ((new Date(jan1).getUTCDay() + 6) % 7) + 1; // 1 = Monday
  if (week < 1 || week > 52) {
    let ok = false;
    if (week === 53) ok = jan1Weekday === 4 || (jan1Weekday === 3 && isLeap(year));
    if (!ok) throw new Error('week');
  }
  if (day < 1 || day > 7) throw new Error('day');
  // Monday of ISO week 1
  const week1Monday = jan1 - (jan1Weekday - 1) * 86400000 + (jan1Weekday > 4 ? 7 * 86400000 : 0);
  const d = new Date(week1Monday + ((week - 1) * 7 + (day - 1)) * 86400000);
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
}

function parseIsoDate(s: string): [number, number, number] {
  if (![7, 8, 10].includes(s.length)) throw new Error('length');
  const year = parseDigits(s.slice(0, 4));
  const hasSep = s[4] === '-';
  let pos = 4 + (hasSep ? 1 : 0);
  if (s[pos] === 'W') {
    pos += 1;
    const week = parseDigits(s.slice(pos, pos + 2));
    pos += 2;
    let day = 1;
    if (s.length > pos) {
      if ((s[pos] === '-') !== hasSep) throw new Error('sep');
      pos += hasSep ? 1 : 0;
      day = parseDigits(s.slice(pos, pos + 1));
    }
    return isoWeekToGregorian(year, week, day);
  }
  const month = parseDigits(s.slice(pos, pos + 2));
  pos += 2;
  if ((s[pos] === '-') !== hasSep) throw new Error('sep');
  pos += hasSep ? 1 : 0;
  const day = parseDigits(s.slice(pos, pos + 2));
  if (s.length !== pos + 2) throw new Error('trailing');
  return [year, month, day];
}

function parseHhMmSsFf(t: string): [number, number, number, number] {
  const comps = [0, 0, 0, 0] as [number, number, number, number];
  let pos = 0;
  let hasSep = false;
  for (let comp = 0; comp < 3; comp++) {
    if (t.length - pos < 2) throw new Error('incomplete');
    comps[comp] = parseDigits(t.slice(pos, pos + 2));
    pos += 2;
    const next = t[pos];
    if (comp === 0) hasSep = next === ':';
    if (next === undefined || comp >= 2) break;
    if (hasSep && next !== ':') throw new Error('sep');
    pos += hasSep ? 1 : 0;
  }
  if (pos < t.length) {
    if (t[pos] !== '.' && t[pos] !== ',') throw new Error('micro');
    pos += 1;
    const rem = t.length - pos;
    if (rem === 0) throw new Error('micro');
    const n = Math.min(rem, 6);
    let frac = parseDigits(t.slice(pos, pos + n));
    if (n < 6) frac *= 10 ** (6 - n);
    comps[3] = frac;
    if (rem > n && ![...t.slice(pos + n)].every(isAsciiDigit)) throw new Error('fraction');
  }
  return comps;
}

/** `datetime.datetime.fromisoformat(s)`; null where Python raises ValueError. */
export function pyFromIsoformat(s: string): PyDateTime | null {
  try {
    if (s.length < 7) return null;
    for (const ch of s.slice(0, 4)) if (!isAsciiDigit(ch)) return null;
    const sep = findSeparator(s);
    const dstr = s.slice(0, sep);
    const tstr = s.slice(sep + 1);
    const [year, month, day] = parseIsoDate(dstr);
    let hour = 0;
    let minute = 0;
    let second = 0;
    let micro = 0;
    let offset: number | null = null;
    if (tstr.length > 0) {
      if (tstr.length < 2) return null;
      const first =
        tstr.indexOf('-') >= 0
          ? tstr.indexOf('-')
          : tstr.indexOf('+') >= 0
            ? tstr.indexOf('+')
            : tstr.indexOf('Z');
      const tzPos = first + 1;
      const timestr = tzPos > 0 ? tstr.slice(0, tzPos - 1) : tstr;
      [hour, minute, second, micro] = parseHhMmSsFf(timestr);
      if (tzPos > 0 && tzPos === tstr.length && tstr.endsWith('Z')) offset = 0;
      else if (tzPos > 0) {
        const tz = tstr.slice(tzPos);
        if ([0, 1, 3].includes(tz.length)) return null;
        const [th, tm, ts, tf] = parseHhMmSsFf(tz);
        const secs = th * 3600 + tm * 60 + ts + tf / 1e6;
        if (secs >= 86400) return null;
        offset = tstr[tzPos - 1] === '-' ? -secs : secs;
      }
    }
    if (month < 1 || month > 12) return null;
    if (day < 1 || day > daysInMonth(year, month)) return null;
    if (year < 1 || year > 9999) return null;
    if (hour > 23 || minute > 59 || second > 59) return null;
    return {
      kind: s.includes(':') ? 'datetime' : 'date',
      year,
      month,
      day,
      hour,
      minute,
      second,
      microsecond: micro,
      offsetSeconds: offset,
    };
  } catch {
    return null;
  }
}

const p2 = (n: number) => String(n).padStart(2, '0');

/** `str(date)`: YYYY-MM-DD. */
export function formatPyDate(d: { year: number; month: number; day: number }): string {
  return `${String(d.year).padStart(4, '0')}-${p2(d.month)}-${p2(d.day)}`;
}

/** `str(datetime)`: YYYY-MM-DD HH:MM:SS[.ffffff][+HH:MM[:SS[.ffffff]]]. */
export function formatPyDatetime(d: PyDateTime): string {
  let out = `${formatPyDate(d)} ${p2(d.hour)}:${p2(d.minute)}:${p2(d.second)}`;
  if (d.microsecond) out += '.' + String(d.microsecond).padStart(6, '0');
  if (d.offsetSeconds !== null) {
    const sign = d.offsetSeconds < 0 ? '-' : '+';
    let rest = Math.abs(d.offsetSeconds);
    const h = Math.floor(rest / 3600);
    rest -= h * 3600;
    const m = Math.floor(rest / 60);
    rest -= m * 60;
    const s = Math.floor(rest);
    const us = Math.round((rest - s) * 1e6);
    out += `${sign}${p2(h)}:${p2(m)}`;
    if (s || us) out += `:${p2(s)}`;
    if (us) out += '.' + String(us).padStart(6, '0');
  }
  return out;
}

/** The UTC instant of a datetime (naive values are taken as UTC, the conformance environment's zone). */
export function pyDatetimeToUtc(d: PyDateTime): { date: string; time: string; micro: number } {
  const ms = Date.UTC(d.year, d.month - 1, d.day, d.hour, d.minute, d.second) - (d.offsetSeconds ?? 0) * 1000;
  const dt = new Date(Math.round(ms));
  const date = `${String(dt.getUTCFullYear()).padStart(4, '0')}-${p2(dt.getUTCMonth() + 1)}-${p2(dt.getUTCDate())}`;
  const time = `${p2(dt.getUTCHours())}:${p2(dt.getUTCMinutes())}:${p2(dt.getUTCSeconds())}`;
  return { date, time, micro: d.microsecond };
}

/** Parse the `str()` form kept in a `__datetime__` marker. */
export function parsePyDatetimeStr(text: string): PyDateTime | null {
  const parsed = pyFromIsoformat(text);
  return parsed ? { ...parsed, kind: 'datetime' } : null;
}
