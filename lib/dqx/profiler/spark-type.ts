/**
 * Spark SQL type strings (as the Warehouse port reports them) as the pyspark types DQX's profiler sees,
 * classified the way it classifies them, and struct columns flattened into `parent.child` fields
 * exactly as `DQProfiler.get_columns_or_fields` does.
 */

import { parseSparkTypeKeepingUnknown, type SparkType as SqlType } from '../spark-types';

/** A Spark type under the name of its pyspark class (`ByteType` is `byte`, `LongType` is `long`). */
export type SparkType =
  | { kind: 'byte' }
  | { kind: 'short' }
  | { kind: 'int' }
  | { kind: 'long' }
  | { kind: 'float' }
  | { kind: 'double' }
  | { kind: 'decimal'; precision: number; scale: number }
  | { kind: 'string' }
  | { kind: 'boolean' }
  | { kind: 'binary' }
  | { kind: 'date' }
  | { kind: 'timestamp' }
  | { kind: 'timestamp_ntz' }
  | { kind: 'geometry' }
  | { kind: 'geography' }
  | { kind: 'array'; element: SparkType }
  | { kind: 'map'; key: SparkType; value: SparkType }
  | { kind: 'struct'; fields: { name: string; type: SparkType }[] }
  /** Anything else (intervals, variant, void, ...): profiled like DQX profiles any non-text type. */
  | { kind: 'other'; name: string };

export { SparkTypeError } from '../spark-types';

/**
 * Parses with the engine's Spark type parser (`lib/dqx/spark-types.ts`) and names the result after
 * pyspark's classes. Types the parser does not know (geometry, geography, intervals, ...) keep their
 * place, so a struct with one such field still flattens into all its fields. Throws SparkTypeError
 * when the text is malformed.
 */
export function parseSparkType(text: string): SparkType {
  return fromSqlType(parseSparkTypeKeepingUnknown(text));
}

function fromSqlType(t: SqlType): SparkType {
  switch (t.kind) {
    case 'tinyint':
      return { kind: 'byte' };
    case 'smallint':
      return { kind: 'short' };
    case 'bigint':
      return { kind: 'long' };
    case 'varchar':
    case 'char':
      return { kind: 'string' };
    case 'int':
    case 'float':
    case 'double':
    case 'string':
    case 'boolean':
    case 'binary':
    case 'date':
    case 'timestamp':
    case 'timestamp_ntz':
      return { kind: t.kind };
    case 'decimal':
      return { kind: 'decimal', precision: t.precision, scale: t.scale };
    case 'array':
      return { kind: 'array', element: fromSqlType(t.element) };
    case 'map':
      return { kind: 'map', key: fromSqlType(t.key), value: fromSqlType(t.value) };
    case 'struct':
      return { kind: 'struct', fields: t.fields.map((f) => ({ name: f.name, type: fromSqlType(f.type) })) };
    case 'void':
    case 'variant':
      return { kind: 'other', name: t.kind };
    case 'interval':
      return { kind: 'other', name: t.text };
    case 'unknown': {
      const geo = /^(geometry|geography)\b/.exec(t.text)?.[1];
      return geo === 'geometry' || geo === 'geography' ? { kind: geo } : { kind: 'other', name: t.text };
    }
  }
}

/** pyspark `NumericType` (byte, short, int, long, float, double, decimal). */
export function isNumeric(t: SparkType): boolean {
  return ['byte', 'short', 'int', 'long', 'float', 'double', 'decimal'].includes(t.kind);
}

/** pyspark `IntegralType`. */
export function isIntegral(t: SparkType): boolean {
  return ['byte', 'short', 'int', 'long'].includes(t.kind);
}

/** DQX `is_text`: StringType, CharType, VarcharType. */
export function isText(t: SparkType): boolean {
  return t.kind === 'string';
}

export function isGeospatial(t: SparkType): boolean {
  return t.kind === 'geometry' || t.kind === 'geography';
}

export function isTimestamp(t: SparkType): boolean {
  return t.kind === 'timestamp' || t.kind === 'timestamp_ntz';
}

/** DQX `_supports_distinct`: the types an `is_in` profile can be built for. */
export function supportsDistinctValues(t: SparkType): boolean {
  return t.kind === 'int' || t.kind === 'long' || t.kind === 'short' || t.kind === 'string';
}

/** DQX `_supports_min_max`: dates, timestamps and numeric types except ByteType. */
export function supportsMinMax(t: SparkType): boolean {
  return t.kind === 'date' || isTimestamp(t) || (isNumeric(t) && t.kind !== 'byte');
}

/** Whether `DataFrame.summary()` computes statistics for a column of this type (numeric or string). */
export function inSparkSummary(t: SparkType): boolean {
  return isNumeric(t) || isText(t);
}

/** Whether the engines can compare values of this type for a distinct count. */
export function supportsDistinctCount(t: SparkType): boolean {
  return !isGeospatial(t);
}

/** A profiled field: a top-level column, or a leaf of a struct column named `parent.child`. */
export interface ProfiledField {
  /** DQX's name: the column name, or `parent.child` for a struct field. */
  name: string;
  /** Path from the top-level column to the field. */
  path: string[];
  type: SparkType;
  /** True for top-level columns (they take part in `DataFrame.summary()`). */
  topLevel: boolean;
}

function leaves(prefix: string[], type: SparkType): { path: string[]; type: SparkType }[] {
  if (type.kind !== 'struct') return [{ path: prefix, type }];
  return type.fields.flatMap((f) => leaves([...prefix, f.name], f.type));
}

/** The fields DQX profiles for these columns, in its order: struct columns replaced by their leaves. */
export function flattenFields(columns: { name: string; type: string }[]): ProfiledField[] {
  const out: ProfiledField[] = [];
  for (const column of columns) {
    const type = parseSparkType(column.type);
    if (type.kind !== 'struct') {
      out.push({ name: column.name, path: [column.name], type, topLevel: true });
      continue;
    }
    for (const leaf of leaves([column.name], type)) {
      out.push({ name: leaf.path.join('.'), path: leaf.path, type: leaf.type, topLevel: false });
    }
  }
  return out;
}
