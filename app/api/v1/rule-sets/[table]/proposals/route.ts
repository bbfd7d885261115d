/** GET /api/v1/rule-sets/{table}/proposals?status=: the table's proposals, newest first. */
import { parseOr400, route, searchParamsObject } from '@/lib/http/route';
import { ProposalListQuery } from '@/lib/services/proposal-schemas';
import { listTableProposals } from '@/lib/services/proposals';

import { tableParam } from '../../_lib/params';

export const dynamic = 'force-dynamic';

export const GET = route<{ table: string }>('listProposals', async ({ req, params, caller }) => {
  const query = parseOr400(ProposalListQuery, searchParamsObject(req), 'query');
  return listTableProposals(caller, tableParam(params), query);
});
