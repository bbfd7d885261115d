/**
 * GET /api/v1/runs/{id}/failing-rows?rule=|rule_index=|rule_fingerprint=&page=|cursor=|key=&value=&match=&page_size=:
 * the failing rows of one rule (or every rule) of a validation run, a keyset page at a time, read
 * from the table now (key columns first, then the failing columns).
 */
import { parseOr400, route, searchParamsObject } from '@/lib/http/route';
import { getFailingRows } from '@/lib/services/failing-rows';
import { FailingRowsQuery } from '@/lib/services/validation-schemas';

export const dynamic = 'force-dynamic';

export const GET = route<{ id: string }>('getFailingRows', async ({ req, params, caller }) => {
  const query = parseOr400(FailingRowsQuery, searchParamsObject(req), 'query');
  return getFailingRows(caller, params.id, query);
});
