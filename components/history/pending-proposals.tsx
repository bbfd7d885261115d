import Link from 'next/link';

import { getCaller } from '@/lib/auth';
import { isAppError } from '@/lib/errors';
import { listPendingProposals } from '@/lib/services/proposals';

import { ProposalList } from './proposal-list';

const SHOWN = 10;

/**
 * Proposals waiting for the caller's review (tables they are a steward of), newest first: on the
 * home page (the Generator) and the History overview. Nothing when there are none; never fails the
 * page it is on.
 */
export async function PendingProposals() {
  let items;
  try {
    items = (await listPendingProposals(await getCaller())).filter((p) => p.can_review);
  } catch (error) {
    if (isAppError(error)) return null;
    throw error;
  }
  if (items.length === 0) return null;
  return (
    <section
      aria-labelledby="pending-proposals"
      className="grid gap-2 rounded-lg border border-amber-500/40 bg-amber-500/5 p-4"
    >
      <h2 id="pending-proposals" className="text-base font-medium">
        {items.length === 1 ? 'A proposal is' : `${items.length} proposals are`} waiting for your review
      </h2>
      <ProposalList proposals={items.slice(0, SHOWN)} caption="Proposals waiting for your review" showTable />
      {items.length > SHOWN && (
        <p className="text-sm">
          {items.length - SHOWN} more: see the tables in <Link href="/history">History</Link>.
        </p>
      )}
    </section>
  );
}
