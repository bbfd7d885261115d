/**
 * GET /api/v1/audit/export?format=csv|json&table=&actor=&action=&from=&to=: every event the caller
 * may see under the filters as a download, streamed from the store in keyset batches.
 */
import { parseOr400, route, searchParamsObject } from '@/lib/http/route';
import { exportAuditEvents } from '@/lib/services/audit';
import { AuditExportQuery } from '@/lib/services/audit-schemas';

export const dynamic = 'force-dynamic';

export const GET = route('exportAuditEvents', async ({ req, caller }) => {
  const { format, ...filters } = parseOr400(AuditExportQuery, searchParamsObject(req), 'query');
  const file = await exportAuditEvents(caller, filters, format);
  return new Response(file.body, {
    status: 200,
    headers: {
      'Content-Type': file.contentType,
      'Content-Disposition': `attachment; filename="${file.filename}"`,
      'Cache-Control': 'no-store',
    },
  });
});
