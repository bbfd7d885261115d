/**
 * Table names as the rule store keeps them: Unity Catalog three-part names `catalog.schema.table`,
 * lower case (Unity Catalog names are case-insensitive and stored in lower case), without
 * back-quotes. Input may back-quote parts (`` `my-catalog`.sales.orders ``) and use any case.
 */
import { badRequest } from '@/lib/errors';
import type { TableRef } from '@/lib/warehouse/port';

export interface TableName {
  /** The normalised name, `catalog.schema.table`. */
  name: string;
  ref: TableRef;
}

const MAX_PART = 255;
// Unity Catalog does not allow periods, forward slashes or control characters in names.
const FORBIDDEN = /[./`\u0000-\u001f\u007f]/;

function part(raw: string): string | null {
  let text = raw.trim();
  if (text.length >= 2 && text.startsWith('`') && text.endsWith('`')) text = text.slice(1, -1).trim();
  if (text === '' || text.length > MAX_PART || FORBIDDEN.test(text)) return null;
  return text.toLowerCase();
}

/** Normalise a table name or return null when it is not a valid three-part name. */
export function normaliseTableName(input: string): TableName | null {
  if (typeof input !== 'string' || input.length > 3 * MAX_PART + 8) return null;
  const raw = input.trim().split('.');
  if (raw.length !== 3) return null;
  const parts = raw.map(part);
  if (parts.some((p) => p === null)) return null;
  const [catalog, schema, table] = parts as [string, string, string];
  return { name: `${catalog}.${schema}.${table}`, ref: { catalog, schema, table } };
}

/** Normalise a table name or throw 400 saying what is expected. */
export function parseTableName(input: string): TableName {
  const parsed = normaliseTableName(input);
  if (!parsed) {
    throw badRequest(
      `"${String(input).slice(0, 200)}" is not a table name: expected catalog.schema.table (three names separated by dots).`,
    );
  }
  return parsed;
}
