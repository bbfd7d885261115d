/** GET /api/v1/rule-sets/{table}/proposals/{id}/impact: the rows each added or changed rule would fail, on the whole table. */
import { route } from '@/lib/http/route';
import { proposalImpact } from '@/lib/services/proposals';

import { proposalParam, tableParam } from '../../../../_lib/params';

export const dynamic = 'force-dynamic';

export const GET = route<{ table: string; id: string }>('getProposalImpact', async ({ params, caller }) =>
  proposalImpact(caller, tableParam(params), proposalParam(params)),
);
