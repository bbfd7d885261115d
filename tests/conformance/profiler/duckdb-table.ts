/**
 * Loads a vector's rows into a DuckDB table with the DuckDB types that correspond to its Spark types
 * (timestamp -> TIMESTAMPTZ, timestamp_ntz -> TIMESTAMP, struct -> STRUCT, ...). Literals go through
 * lib/sql/quote.ts like any SQL this project writes.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

import { parseSparkType, type SparkType } from '@/lib/dqx/profiler/spark-type';
import { quoteIdent, quoteString } from '@/lib/sql/quote';

import type { ProfilerVector } from './vectors';

export function duckdbType(t: SparkType): string {
  switch (t.kind) {
    case 'byte':
      return 'TINYINT';
    case 'short':
      return 'SMALLINT';
    case 'int':
      return 'INTEGER';
    case 'long':
      return 'BIGINT';
    case 'float':
      return 'REAL';
    case 'double':
      return 'DOUBLE';
    case 'decimal':
      return `DECIMAL(${t.precision},${t.scale})`;
    case 'string':
      return 'VARCHAR';
    case 'boolean':
      return 'BOOLEAN';
    case 'binary':
      return 'BLOB';
    case 'date':
      return 'DATE';
    case 'timestamp':
      return 'TIMESTAMPTZ';
    case 'timestamp_ntz':
      return 'TIMESTAMP';
    case 'array':
      return `${duckdbType(t.element)}[]`;
    case 'map':
      return `MAP(${duckdbType(t.key)}, ${duckdbType(t.value)})`;
    case 'struct':
      return `STRUCT(${t.fields.map((f) => `${quoteIdent('duckdb', f.name)} ${duckdbType(f.type)}`).join(', ')})`;
    default:
      throw new Error(`No DuckDB type for ${JSON.stringify(t)}`);
  }
}

function literal(value: unknown, t: SparkType): string {
  if (value === null || value === undefined) return `CAST(NULL AS ${duckdbType(t)})`;
  const cast = (text: string) => `CAST(${quoteString('duckdb', text)} AS ${duckdbType(t)})`;
  switch (t.kind) {
    case 'byte':
    case 'short':
    case 'int':
    case 'long':
    case 'float':
    case 'double':
    case 'decimal':
    case 'date':
    case 'timestamp_ntz':
      return cast(String(value));
    case 'timestamp':
      return cast(`${String(value)}+00`);
    case 'string':
      return quoteString('duckdb', String(value));
    case 'boolean':
      return value ? 'TRUE' : 'FALSE';
    case 'binary':
      return `from_base64(${quoteString('duckdb', String(value))})`;
    case 'array':
      return `CAST([${(value as unknown[]).map((v) => literal(v, t.element)).join(', ')}] AS ${duckdbType(t)})`;
    case 'map': {
      const entries = Object.entries(value as Record<string, unknown>);
      return `CAST(MAP {${entries.map(([k, v]) => `${literal(k, t.key)}: ${literal(v, t.value)}`).join(', ')}} AS ${duckdbType(t)})`;
    }
    case 'struct': {
      const obj = value as Record<string, unknown>;
      const parts = t.fields.map((f) => `${quoteString('duckdb', f.name)}: ${literal(obj[f.name] ?? null, f.type)}`);
      return `CAST({${parts.join(', ')}} AS ${duckdbType(t)})`;
    }
    default:
      throw new Error(`No DuckDB literal for ${JSON.stringify(t)}`);
  }
}

/** Creates (or replaces) the vector's table and inserts its rows in order. */
export async function loadVectorTable(conn: DuckDBConnection, vector: ProfilerVector, table: string): Promise<void> {
  const types = vector.columns.map((c) => parseSparkType(c.type));
  const cols = vector.columns.map((c, i) => `${quoteIdent('duckdb', c.name)} ${duckdbType(types[i]!)}`);
  await conn.run(`CREATE OR REPLACE TABLE ${quoteIdent('duckdb', table)} (${cols.join(', ')})`);
  const batch = 200;
  for (let start = 0; start < vector.rows.length; start += batch) {
    const values = vector.rows
      .slice(start, start + batch)
      .map((row) => `(${row.map((v, i) => literal(v, types[i]!)).join(', ')})`)
      .join(', ');
    await conn.run(`INSERT INTO ${quoteIdent('duckdb', table)} VALUES ${values}`);
  }
}
