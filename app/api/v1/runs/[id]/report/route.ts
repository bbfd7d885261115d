/**
 * GET /api/v1/runs/{id}/report?format=json|csv: the report of a succeeded validation run as a
 * download (JSON: run, summary and per-rule results; CSV: one row per rule).
 */
import { attachment, parseOr400, route, searchParamsObject } from '@/lib/http/route';
import { validationReport } from '@/lib/services/validation';
import { ReportQuery } from '@/lib/services/validation-schemas';

export const dynamic = 'force-dynamic';

export const GET = route<{ id: string }>('getValidationReport', async ({ req, params, caller }) => {
  const { format } = parseOr400(ReportQuery, searchParamsObject(req), 'query');
  const report = await validationReport(caller, params.id, format);
  return attachment(report.body, report.filename, report.content_type);
});
