/**
 * The position a page of failing rows continues from, handed to callers as an opaque token
 * (`next_cursor`). It holds the key of the last row read (as the warehouse's own text, so it casts
 * back exactly), how many rows with that very key were already read (keys need not be unique), the
 * page number and row position it leads to, and the total counted on the first page.
 *
 * A token is bound to what it was made for (run, rule selection, value filter, page size, key
 * columns) and carries a checksum: a token that was edited, truncated or made for another request
 * is refused with 400 rather than read as some other position. The checksum is integrity, not
 * secrecy: a forged token could only name a position in rows its holder can read anyway, and its
 * values reach SQL only as typed, escaped literals.
 */
import { createHash } from 'node:crypto';

import { z } from 'zod';

import { badRequest } from '@/lib/errors';

export interface FailingRowsPosition {
  /**
   * Key values (warehouse text) to start at, all key columns or a leading part of them; null when
   * rows are paged by position.
   */
  key: (string | null)[] | null;
  /** Rows with exactly `key` already read (or, without a key, rows already read). */
  skip: number;
  /** Page number and 1-based row position of the page this leads to. */
  page: number;
  firstRow: number;
  /** Failing rows counted on the first page. */
  total: number;
}

const Payload = z.strictObject({
  v: z.literal(1),
  b: z.string().regex(/^[0-9a-f]{16}$/),
  k: z.array(z.string().max(1000).nullable()).max(50).nullable(),
  s: z.int().min(0),
  p: z.int().min(1),
  f: z.int().min(1),
  t: z.int().min(0),
});

const digest = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

/** What a cursor is bound to: the same inputs give the same binding. */
export function cursorBinding(parts: unknown[]): string {
  return digest(JSON.stringify(parts));
}

export function encodeCursor(binding: string, position: FailingRowsPosition): string {
  const payload = JSON.stringify({
    v: 1,
    b: binding,
    k: position.key,
    s: position.skip,
    p: position.page,
    f: position.firstRow,
    t: position.total,
  });
  return `${Buffer.from(payload, 'utf8').toString('base64url')}.${digest(`cursor:${payload}`)}`;
}

const refused = (why: string) =>
  badRequest(`cursor is not valid: ${why}. Start again from page 1 (or jump to a page or key).`, { field: 'cursor' });

/** The position of a token made by `encodeCursor` for `binding`; 400 for anything else. */
export function decodeCursor(token: string, binding: string, keyColumns: number): FailingRowsPosition {
  const match = /^([A-Za-z0-9_-]{1,4000})\.([0-9a-f]{16})$/.exec(token);
  if (!match) throw refused('it is not a token this server made');
  const payload = Buffer.from(match[1]!, 'base64url').toString('utf8');
  if (digest(`cursor:${payload}`) !== match[2]) throw refused('it was changed');
  let parsed;
  try {
    parsed = Payload.safeParse(JSON.parse(payload));
  } catch {
    throw refused('it was changed');
  }
  if (!parsed.success) throw refused('it was changed');
  const p = parsed.data;
  if (p.b !== binding) throw refused('it belongs to another run, rule, filter or page size');
  if (p.k !== null && (p.k.length < 1 || p.k.length > keyColumns)) throw refused('the table’s key columns changed');
  return { key: p.k, skip: p.s, page: p.p, firstRow: p.f, total: p.t };
}
