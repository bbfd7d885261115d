/**
 * DuckDB types and values in the application's terms: column types as Spark SQL type strings (the
 * type system DQX speaks), values as JSON-safe `Cell`s.
 */
import {
  DuckDBTypeId,
  createDuckDBValueConverter,
  type DuckDBType,
  type DuckDBValue,
  type DuckDBValueConverter,
  DuckDBDecimalValue,
  DuckDBListValue,
  DuckDBArrayValue,
  DuckDBStructValue,
  DuckDBMapValue,
  DuckDBUnionValue,
} from '@duckdb/node-api';

import { cellToText } from '../cells';
import type { Cell } from '../port';

/** The Spark SQL type string for a DuckDB type, lower case (`decimal(12,2)`, `array<string>`, ...). */
export function sparkType(type: DuckDBType): string {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return 'boolean';
    case DuckDBTypeId.TINYINT:
      return 'tinyint';
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.UTINYINT:
      return 'smallint';
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.USMALLINT:
      return 'int';
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UINTEGER:
      return 'bigint';
    // Wider integers than Spark's bigint: the exact Spark equivalent is a scale-0 decimal.
    case DuckDBTypeId.UBIGINT:
      return 'decimal(20,0)';
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
    case DuckDBTypeId.BIGNUM:
      return 'decimal(38,0)';
    case DuckDBTypeId.FLOAT:
      return 'float';
    case DuckDBTypeId.DOUBLE:
      return 'double';
    case DuckDBTypeId.DECIMAL:
      return `decimal(${type.width},${type.scale})`;
    case DuckDBTypeId.VARCHAR:
    case DuckDBTypeId.ENUM:
    case DuckDBTypeId.UUID:
    case DuckDBTypeId.BIT:
    case DuckDBTypeId.TIME:
    case DuckDBTypeId.TIME_TZ:
    case DuckDBTypeId.TIME_NS:
    case DuckDBTypeId.UNION:
    case DuckDBTypeId.GEOMETRY:
    case DuckDBTypeId.STRING_LITERAL:
      return 'string';
    case DuckDBTypeId.BLOB:
      return 'binary';
    case DuckDBTypeId.DATE:
      return 'date';
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return 'timestamp';
    case DuckDBTypeId.INTERVAL:
      return 'interval';
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
      return `array<${sparkType(type.valueType)}>`;
    case DuckDBTypeId.STRUCT:
      return `struct<${type.entryNames.map((name, i) => `${name}:${sparkType(type.entryTypes[i]!)}`).join(',')}>`;
    case DuckDBTypeId.MAP:
      return `map<${sparkType(type.keyType)},${sparkType(type.valueType)}>`;
    case DuckDBTypeId.VARIANT:
      return 'variant';
    case DuckDBTypeId.INTEGER_LITERAL:
      return 'bigint';
    case DuckDBTypeId.SQLNULL:
      return 'void';
    default:
      return 'string';
  }
}

/** DuckDB's own name of a type, for display (`DECIMAL(12,2)`, `VARCHAR[]`, `JSON`). */
export function nativeTypeName(type: DuckDBType): string {
  return type.alias ?? type.toString();
}

const text = (value: DuckDBValue): string => String(value);

function integer(value: DuckDBValue): Cell {
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  return typeof value === 'number' ? value : String(value);
}

function floating(value: DuckDBValue): Cell {
  if (typeof value !== 'number') return String(value);
  // JSON has no NaN or infinities: keep them as their conventional names.
  return Number.isFinite(value) ? value : String(value);
}

/** Decimals as text with their scale kept (`12.50`, not 12.5): no rounding through a double. */
function decimal(value: DuckDBValue): Cell {
  return value instanceof DuckDBDecimalValue ? value.toString() : String(value);
}

const list: DuckDBValueConverter<Cell> = (value, type, convert) => {
  if (
    (value instanceof DuckDBListValue || value instanceof DuckDBArrayValue) &&
    (type.typeId === DuckDBTypeId.LIST || type.typeId === DuckDBTypeId.ARRAY)
  ) {
    return value.items.map((item) =>
      item === null ? null : (convert(item, type.valueType, convert) ?? null),
    );
  }
  return String(value);
};

const struct: DuckDBValueConverter<Cell> = (value, type, convert) => {
  if (!(value instanceof DuckDBStructValue) || type.typeId !== DuckDBTypeId.STRUCT) return String(value);
  const out: { [key: string]: Cell } = {};
  type.entryNames.forEach((name, i) => {
    const entry = value.entries[name];
    out[name] =
      entry === null || entry === undefined ? null : (convert(entry, type.entryTypes[i]!, convert) ?? null);
  });
  return out;
};

/** Maps become objects keyed by the key's text, the way Spark's `to_json` writes them. */
const map: DuckDBValueConverter<Cell> = (value, type, convert) => {
  if (!(value instanceof DuckDBMapValue) || type.typeId !== DuckDBTypeId.MAP) return String(value);
  const out: { [key: string]: Cell } = {};
  for (const entry of value.entries) {
    const key =
      entry.key === null ? 'null' : (cellToText(convert(entry.key, type.keyType, convert) ?? null) ?? 'null');
    out[key] = entry.value === null ? null : (convert(entry.value, type.valueType, convert) ?? null);
  }
  return out;
};

const union: DuckDBValueConverter<Cell> = (value, type, convert) => {
  if (!(value instanceof DuckDBUnionValue) || type.typeId !== DuckDBTypeId.UNION) return String(value);
  const memberType = type.memberTypes[type.memberIndexForTag(value.tag)];
  return value.value === null || !memberType ? null : (convert(value.value, memberType, convert) ?? null);
};

const CONVERTERS: Record<DuckDBTypeId, DuckDBValueConverter<Cell> | undefined> = {
  [DuckDBTypeId.INVALID]: undefined,
  [DuckDBTypeId.BOOLEAN]: (v) => (typeof v === 'boolean' ? v : String(v)),
  [DuckDBTypeId.TINYINT]: integer,
  [DuckDBTypeId.SMALLINT]: integer,
  [DuckDBTypeId.INTEGER]: integer,
  [DuckDBTypeId.BIGINT]: integer,
  [DuckDBTypeId.UTINYINT]: integer,
  [DuckDBTypeId.USMALLINT]: integer,
  [DuckDBTypeId.UINTEGER]: integer,
  [DuckDBTypeId.UBIGINT]: integer,
  [DuckDBTypeId.HUGEINT]: integer,
  [DuckDBTypeId.UHUGEINT]: integer,
  [DuckDBTypeId.BIGNUM]: integer,
  [DuckDBTypeId.FLOAT]: floating,
  [DuckDBTypeId.DOUBLE]: floating,
  [DuckDBTypeId.DECIMAL]: decimal,
  [DuckDBTypeId.TIMESTAMP]: text,
  [DuckDBTypeId.TIMESTAMP_S]: text,
  [DuckDBTypeId.TIMESTAMP_MS]: text,
  [DuckDBTypeId.TIMESTAMP_NS]: text,
  [DuckDBTypeId.TIMESTAMP_TZ]: text,
  [DuckDBTypeId.DATE]: text,
  [DuckDBTypeId.TIME]: text,
  [DuckDBTypeId.TIME_TZ]: text,
  [DuckDBTypeId.TIME_NS]: text,
  [DuckDBTypeId.INTERVAL]: text,
  [DuckDBTypeId.VARCHAR]: text,
  [DuckDBTypeId.BLOB]: text,
  [DuckDBTypeId.ENUM]: text,
  [DuckDBTypeId.UUID]: text,
  [DuckDBTypeId.BIT]: text,
  [DuckDBTypeId.GEOMETRY]: text,
  [DuckDBTypeId.VARIANT]: text,
  [DuckDBTypeId.LIST]: list,
  [DuckDBTypeId.ARRAY]: list,
  [DuckDBTypeId.STRUCT]: struct,
  [DuckDBTypeId.MAP]: map,
  [DuckDBTypeId.UNION]: union,
  [DuckDBTypeId.ANY]: undefined,
  [DuckDBTypeId.SQLNULL]: () => null,
  [DuckDBTypeId.STRING_LITERAL]: text,
  [DuckDBTypeId.INTEGER_LITERAL]: integer,
};

/** Converts a DuckDB value of a given type to a JSON-safe cell. */
export const toCell: DuckDBValueConverter<Cell> = createDuckDBValueConverter(CONVERTERS);
