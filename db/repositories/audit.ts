/**
 * The audit trail (`dq_audit_events`): insert, and read newest first in keyset pages. Plain
 * queries: the service decides what a caller may see and redacts what is recorded.
 */
import { sql, type ExpressionBuilder, type SelectQueryBuilder } from 'kysely';

import type { Database, NewAuditEvent } from '../types';

import type { Db } from './rule-sets';

export interface AuditRow {
  id: string;
  occurred_at: Date;
  actor: string;
  action: string;
  table_name: string | null;
  target: string | null;
  before: unknown;
  after: unknown;
  request_id: string | null;
  detail: string | null;
}

export async function insertAuditEvent(db: Db, values: NewAuditEvent): Promise<string> {
  const row = await db.insertInto('dq_audit_events').values(values).returning(sql<string>`id::text`.as('id')).executeTakeFirstOrThrow();
  return row.id;
}

export interface AuditFilter {
  /** Tables whose events may be returned; events of other tables never are. */
  tables: string[];
  /** Whether app-level events (no table) may be returned. */
  includeAppEvents: boolean;
  actor?: string;
  /** An action, or a family of actions as `prefix.*`. */
  action?: string;
  from?: Date;
  /** Exclusive. */
  to?: Date;
}

const visible = (filter: AuditFilter) => (eb: ExpressionBuilder<Database, 'dq_audit_events'>) => {
  const ors = [];
  if (filter.tables.length > 0) ors.push(eb('table_name', 'in', filter.tables));
  if (filter.includeAppEvents) ors.push(eb('table_name', 'is', null));
  return ors.length > 0 ? eb.or(ors) : sql<boolean>`false`;
};

type Criteria = Pick<AuditFilter, 'actor' | 'action' | 'from' | 'to'>;

function narrow<O>(q: SelectQueryBuilder<Database, 'dq_audit_events', O>, filter: Criteria): SelectQueryBuilder<Database, 'dq_audit_events', O> {
  let out = q;
  if (filter.actor !== undefined) out = out.where('actor', '=', filter.actor);
  if (filter.action !== undefined) {
    out = filter.action.endsWith('.*')
      ? out.where('action', 'like', `${filter.action.slice(0, -2).replace(/[\\%_]/g, '\\$&')}.%`)
      : out.where('action', '=', filter.action);
  }
  if (filter.from !== undefined) out = out.where('occurred_at', '>=', filter.from);
  if (filter.to !== undefined) out = out.where('occurred_at', '<', filter.to);
  return out;
}

/** Table names that have at least one event matching the filter's actor, action and dates. */
export async function listAuditedTables(db: Db, filter: Criteria): Promise<string[]> {
  const rows = await narrow(db.selectFrom('dq_audit_events').select('table_name').distinct().where('table_name', 'is not', null), filter)
    .orderBy('table_name')
    .execute();
  return rows.map((r) => r.table_name).filter((n): n is string => n !== null);
}

/**
 * One page of events in (occurred_at, id) order: `direction` `older` reads newest first after the
 * event `afterId` (or from the newest), `newer` reads oldest first before it (the page before).
 * The key of `afterId` is read from the table itself (rows never change), so the position is exact
 * to the microsecond. Returns at most `limit` rows.
 */
export async function listAuditEvents(
  db: Db,
  filter: AuditFilter,
  page: { afterId: string | null; direction: 'older' | 'newer'; limit: number },
): Promise<AuditRow[]> {
  let q = narrow(db.selectFrom('dq_audit_events').where(visible(filter)), filter).select([
    sql<string>`id::text`.as('id'),
    'occurred_at',
    'actor',
    'action',
    'table_name',
    'target',
    'before',
    'after',
    'request_id',
    'detail',
  ]);
  if (page.afterId !== null) {
    const key = sql`(SELECT occurred_at, id FROM dq_audit_events WHERE id = ${page.afterId}::bigint)`;
    q = q.where(sql<boolean>`(occurred_at, id) ${sql.raw(page.direction === 'older' ? '<' : '>')} ${key}`);
  }
  const order = page.direction === 'older' ? 'desc' : 'asc';
  const rows = await q.orderBy('occurred_at', order).orderBy('id', order).limit(page.limit).execute();
  return rows as AuditRow[];
}
