/** GET /api/v1/rule-sets/{table}/proposals/{id}: one proposal, its diff against the active version, its comments and what the caller may do. */
import { route } from '@/lib/http/route';
import { getProposal } from '@/lib/services/proposals';

import { proposalParam, tableParam } from '../../../_lib/params';

export const dynamic = 'force-dynamic';

export const GET = route<{ table: string; id: string }>('getProposal', async ({ params, caller }) =>
  getProposal(caller, tableParam(params), proposalParam(params)),
);
