/** POST /api/v1/rule-sets/{table}/proposals/{id}/comments `{body}`: comment on a proposal (read right). 201. */
import { json, jsonBody, parseOr400, route } from '@/lib/http/route';
import { CommentBody } from '@/lib/services/proposal-schemas';
import { commentOnProposal } from '@/lib/services/proposals';

import { proposalParam, tableParam } from '../../../../_lib/params';

export const dynamic = 'force-dynamic';

export const POST = route<{ table: string; id: string }>('commentOnProposal', async ({ body, params, caller }) => {
  const table = tableParam(params);
  const id = proposalParam(params);
  const input = parseOr400(CommentBody, body && body.text.trim() ? jsonBody(body) : {}, 'comment');
  return json(await commentOnProposal(caller, table, id, input), { status: 201 });
});
