/** GET /api/v1/proposals: proposals waiting for review on tables the caller can read, with whether they may review each. */
import { route } from '@/lib/http/route';
import { listPendingProposals } from '@/lib/services/proposals';

export const dynamic = 'force-dynamic';

export const GET = route('listPendingProposals', async ({ caller }) => ({ items: await listPendingProposals(caller) }));
