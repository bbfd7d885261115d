/** POST /api/v1/rule-sets/{table}/proposals/{id}/withdraw: its author takes it back. */
import { route } from '@/lib/http/route';
import { withdrawProposal } from '@/lib/services/proposals';

import { proposalParam, tableParam } from '../../../../_lib/params';

export const dynamic = 'force-dynamic';

export const POST = route<{ table: string; id: string }>('withdrawProposal', async ({ params, caller }) =>
  withdrawProposal(caller, tableParam(params), proposalParam(params)),
);
