/**
 * What a row-check SQL builder needs: column and limit resolution against the table, literals,
 * Spark's string rendering, `concat_ws`, regex matching, and the dialect differences between
 * DuckDB and Databricks (Spark) SQL. Every identifier and literal goes through `lib/sql/quote.ts`.
 */
import { quoteIdent, quoteString, type Dialect } from '@/lib/sql/quote';

import { javaRegexToRe2 } from '../java-regex';
import { literalSparkString, resolveLimit, type LimitValue } from '../literals';
import { columnDisplay, columnNorm, parseColumnRef, unquoteColumnName } from '../naming';
import { javaDoubleToString } from '../py-values';
import { sparkToDuckdb } from '../spark-sql';
import { assertExpression, shadowedColumn, SqlGuardError } from '../sql-guard/guard';
import type { SparkType } from '../spark-types';
import type { TableResolver } from '../table-resolver';
import { globPrefilter } from './glob-prefilter';
import { DQ_PATTERNS, RE2_PATTERNS, type DqPatternName } from './patterns';
import { duckSparkString } from './spark-string';

export interface SqlValue {
  sql: string;
  type: SparkType | null;
}

export interface ColumnValue extends SqlValue {
  raw: string;
  /** The column string as DQX shows it in messages. */
  display: string;
  norm: string;
}

export interface LimitSql extends SqlValue {
  lit: LimitValue;
  /** Spark's string rendering when known at compile time (literals). */
  text: string | null;
}

/** Thrown when a check cannot be expressed in the target dialect (it then runs in a DQX job). */
export class UnsupportedInDialect extends Error {
  constructor(
    readonly reason: string,
    readonly dialect: Dialect,
  ) {
    super(reason);
    this.name = 'UnsupportedInDialect';
  }
}

export interface RowSqlContext {
  readonly dialect: Dialect;
  column(raw: unknown): ColumnValue;
  limit(value: unknown): LimitSql;
  /** A SQL string literal. */
  lit(s: string): string;
  /** Spark's CAST(x AS STRING) of a value. */
  str(v: SqlValue): string;
  /** The Spark string of a limit: a literal when known at compile time. */
  limitStr(l: LimitSql): string;
  /** concat_ws('', parts...): NULL parts are dropped. */
  concat(...parts: string[]): string;
  /** `expr RLIKE pattern` (Java regex, partial match) with a constant pattern. */
  rlike(expr: string, javaPattern: string): string;
  /** Partial match against one of DQX's patterns. */
  pattern(expr: string, name: DqPatternName): string;
  /** A user-written Spark SQL expression in the target dialect. */
  expr(text: string): string;
  unsupported(reason: string): never;
}

/** Spark SQL typed literal for a resolved limit value, in the given dialect. */
export function limitLiteralSql(
  dialect: Dialect,
  lit: LimitValue,
  translate: (text: string) => string,
): string {
  switch (lit.kind) {
    case 'int':
      if (lit.type.kind === 'bigint') return `CAST(${lit.text} AS BIGINT)`;
      if (lit.type.kind === 'smallint') return `CAST(${lit.text} AS SMALLINT)`;
      if (lit.type.kind === 'tinyint') return `CAST(${lit.text} AS TINYINT)`;
      if (lit.type.kind === 'decimal')
        return `CAST(${quoteString(dialect, lit.text)} AS DECIMAL(${lit.type.precision},0))`;
      return lit.text.startsWith('-') ? `(${lit.text})` : lit.text;
    case 'decimal':
      return lit.type.kind === 'decimal'
        ? `CAST(${quoteString(dialect, lit.text)} AS DECIMAL(${lit.type.precision},${lit.type.scale}))`
        : `CAST(${quoteString(dialect, lit.text)} AS DECIMAL(38,18))`;
    case 'double':
    case 'float32': {
      const t = lit.kind === 'double' ? 'DOUBLE' : 'FLOAT';
      if (Number.isNaN(lit.value)) return `CAST('NaN' AS ${t})`;
      if (!Number.isFinite(lit.value)) return `CAST('${lit.value > 0 ? 'Infinity' : '-Infinity'}' AS ${t})`;
      return `CAST(${quoteString(dialect, javaDoubleToString(lit.value))} AS ${t})`;
    }
    case 'bool':
      return lit.value ? 'TRUE' : 'FALSE';
    case 'string':
      return quoteString(dialect, lit.value);
    case 'date':
      return `DATE ${quoteString(dialect, lit.text)}`;
    case 'timestamp': {
      const frac = lit.micro ? '.' + String(lit.micro).padStart(6, '0') : '';
      return `TIMESTAMP ${quoteString(dialect, `${lit.date} ${lit.time}${frac}`)}`;
    }
    case 'null':
      return 'NULL';
    case 'array': {
      const items = lit.items.map((i) => limitLiteralSql(dialect, i, translate));
      return dialect === 'duckdb' ? `[${items.join(', ')}]` : `array(${items.join(', ')})`;
    }
    case 'expr':
      return `(${translate(lit.text)})`;
  }
}

/** SQL for a column path (column, then struct fields or map keys), quoted for the dialect. */
export function pathSql(dialect: Dialect, path: string[], rootType: SparkType | null): string {
  let sql = quoteIdent(dialect, path[0]!);
  let type = rootType;
  for (const seg of path.slice(1)) {
    if (type?.kind === 'map') {
      sql =
        dialect === 'duckdb'
          ? `${sql}[${quoteString(dialect, seg)}]`
          : `${sql}[${quoteString(dialect, seg)}]`;
      type = type.value;
    } else {
      sql =
        dialect === 'duckdb'
          ? `struct_extract(${sql}, ${quoteString(dialect, seg)})`
          : `${sql}.${quoteIdent(dialect, seg)}`;
      type =
        type?.kind === 'struct'
          ? (type.fields.find((f) => f.name.toLowerCase() === seg.toLowerCase())?.type ?? null)
          : null;
    }
  }
  return sql;
}

export function createRowContext(dialect: Dialect, resolver: TableResolver): RowSqlContext {
  // Every user fragment passes the SQL sandbox; what is embedded is the text it accepted
  // (comments removed), translated for DuckDB. A refusal (SqlGuardError) fails the compile.
  const translate = (text: string) => {
    const analysis = assertExpression(text);
    const shadow = shadowedColumn(analysis, (name) => resolver.column(name) !== undefined);
    if (shadow) throw new SqlGuardError(shadow);
    if (dialect !== 'duckdb') return analysis.canonical;
    try {
      return sparkToDuckdb(analysis.canonical);
    } catch (error) {
      throw new UnsupportedInDialect(
        `The expression cannot be translated to DuckDB: ${(error as Error).message}`,
        dialect,
      );
    }
  };
  const ctx: RowSqlContext = {
    dialect,
    column(raw: unknown): ColumnValue {
      const text = typeof raw === 'string' ? raw : String(raw);
      const display = columnDisplay(text);
      const norm = columnNorm(text);
      const ref = parseColumnRef(text);
      if (ref.kind === 'path') {
        const resolved = resolver.resolvePath(ref.segments);
        if (resolved) {
          const rootType = resolver.column(resolved.path[0]!)?.type ?? null;
          return {
            raw: text,
            display,
            norm,
            sql: pathSql(dialect, resolved.path, rootType),
            type: resolved.type,
          };
        }
        return { raw: text, display, norm, sql: pathSql(dialect, ref.segments, null), type: null };
      }
      const unquoted = unquoteColumnName(text);
      if (unquoted !== text) {
        const col = resolver.column(unquoted);
        if (col) return { raw: text, display, norm, sql: quoteIdent(dialect, col.name), type: col.type };
      }
      const r = resolver.resolveColumnArgument(text);
      const type = r.ok && r.resolved ? r.resolved.type : null;
      return { raw: text, display, norm, sql: `(${translate(text)})`, type };
    },
    limit(value: unknown): LimitSql {
      const lit = resolveLimit(value);
      if (!lit) throw new Error('Limit is not provided.');
      let type = lit.type;
      if (lit.kind === 'expr') {
        const r = resolver.resolveColumnArgument(lit.text);
        type = r.ok && r.resolved ? r.resolved.type : null;
      }
      return { lit, sql: limitLiteralSql(dialect, lit, translate), type, text: literalSparkString(lit) };
    },
    lit: (s) => quoteString(dialect, s),
    str(v: SqlValue): string {
      if (dialect === 'databricks') {
        if (v.type && (v.type.kind === 'string' || v.type.kind === 'varchar' || v.type.kind === 'char'))
          return v.sql;
        return `CAST(${v.sql} AS STRING)`;
      }
      return duckSparkString(v.sql, v.type);
    },
    limitStr(l: LimitSql): string {
      if (l.text !== null) return quoteString(dialect, l.text);
      return ctx.str(l);
    },
    concat: (...parts) => `concat_ws('', ${parts.join(', ')})`,
    rlike(expr: string, javaPattern: string): string {
      if (dialect === 'databricks') return `(${expr} RLIKE ${quoteString(dialect, javaPattern)})`;
      const t = javaRegexToRe2(javaPattern);
      if (t.re2 === null)
        ctx.unsupported(
          `The regex uses ${t.unsupported.join(', ')}, which DuckDB's regex engine (RE2) cannot evaluate.`,
        );
      const regex = `regexp_matches(${expr}, ${quoteString(dialect, t.re2!)})`;
      const glob = globPrefilter(javaPattern);
      // CASE evaluates the regex only for the values the GLOB does not accept (see glob-prefilter)
      return glob === null
        ? regex
        : `(CASE WHEN ${expr} GLOB ${quoteString(dialect, glob)} THEN TRUE ELSE ${regex} END)`;
    },
    pattern(expr: string, name: DqPatternName): string {
      if (dialect === 'databricks') return `(${expr} RLIKE ${quoteString(dialect, DQ_PATTERNS[name])})`;
      const alt = RE2_PATTERNS[name];
      if (!alt) return ctx.rlike(expr, DQ_PATTERNS[name]);
      const parts = [
        ...alt.matches.map((m) => `regexp_matches(${expr}, ${quoteString(dialect, m)})`),
        ...alt.conditions.map((c) => c.replaceAll('{v}', expr)),
      ];
      return `(${parts.join(' AND ')})`;
    },
    expr: (text) => `(${translate(text)})`,
    unsupported(reason: string): never {
      throw new UnsupportedInDialect(reason, dialect);
    },
  };
  return ctx;
}
