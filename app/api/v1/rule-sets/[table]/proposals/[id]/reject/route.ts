/** POST /api/v1/rule-sets/{table}/proposals/{id}/reject `{reason}`: reject with a reason (steward right). */
import { jsonBody, parseOr400, route } from '@/lib/http/route';
import { RejectBody } from '@/lib/services/proposal-schemas';
import { rejectProposal } from '@/lib/services/proposals';

import { proposalParam, tableParam } from '../../../../_lib/params';

export const dynamic = 'force-dynamic';

export const POST = route<{ table: string; id: string }>('rejectProposal', async ({ body, params, caller }) => {
  const table = tableParam(params);
  const id = proposalParam(params);
  const input = parseOr400(RejectBody, body && body.text.trim() ? jsonBody(body) : {}, 'rejection');
  return rejectProposal(caller, table, id, input);
});
