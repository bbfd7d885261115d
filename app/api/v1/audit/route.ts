/**
 * GET /api/v1/audit?table=&actor=&action=&from=&to=&cursor=&page_size=: the audit trail the caller
 * may see, newest first, one keyset page at a time.
 */
import { parseOr400, route, searchParamsObject } from '@/lib/http/route';
import { listAuditEvents } from '@/lib/services/audit';
import { AuditQuery } from '@/lib/services/audit-schemas';

export const dynamic = 'force-dynamic';

export const GET = route('listAuditEvents', async ({ req, caller }) => listAuditEvents(caller, parseOr400(AuditQuery, searchParamsObject(req), 'query')));
