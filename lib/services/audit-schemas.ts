/**
 * Input schemas of the audit trail (issue 16 item 3): the filters of GET /api/v1/audit, its export
 * and the Audit page, shared by the route handlers and the page.
 */
import { z } from 'zod';

import { cleanText, queryInt } from './safe-input';

export const AUDIT_PAGE_SIZE_MAX = 200;

/** `2026-12-07` (the whole day, in UTC) or an ISO date-time with an offset. */
const instant = (field: string) =>
  z
    .string()
    .trim()
    .max(40)
    .refine((v) => /^\d{4}-\d{2}-\d{2}$/.test(v) || z.iso.datetime({ offset: true }).safeParse(v).success, {
      error: `${field} must be a date (2026-12-07) or an ISO date-time with a time zone (2026-12-07T09:30:00Z)`,
    })
    .refine((v) => !Number.isNaN(Date.parse(v)), { error: `${field} is not a real date` });

const empty = (v: unknown) => (v === '' ? undefined : v);

export const AuditFilters = z.object({
  table: z.preprocess(
    empty,
    cleanText(z.string().trim().max(800, { error: 'table must be at most 800 characters' }), 'table').optional().describe('Only events of this table, `catalog.schema.table`; empty: every table (what the Audit page\u2019s form sends).'),
  ),
  actor: z.preprocess(
    empty,
    cleanText(z.string().trim().max(255, { error: 'actor must be at most 255 characters' }), 'actor').optional().describe('Only events by this user (their user name or e-mail, exactly); empty: everyone.'),
  ),
  action: z.preprocess(
    empty,
    z
      .string()
      .trim()
      .max(100)
      .regex(/^([a-z_]+(\.[a-z_]+)*(\.\*)?)?$/, { error: 'action must be an action such as version.saved, or a family such as version.*' })
      .optional()
      .describe('Only this action (`version.saved`), or a family of actions (`version.*`); empty: every action.'),
  ),
  from: z.preprocess(empty, instant('from').optional().describe('Events at or after this date (UTC day) or date-time.')),
  to: z.preprocess(empty, instant('to').optional().describe('Events before this date-time, or up to the end of this date (UTC day).')),
});

export const AuditQuery = AuditFilters.extend({
  cursor: z.preprocess(
    empty,
    z.string().max(500).optional().describe('`next_cursor` or `prev_cursor` of a page read with the same filters and page size.'),
  ),
  page_size: queryInt('page_size', 1, AUDIT_PAGE_SIZE_MAX)
    .optional()
    .default(50)
    .describe(`Events per page (1 to ${AUDIT_PAGE_SIZE_MAX}, default 50).`),
});

export const AuditExportQuery = AuditFilters.extend({
  format: z
    .enum(['csv', 'json'], { error: "format must be 'csv' or 'json'" })
    .optional()
    .default('csv')
    .describe('csv (one row per event, before/after as JSON text) or json (a list of events).'),
});

export type AuditFiltersInput = z.output<typeof AuditFilters>;
export type AuditQueryInput = z.output<typeof AuditQuery>;
export type AuditExportFormat = z.output<typeof AuditExportQuery>['format'];
