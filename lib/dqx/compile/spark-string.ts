/**
 * Spark's `CAST(x AS STRING)` in DuckDB SQL, by Spark type: doubles and floats in Java's
 * `Double.toString` form (`1.0E10`, `1.0E-4`), timestamps as `yyyy-MM-dd HH:mm:ss[.ffffff]` with
 * trailing zeros trimmed, arrays as `[a, null]`, maps as `{k -> v}`, structs as `{a, null}`.
 * DQX builds its messages from these renderings.
 */
import { quoteString } from '@/lib/sql/quote';

import type { SparkType } from '../spark-types';

/** A DuckDB lambda that binds `expr` once: `list_transform([expr], name -> body)[1]`. */
export function bindOnce(expr: string, name: string, body: string): string {
  return `list_transform([${expr}], ${name} -> ${body})[1]`;
}

/** Bind `expr` once in either dialect (Spark: `transform(array(expr), name -> body)[0]`). */
export function bindIn(dialect: 'duckdb' | 'databricks', expr: string, name: string, body: string): string {
  return dialect === 'duckdb'
    ? bindOnce(expr, name, body)
    : `transform(array(${expr}), ${name} -> ${body})[0]`;
}

/** Java `Double.toString` of a DuckDB DOUBLE/FLOAT expression. */
export function duckJavaDouble(expr: string, floatType = false, depth = 0): string {
  const v = `__d${depth}`;
  const cast = floatType ? 'FLOAT' : 'DOUBLE';
  const a = `CAST(abs(CAST(${v} AS ${cast})) AS VARCHAR)`;
  const mant = `split_part(${a}, 'e', 1)`;
  const expPart = `split_part(${a}, 'e', 2)`;
  const ip = `split_part(${mant}, '.', 1)`;
  const fp = `split_part(${mant}, '.', 2)`;
  const digits = `(${ip} || ${fp})`;
  const lz = `(length(${digits}) - length(ltrim(${digits}, '0')))`;
  const exp = `((CASE WHEN ${expPart} = '' THEN 0 ELSE CAST(${expPart} AS INTEGER) END) + length(${ip}) - 1 - ${lz})`;
  const d = `rtrim(ltrim(${digits}, '0'), '0')`;
  const sci =
    `(CASE WHEN ${v} < 0 THEN '-' ELSE '' END) || substr(${d}, 1, 1) || '.' || ` +
    `(CASE WHEN length(${d}) > 1 THEN substr(${d}, 2) ELSE '0' END) || 'E' || CAST(${exp} AS VARCHAR)`;
  const body =
    `CASE WHEN ${v} IS NULL THEN NULL WHEN isnan(${v}) THEN 'NaN' WHEN isinf(${v}) THEN (CASE WHEN ${v} > 0 THEN 'Infinity' ELSE '-Infinity' END) ` +
    `WHEN ${v} = 0 THEN (CASE WHEN signbit(${v}) THEN '-0.0' ELSE '0.0' END) ` +
    `WHEN abs(${v}) >= 1e-3 AND abs(${v}) < 1e7 THEN CAST(CAST(${v} AS ${cast}) AS VARCHAR) ELSE ${sci} END`;
  return bindOnce(expr, v, body);
}

/** Spark `CAST(expr AS STRING)` in DuckDB for a value of the given Spark type (null: unknown type). */
export function duckSparkString(expr: string, type: SparkType | null, depth = 0): string {
  if (!type) return `CAST(${expr} AS VARCHAR)`;
  switch (type.kind) {
    case 'string':
    case 'varchar':
    case 'char':
      return expr;
    case 'double':
      return duckJavaDouble(expr, false, depth);
    case 'float':
      return duckJavaDouble(expr, true, depth);
    case 'timestamp':
    case 'timestamp_ntz':
      return `CAST(CAST(${expr} AS TIMESTAMP) AS VARCHAR)`;
    case 'binary':
      return `decode(${expr})`;
    case 'boolean':
      return `CASE WHEN ${expr} IS NULL THEN NULL WHEN ${expr} THEN 'true' ELSE 'false' END`;
    case 'array': {
      const v = `__a${depth}`;
      return `'[' || array_to_string(list_transform(${expr}, ${v} -> coalesce(${duckSparkString(v, type.element, depth + 1)}, 'null')), ', ') || ']'`;
    }
    case 'map': {
      const v = `__m${depth}`;
      return (
        `'{' || array_to_string(list_transform(map_entries(${expr}), ${v} -> ` +
        `${duckSparkString(`${v}.key`, type.key, depth + 1)} || ' -> ' || coalesce(${duckSparkString(`${v}.value`, type.value, depth + 1)}, 'null')), ', ') || '}'`
      );
    }
    case 'struct': {
      if (type.fields.length === 0) return `CASE WHEN ${expr} IS NULL THEN NULL ELSE '{}' END`;
      const v = `__s${depth}`;
      const parts = type.fields.map(
        (f) =>
          `coalesce(${duckSparkString(`struct_extract(${v}, ${quoteString('duckdb', f.name)})`, f.type, depth + 1)}, 'null')`,
      );
      return bindOnce(
        expr,
        v,
        `CASE WHEN ${v} IS NULL THEN NULL ELSE '{' || array_to_string([${parts.join(', ')}], ', ') || '}' END`,
      );
    }
    default:
      return `CAST(${expr} AS VARCHAR)`;
  }
}
