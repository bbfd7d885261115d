/** POST /api/v1/rule-sets/{table}/proposals/{id}/refresh: a steward's fresh look at a stale proposal (the active version becomes its base). */
import { route } from '@/lib/http/route';
import { refreshProposal } from '@/lib/services/proposals';

import { proposalParam, tableParam } from '../../../../_lib/params';

export const dynamic = 'force-dynamic';

export const POST = route<{ table: string; id: string }>('refreshProposal', async ({ params, caller }) =>
  refreshProposal(caller, tableParam(params), proposalParam(params)),
);
