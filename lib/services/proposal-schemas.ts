/**
 * Input schemas of proposals and governance settings (lib/services/proposals.ts), shared by the
 * route handlers and the server actions. snake_case fields.
 */
import { z } from 'zod';

import { cleanText } from './safe-input';

export const PROPOSAL_STATUSES = ['proposed', 'approved', 'rejected', 'withdrawn'] as const;

export const ProposalId = z.uuid({ error: 'expected a proposal id' });

export const ProposalListQuery = z.strictObject({
  status: z
    .enum(PROPOSAL_STATUSES, { error: `status must be one of ${PROPOSAL_STATUSES.join(', ')}` })
    .optional(),
});

export const ApproveBody = z.strictObject({
  comment: cleanText(
    z.string().max(4000, { error: 'comment must be at most 4000 characters' }),
    'comment',
  ).nullish(),
});
export type ApproveInput = z.infer<typeof ApproveBody>;

export const RejectBody = z.strictObject({
  reason: cleanText(
    z
      .string({ error: 'a reason is required to reject a proposal' })
      .trim()
      .min(1, { error: 'a reason is required to reject a proposal' })
      .max(2000, { error: 'reason must be at most 2000 characters' }),
    'reason',
  ),
});
export type RejectInput = z.infer<typeof RejectBody>;

export const CommentBody = z.strictObject({
  body: cleanText(
    z
      .string({ error: 'a comment needs text' })
      .trim()
      .min(1, { error: 'a comment needs text' })
      .max(4000, { error: 'a comment must be at most 4000 characters' }),
    'body',
  ),
});
export type CommentInput = z.infer<typeof CommentBody>;

export const EmptyBody = z.strictObject({});

export const GovernanceSettingsBody = z.strictObject({
  four_eyes: z.boolean({ error: 'four_eyes must be true or false' }),
  steward_group: cleanText(
    z
      .string({ error: 'steward_group must be a group name' })
      .trim()
      .min(1, { error: 'steward_group must be a group name' })
      .max(255, { error: 'steward_group must be at most 255 characters' }),
    'steward_group',
  ).nullish(),
});
export type GovernanceSettingsInput = z.infer<typeof GovernanceSettingsBody>;
