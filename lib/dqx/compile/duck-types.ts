/** DuckDB type names for Spark types (tables built from Spark schemas, JSON payload decoding). */
import { quoteIdent } from '@/lib/sql/quote';

import type { SparkType } from '../spark-types';

export function duckType(t: SparkType): string {
  switch (t.kind) {
    case 'string':
    case 'varchar':
    case 'char':
      return 'VARCHAR';
    case 'tinyint':
      return 'TINYINT';
    case 'smallint':
      return 'SMALLINT';
    case 'int':
      return 'INTEGER';
    case 'bigint':
      return 'BIGINT';
    case 'float':
      return 'FLOAT';
    case 'double':
      return 'DOUBLE';
    case 'decimal':
      return `DECIMAL(${t.precision},${t.scale})`;
    case 'boolean':
      return 'BOOLEAN';
    case 'date':
      return 'DATE';
    case 'timestamp':
    case 'timestamp_ntz':
      return 'TIMESTAMP';
    case 'binary':
      return 'BLOB';
    case 'array':
      return `${duckType(t.element)}[]`;
    case 'map':
      return `MAP(${duckType(t.key)}, ${duckType(t.value)})`;
    case 'struct':
      return `STRUCT(${t.fields.map((f) => `${quoteIdent('duckdb', f.name)} ${duckType(f.type)}`).join(', ')})`;
    default:
      return 'VARCHAR';
  }
}
