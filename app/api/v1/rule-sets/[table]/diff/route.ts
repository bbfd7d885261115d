/** GET /api/v1/rule-sets/{table}/diff?from=&to=: rules added, removed and changed between two versions. */
import { parseOr400, route, searchParamsObject } from '@/lib/http/route';
import { DiffQuery } from '@/lib/services/rule-set-schemas';
import { diffRuleSetVersions } from '@/lib/services/rule-sets';

import { tableParam } from '../../_lib/params';

export const dynamic = 'force-dynamic';

export const GET = route<{ table: string }>('diffRuleSetVersions', async ({ req, params, caller }) => {
  const { from, to } = parseOr400(DiffQuery, searchParamsObject(req), 'query');
  return diffRuleSetVersions(caller, tableParam(params), from, to);
});
