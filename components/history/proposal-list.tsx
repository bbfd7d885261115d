import Link from 'next/link';

import { LocalTime } from '@/components/runs/local-time';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import type { ProposalDto } from '@/lib/services/proposals';

import { proposalHref } from './proposal-links';
import { ProposalStatus } from './proposal-status';

/** Proposals of a table (or of several), newest first, each with a link to its review. */
export function ProposalList({
  proposals,
  caption,
  showTable = false,
}: {
  proposals: ProposalDto[];
  caption: string;
  showTable?: boolean;
}) {
  return (
    <div className="overflow-x-auto rounded-md border">
      <Table aria-label={caption}>
        <TableHeader>
          <TableRow>
            {showTable && <TableHead>Table</TableHead>}
            <TableHead className="text-right">Version</TableHead>
            <TableHead>Proposed</TableHead>
            <TableHead>By</TableHead>
            <TableHead className="text-right">Rules</TableHead>
            <TableHead>Status</TableHead>
            <TableHead>
              <span className="sr-only">Review</span>
            </TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {proposals.map((p) => (
            <TableRow key={p.id} data-proposal={p.id}>
              {showTable && <TableCell className="font-mono text-xs break-all">{p.table_name}</TableCell>}
              <TableCell className="text-right font-medium tabular-nums">{p.version}</TableCell>
              <TableCell className="text-xs whitespace-nowrap">
                <LocalTime iso={p.created_at} />
              </TableCell>
              <TableCell className="text-xs">{p.author}</TableCell>
              <TableCell className="text-right tabular-nums">{p.rule_count ?? '–'}</TableCell>
              <TableCell>
                <ProposalStatus proposal={p} />
              </TableCell>
              <TableCell>
                <Link className="text-primary text-xs underline" href={proposalHref(p.table_name, p.id)}>
                  {p.status === 'proposed' ? 'Review' : 'Open'}
                  <span className="sr-only"> version {p.version}</span>
                </Link>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
