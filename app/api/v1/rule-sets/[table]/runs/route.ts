/**
 * GET /api/v1/rule-sets/{table}/runs?kind=&page=&page_size=  the table's runs, newest first.
 * GET /api/v1/rule-sets/{table}/runs?rule=<name>             that rule's pass rate over the last page_size succeeded
 *                                                             validation runs, oldest first.
 */
import { parseOr400, route, searchParamsObject } from '@/lib/http/route';
import { RunsQuery } from '@/lib/services/rule-set-schemas';
import { listRuns, rulePassRateHistory } from '@/lib/services/runs';

import { tableParam } from '../../_lib/params';

export const dynamic = 'force-dynamic';

export const GET = route<{ table: string }>('listTableRuns', async ({ req, params, caller }) => {
  const query = parseOr400(RunsQuery, searchParamsObject(req), 'query');
  const table = tableParam(params);
  if (query.rule !== undefined)
    return rulePassRateHistory(caller, table, { name: query.rule }, query.page_size);
  return listRuns(caller, table, query);
});
