/**
 * GET /api/v1/audit/export?format=csv|json&table=&actor=&action=&from=&to=: every event the caller
 * may see under the filters as a download, streamed from the store in keyset batches.
 */
import { attachment, parseOr400, route, searchParamsObject } from '@/lib/http/route';
import { exportAuditEvents } from '@/lib/services/audit';
import { AuditExportQuery } from '@/lib/services/audit-schemas';

export const dynamic = 'force-dynamic';

export const GET = route('exportAuditEvents', async ({ req, caller }) => {
  const { format, ...filters } = parseOr400(AuditExportQuery, searchParamsObject(req), 'query');
  const file = await exportAuditEvents(caller, filters, format);
  return attachment(file.body, file.filename, file.contentType);
});
