/** POST /api/v1/rule-sets/{table}/proposals/{id}/approve `{comment?}`: the proposal becomes the active version (steward right). */
import { jsonBody, parseOr400, route } from '@/lib/http/route';
import { ApproveBody } from '@/lib/services/proposal-schemas';
import { approveProposal } from '@/lib/services/proposals';

import { proposalParam, tableParam } from '../../../../_lib/params';

export const dynamic = 'force-dynamic';

export const POST = route<{ table: string; id: string }>('approveProposal', async ({ body, params, caller }) => {
  const table = tableParam(params);
  const id = proposalParam(params);
  const input = parseOr400(ApproveBody, body && body.text.trim() ? jsonBody(body) : {}, 'approval');
  return approveProposal(caller, table, id, input);
});
