/**
 * GET /api/v1/runs/{id}/failing-rows/export?format=csv|parquet&rule=|rule_index=|rule_fingerprint=&value=&match=:
 * every failing row of one rule (or of the whole run) as a download, streamed from the warehouse.
 */
import { attachment, parseOr400, route, searchParamsObject } from '@/lib/http/route';
import { exportFailingRows } from '@/lib/services/failing-rows';
import { FailingRowsExportQuery } from '@/lib/services/validation-schemas';

export const dynamic = 'force-dynamic';

export const GET = route<{ id: string }>('exportFailingRows', async ({ req, params, caller }) => {
  const { selector, format } = parseOr400(FailingRowsExportQuery, searchParamsObject(req), 'query');
  const file = await exportFailingRows(caller, params.id, selector, format);
  return attachment(file.body, file.filename, file.contentType);
});
