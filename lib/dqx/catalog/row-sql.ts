/**
 * SQL builders of the row-level checks, one per check, written from DQX 0.17.0's PySpark
 * definitions: the fail condition (TRUE fails; NULL and FALSE pass, as in DQX's `make_condition`)
 * and the message, both in DuckDB or Databricks (Spark) SQL.
 */
import { quoteString } from '@/lib/sql/quote';

import {
  DECIMAL_NUMBER_RE2_GROUPS,
  DQ_PATTERNS,
  IPV6_ADDRESS_PATTERN,
  type DqPatternName,
} from '../compile/patterns';
import type { ColumnValue, LimitSql, RowSqlContext, SqlValue } from '../compile/row-context';
import {
  duckSparkCastDate,
  duckSparkCastTimestamp,
  duckToDate,
  duckTryToTimestamp,
  duckTryToTimestampWithPattern,
} from '../compile/spark-datetime';
import { duckSparkLower, duckSparkUpper } from '../compile/spark-case';
import { bindIn, bindOnce } from '../compile/spark-string';
import { numericValue, pyKind } from '../py-values';
import { parseSchemaDdl, simpleString, type SparkField, type SparkType } from '../spark-types';
import { argOr, truthy } from './helpers';
import { parseIpv4Strict, parseIpv6 } from './ip';
import { CHECK_STANDARD, ISO_3166_2, ISO_STANDARDS } from './iso';
import type { RowCheckSql } from './types';

type Builder = (ctx: RowSqlContext, args: Record<string, unknown>) => RowCheckSql;

const STRING_TYPE: SparkType = { kind: 'string' };

const isStringType = (t: SparkType | null) =>
  t?.kind === 'string' || t?.kind === 'varchar' || t?.kind === 'char';

/** `'Value ''' || str(x) || ''' in Column ''disp''...` pieces. */
const valuePrefix = (ctx: RowSqlContext) => ctx.lit("Value '");

/** trim(x) as Spark does (implicit string cast) when trim_strings is set. */
function maybeTrim(ctx: RowSqlContext, c: ColumnValue, trim: boolean): SqlValue {
  if (!trim) return c;
  const s =
    ctx.dialect === 'duckdb'
      ? `trim(${isStringType(c.type) ? c.sql : `CAST(${c.sql} AS VARCHAR)`}, ' ')`
      : `trim(${c.sql})`;
  return { sql: s, type: STRING_TYPE };
}

/** CAST(x AS STRING) for emptiness tests (any rendering of a non-empty value is non-empty). */
const asString = (ctx: RowSqlContext, v: SqlValue) =>
  ctx.dialect === 'duckdb' ? `CAST(${v.sql} AS VARCHAR)` : `CAST(${v.sql} AS STRING)`;

function nullsMessage(
  ctx: RowSqlContext,
  c: ColumnValue,
  allowNulls: boolean,
  condition: string,
  message: string,
): RowCheckSql {
  if (allowNulls) return { condition, message };
  return {
    condition: `(${c.sql} IS NULL OR (${condition}))`,
    message: `CASE WHEN ${c.sql} IS NULL THEN ${ctx.lit(`Column '${c.display}' value is null`)} ELSE ${message} END`,
  };
}

/** Spark's `lower()` (Java's full case mapping; DuckDB: duckSparkLower). */
function lower(ctx: RowSqlContext, v: SqlValue, isArray: boolean): string {
  if (isArray)
    return ctx.dialect === 'duckdb'
      ? `list_transform(${v.sql}, __l -> ${duckSparkLower('__l')})`
      : `transform(${v.sql}, __l -> lower(__l))`;
  return ctx.dialect === 'duckdb' ? duckSparkLower(`CAST(${v.sql} AS VARCHAR)`) : `lower(${v.sql})`;
}

function listCheck(kind: 'allowed' | 'forbidden', nullFails: boolean): Builder {
  return (ctx, args) => {
    const c = ctx.column(args.column);
    const values = (args[kind] as unknown[]) ?? [];
    const items = values.map((v) => ctx.limit(v));
    const caseSensitive = truthy(argOr(args, 'case_sensitive', true));
    let colCompare: string = c.sql;
    let itemCompare = items.map((i) => i.sql);
    if (!caseSensitive) {
      const hasArrays = values.some((v) => pyKind(v) === 'list');
      colCompare = lower(ctx, c, hasArrays);
      itemCompare = items.map((i, idx) => lower(ctx, i, pyKind(values[idx]) === 'list'));
    }
    const inList = `(${colCompare}) IN (${itemCompare.join(', ')})`;
    const listText = `concat_ws(', ', ${items.map((i) => ctx.limitStr(i)).join(', ')})`;
    const shown = `CASE WHEN ${c.sql} IS NULL THEN ${ctx.lit('null')} ELSE ${ctx.str(c)} END`;
    let condition: string;
    let text: string;
    if (kind === 'forbidden') {
      condition = inList;
      text = `' in Column '${c.display}' is in the forbidden list: [`;
    } else if (nullFails) {
      condition = `(${c.sql} IS NULL OR NOT (${inList}))`;
      text = `' in Column '${c.display}' is null or not in the allowed list: [`;
    } else {
      condition = `NOT (${inList})`;
      text = `' in Column '${c.display}' is not in the allowed list: [`;
    }
    return { condition, message: ctx.concat(valuePrefix(ctx), shown, ctx.lit(text), listText, ctx.lit(']')) };
  };
}

function patternCheck(name: (args: Record<string, unknown>) => DqPatternName): Builder {
  return (ctx, args) => {
    const c = ctx.column(args.column);
    const pattern = name(args);
    const s = ctx.str(c);
    return {
      condition: `CASE WHEN ${c.sql} IS NOT NULL THEN NOT ${ctx.pattern(s, pattern)} END`,
      message: ctx.concat(
        valuePrefix(ctx),
        s,
        ctx.lit(`' in Column '${c.display}' does not match pattern '${pattern}'`),
      ),
    };
  };
}

/** `abs(x - v) <= abs_tol OR abs(x - v) <= rel_tol * greatest(abs(x), abs(v))`. */
function toleranceMatch(
  ctx: RowSqlContext,
  c: ColumnValue,
  v: LimitSql,
  absTol: number,
  relTol: number,
): string {
  const dbl = (n: number) => `CAST(${quoteString(ctx.dialect, String(n))} AS DOUBLE)`;
  const diff = `abs(${c.sql} - ${v.sql})`;
  return `(${diff} <= ${dbl(absTol)} OR ${diff} <= ${dbl(relTol)} * greatest(abs(${c.sql}), abs(${v.sql})))`;
}

function equality(negated: boolean): Builder {
  return (ctx, args) => {
    const c = ctx.column(args.column);
    const value = argOr(args, 'value', null);
    const v = ctx.limit(value);
    const absTol = numericValue(args.abs_tolerance ?? 0) ?? 0;
    const relTol = numericValue(args.rel_tolerance ?? 0) ?? 0;
    const kind = pyKind(value);
    const tolerant =
      (absTol > 0 || relTol > 0) &&
      (kind === 'int' || kind === 'float' || kind === 'decimal' || kind === 'bool');
    let condition: string;
    if (tolerant)
      condition = negated
        ? toleranceMatch(ctx, c, v, absTol, relTol)
        : `NOT ${toleranceMatch(ctx, c, v, absTol, relTol)}`;
    else {
      const x = comparable(ctx, c, v);
      condition = negated ? `(${x} = ${v.sql})` : `(${x} <> ${v.sql})`;
    }
    const text = negated
      ? `' in Column '${c.display}' is equal to value: `
      : `' in Column '${c.display}' is not equal to value: `;
    const message = ctx.concat(valuePrefix(ctx), ctx.str(c), ctx.lit(text), ctx.limitStr(v));
    return nullsMessage(ctx, c, truthy(argOr(args, 'allow_nulls', true)), condition, message);
  };
}

/**
 * The column as Spark compares it with these limits: a string compared with a date or timestamp
 * is cast the way Spark casts it (a string Spark cannot read fails the run with Spark's error),
 * where DuckDB's implicit cast would roll `24:00:00` over into the next day.
 */
function comparable(ctx: RowSqlContext, c: ColumnValue, ...limits: LimitSql[]): string {
  const fam = c.type?.kind;
  if (ctx.dialect !== 'duckdb' || !(fam === 'string' || fam === 'varchar' || fam === 'char')) return c.sql;
  const kinds = limits.map((l) => l.type?.kind);
  if (kinds.some((k) => k === 'timestamp' || k === 'timestamp_ntz')) return duckSparkCastTimestamp(c.sql, c.type);
  if (kinds.includes('date')) return duckSparkCastDate(c.sql, c.type);
  return c.sql;
}

function limitCompare(op: '<' | '>', text: string): Builder {
  return (ctx, args) => {
    const c = ctx.column(args.column);
    const l = ctx.limit(args.limit);
    const message = ctx.concat(
      valuePrefix(ctx),
      ctx.str(c),
      ctx.lit(`' in Column '${c.display}' ${text}`),
      ctx.limitStr(l),
    );
    return nullsMessage(
      ctx,
      c,
      truthy(argOr(args, 'allow_nulls', true)),
      `(${comparable(ctx, c, l)} ${op} ${l.sql})`,
      message,
    );
  };
}

function range(inside: boolean): Builder {
  return (ctx, args) => {
    const c = ctx.column(args.column);
    const lo = ctx.limit(args.min_limit);
    const hi = ctx.limit(args.max_limit);
    const x = comparable(ctx, c, lo, hi);
    const condition = inside
      ? `((${x} >= ${lo.sql}) AND (${x} <= ${hi.sql}))`
      : `((${x} < ${lo.sql}) OR (${x} > ${hi.sql}))`;
    const text = inside
      ? `' in Column '${c.display}' in range: [`
      : `' in Column '${c.display}' not in range: [`;
    const message = ctx.concat(
      valuePrefix(ctx),
      ctx.str(c),
      ctx.lit(text),
      ctx.limitStr(lo),
      ctx.lit(', '),
      ctx.limitStr(hi),
      ctx.lit(']'),
    );
    return nullsMessage(ctx, c, truthy(argOr(args, 'allow_nulls', true)), condition, message);
  };
}

/**
 * DuckDB: the same answer as DQX's string-based count of decimal places, computed without
 * rendering and regexes where the type allows it: exact decimals and integers compare with their
 * rounding; doubles count the fraction digits of their shortest representation (which is what
 * Java prints). Only for a non-negative integer literal limit.
 */
function decimalPlacesFastCondition(c: ColumnValue, l: LimitSql): string | null {
  if (l.lit.kind !== 'int' || l.lit.text.startsWith('-') || !c.type) return null;
  const limit = l.lit.text;
  switch (c.type.kind) {
    case 'decimal':
    case 'tinyint':
    case 'smallint':
    case 'int':
    case 'bigint':
      return `(${c.sql} <> round(${c.sql}, ${limit}))`;
    case 'double':
    case 'float': {
      const s = `CAST(abs(${c.sql}) AS VARCHAR)`;
      const frac = `rtrim(split_part(split_part(${s}, 'e', 1), '.', 2), '0')`;
      const exp = `coalesce(TRY_CAST(split_part(${s}, 'e', 2) AS INTEGER), 0)`;
      return `(isnan(${c.sql}) OR isinf(${c.sql}) OR greatest(length(${frac}) - ${exp}, 0) > ${limit})`;
    }
    default:
      return null;
  }
}

function toDate(ctx: RowSqlContext, v: SqlValue): string {
  return ctx.dialect === 'duckdb' ? duckToDate(v.sql, v.type) : `to_date(${v.sql})`;
}

const dateSub = (ctx: RowSqlContext, d: string, days: string) =>
  ctx.dialect === 'duckdb' ? `(${d} - CAST(${days} AS INTEGER))` : `date_sub(${d}, ${days})`;

const currentDate = (ctx: RowSqlContext) =>
  ctx.dialect === 'duckdb' ? 'CAST(current_timestamp AS DATE)' : 'current_date()';
const currentTimestamp = (ctx: RowSqlContext) =>
  ctx.dialect === 'duckdb' ? 'CAST(current_timestamp AS TIMESTAMP)' : 'current_timestamp()';

/** `from_unixtime(unix_timestamp(current_timestamp()) + offset)`: a 'yyyy-MM-dd HH:mm:ss' string. */
function nowPlusOffsetString(ctx: RowSqlContext, offset: number): string {
  if (ctx.dialect === 'duckdb') {
    return `strftime(date_trunc('second', ${currentTimestamp(ctx)}) + to_seconds(${offset}), '%Y-%m-%d %H:%M:%S')`;
  }
  return `from_unixtime(unix_timestamp(current_timestamp()) + ${offset})`;
}

/** Compare a value with the string threshold the way Spark coerces it. */
function compareWithString(ctx: RowSqlContext, c: ColumnValue, op: string, threshold: string): string {
  if (ctx.dialect === 'databricks') return `(${c.sql} ${op} ${threshold})`;
  const fam = c.type?.kind;
  if (fam === 'string' || fam === 'varchar' || fam === 'char') return `(${c.sql} ${op} ${threshold})`;
  if (fam === 'date') return `(${c.sql} ${op} CAST(${threshold} AS DATE))`;
  return `(CAST(${c.sql} AS TIMESTAMP) ${op} CAST(${threshold} AS TIMESTAMP))`;
}

function stringCase(ctx: RowSqlContext, s: string, kind: string): string {
  const duck = ctx.dialect === 'duckdb';
  switch (kind) {
    case 'upper':
      return duck ? duckSparkUpper(s) : `upper(${s})`;
    case 'lower':
      return duck ? duckSparkLower(s) : `lower(${s})`;
    case 'title':
      return duck
        ? `array_to_string(list_transform(string_split(${s}, ' '), __w -> ${duckSparkUpper('substring(__w, 1, 1)')} || substring(__w, 2, length(__w))), ' ')`
        : `array_join(transform(split(${s}, ' '), __w -> concat(upper(substring(__w, 1, 1)), substring(__w, 2, length(__w)))), ' ')`;
    default: {
      const ws = duck ? "'^([\\t\\n\\x0B\\f\\r ]*)'" : quoteString('databricks', '^(\\s*)');
      const prefix = `regexp_extract(__g, ${ws}, 1)`;
      const seg =
        `substring(__g, 1, length(${prefix})) || ${duckSparkUpper(`substring(__g, length(${prefix}) + 1, 1)`)} || ` +
        `substring(__g, length(${prefix}) + 2, length(__g))`;
      return duck
        ? `array_to_string(list_transform(string_split(${s}, '.'), __g -> ${seg}), '.')`
        : `array_join(transform(split(${s}, ${quoteString('databricks', '\\.')}), __g -> concat(substring(__g, 1, length(${prefix})), upper(substring(__g, length(${prefix}) + 1, 1)), substring(__g, length(${prefix}) + 2, length(__g)))), '.')`;
    }
  }
}

/**
 * `x IN (constants)`. DuckDB evaluates a long IN list as a chain of comparisons; a subquery over
 * the list becomes a hash (mark) join instead, with the same NULL semantics. Spark turns long IN
 * lists into a hash set by itself.
 */
function inConstants(ctx: RowSqlContext, expr: string, values: readonly string[]): string {
  const items = values.map((x) => ctx.lit(x));
  if (ctx.dialect === 'duckdb' && items.length > 16)
    return `((${expr}) IN (SELECT unnest([${items.join(', ')}])))`;
  return `((${expr}) IN (${items.join(', ')}))`;
}

function isoCheck(name: string): Builder {
  return (ctx, args) => {
    const standard = ISO_STANDARDS[CHECK_STANDARD[name]!];
    const fmt = String(argOr(args, 'code_format', standard.defaultFormat)).toLowerCase();
    const codes = (standard.formats as Record<string, readonly string[]>)[fmt]!;
    const c = ctx.column(args.column);
    const caseSensitive = truthy(argOr(args, 'case_sensitive', true));
    let compare: string;
    let list: readonly string[];
    if (fmt === 'numeric') {
      compare = asString(ctx, c);
      list = codes;
    } else if (caseSensitive) {
      compare = c.sql;
      list = codes;
    } else {
      compare = lower(ctx, c, false);
      list = codes.map((x) => x.toLowerCase());
    }
    return {
      condition: `NOT ${inConstants(ctx, compare, list)}`,
      message: ctx.concat(
        valuePrefix(ctx),
        ctx.str(c),
        ctx.lit(`' in Column '${c.display}' is not a valid ${standard.title} ${standard.kind} code`),
      ),
    };
  };
}

/** The 32-bit value of a valid IPv4 string (DuckDB) or its binary string (Spark), as DQX compares them. */
function ipv4InCidr(ctx: RowSqlContext, s: string, cidr: string): string {
  const [addr, prefixText] = cidr.split('/') as [string, string];
  const prefix = Number(prefixText);
  const octets = parseIpv4Strict(addr)!;
  const bits = octets.map((o) => o.toString(2).padStart(8, '0')).join('');
  const net = bits.slice(0, prefix).padEnd(32, '0');
  if (ctx.dialect === 'databricks') {
    const ipMatch = `regexp_extract(${s}, ${quoteString('databricks', DQ_PATTERNS.IPV4_ADDRESS)}, 0)`;
    const parts = [0, 1, 2, 3].map(
      (i) => `lpad(conv(split(${ipMatch}, ${quoteString('databricks', '\\.')})[${i}], 10, 2), 8, '0')`,
    );
    return `(rpad(substring(concat(${parts.join(', ')}), 1, ${prefix}), 32, '0') <> ${ctx.lit(net)})`;
  }
  const value = `((TRY_CAST(string_split(${s}, '.')[1] AS BIGINT) << 24) | (TRY_CAST(string_split(${s}, '.')[2] AS BIGINT) << 16) | (TRY_CAST(string_split(${s}, '.')[3] AS BIGINT) << 8) | TRY_CAST(string_split(${s}, '.')[4] AS BIGINT))`;
  const netValue = parseInt(net, 2);
  return `((${value} >> ${32 - prefix}) <> ${Math.floor(netValue / 2 ** (32 - prefix))})`;
}

/** SQL expanding a valid IPv6 string to 32 lower-case hex digits. */
function ipv6Hex(ctx: RowSqlContext, s: string): string {
  const duck = ctx.dialect === 'duckdb';
  const noScope = duck ? `split_part(${s}, '%', 1)` : `substring_index(${s}, '%', 1)`;
  const a = '__a6';
  // embedded IPv4 tail -> two hextets
  const v4 = `regexp_extract(${a}, '([0-9]+)\\.([0-9]+)\\.([0-9]+)\\.([0-9]+)$', %G)`;
  const oct = (i: number) =>
    duck ? `CAST(${v4.replace('%G', String(i))} AS INTEGER)` : `CAST(${v4.replace('%G', String(i))} AS INT)`;
  const hex4 = (e: string) =>
    duck ? `lower(lpad(printf('%x', ${e}), 4, '0'))` : `lower(lpad(hex(${e}), 4, '0'))`;
  const tail = `${hex4(`${oct(1)} * 256 + ${oct(2)}`)} || ':' || ${hex4(`${oct(3)} * 256 + ${oct(4)}`)}`;
  const withV4 = `CASE WHEN instr(${a}, '.') > 0 THEN regexp_replace(${a}, '[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+$', '') || ${tail} ELSE ${a} END`;
  const b = '__b6';
  const left = duck
    ? `CASE WHEN instr(${b}, '::') > 0 THEN split_part(${b}, '::', 1) ELSE ${b} END`
    : `CASE WHEN instr(${b}, '::') > 0 THEN substring_index(${b}, '::', 1) ELSE ${b} END`;
  const right = duck
    ? `CASE WHEN instr(${b}, '::') > 0 THEN split_part(${b}, '::', 2) ELSE '' END`
    : `CASE WHEN instr(${b}, '::') > 0 THEN substring_index(${b}, '::', -1) ELSE '' END`;
  const groups = (x: string) =>
    duck
      ? `CASE WHEN ${x} = '' THEN []::VARCHAR[] ELSE string_split(${x}, ':') END`
      : `CASE WHEN ${x} = '' THEN array() ELSE split(${x}, ':') END`;
  if (duck) {
    const all = `list_concat(${groups(left)}, list_transform(range(8 - len(${groups(left)}) - len(${groups(right)})), __z -> '0'), ${groups(right)})`;
    const hex = `array_to_string(list_transform(${all}, __h -> lpad(lower(__h), 4, '0')), '')`;
    return bindOnce(bindOnce(noScope, a, withV4), b, hex);
  }
  const leftG = groups(left);
  const rightG = groups(right);
  const all = `concat(${leftG}, array_repeat('0', 8 - size(${leftG}) - size(${rightG})), ${rightG})`;
  const hex = `array_join(transform(${all}, __h -> lpad(lower(__h), 4, '0')), '')`;
  return bindIn('databricks', bindIn('databricks', noScope, a, withV4), b, hex);
}

function ipv6InCidr(ctx: RowSqlContext, hex: string, cidr: string): string {
  const [addr, prefixText] = cidr.split('/') as [string, string];
  const prefix = Number(prefixText);
  const hextets = parseIpv6(addr)!;
  const netHex = hextets.map((h) => h.toString(16).padStart(4, '0')).join('');
  const full = Math.floor(prefix / 4);
  const rem = prefix % 4;
  const parts: string[] = [];
  if (full > 0) parts.push(`substring(${hex}, 1, ${full}) = ${ctx.lit(netHex.slice(0, full))}`);
  if (rem > 0) {
    const nibble = parseInt(netHex[full]!, 16);
    const mask = 0xf & ~((1 << (4 - rem)) - 1);
    const lo = nibble & mask;
    const hi = lo + (1 << (4 - rem)) - 1;
    parts.push(`(instr('0123456789abcdef', substring(${hex}, ${full + 1}, 1)) - 1) BETWEEN ${lo} AND ${hi}`);
  }
  return parts.length ? `(${parts.join(' AND ')})` : 'TRUE';
}

/**
 * DuckDB: the text of the first JSON value of x, as Spark's parser reads it (Spark ignores text
 * after a complete first object or array: '{} x' is valid). NULL when there is none. The prefix
 * search runs only for values DuckDB rejects as a whole, up to 2000 characters.
 */
function duckFirstJson(x: string): string {
  return (
    `(CASE WHEN json_valid(${x}) THEN ${x} ` +
    `WHEN regexp_matches(${x}, '^\\s*[\\[{]') AND length(${x}) <= 2000 THEN ` +
    `substr(${x}, 1, list_position(list_transform(range(2, length(${x}) + 1), __p -> json_valid(substr(${x}, 1, __p))), TRUE) + 1) END)`
  );
}

/**
 * Spark's `try_parse_json(x) IS NOT NULL`. In DuckDB: the first JSON value exists and is free of
 * what Spark's parser refuses and DuckDB's accepts (NaN/Infinity tokens, trailing commas,
 * repeated top-level keys).
 */
function tryParseJsonValid(ctx: RowSqlContext, v: SqlValue): string {
  if (ctx.dialect !== 'duckdb') return `(try_parse_json(${v.sql}) IS NOT NULL)`;
  const j = duckFirstJson(v.sql);
  const stripped = `regexp_replace(${j}, '"(?:[^"\\\\]|\\\\.)*"', '""', 'g')`;
  return (
    `(CASE WHEN ${j} IS NOT NULL THEN ` +
    `NOT regexp_matches(${stripped}, '(?:^|[\\[,:])\\s*[-+]?(?:NaN|Infinity)\\s*(?:$|[\\],}])') ` +
    `AND NOT regexp_matches(${stripped}, ',\\s*[\\]}]') ` +
    `AND (json_type(${j}) <> 'OBJECT' OR len(json_keys(${j})) = len(list_distinct(json_keys(${j})))) ELSE FALSE END)`
  );
}

/** `is_valid_json` on the column DQX names by `columnText` (a display string or a norm). */
function jsonInvalidMessage(ctx: RowSqlContext, v: SqlValue, columnText: string) {
  const invalid = `(${v.sql} IS NOT NULL AND NOT ${tryParseJsonValid(ctx, v)})`;
  const message = ctx.concat(
    valuePrefix(ctx),
    ctx.str(v),
    ctx.lit(`' in Column '${columnText}' is not a valid JSON string`),
  );
  return { invalid, message };
}

function jsonFieldPresence(ctx: RowSqlContext, schema: SparkField[], parsed: string, depth = 0): string[] {
  if (depth > 10) return [];
  const out: string[] = [];
  for (const f of schema) {
    const ref =
      ctx.dialect === 'duckdb'
        ? `json_extract(${parsed}, ${quoteString('duckdb', `$.${jsonPathKey(f.name)}`)})`
        : `${parsed}.${'`' + f.name.replaceAll('`', '``') + '`'}`;
    const present =
      ctx.dialect === 'duckdb'
        ? `(${ref} IS NOT NULL AND json_type(${ref}) <> 'NULL')`
        : `(${ref} IS NOT NULL)`;
    if (!f.nullable) out.push(present);
    if (f.type.kind === 'struct') {
      let children = jsonFieldPresence(ctx, f.type.fields, ref, depth + 1);
      if (f.nullable) children = children.map((c) => `(NOT ${present} OR ${c})`);
      out.push(...children);
    }
  }
  return out;
}

const jsonPathKey = (name: string) =>
  /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `"${name.replaceAll('"', '\\"')}"`;

/** DuckDB: does a JSON value (already extracted) fit a Spark type the way from_json would parse it. */
function duckJsonFits(value: string, type: SparkType, depth = 0): string {
  const t = `json_type(${value})`;
  const nullOk = `${value} IS NULL OR ${t} = 'NULL'`;
  switch (type.kind) {
    case 'tinyint':
    case 'smallint':
    case 'int':
    case 'bigint':
      return `(${nullOk} OR ${t} IN ('UBIGINT', 'BIGINT'))`;
    case 'float':
    case 'double':
    case 'decimal':
      return `(${nullOk} OR ${t} IN ('UBIGINT', 'BIGINT', 'DOUBLE'))`;
    case 'boolean':
      return `(${nullOk} OR ${t} = 'BOOLEAN')`;
    case 'string':
    case 'varchar':
    case 'char':
      return 'TRUE';
    case 'struct': {
      if (depth > 10) return 'TRUE';
      const fields = type.fields.map((f) =>
        duckJsonFits(
          `json_extract(${value}, ${quoteString('duckdb', `$.${jsonPathKey(f.name)}`)})`,
          f.type,
          depth + 1,
        ),
      );
      return `(${nullOk} OR (${t} = 'OBJECT'${fields.length ? ' AND ' + fields.join(' AND ') : ''}))`;
    }
    case 'array': {
      const inner = duckJsonFits('__je', type.element, depth + 1);
      return `(${nullOk} OR (${t} = 'ARRAY' AND list_bool_and(list_transform(CAST(json_extract(${value}, '$[*]') AS JSON[]), __je -> ${inner}))))`;
    }
    default:
      return 'TRUE';
  }
}

/** A struct type rendered as a Spark DDL schema string for from_json, with a corrupt-record field. */
function fromJsonSchema(type: SparkType & { kind: 'struct' }, corrupt: string): string {
  const render = (t: SparkType): string => {
    if (t.kind === 'struct')
      return `struct<${t.fields.map((f) => `\`${f.name.replaceAll('`', '``')}\`:${render(f.type)}`).join(',')}>`;
    if (t.kind === 'array') return `array<${render(t.element)}>`;
    if (t.kind === 'map') return `map<${render(t.key)},${render(t.value)}>`;
    return simpleString(t);
  };
  return `struct<${[...type.fields.map((f) => `\`${f.name.replaceAll('`', '``')}\`:${render(f.type)}`), `\`${corrupt}\`:string`].join(',')}>`;
}

export const ROW_SQL: Record<string, Builder> = {
  is_not_null: (ctx, args) => {
    const c = ctx.column(args.column);
    return { condition: `(${c.sql} IS NULL)`, message: ctx.lit(`Column '${c.display}' value is null`) };
  },
  is_null: (ctx, args) => {
    const c = ctx.column(args.column);
    return {
      condition: `(${c.sql} IS NOT NULL)`,
      message: ctx.lit(`Column '${c.display}' value is not null`),
    };
  },
  is_not_empty: (ctx, args) => {
    const c = ctx.column(args.column);
    const x = maybeTrim(ctx, c, truthy(args.trim_strings));
    return {
      condition: `(${asString(ctx, x)} = '')`,
      message: ctx.lit(`Column '${c.display}' value is empty`),
    };
  },
  is_empty: (ctx, args) => {
    const c = ctx.column(args.column);
    const x = maybeTrim(ctx, c, truthy(args.trim_strings));
    return {
      condition: `(${asString(ctx, x)} <> '')`,
      message: ctx.lit(`Column '${c.display}' value is not empty`),
    };
  },
  is_not_null_and_not_empty: (ctx, args) => {
    const c = ctx.column(args.column);
    const x = maybeTrim(ctx, c, truthy(args.trim_strings));
    const s = asString(ctx, x);
    return {
      condition: `(${x.sql} IS NULL OR ${s} IS NULL OR ${s} = '')`,
      message: ctx.lit(`Column '${c.display}' value is null or empty`),
    };
  },
  is_null_or_empty: (ctx, args) => {
    const c = ctx.column(args.column);
    const x = maybeTrim(ctx, c, truthy(args.trim_strings));
    const s = asString(ctx, x);
    return {
      condition: `(${x.sql} IS NOT NULL AND ${s} IS NOT NULL AND ${s} <> '')`,
      message: ctx.lit(`Column '${c.display}' value is not null and not empty`),
    };
  },
  is_not_null_and_not_empty_array: (ctx, args) => {
    const c = ctx.column(args.column);
    const size = ctx.dialect === 'duckdb' ? `len(${c.sql})` : `size(${c.sql})`;
    return {
      condition: `(${c.sql} IS NULL OR ${size} = 0)`,
      message: ctx.lit(`Column '${c.display}' is null or empty array`),
    };
  },
  has_valid_string_case: (ctx, args) => {
    const c = ctx.column(args.column);
    const kind = String(args.case);
    const s = ctx.str(c);
    const condition =
      ctx.dialect === 'duckdb'
        ? bindOnce(s, '__sc', `__sc <> ${stringCase(ctx, '__sc', kind)}`)
        : `(${s} <> ${stringCase(ctx, s, kind)})`;
    return {
      condition,
      message: ctx.concat(
        valuePrefix(ctx),
        s,
        ctx.lit(`' in Column '${c.display}' does not have valid '${kind}' string case`),
      ),
    };
  },
  is_in_list: listCheck('allowed', false),
  is_not_null_and_is_in_list: listCheck('allowed', true),
  is_not_in_list: listCheck('forbidden', false),
  sql_expression: (ctx, args) => {
    const expression = String(args.expression);
    const negate = truthy(args.negate);
    const e = ctx.expr(expression);
    const message =
      truthy(args.msg) && typeof args.msg === 'string'
        ? ctx.lit(args.msg)
        : negate
          ? ctx.lit(`Value is matching expression: ~(${expression})`)
          : ctx.lit(`Value is not matching expression: ${expression}`);
    return { condition: negate ? e : `NOT ${e}`, message };
  },
  is_older_than_col2_for_n_days: (ctx, args) => {
    const c1 = ctx.column(args.column1);
    const c2 = ctx.column(args.column2);
    const days = String(numericValue(argOr(args, 'days', 0)) ?? 0);
    const d1 = toDate(ctx, c1);
    const d2 = toDate(ctx, c2);
    const cond = `(${d1} >= ${dateSub(ctx, d2, days)})`;
    const s1 = ctx.str({ sql: d1, type: { kind: 'date' } });
    const s2 = ctx.str({ sql: d2, type: { kind: 'date' } });
    if (truthy(args.negate)) {
      return {
        condition: `NOT ${cond}`,
        message: ctx.concat(
          valuePrefix(ctx),
          s1,
          ctx.lit(`' in Column '${c1.display}' is less than Value '`),
          s2,
          ctx.lit(`' in Column '${c2.display}' for ${days} or more days`),
        ),
      };
    }
    return {
      condition: cond,
      message: ctx.concat(
        valuePrefix(ctx),
        s1,
        ctx.lit(`' in Column '${c1.display}' is not less than Value '`),
        s2,
        ctx.lit(`' in Column '${c2.display}' for more than ${days} days`),
      ),
    };
  },
  is_older_than_n_days: (ctx, args) => {
    const c = ctx.column(args.column);
    const days = String(numericValue(args.days) ?? 0);
    const d = toDate(ctx, c);
    const cur = currentDate(ctx);
    const cond = `(${d} >= ${dateSub(ctx, cur, days)})`;
    const sd = ctx.str({ sql: d, type: { kind: 'date' } });
    const sc = ctx.str({ sql: cur, type: { kind: 'date' } });
    if (truthy(args.negate)) {
      return {
        condition: `NOT ${cond}`,
        message: ctx.concat(
          valuePrefix(ctx),
          sd,
          ctx.lit(`' in Column '${c.display}' is less than current date '`),
          sc,
          ctx.lit(`' for ${days} or more days`),
        ),
      };
    }
    return {
      condition: cond,
      message: ctx.concat(
        valuePrefix(ctx),
        sd,
        ctx.lit(`' in Column '${c.display}' is not less than current date '`),
        sc,
        ctx.lit(`' for more than ${days} days`),
      ),
    };
  },
  is_not_in_future: (ctx, args) => {
    const c = ctx.column(args.column);
    const offset = numericValue(argOr(args, 'offset', 0)) ?? 0;
    const t = nowPlusOffsetString(ctx, offset);
    return {
      condition: compareWithString(ctx, c, '>', t),
      message: ctx.concat(
        valuePrefix(ctx),
        ctx.str(c),
        ctx.lit(`' in Column '${c.display}' is greater than time '`),
        t,
        ctx.lit("'"),
      ),
    };
  },
  is_not_in_near_future: (ctx, args) => {
    const c = ctx.column(args.column);
    const offset = numericValue(argOr(args, 'offset', 0)) ?? 0;
    const t = nowPlusOffsetString(ctx, offset);
    const now = currentTimestamp(ctx);
    const nowCompare = ctx.dialect === 'duckdb' ? compareWithTimestamp(c, '>', now) : `(${c.sql} > ${now})`;
    return {
      condition: `(${nowCompare} AND ${compareWithString(ctx, c, '<', t)})`,
      message: ctx.concat(
        valuePrefix(ctx),
        ctx.str(c),
        ctx.lit(`' in Column '${c.display}' is greater than '`),
        ctx.str({ sql: now, type: { kind: 'timestamp' } }),
        ctx.lit(" and smaller than '"),
        t,
        ctx.lit("'"),
      ),
    };
  },
  is_valid_date: validDate('date', 'date_format'),
  is_valid_timestamp: validDate('timestamp', 'timestamp_format'),
  is_data_fresh: (ctx, args) => {
    const c = ctx.column(args.column);
    const minutes = String(numericValue(args.max_age_minutes) ?? 0);
    const hasBase = args.base_timestamp !== undefined && args.base_timestamp !== null;
    const base = hasBase ? ctx.limit(args.base_timestamp) : null;
    const baseSql = base ? base.sql : currentTimestamp(ctx);
    const threshold =
      ctx.dialect === 'duckdb'
        ? `(${baseSql} - to_minutes(${minutes}))`
        : `(${baseSql} - INTERVAL ${minutes} MINUTES)`;
    const condition =
      ctx.dialect === 'duckdb' ? compareWithTimestamp(c, '<', threshold) : `(${c.sql} < ${threshold})`;
    const baseText = base ? ctx.limitStr(base) : ctx.str({ sql: baseSql, type: { kind: 'timestamp' } });
    return {
      condition,
      message: ctx.concat(
        valuePrefix(ctx),
        ctx.str(c),
        ctx.lit(`' in Column '${c.display}' is older than ${minutes} minutes from base timestamp '`),
        baseText,
        ctx.lit("'"),
      ),
    };
  },
  is_equal_to: equality(false),
  is_not_equal_to: equality(true),
  is_not_less_than: limitCompare('<', 'is less than limit: '),
  is_not_greater_than: limitCompare('>', 'is greater than limit: '),
  is_in_range: range(false),
  is_not_in_range: range(true),
  has_num_decimal_places: (ctx, args) => {
    const c = ctx.column(args.column);
    const l = ctx.limit(args.limit);
    const s = ctx.str(c);
    const duck = ctx.dialect === 'duckdb';
    const groupsPattern = duck ? DECIMAL_NUMBER_RE2_GROUPS : DQ_PATTERNS.DECIMAL_NUMBER;
    const g = (i: number) => `regexp_extract(${s}, ${quoteString(ctx.dialect, groupsPattern)}, ${i})`;
    const isNumeric = ctx.pattern(s, 'DECIMAL_NUMBER');
    const integer = g(1);
    const fraction = g(2);
    const exponent = g(3);
    const expValue = `(CASE WHEN ${exponent} = '' THEN 0 ELSE CAST(${exponent} AS DOUBLE) END)`;
    const concat = duck ? `(${integer} || ${fraction})` : `concat(${integer}, ${fraction})`;
    const significand = duck
      ? `regexp_replace(${concat}, '0+$', '')`
      : `regexp_replace(${concat}, ${quoteString('databricks', '0+\\z')}, '')`;
    const trailing = `(length(${integer}) + length(${fraction}) - length(${significand}))`;
    const places = `(CASE WHEN ${significand} = '' THEN 0 ELSE greatest(length(${fraction}) - ${trailing} - ${expValue}, 0) END)`;
    const limitNull = `(${c.sql} IS NOT NULL AND ${l.sql} IS NULL)`;
    let condition = `(${limitNull} OR NOT ${isNumeric} OR (${places} > ${l.sql}))`;
    const fast = duck ? decimalPlacesFastCondition(c, l) : null;
    if (fast) condition = fast;
    const message =
      `CASE WHEN ${limitNull} THEN ${ctx.concat(valuePrefix(ctx), s, ctx.lit(`' in Column '${c.display}' has a null limit`))} ` +
      `WHEN NOT ${isNumeric} THEN ${ctx.concat(valuePrefix(ctx), s, ctx.lit(`' in Column '${c.display}' is not numeric`))} ` +
      `ELSE ${ctx.concat(valuePrefix(ctx), s, ctx.lit(`' in Column '${c.display}' has more than `), ctx.limitStr(l), ctx.lit(' decimal places'))} END`;
    return nullsMessage(ctx, c, truthy(argOr(args, 'allow_nulls', true)), condition, message);
  },
  regex_match: (ctx, args) => {
    const c = ctx.column(args.column);
    const subject = ctx.dialect === 'duckdb' ? ctx.str(c) : c.sql;
    const m = ctx.rlike(subject, String(args.regex));
    if (truthy(args.negate))
      return { condition: m, message: ctx.lit(`Column '${c.display}' is matching regex`) };
    return { condition: `NOT ${m}`, message: ctx.lit(`Column '${c.display}' is not matching regex`) };
  },
  is_valid_ipv4_address: patternCheck(() => 'IPV4_ADDRESS'),
  is_valid_email: patternCheck(() => 'EMAIL_ADDRESS'),
  is_valid_url: patternCheck(() => 'URL'),
  is_valid_national_id: patternCheck((args) => {
    const country = String(argOr(args, 'country', 'US')).toUpperCase();
    return ({ US: 'SSN_US', GB: 'NINO_GB', IN: 'PAN_IN' } as const)[country as 'US'] ?? 'SSN_US';
  }),
  is_valid_uuid: patternCheck((args) => (truthy(args.strict) ? 'UUID_STRICT' : 'UUID')),
  is_valid_country_code: isoCheck('is_valid_country_code'),
  is_valid_currency_code: isoCheck('is_valid_currency_code'),
  is_valid_language_code: isoCheck('is_valid_language_code'),
  is_valid_subdivision_code: (ctx, args) => {
    const c = ctx.column(args.column);
    const caseSensitive = truthy(argOr(args, 'case_sensitive', true));
    const compare = caseSensitive ? c.sql : lower(ctx, c, false);
    const list = caseSensitive ? ISO_3166_2 : ISO_3166_2.map((x) => x.toLowerCase());
    const invalid = `NOT ${inConstants(ctx, compare, list)}`;
    if (args.country_column === undefined || args.country_column === null) {
      return {
        condition: invalid,
        message: ctx.concat(
          valuePrefix(ctx),
          ctx.str(c),
          ctx.lit(`' in Column '${c.display}' is not a valid ISO 3166-2 subdivision code`),
        ),
      };
    }
    const cc = ctx.column(args.country_column);
    const ccCompare = caseSensitive ? cc.sql : lower(ctx, cc, false);
    const prefix =
      ctx.dialect === 'duckdb'
        ? `string_split(CAST(${compare} AS VARCHAR), '-')[1]`
        : `split(${compare}, '-')[0]`;
    return {
      condition: `(${invalid} OR (${prefix} <> ${ccCompare}))`,
      message: ctx.concat(
        valuePrefix(ctx),
        ctx.str(c),
        ctx.lit(`' in Column '${c.display}' is not a valid ISO 3166-2 subdivision code for country '`),
        `CASE WHEN ${cc.sql} IS NULL THEN ${ctx.lit('null')} ELSE ${ctx.str(cc)} END`,
        ctx.lit(`' in Column '${cc.display}'`),
      ),
    };
  },
  is_ipv4_address_in_cidr: (ctx, args) => {
    const c = ctx.column(args.column);
    const cidr = String(args.cidr_block);
    const s = ctx.str(c);
    const ipv4Valid = ctx.pattern(s, 'IPV4_ADDRESS');
    const invalidMsgCond = `(${c.sql} IS NOT NULL AND NOT ${ipv4Valid})`;
    const ipv4Message = ctx.concat(
      valuePrefix(ctx),
      s,
      ctx.lit(`' in Column '${c.display}' does not match pattern 'IPV4_ADDRESS'`),
    );
    const outside = ipv4InCidr(ctx, s, cidr);
    return {
      condition: `(${invalidMsgCond} OR ${outside})`,
      message: `CASE WHEN ${invalidMsgCond} THEN ${ipv4Message} ELSE ${ctx.concat(valuePrefix(ctx), s, ctx.lit(`' in Column '${c.display}' is not in the CIDR block '${cidr}'`))} END`,
    };
  },
  is_valid_ipv6_address: (ctx, args) => {
    const c = ctx.column(args.column);
    const s = ctx.str(c);
    const valid =
      ctx.dialect === 'duckdb'
        ? `regexp_matches(${s}, ${quoteString('duckdb', IPV6_ADDRESS_PATTERN)})`
        : `(${s} RLIKE ${quoteString('databricks', IPV6_ADDRESS_PATTERN)})`;
    return {
      condition: `CASE WHEN ${c.sql} IS NOT NULL THEN NOT ${valid} END`,
      message: ctx.concat(
        valuePrefix(ctx),
        s,
        ctx.lit(`' in Column '${c.display}' does not match pattern 'IPV6_ADDRESS'`),
      ),
    };
  },
  is_ipv6_address_in_cidr: (ctx, args) => {
    const c = ctx.column(args.column);
    const cidr = String(args.cidr_block);
    const s = ctx.str(c);
    const valid =
      ctx.dialect === 'duckdb'
        ? `regexp_matches(${s}, ${quoteString('duckdb', IPV6_ADDRESS_PATTERN)})`
        : `(${s} RLIKE ${quoteString('databricks', IPV6_ADDRESS_PATTERN)})`;
    const inCidr = ipv6InCidr(ctx, ipv6Hex(ctx, s), cidr);
    const ipv6Message = ctx.concat(
      valuePrefix(ctx),
      s,
      ctx.lit(`' in Column '${c.display}' does not match pattern 'IPV6_ADDRESS'`),
    );
    const cidrMessage = ctx.concat(
      valuePrefix(ctx),
      s,
      ctx.lit("' in Column '"),
      ctx.lit(c.display),
      ctx.lit(`' is not in the CIDR block '${cidr}'`),
    );
    return {
      condition: `CASE WHEN ${c.sql} IS NULL THEN NULL WHEN NOT ${valid} THEN TRUE ELSE NOT ${inCidr} END`,
      message: `CASE WHEN NOT ${valid} THEN ${ipv6Message} ELSE ${cidrMessage} END`,
    };
  },
  is_valid_json: (ctx, args) => {
    const c = ctx.column(args.column);
    const target = ctx.column(c.display);
    return {
      condition: `NOT (CASE WHEN ${c.sql} IS NOT NULL THEN ${tryParseJsonValid(ctx, target)} END)`,
      message: ctx.concat(
        valuePrefix(ctx),
        ctx.str(c),
        ctx.lit(`' in Column '${c.display}' is not a valid JSON string`),
      ),
    };
  },
  has_json_keys: (ctx, args) => {
    const c = ctx.column(args.column);
    const keys = (args.keys as string[]) ?? [];
    const requireAll = truthy(argOr(args, 'require_all', true));
    const json = jsonInvalidMessage(ctx, ctx.column(c.display), c.display);
    const distinct = [...new Set(keys)];
    const shown = `CASE WHEN ${c.sql} IS NULL THEN ${ctx.lit('null')} ELSE ${ctx.str(c)} END`;
    const missingMsg = ctx.concat(
      valuePrefix(ctx),
      shown,
      ctx.lit(`' in Column '${c.display}' is missing keys in the list: [`),
      ctx.lit(keys.join(', ')),
      ctx.lit(']'),
    );
    let whenValid: string;
    if (ctx.dialect === 'duckdb') {
      const first = duckFirstJson(c.sql);
      const objKeys = `(CASE WHEN ${first} IS NOT NULL AND json_type(${first}) = 'OBJECT' THEN json_keys(${first}) END)`;
      const required = `[${distinct.map((k) => ctx.lit(k)).join(', ')}]`;
      whenValid = requireAll
        ? `list_has_all(${objKeys}, ${required})`
        : `list_has_any(${objKeys}, ${required})`;
    } else {
      const objKeys = `json_object_keys(${c.sql})`;
      const required = `array_distinct(array(${keys.map((k) => ctx.lit(k)).join(', ')}))`;
      whenValid = requireAll
        ? `(size(array_except(${required}, ${objKeys})) = 0)`
        : `arrays_overlap(${objKeys}, ${required})`;
    }
    const ok = `((CASE WHEN NOT ${json.invalid} THEN ${whenValid} ELSE FALSE END) OR ${c.sql} IS NULL)`;
    return {
      condition: `NOT ${ok}`,
      message: `CASE WHEN ${json.invalid} THEN ${json.message} ELSE ${missingMsg} END`,
    };
  },
  has_valid_json_schema: (ctx, args) => {
    const c = ctx.column(args.column);
    const schema = parseSchemaDdl(String(args.schema)) as SparkType & { kind: 'struct' };
    const schemaText = simpleString(schema);
    const normColumn = ctx.column(c.norm);
    const json = jsonInvalidMessage(ctx, normColumn, c.norm);
    let base: string;
    let presence: string[];
    if (ctx.dialect === 'duckdb') {
      const first = duckFirstJson(c.sql);
      presence = jsonFieldPresence(ctx, schema.fields, first);
      const missingDuck = presence.length
        ? `(${presence.map((p) => `NOT coalesce(${p}, FALSE)`).join(' OR ')})`
        : 'FALSE';
      // json_type() raises on malformed input: only look inside valid JSON
      base = `(NOT ${json.invalid} AND CASE WHEN ${first} IS NOT NULL THEN json_type(${first}) = 'OBJECT' AND ${duckJsonFits(first, schema)} AND NOT ${missingDuck} ELSE FALSE END)`;
      presence = [];
    } else {
      const corrupt = '__dqx_corrupt_record';
      const parsed = `from_json(${c.sql}, ${quoteString('databricks', fromJsonSchema(schema, corrupt))}, map('columnNameOfCorruptRecord', '${corrupt}'))`;
      base = `(NOT ${json.invalid} AND ${parsed}.\`${corrupt}\` IS NULL)`;
      presence = jsonFieldPresence(ctx, schema.fields, parsed);
    }
    const missing = presence.length
      ? `(${presence.map((p) => `NOT coalesce(${p}, FALSE)`).join(' OR ')})`
      : 'FALSE';
    const conforming = `((${base} AND NOT ${missing}) OR ${c.sql} IS NULL)`;
    const shown = `CASE WHEN ${c.sql} IS NULL THEN ${ctx.lit('null')} ELSE ${ctx.str(c)} END`;
    const message = ctx.concat(
      valuePrefix(ctx),
      shown,
      ctx.lit(`' in Column '${c.display}' does not conform to expected JSON schema: `),
      ctx.lit(schemaText),
    );
    return {
      condition: `NOT ${conforming}`,
      message: `CASE WHEN ${json.invalid} THEN ${json.message} ELSE ${message} END`,
    };
  },
};

/** DuckDB: a value compared with a timestamp as Spark does (a string is cast the way Spark casts it). */
function compareWithTimestamp(c: ColumnValue, op: string, ts: string): string {
  const fam = c.type?.kind;
  if (fam === 'string' || fam === 'varchar' || fam === 'char')
    return `(${duckSparkCastTimestamp(c.sql, c.type)} ${op} ${ts})`;
  return `(CAST(${c.sql} AS TIMESTAMP) ${op} ${ts})`;
}

function validDate(kind: 'date' | 'timestamp', formatArg: string): Builder {
  return (ctx, args) => {
    const c = ctx.column(args.column);
    const fmt = args[formatArg];
    let parsed: string;
    if (ctx.dialect === 'duckdb') {
      if (typeof fmt === 'string') {
        const p = duckTryToTimestampWithPattern(c.sql, fmt);
        if (p === null)
          ctx.unsupported(
            `The datetime pattern '${fmt}' uses letters the DuckDB translation does not cover.`,
          );
        parsed = p!;
      } else parsed = duckTryToTimestamp(c.sql, c.type);
    } else {
      parsed =
        typeof fmt === 'string'
          ? `try_to_timestamp(${c.sql}, ${ctx.lit(fmt)})`
          : `try_to_timestamp(${c.sql})`;
    }
    let text = `' in Column '${c.display}' is not a valid ${kind}`;
    if (typeof fmt === 'string') text += ` with format '${fmt}'`;
    return {
      condition: `CASE WHEN ${c.sql} IS NULL THEN NULL ELSE (${parsed}) IS NULL END`,
      message: ctx.concat(valuePrefix(ctx), ctx.str(c), ctx.lit(text)),
    };
  };
}
