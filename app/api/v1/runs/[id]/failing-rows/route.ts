/**
 * GET /api/v1/runs/{id}/failing-rows?rule=&page=&page_size=: every failing row of one rule of a
 * validation run, a page at a time, read from the table now (key columns first, stable order).
 */
import { parseOr400, route, searchParamsObject } from '@/lib/http/route';
import { getFailingRows } from '@/lib/services/validation';
import { FailingRowsQuery } from '@/lib/services/validation-schemas';

export const dynamic = 'force-dynamic';

export const GET = route<{ id: string }>('getFailingRows', async ({ req, params, caller }) => {
  const query = parseOr400(FailingRowsQuery, searchParamsObject(req), 'query');
  return getFailingRows(caller, params.id, query);
});
