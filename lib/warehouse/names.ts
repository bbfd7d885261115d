/**
 * Names of catalogs, schemas and tables as callers write them (`catalog.schema.table`), parsed and
 * validated before anything else sees them. The rules are Unity Catalog's: a name is 1 to 255
 * characters and contains no period, slash, white space or control character. A part may be
 * written in back-quotes (`` `my-catalog`.sales.orders ``). Valid names are then quoted with
 * `lib/sql/quote.ts` for the warehouse's dialect; they are never pasted into SQL.
 */
import { z } from 'zod';

import { badRequest } from '@/lib/errors';

import type { TableRef } from './port';

export const MAX_NAME_LENGTH = 255;

// Characters Unity Catalog does not allow in a name, plus the back-quote that only wraps a part.
const FORBIDDEN = /[.\/\s`\u0000-\u001f\u007f]/u;

export type NameKind = 'catalog' | 'schema' | 'table';

/** Why `part` is not a valid name, or null when it is. */
export function nameProblem(part: string, kind: NameKind): string | null {
  if (part.length === 0) return `the ${kind} name is empty`;
  if (part.length > MAX_NAME_LENGTH) return `the ${kind} name is longer than ${MAX_NAME_LENGTH} characters`;
  const bad = FORBIDDEN.exec(part);
  if (bad) {
    const ch = bad[0];
    const shown =
      ch === '.'
        ? 'a period'
        : ch === '/'
          ? 'a slash'
          : ch === '`'
            ? 'a back-quote'
            : /\s/u.test(ch)
              ? 'white space'
              : 'a control character';
    return `the ${kind} name contains ${shown}`;
  }
  return null;
}

function unquote(part: string): string {
  return part.length >= 2 && part.startsWith('`') && part.endsWith('`') ? part.slice(1, -1) : part;
}

function shortForm(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function splitName(text: string, kinds: readonly NameKind[]): string[] {
  const expected = kinds.join('.');
  if (typeof text !== 'string' || text.trim() === '') {
    throw badRequest(`A ${kinds.at(-1)} name is required, written as ${expected}.`, { expected });
  }
  if (text.length > kinds.length * (MAX_NAME_LENGTH + 3)) {
    throw badRequest(`The name is too long; expected ${expected}.`, { expected });
  }
  const parts = text.split('.').map(unquote);
  if (parts.length !== kinds.length) {
    throw badRequest(
      `Invalid name '${shortForm(text)}': expected ${expected} (${kinds.length} part${kinds.length === 1 ? '' : 's'} separated by periods), got ${parts.length}.`,
      { name: text, expected },
    );
  }
  parts.forEach((part, i) => {
    const problem = nameProblem(part, kinds[i]!);
    if (problem) {
      throw badRequest(`Invalid name '${shortForm(text)}': ${problem}.`, {
        name: text,
        expected,
        part: kinds[i],
      });
    }
  });
  return parts;
}

/** `catalog.schema.table` -> a table reference, or a 400 AppError that says what is wrong. */
export function parseTableName(text: string): TableRef {
  const [catalog, schema, table] = splitName(text, ['catalog', 'schema', 'table']) as [
    string,
    string,
    string,
  ];
  return { catalog, schema, table };
}

/** A catalog name alone, or a 400 AppError. */
export function parseCatalogName(text: string): string {
  return splitName(text, ['catalog'])[0]!;
}

/** A schema name alone (the catalog comes separately), or a 400 AppError. */
export function parseSchemaName(text: string): string {
  return splitName(text, ['schema'])[0]!;
}

export function isValidTableName(text: string): boolean {
  try {
    parseTableName(text);
    return true;
  } catch {
    return false;
  }
}

/** The canonical written form: `catalog.schema.table`. */
export function formatTableName(ref: TableRef): string {
  return `${ref.catalog}.${ref.schema}.${ref.table}`;
}

/** Names compare without regard to case, as in Unity Catalog and DuckDB. */
export function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** A zod schema for a `catalog.schema.table` string that yields a TableRef. */
export const tableNameSchema = z.string().transform((text, ctx) => {
  try {
    return parseTableName(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : 'invalid table name' });
    return z.NEVER;
  }
});
