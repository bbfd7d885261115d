'use server';
/**
 * Server actions of proposals and governance (the review page, History). Every action returns
 * `ActionResult<T>` (see ./action-result.ts); each calls one service function of
 * lib/services/proposals.ts, which checks the caller's rights.
 *
 * approveProposalAction({ table, id, comment? })   data: { proposal, activated }
 * rejectProposalAction({ table, id, reason })      data: ProposalDto; fieldErrors.reason without a reason
 * withdrawProposalAction({ table, id })            data: ProposalDto
 * refreshProposalAction({ table, id })             data: ProposalDto (no longer stale)
 * commentOnProposalAction({ table, id, body })     data: ProposalCommentDto
 * saveGovernanceSettingsAction({ table, four_eyes, steward_group? })   data: GovernanceSettingsDto
 */
import { z } from 'zod';

import { TableNameField } from '@/lib/services/generation-schemas';
import {
  ApproveBody,
  CommentBody,
  GovernanceSettingsBody,
  ProposalId,
  RejectBody,
} from '@/lib/services/proposal-schemas';
import {
  approveProposal,
  commentOnProposal,
  refreshProposal,
  rejectProposal,
  saveGovernanceSettings,
  withdrawProposal,
  type GovernanceSettingsDto,
  type ProposalCommentDto,
  type ProposalDto,
} from '@/lib/services/proposals';
import type { Activated } from '@/lib/services/rule-sets';

import { runAction, type ActionResult } from './action-result';

const Ref = z.strictObject({ table: TableNameField, id: ProposalId });
const revalidate = ['/history', '/validator', '/generator'];

const Approve = ApproveBody.extend(Ref.shape);
export async function approveProposalAction(
  input: z.input<typeof Approve>,
): Promise<ActionResult<{ proposal: ProposalDto; activated: Activated }>> {
  return runAction(
    Approve,
    input,
    (caller, { table, id, ...rest }) => approveProposal(caller, table, id, rest),
    {
      revalidate,
      message: (r) =>
        `Approved: version ${r.activated.version} is now the active version of ${r.activated.table_name}.`,
    },
  );
}

const Reject = RejectBody.extend(Ref.shape);
export async function rejectProposalAction(
  input: z.input<typeof Reject>,
): Promise<ActionResult<ProposalDto>> {
  return runAction(
    Reject,
    input,
    (caller, { table, id, reason }) => rejectProposal(caller, table, id, { reason }),
    {
      revalidate,
      message: (p) => `Rejected version ${p.version} of ${p.table_name}.`,
    },
  );
}

export async function withdrawProposalAction(input: z.input<typeof Ref>): Promise<ActionResult<ProposalDto>> {
  return runAction(Ref, input, (caller, { table, id }) => withdrawProposal(caller, table, id), {
    revalidate,
    message: (p) => `Withdrew version ${p.version} of ${p.table_name}.`,
  });
}

export async function refreshProposalAction(input: z.input<typeof Ref>): Promise<ActionResult<ProposalDto>> {
  return runAction(Ref, input, (caller, { table, id }) => refreshProposal(caller, table, id), {
    revalidate,
    message: (p) => `Reviewed again against version ${p.base_version ?? 'none'}: it can be approved now.`,
  });
}

const Comment = CommentBody.extend(Ref.shape);
export async function commentOnProposalAction(
  input: z.input<typeof Comment>,
): Promise<ActionResult<ProposalCommentDto>> {
  return runAction(
    Comment,
    input,
    (caller, { table, id, body }) => commentOnProposal(caller, table, id, { body }),
    { revalidate },
  );
}

const Governance = GovernanceSettingsBody.extend({ table: TableNameField });
export async function saveGovernanceSettingsAction(
  input: z.input<typeof Governance>,
): Promise<ActionResult<GovernanceSettingsDto>> {
  return runAction(
    Governance,
    input,
    (caller, { table, ...settings }) => saveGovernanceSettings(caller, table, settings),
    {
      revalidate,
      message: (s) => `Four eyes is ${s.four_eyes ? 'on' : 'off'} for ${s.table_name}.`,
    },
  );
}
