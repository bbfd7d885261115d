import { Badge } from '@/components/ui/badge';
import type { ProposalDto } from '@/lib/services/proposals';

const LABEL: Record<
  ProposalDto['status'],
  { text: string; variant: 'warning' | 'success' | 'destructive' | 'secondary' }
> = {
  proposed: { text: 'Waiting for review', variant: 'warning' },
  approved: { text: 'Approved', variant: 'success' },
  rejected: { text: 'Rejected', variant: 'destructive' },
  withdrawn: { text: 'Withdrawn', variant: 'secondary' },
};

/** A proposal's state in words, and "stale" when the active version changed under it. */
export function ProposalStatus({ proposal }: { proposal: Pick<ProposalDto, 'status' | 'stale'> }) {
  const l = LABEL[proposal.status];
  return (
    <span className="inline-flex flex-wrap gap-1" data-proposal-status={proposal.status}>
      <Badge variant={l.variant}>{l.text}</Badge>
      {proposal.stale && (
        <Badge variant="outline" data-stale="true">
          Stale: the active version changed
        </Badge>
      )}
    </span>
  );
}
