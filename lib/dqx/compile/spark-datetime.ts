/**
 * Spark date/time parsing reproduced in DuckDB SQL: `to_date(x)`, `try_to_timestamp(x)` (Spark's
 * lenient string-to-timestamp cast) and `try_to_timestamp(x, pattern)` with a Spark datetime
 * pattern (translated to a strict shape check plus `try_strptime`).
 */
import { quoteString } from '@/lib/sql/quote';

import type { SparkType } from '../spark-types';
import { bindOnce } from './spark-string';

const ZONE =
  '(?:Z|UTC|UT|GMT|[+-][0-9]{1,2}(?::?[0-9]{2}(?::?[0-9]{2})?)?|(?:UTC|GMT|UT)[+-][0-9]{1,2}(?::?[0-9]{2})?|[A-Za-z]+(?:/[A-Za-z0-9_+-]+)+)';

/** Spark's string-to-timestamp forms: a date (year of 4+ digits, optional sign), then an optional time and zone. */
const TS_SHAPE =
  '^\\s*([+-]?[0-9]{4,7})(?:-([0-9]{1,2})(?:-([0-9]{1,2})(?:(?:[ T]([0-9]{1,2})(?::([0-9]{1,2})(?::([0-9]{1,2})(?:\\.([0-9]*))?)?)?)?(?:\\s*(' +
  ZONE +
  '))?)?)?)?\\s*$';

/** A time alone (Spark takes today's date): `[T]hh:mm[:ss[.f]][zone]`. */
const TIME_SHAPE =
  '^\\s*T?([0-9]{1,2}):([0-9]{1,2})(?::([0-9]{1,2})(?:\\.([0-9]*))?)?\\s*(' + ZONE + ')?\\s*$';

/** A numeric zone offset: `[UTC|GMT|UT]+h[h][[:]mm[[:]ss]]`. */
const OFFSET = '^(?:UTC|GMT|UT)?([+-])([0-9]{1,2})(?::?([0-9]{2}))?(?::?([0-9]{2}))?$';

/** Spark's string-to-date forms: `[+-]yyyy*[-[m]m[-[d]d]]`, anything after a space or `T` ignored. */
const DATE_SHAPE = '^\\s*([+-]?[0-9]{4,7})(?:-([0-9]{1,2})(?:-([0-9]{1,2})(?:[ T].*)?)?)?\\s*$';

const group = (s: string, pattern: string, i: number) =>
  `regexp_extract(${s}, ${quoteString('duckdb', pattern)}, ${i})`;
const intOr = (g: string, dflt: number) =>
  `(CASE WHEN ${g} = '' THEN ${dflt} ELSE CAST(${g} AS INTEGER) END)`;

/**
 * Spark's parser takes hours 0-23, minutes and seconds 0-59 (java.time: no leap second, no
 * 24:00); DuckDB's make_timestamp rolls 24:00:00 and :60 over into the next day or minute.
 */
const clockInRange = (h: string, m: string, sec: string) =>
  `(${intOr(h, 0)} < 24 AND ${intOr(m, 0)} < 60 AND ${intOr(sec, 0)} < 60)`;

/** Spark `to_date(x)` in DuckDB, by the Spark type of x. */
export function duckToDate(expr: string, type: SparkType | null): string {
  if (type?.kind === 'date') return expr;
  if (type?.kind === 'timestamp' || type?.kind === 'timestamp_ntz') return `CAST(${expr} AS DATE)`;
  const direct = type?.kind === 'string' || type?.kind === 'varchar' || type?.kind === 'char';
  const s = direct ? expr : '__td';
  const body =
    `CASE WHEN regexp_matches(${s}, ${quoteString('duckdb', DATE_SHAPE)}) THEN ` +
    `try(make_date(${intOr(group(s, DATE_SHAPE, 1), 1)}, ${intOr(group(s, DATE_SHAPE, 2), 1)}, ${intOr(group(s, DATE_SHAPE, 3), 1)})) END`;
  return direct ? body : bindOnce(`CAST(${expr} AS VARCHAR)`, s, body);
}

/** Spark `try_to_timestamp(x)` (no pattern) in DuckDB: NULL when Spark's cast would fail. */
export function duckTryToTimestamp(expr: string, type: SparkType | null): string {
  return sparkStringTimestamp(expr, type, 'validity');
}

/**
 * Spark's `CAST(x AS TIMESTAMP)` of a value in DuckDB (a string column compared with a timestamp):
 * the instant Spark reads (a zone in the text is applied; a time alone is today's). A string Spark
 * cannot read fails the query with Spark's ANSI error, as it fails DQX's run (Spark 4 and
 * Databricks SQL cast with ANSI semantics).
 */
export function duckSparkCastTimestamp(expr: string, type: SparkType | null): string {
  const value = sparkStringTimestamp(expr, type, 'value');
  return isStringType(type) ? ansiCastError(expr, value, 'TIMESTAMP') : value;
}

/** Spark's `CAST(x AS DATE)` of a value in DuckDB, failing as Spark's ANSI cast does. */
export function duckSparkCastDate(expr: string, type: SparkType | null): string {
  const value = duckToDate(expr, type);
  return isStringType(type) ? ansiCastError(expr, value, 'DATE') : value;
}

const isStringType = (type: SparkType | null) =>
  type?.kind === 'string' || type?.kind === 'varchar' || type?.kind === 'char';

function ansiCastError(s: string, value: string, target: 'DATE' | 'TIMESTAMP'): string {
  const message =
    `'[CAST_INVALID_INPUT] The value ''' || ${s} || ''' of the type "STRING" cannot be cast to ` +
    `"${target}" because it is malformed.'`;
  return bindOnce(value, '__cv', `CASE WHEN __cv IS NULL AND ${s} IS NOT NULL THEN error(${message}) ELSE __cv END`);
}

/**
 * A local timestamp read in the zone written after it, as UTC. (Not DuckDB's TIMESTAMPTZ cast of
 * the text: within one query it applies a region zone read on one row to later rows without one.)
 */
function inZone(local: string, zone: string): string {
  const part = (i: number) => `regexp_extract(${zone}, ${quoteString('duckdb', OFFSET)}, ${i})`;
  const seconds = `(${intOr(part(2), 0)} * 3600 + ${intOr(part(3), 0)} * 60 + ${intOr(part(4), 0)})`;
  return (
    `(CASE WHEN ${zone} IN ('', 'Z', 'UTC', 'UT', 'GMT') THEN ${local} ` +
    `WHEN regexp_matches(${zone}, ${quoteString('duckdb', OFFSET)}) THEN ${local} - to_seconds(CASE WHEN ${part(1)} = '-' THEN -1 ELSE 1 END * ${seconds}) ` +
    `ELSE CAST(try(timezone(${zone}, ${local})) AS TIMESTAMP) END)`
  );
}

function sparkStringTimestamp(expr: string, type: SparkType | null, want: 'validity' | 'value'): string {
  if (type?.kind === 'date' || type?.kind === 'timestamp' || type?.kind === 'timestamp_ntz')
    return `CAST(${expr} AS TIMESTAMP)`;
  const direct = type?.kind === 'string' || type?.kind === 'varchar' || type?.kind === 'char';
  const s = direct ? expr : '__tt';
  const g = (i: number) => group(s, TS_SHAPE, i);
  const t = (i: number) => group(s, TIME_SHAPE, i);
  const fraction = (f: string) =>
    `CASE WHEN ${f} = '' THEN 0 ELSE CAST(('0.' || substr(${f}, 1, 6)) AS DOUBLE) END`;
  // validity only: the year maps onto 2000-2399, which has the same leap years (400-year cycle)
  const year =
    want === 'validity' ? `2000 + ((CAST(${g(1)} AS BIGINT) % 400) + 400) % 400` : `CAST(${g(1)} AS BIGINT)`;
  const dated = `try(make_timestamp(${year}, ${intOr(g(2), 1)}, ${intOr(g(3), 1)}, ${intOr(g(4), 0)}, ${intOr(g(5), 0)}, ${intOr(g(6), 0)} + ${fraction(g(7))}))`;
  const clock = `try(make_timestamp(2000, 1, 1, ${intOr(t(1), 0)}, ${intOr(t(2), 0)}, ${intOr(t(3), 0)} + ${fraction(t(4))}))`;
  // a value: the zone in the text applied (session time zone UTC), a time alone is today's
  const datedValue = want === 'validity' ? dated : inZone(dated, g(8));
  const clockValue =
    want === 'validity'
      ? clock
      : inZone(`(CAST(CAST(current_timestamp AS DATE) AS TIMESTAMP) + (${clock} - TIMESTAMP '2000-01-01 00:00:00'))`, t(5));
  const body =
    `CASE WHEN regexp_matches(${s}, ${quoteString('duckdb', TS_SHAPE)}) AND ${clockInRange(g(4), g(5), g(6))} THEN ${datedValue} ` +
    `WHEN regexp_matches(${s}, ${quoteString('duckdb', TIME_SHAPE)}) AND ${clockInRange(t(1), t(2), t(3))} THEN ${clockValue} END`;
  return direct ? body : bindOnce(`CAST(${expr} AS VARCHAR)`, s, body);
}

interface PatternTranslation {
  strptime: string;
  regex: string;
}

/**
 * Translate a Spark datetime pattern into a strptime format and a regex for the exact shape
 * Spark's parser accepts (field widths). Null when the pattern uses letters this translation does
 * not cover.
 */
export function sparkPatternToDuck(pattern: string): PatternTranslation | null {
  let strptime = '';
  let regex = '^';
  let i = 0;
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end < 0) return null;
      const literal = end === i + 1 ? "'" : pattern.slice(i + 1, end);
      strptime += literal.replaceAll('%', '%%');
      regex += esc(literal);
      i = end + 1;
      continue;
    }
    if (!/[A-Za-z]/.test(ch)) {
      strptime += ch === '%' ? '%%' : ch;
      regex += esc(ch);
      i++;
      continue;
    }
    let n = 1;
    while (pattern[i + n] === ch) n++;
    i += n;
    switch (ch) {
      case 'y':
      case 'u':
        if (n === 2) {
          strptime += '%y';
          regex += '[0-9]{2}';
        } else {
          strptime += '%Y';
          regex += n === 4 ? '[0-9]{4}' : `[0-9]{${n},}`;
        }
        break;
      case 'M':
      case 'L':
        if (n === 1) {
          strptime += '%m';
          regex += '[0-9]{1,2}';
        } else if (n === 2) {
          strptime += '%m';
          regex += '[0-9]{2}';
        } else if (n === 3) {
          strptime += '%b';
          regex += '[A-Za-z]{3}';
        } else {
          strptime += '%B';
          regex += '[A-Za-z]+';
        }
        break;
      case 'd':
        strptime += '%d';
        regex += n === 1 ? '[0-9]{1,2}' : '[0-9]{2}';
        break;
      case 'D':
        strptime += '%j';
        regex += n === 1 ? '[0-9]{1,3}' : `[0-9]{${n},3}`;
        break;
      case 'H':
        strptime += '%H';
        regex += n === 1 ? '[0-9]{1,2}' : '[0-9]{2}';
        break;
      case 'h':
        strptime += '%I';
        regex += n === 1 ? '[0-9]{1,2}' : '[0-9]{2}';
        break;
      case 'm':
        strptime += '%M';
        regex += n === 1 ? '[0-9]{1,2}' : '[0-9]{2}';
        break;
      case 's':
        strptime += '%S';
        regex += n === 1 ? '[0-9]{1,2}' : '[0-9]{2}';
        break;
      case 'S':
        if (n > 9) return null;
        strptime += n <= 3 ? '%g' : n <= 6 ? '%f' : '%n';
        regex += `[0-9]{${n}}`;
        if (n !== 3 && n !== 6 && n !== 9) return null;
        break;
      case 'a':
        strptime += '%p';
        regex += '(?:AM|PM|am|pm)';
        break;
      case 'E':
        strptime += n >= 4 ? '%A' : '%a';
        regex += '[A-Za-z]+';
        break;
      case 'X':
      case 'x':
      case 'Z':
        strptime += '%z';
        regex += '(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)';
        break;
      default:
        return null;
    }
  }
  return { strptime, regex: regex + '$' };
}

/** Spark `try_to_timestamp(x, pattern)` in DuckDB; null when the pattern cannot be translated. */
export function duckTryToTimestampWithPattern(expr: string, pattern: string): string | null {
  const t = sparkPatternToDuck(pattern);
  if (!t) return null;
  const s = '__tf';
  const body = `CASE WHEN regexp_matches(${s}, ${quoteString('duckdb', t.regex)}) THEN try_strptime(${s}, ${quoteString('duckdb', t.strptime)}) END`;
  return bindOnce(`CAST(${expr} AS VARCHAR)`, s, body);
}
