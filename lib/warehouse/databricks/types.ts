/**
 * Column types as Spark SQL type strings (the type system of DQX), from the two shapes the
 * warehouse reports them in: the Thrift result-set schema (TTypeDesc) and the type objects of
 * `DESCRIBE TABLE ... AS JSON`.
 */

/** TTypeId of the HiveServer2 protocol (values of the driver's thrift enum; a test checks they match). */
export const TTYPE = {
  BOOLEAN: 0,
  TINYINT: 1,
  SMALLINT: 2,
  INT: 3,
  BIGINT: 4,
  FLOAT: 5,
  DOUBLE: 6,
  STRING: 7,
  TIMESTAMP: 8,
  BINARY: 9,
  ARRAY: 10,
  MAP: 11,
  STRUCT: 12,
  UNION: 13,
  USER_DEFINED: 14,
  DECIMAL: 15,
  NULL: 16,
  DATE: 17,
  VARCHAR: 18,
  CHAR: 19,
  INTERVAL_YEAR_MONTH: 20,
  INTERVAL_DAY_TIME: 21,
} as const;

const PRIMITIVE_NAMES: Record<number, string> = {
  [TTYPE.BOOLEAN]: 'boolean',
  [TTYPE.TINYINT]: 'tinyint',
  [TTYPE.SMALLINT]: 'smallint',
  [TTYPE.INT]: 'int',
  [TTYPE.BIGINT]: 'bigint',
  [TTYPE.FLOAT]: 'float',
  [TTYPE.DOUBLE]: 'double',
  [TTYPE.STRING]: 'string',
  [TTYPE.TIMESTAMP]: 'timestamp',
  [TTYPE.BINARY]: 'binary',
  [TTYPE.ARRAY]: 'array<string>',
  [TTYPE.MAP]: 'map<string,string>',
  [TTYPE.STRUCT]: 'struct<>',
  [TTYPE.UNION]: 'string',
  [TTYPE.USER_DEFINED]: 'string',
  [TTYPE.DECIMAL]: 'decimal(10,0)',
  [TTYPE.NULL]: 'void',
  [TTYPE.DATE]: 'date',
  [TTYPE.VARCHAR]: 'varchar',
  [TTYPE.CHAR]: 'char',
  [TTYPE.INTERVAL_YEAR_MONTH]: 'interval year to month',
  [TTYPE.INTERVAL_DAY_TIME]: 'interval day to second',
};

interface Qualifiers {
  qualifiers?: Record<string, { i32Value?: number | null; stringValue?: string | null } | undefined>;
}

export interface ThriftTypeEntry {
  primitiveEntry?: { type: number; typeQualifiers?: Qualifiers | null } | null;
  arrayEntry?: { objectTypePtr: number } | null;
  mapEntry?: { keyTypePtr: number; valueTypePtr: number } | null;
  structEntry?: { nameToTypePtr: Record<string, number> } | null;
}

const q = (entry: ThriftTypeEntry, name: string) => entry.primitiveEntry?.typeQualifiers?.qualifiers?.[name]?.i32Value ?? undefined;

/** A Thrift TTypeDesc (`types` with pointers for complex types) -> Spark type string. */
export function sparkTypeFromThrift(types: ThriftTypeEntry[] | undefined, index = 0, depth = 0): string {
  const entry = types?.[index];
  if (!entry || depth > 32) return 'string';
  if (entry.arrayEntry) return `array<${sparkTypeFromThrift(types, entry.arrayEntry.objectTypePtr, depth + 1)}>`;
  if (entry.mapEntry) {
    return `map<${sparkTypeFromThrift(types, entry.mapEntry.keyTypePtr, depth + 1)},${sparkTypeFromThrift(types, entry.mapEntry.valueTypePtr, depth + 1)}>`;
  }
  if (entry.structEntry) {
    const fields = Object.entries(entry.structEntry.nameToTypePtr).map(([n, p]) => `${n}:${sparkTypeFromThrift(types, p, depth + 1)}`);
    return `struct<${fields.join(',')}>`;
  }
  const type = entry.primitiveEntry?.type;
  if (type === undefined) return 'string';
  if (type === TTYPE.DECIMAL) {
    const precision = q(entry, 'precision');
    const scale = q(entry, 'scale');
    return precision !== undefined ? `decimal(${precision},${scale ?? 0})` : 'decimal(10,0)';
  }
  if (type === TTYPE.VARCHAR || type === TTYPE.CHAR) {
    const length = q(entry, 'characterMaximumLength');
    const base = type === TTYPE.VARCHAR ? 'varchar' : 'char';
    return length !== undefined ? `${base}(${length})` : 'string';
  }
  return PRIMITIVE_NAMES[type] ?? 'string';
}

/** The type object of `DESCRIBE TABLE ... AS JSON`. */
export interface DescribeJsonType {
  name: string;
  precision?: number;
  scale?: number;
  length?: number;
  element_type?: DescribeJsonType;
  key_type?: DescribeJsonType;
  value_type?: DescribeJsonType;
  fields?: { name: string; type: DescribeJsonType }[];
  start_unit?: string;
  end_unit?: string;
  srid?: number | string;
}

/** `{"name":"decimal","precision":10,"scale":2}` -> `decimal(10,2)`, nested types recursively. */
export function sparkTypeFromDescribe(type: DescribeJsonType | undefined, depth = 0): string {
  if (!type || depth > 32) return 'string';
  switch (type.name) {
    case 'decimal':
      return `decimal(${type.precision ?? 10},${type.scale ?? 0})`;
    case 'char':
    case 'varchar':
      return type.length !== undefined ? `${type.name}(${type.length})` : 'string';
    case 'timestamp_ltz':
      return 'timestamp';
    case 'array':
      return `array<${sparkTypeFromDescribe(type.element_type, depth + 1)}>`;
    case 'map':
      return `map<${sparkTypeFromDescribe(type.key_type, depth + 1)},${sparkTypeFromDescribe(type.value_type, depth + 1)}>`;
    case 'struct':
      return `struct<${(type.fields ?? []).map((f) => `${f.name}:${sparkTypeFromDescribe(f.type, depth + 1)}`).join(',')}>`;
    case 'interval':
      return type.start_unit
        ? `interval ${type.start_unit}${type.end_unit && type.end_unit !== type.start_unit ? ` to ${type.end_unit}` : ''}`
        : 'interval';
    case 'geometry':
    case 'geography':
      return type.srid !== undefined ? `${type.name}(${type.srid})` : type.name;
    default:
      return type.name.toLowerCase();
  }
}
