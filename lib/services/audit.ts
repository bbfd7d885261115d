/**
 * The audit trail (issue 16 item 3): who changed what, when, with the state before and after.
 *
 * Recording: `recordAudit(trx, event)` inside the transaction of the change it records, so an event
 * exists exactly when its change does (a change that rolls back takes its event with it, and a
 * failed insert of the event fails the change). What is recorded is redacted first: values of keys
 * that name a URL or webhook keep their origin only, and keys that look like credentials are
 * replaced. The table (`dq_audit_events`) is append-only, enforced by the database.
 *
 * Reading: `listAuditEvents` (keyset pages, newest first) and `exportAuditEvents` (CSV or JSON,
 * streamed page by page). A caller sees the events of tables they can read (each distinct table is
 * checked once per request, as the caller) and app-level events (no table) only when
 * `canSeeAppEvents` says so.
 */
import 'server-only';

import { createHash } from 'node:crypto';

import { z } from 'zod';

import { webhookOrigin } from '@/lib/alerts/webhook';
import type { Caller } from '@/lib/auth/caller';
import { badRequest } from '@/lib/errors';
import { csvCell } from '@/lib/format/csv-cell';
import * as repo from '@/db/repositories/audit';
import type { Db } from '@/db/repositories/rule-sets';

import type { AuditExportFormat, AuditFiltersInput, AuditQueryInput } from './audit-schemas';
import { mapLimited, resolveDeps, type StoreDeps } from './store-deps';
import { parseTableName } from './table-name';

/** The actions recorded today and those other features record (proposals, schedules, settings). */
export const AUDIT_ACTIONS = [
  'version.saved',
  'version.imported',
  'version.activated',
  'version.rolled_back',
  'publishing.settings_changed',
  'published',
  'thresholds.changed',
  'schedule.changed',
  'proposal.created',
  'proposal.approved',
  'proposal.rejected',
  'proposal.withdrawn',
  'proposal.refreshed',
  'settings.changed',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEventInput {
  /** Who made the change: recorded as `actor`, with the request id when the request had one. */
  caller: Pick<Caller, 'id' | 'requestId'>;
  action: AuditAction;
  /** The table changed (normalised name), or null for an app-level change (settings). */
  table: string | null;
  /** What in the table: `version 3`, a publishing target, a proposal id. */
  target?: string | null;
  before?: unknown;
  after?: unknown;
  /** One line for people: what happened, in words. */
  detail?: string | null;
}

/** An audit event as the API and the page show it: the stored row, its time as ISO 8601. */
export type AuditEventDto = Omit<repo.AuditRow, 'occurred_at'> & { occurred_at: string };

export interface AuditPage {
  items: AuditEventDto[];
  page_size: number;
  /** Older events: pass as `cursor`. Null on the last page. */
  next_cursor: string | null;
  /** Newer events (the page before): pass as `cursor`. Null on the first page. */
  prev_cursor: string | null;
}

const SECRET_KEY = /token|secret|password|authorization|api[-_]?key|cookie|credential/i;
const URL_KEY = /url|webhook|endpoint/i;

/** A value as the audit trail keeps it: URLs (under keys that say so) as their origin, credentials out. */
export function redactForAudit(value: unknown, depth = 0): unknown {
  if (value === undefined) return null;
  if (depth > 12) return '[deep]';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => redactForAudit(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      if (v === undefined) continue;
      if (SECRET_KEY.test(key)) out[key] = v === null ? null : '[redacted]';
      else if (URL_KEY.test(key) && typeof v === 'string') out[key] = v === '' ? '' : webhookOrigin(v);
      else out[key] = redactForAudit(v, depth + 1);
    }
    return out;
  }
  if (typeof value === 'bigint') return value.toString();
  return value;
}

const jsonOrNull = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(redactForAudit(value)));

/**
 * Record one change in the audit trail. Call it with the transaction of the change (any Kysely
 * transaction over the store), after the change's own writes: the event commits or rolls back
 * with them, and if it cannot be written the change fails too.
 */
export async function recordAudit(trx: Db, event: AuditEventInput): Promise<string> {
  return repo.insertAuditEvent(trx, {
    actor: event.caller.id,
    action: event.action,
    table_name: event.table,
    target: event.target ?? null,
    before: jsonOrNull(event.before),
    after: jsonOrNull(event.after),
    request_id: event.caller.requestId?.slice(0, 200) ?? null,
    detail: event.detail ?? null,
  });
}

/**
 * Whether the caller may see app-level events (settings, no table): the app's admins. Until rights
 * exist (issue 16 item 1), that is the local user in local mode and nobody in databricks mode.
 */
export function canSeeAppEvents(caller: Caller): boolean {
  return caller.mode === 'local';
}

// ---- reading ----

const DAY_MS = 86_400_000;
const dateOnly = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v);

interface ResolvedFilter extends repo.AuditFilter {
  binding: string;
}

/** The tables the caller may see events of (each checked once, as the caller), and the filter. */
async function resolveFilter(caller: Caller, filters: AuditFiltersInput, db: Db, deps: Pick<Required<StoreDeps>, 'db' | 'access'>): Promise<ResolvedFilter> {
  const criteria = {
    actor: filters.actor || undefined,
    action: filters.action || undefined,
    from: filters.from === undefined ? undefined : new Date(dateOnly(filters.from) ? `${filters.from}T00:00:00Z` : filters.from),
    to:
      filters.to === undefined
        ? undefined
        : dateOnly(filters.to)
          ? new Date(Date.parse(`${filters.to}T00:00:00Z`) + DAY_MS)
          : new Date(filters.to),
  };
  if (criteria.from && criteria.to && criteria.from >= criteria.to) {
    throw badRequest('from must be before to.', { issues: [{ path: 'from', message: 'from must be before to' }] });
  }
  let candidates: string[];
  if (filters.table !== undefined) {
    const name = parseTableName(filters.table).name;
    candidates = [name];
  } else {
    candidates = await repo.listAuditedTables(db, criteria);
  }
  const readable = await mapLimited(candidates, 8, (name) => deps.access.canReadTable(caller, name));
  const tables = candidates.filter((_, i) => readable[i]);
  const includeAppEvents = filters.table === undefined && canSeeAppEvents(caller);
  const binding = digest(JSON.stringify([filters.table ?? null, criteria.actor ?? null, criteria.action ?? null, filters.from ?? null, filters.to ?? null]));
  return { ...criteria, tables, includeAppEvents, binding };
}

// ---- cursors ----

const digest = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

const CursorPayload = z.strictObject({
  v: z.literal(1),
  b: z.string().regex(/^[0-9a-f]{16}$/),
  i: z.string().regex(/^[1-9]\d{0,18}$/),
  d: z.enum(['older', 'newer']),
});
type Cursor = z.output<typeof CursorPayload>;

function encodeCursor(cursor: Cursor): string {
  const payload = JSON.stringify(cursor);
  return `${Buffer.from(payload, 'utf8').toString('base64url')}.${digest(`audit:${payload}`)}`;
}

const refused = (why: string) => badRequest(`cursor is not valid: ${why}. Start again from the first page.`, { field: 'cursor' });

function decodeCursor(token: string, binding: string): Cursor {
  const match = /^([A-Za-z0-9_-]{1,400})\.([0-9a-f]{16})$/.exec(token);
  if (!match) throw refused('it is not a cursor this server made');
  const payload = Buffer.from(match[1]!, 'base64url').toString('utf8');
  if (digest(`audit:${payload}`) !== match[2]) throw refused('it was changed');
  let parsed;
  try {
    parsed = CursorPayload.safeParse(JSON.parse(payload));
  } catch {
    throw refused('it was changed');
  }
  if (!parsed.success) throw refused('it was changed');
  if (parsed.data.b !== binding) throw refused('it was made for other filters or another page size');
  return parsed.data;
}

const iso = (d: Date | string) => (d instanceof Date ? d : new Date(d)).toISOString();

function eventDto(row: repo.AuditRow): AuditEventDto {
  return {
    id: row.id,
    occurred_at: iso(row.occurred_at),
    actor: row.actor,
    action: row.action,
    table_name: row.table_name,
    target: row.target,
    before: row.before ?? null,
    after: row.after ?? null,
    request_id: row.request_id,
    detail: row.detail,
  };
}

/**
 * A page of the events the caller may see, newest first, with the cursors of the pages before and
 * after. Pages are keyset pages on (occurred_at, id): events recorded while someone pages never
 * shift, repeat or hide the events of later pages.
 */
export async function listAuditEvents(caller: Caller, query: AuditQueryInput, deps?: StoreDeps): Promise<AuditPage> {
  const { db, access } = await resolveDeps(deps);
  const filter = await resolveFilter(caller, query, db, { db, access });
  const binding = digest(`${filter.binding}:${query.page_size}`);
  const cursor = query.cursor === undefined ? null : decodeCursor(query.cursor, binding);
  const direction = cursor?.d ?? 'older';
  const rows = await repo.listAuditEvents(db, filter, { afterId: cursor?.i ?? null, direction, limit: query.page_size + 1 });
  const more = rows.length > query.page_size;
  const page = rows.slice(0, query.page_size);
  if (direction === 'newer') page.reverse();
  const first = page[0];
  const last = page[page.length - 1];
  const hasOlder = direction === 'older' ? more : cursor !== null;
  const hasNewer = direction === 'older' ? cursor !== null : more;
  return {
    items: page.map(eventDto),
    page_size: query.page_size,
    next_cursor: hasOlder && last ? encodeCursor({ v: 1, b: binding, i: last.id, d: 'older' }) : null,
    prev_cursor: hasNewer && first ? encodeCursor({ v: 1, b: binding, i: first.id, d: 'newer' }) : null,
  };
}

export interface AuditExport {
  filename: string;
  contentType: string;
  body: ReadableStream<Uint8Array>;
}

const EXPORT_BATCH = 500;
const CSV_COLUMNS = ['id', 'occurred_at', 'actor', 'action', 'table_name', 'target', 'detail', 'request_id', 'before', 'after'] as const;

function csvLine(e: AuditEventDto): string {
  const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));
  return [
    csvCell(e.id),
    csvCell(e.occurred_at),
    csvCell(e.actor),
    csvCell(e.action),
    csvCell(e.table_name),
    csvCell(e.target),
    csvCell(e.detail),
    csvCell(e.request_id),
    csvCell(json(e.before)),
    csvCell(json(e.after)),
  ].join(',');
}

/**
 * Every event the caller may see under the filters, newest first, as CSV (before/after as JSON
 * text; cells a spreadsheet would run as a formula made inert) or a JSON list. Access is decided
 * before the first byte; the rows are read in keyset batches while the response streams.
 */
export async function exportAuditEvents(caller: Caller, filters: AuditFiltersInput, format: AuditExportFormat, deps?: StoreDeps): Promise<AuditExport> {
  const { db, access } = await resolveDeps(deps);
  const filter = await resolveFilter(caller, filters, db, { db, access });
  const encoder = new TextEncoder();
  let afterId: string | null = null;
  let started = false;
  let done = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (done) return;
        let out = '';
        if (!started) {
          started = true;
          out += format === 'csv' ? CSV_COLUMNS.join(',') + '\r\n' : '[';
        }
        const rows = await repo.listAuditEvents(db, filter, { afterId, direction: 'older', limit: EXPORT_BATCH });
        for (const row of rows) {
          const dto = eventDto(row);
          if (format === 'csv') out += csvLine(dto) + '\r\n';
          else out += (afterId === null && out.endsWith('[') ? '\n' : ',\n') + JSON.stringify(dto);
          afterId = row.id;
        }
        if (rows.length < EXPORT_BATCH) {
          done = true;
          if (format === 'json') out += '\n]\n';
        }
        controller.enqueue(encoder.encode(out));
        if (done) controller.close();
      } catch (error) {
        controller.error(error);
      }
    },
  });
  const stamp = new Date().toISOString().slice(0, 10);
  return {
    filename: `audit-${stamp}.${format}`,
    contentType: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
    body,
  };
}
