/**
 * Loading the conformance vectors and running them on DuckDB: the vector format, DuckDB tables
 * built from a vector's rows, result normalisation, and the masking of "now" in messages (the same
 * rule as dqx_harness.mask_now).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { parsePythonJson } from '@/lib/dqx/checks-json';
import type { DqxCheck, TableSchema } from '@/lib/dqx/model';
import { isMarker, pyKind } from '@/lib/dqx/py-values';
import { duckType } from '@/lib/dqx/compile/duck-types';
import { parseSparkType, type SparkType } from '@/lib/dqx/spark-types';
import { quoteIdent, quoteString } from '@/lib/sql/quote';

export interface Entry {
  name: string;
  message: string | null;
  columns: string[] | null;
  filter: string | null;
  function: string;
  user_metadata: Record<string, string | null> | null;
  rule_fingerprint: string;
  rule_set_fingerprint: string;
  skipped: boolean | null;
}

export interface ResultRow {
  errors: Entry[] | null;
  warnings: Entry[] | null;
}

export interface KnownDifference {
  rows: 'all' | number[];
  reason: string;
}

export interface Vector {
  name: string;
  description: string;
  table: string;
  columns: { name: string; type: string }[];
  rows: unknown[][];
  checks: DqxCheck[];
  now_offsets?: number[];
  /** Reference tables of dataset checks (`ref_table`), by the name the rules use. */
  ref_tables?: Record<string, { columns: { name: string; type: string }[]; rows: unknown[][] }>;
  known_differences?: { duckdb?: KnownDifference[] };
  expected?: {
    rows: ResultRow[];
    counts: { total: number; valid: number; invalid: number; error_rows: number; warning_only_rows: number };
  };
}

export const VECTORS_DIR = path.join(__dirname, 'vectors');
export const ROW_INDEX = '__row_idx';

export function loadVectors(): Vector[] {
  return readdirSync(VECTORS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => parsePythonJson(readFileSync(path.join(VECTORS_DIR, f), 'utf8')) as Vector);
}

/** The reference tables' columns, for CompileOptions.referenceTables. */
export function vectorReferenceTables(v: Vector): Record<string, TableSchema> {
  return Object.fromEntries(
    Object.entries(v.ref_tables ?? {}).map(([name, t]) => [
      name,
      { name, columns: t.columns.map((c) => ({ ...c, nullable: true })) },
    ]),
  );
}

/** The table as the compiler sees it (with the row index the harness adds). */
export function vectorTable(v: Vector): TableSchema {
  // the harness builds DataFrames with nullable columns; the row index (monotonically_increasing_id) is not
  return {
    name: v.table,
    columns: [
      ...v.columns.map((c) => ({ ...c, nullable: true })),
      { name: ROW_INDEX, type: 'bigint', nullable: false },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// DuckDB tables

export function duckLiteral(value: unknown, t: SparkType): string {
  if (value === null || value === undefined) return `NULL::${duckType(t)}`;
  const num = (v: unknown) => (isMarker(v) ? String(Object.values(v as object)[0]) : String(v));
  switch (t.kind) {
    case 'string':
    case 'varchar':
    case 'char':
      return quoteString('duckdb', String(value));
    case 'tinyint':
    case 'smallint':
    case 'int':
    case 'bigint':
      return `CAST(${num(value)} AS ${duckType(t)})`;
    case 'float':
    case 'double':
    case 'decimal':
      return `CAST(${quoteString('duckdb', pyKind(value) === 'str' ? String(value) : num(value))} AS ${duckType(t)})`;
    case 'boolean':
      return value ? 'TRUE' : 'FALSE';
    case 'date':
    case 'timestamp':
    case 'timestamp_ntz':
      return `CAST(${quoteString('duckdb', String(value))} AS ${duckType(t)})`;
    case 'binary':
      return `encode(${quoteString('duckdb', String(value))})`;
    case 'array':
      return `CAST([${(value as unknown[]).map((v) => duckLiteral(v, t.element)).join(', ')}] AS ${duckType(t)})`;
    case 'map': {
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.length === 0) return `MAP {}::${duckType(t)}`;
      return `CAST(MAP {${entries.map(([k, v]) => `${duckLiteral(k, t.key)}: ${duckLiteral(v, t.value)}`).join(', ')}} AS ${duckType(t)})`;
    }
    case 'struct': {
      const obj = value as Record<string, unknown>;
      return `struct_pack(${t.fields.map((f) => `${quoteIdent('duckdb', f.name)} := ${duckLiteral(obj[f.name] ?? null, f.type)}`).join(', ')})`;
    }
    default:
      throw new Error(`No DuckDB literal for ${JSON.stringify(t)}`);
  }
}

/** CREATE TABLE ... AS SELECT over the vector's rows (plus the row index). */
export function duckCreateTable(
  v: Pick<Vector, 'columns' | 'rows'>,
  tableName: string,
  withRowIndex = true,
): string {
  const types = v.columns.map((c) => parseSparkType(c.type));
  const q = (name: string) => quoteIdent('duckdb', name);
  if (v.rows.length === 0) {
    const cols = v.columns.map((c, i) => `${q(c.name)} ${duckType(types[i]!)}`);
    if (withRowIndex) cols.push(`${ROW_INDEX} BIGINT`);
    return `CREATE OR REPLACE TABLE ${q(tableName)} (${cols.join(', ')})`;
  }
  const selects = v.rows.map(
    (row, r) =>
      `SELECT ${[...row.map((cell, i) => `${duckLiteral(cell, types[i]!)} AS ${q(v.columns[i]!.name)}`), ...(withRowIndex ? [`CAST(${r} AS BIGINT) AS ${ROW_INDEX}`] : [])].join(', ')}`,
  );
  return `CREATE OR REPLACE TABLE ${q(tableName)} AS ${selects.join('\nUNION ALL\n')}`;
}

/** CREATE TABLE statements of the vector's reference tables. */
export function duckCreateReferenceTables(v: Vector): string[] {
  return Object.entries(v.ref_tables ?? {}).map(([name, t]) => duckCreateTable(t, name, false));
}

// ---------------------------------------------------------------------------------------------
// Results

function normalizeEntry(e: Record<string, unknown>): Entry {
  let meta = e.user_metadata as unknown;
  if (Array.isArray(meta))
    meta = Object.fromEntries(meta.map((kv: { key: string; value: string | null }) => [kv.key, kv.value]));
  const sorted =
    meta && typeof meta === 'object'
      ? Object.fromEntries(
          Object.entries(meta as Record<string, string | null>).sort(([a], [b]) =>
            a < b ? -1 : a > b ? 1 : 0,
          ),
        )
      : null;
  return {
    name: e.name as string,
    message: (e.message as string | null) ?? null,
    columns: (e.columns as string[] | null) ?? null,
    filter: (e.filter as string | null) ?? null,
    function: e.function as string,
    user_metadata: sorted,
    rule_fingerprint: e.rule_fingerprint as string,
    rule_set_fingerprint: e.rule_set_fingerprint as string,
    skipped: (e.skipped as boolean | null) ?? null,
  };
}

export function normalizeRow(errors: unknown, warnings: unknown): ResultRow {
  const conv = (x: unknown) =>
    x === null || x === undefined ? null : (x as Record<string, unknown>[]).map(normalizeEntry);
  return { errors: conv(errors), warnings: conv(warnings) };
}

/**
 * Rows a check adds (compare_datasets' missing records) have no row index: they follow the input
 * rows, ordered by their entries (`added_row_key` in dqx_harness.py).
 */
export function orderAddedRows(rows: { index: unknown; row: ResultRow }[]): ResultRow[] {
  const key = (r: ResultRow) =>
    [
      ...(r.errors ?? []).map((e) => `${e.name}\x1e${e.message ?? ''}`),
      '\x1d',
      ...(r.warnings ?? []).map((e) => `${e.name}\x1e${e.message ?? ''}`),
    ].join('\x1f');
  const byCodePoint = (a: string, b: string) => {
    const x = [...a];
    const y = [...b];
    for (let i = 0; i < Math.min(x.length, y.length); i++)
      if (x[i] !== y[i]) return x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    return x.length - y.length;
  };
  const input = rows.filter((r) => r.index !== null && r.index !== undefined).map((r) => r.row);
  const added = rows
    .filter((r) => r.index === null || r.index === undefined)
    .map((r) => r.row)
    .sort((a, b) => byCodePoint(key(a), key(b)));
  return [...input, ...added];
}

export function splitCounts(rows: ResultRow[]) {
  return {
    total: rows.length,
    valid: rows.filter((r) => r.errors === null).length,
    invalid: rows.filter((r) => r.errors !== null || r.warnings !== null).length,
    error_rows: rows.filter((r) => r.errors !== null).length,
    warning_only_rows: rows.filter((r) => r.errors === null && r.warnings !== null).length,
  };
}

const TS = /\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}:\d{2}(?:\.\d{1,6})?)?/g;

/** Replace the current date/time (plus the vector's offsets) in a message by a token. */
export function maskNow(text: string | null, offsets: number[], start: number, end: number): string | null {
  if (text === null || offsets.length === 0) return text;
  return text.replace(TS, (s) => {
    if (s.includes(' ')) {
      const epoch = Date.parse(s.replace(' ', 'T') + 'Z') / 1000;
      for (const off of offsets)
        if (epoch >= start + off - 5 && epoch <= end + off + 5) return `<now${off >= 0 ? '+' : ''}${off}s>`;
      return s;
    }
    for (const off of offsets) {
      const days = [new Date((start + off) * 1000), new Date((end + off) * 1000)].map((d) =>
        d.toISOString().slice(0, 10),
      );
      if (days.includes(s)) return `<today${off >= 0 ? '+' : ''}${off}s>`;
    }
    return s;
  });
}

export function maskRows(rows: ResultRow[], offsets: number[], start: number, end: number): ResultRow[] {
  if (offsets.length === 0) return rows;
  const mask = (entries: Entry[] | null) =>
    entries === null
      ? null
      : entries.map((e) => ({ ...e, message: maskNow(e.message, offsets, start, end) }));
  return rows.map((r) => ({ errors: mask(r.errors), warnings: mask(r.warnings) }));
}

/** Rows (by index) a vector declares DuckDB cannot reproduce. */
export function knownDifferentRows(v: Vector): Set<number> | 'all' {
  const diffs = v.known_differences?.duckdb ?? [];
  if (diffs.some((d) => d.rows === 'all')) return 'all';
  return new Set(diffs.flatMap((d) => d.rows as number[]));
}
