import Link from 'next/link';

import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import type { RunDto } from '@/lib/services/runs';

import { formatCount, formatRunRate, percentDecimals, type RunStatus } from './format';
import { LocalTime } from './local-time';
import { RunStatusBadge } from './run-status';

/** What rules a validation run used: a saved version or a draft, whole table or a dry run; and whether its schedule started it. */
export function runRulesLabel(run: Pick<RunDto, 'rule_set_version' | 'parameters'>): string {
  const dry = run.parameters.dry_run === true;
  const rows = typeof run.parameters.sample_rows === 'number' ? run.parameters.sample_rows : null;
  const what = run.rule_set_version !== null ? `version ${run.rule_set_version}` : 'draft';
  const scheduled = run.parameters.trigger === 'schedule' ? ', scheduled' : '';
  return (dry ? `${what}, dry run (${formatCount(rows)} rows)` : what) + scheduled;
}

/** A table's validation runs, newest first, each with a link that reopens it. */
export function RunList({
  runs,
  href,
  currentRunId,
  caption,
}: {
  runs: RunDto[];
  href: (run: RunDto) => string;
  currentRunId?: string | null;
  caption: string;
}) {
  const decimals = percentDecimals(runs.map((run) => run.summary?.pass_rate));
  return (
    <div className="overflow-x-auto rounded-md border">
      <Table aria-label={caption}>
        <TableHeader>
          <TableRow>
            <TableHead>Started</TableHead>
            <TableHead>By</TableHead>
            <TableHead>Rules</TableHead>
            <TableHead>Status</TableHead>
            <TableHead className="text-right">Rows</TableHead>
            <TableHead className="text-right">Pass rate</TableHead>
            <TableHead>
              <span className="sr-only">Open</span>
            </TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {runs.map((run) => {
            const current = run.id === currentRunId;
            return (
              <TableRow key={run.id} aria-current={current ? 'true' : undefined} className={current ? 'bg-primary/5' : undefined}>
                <TableCell className="text-xs whitespace-nowrap">
                  <LocalTime iso={run.created_at} />
                </TableCell>
                <TableCell className="text-xs">{run.started_by}</TableCell>
                <TableCell className="text-xs">{runRulesLabel(run)}</TableCell>
                <TableCell>
                  <RunStatusBadge status={run.status as RunStatus} incomplete={run.evaluation === 'incomplete'} />
                </TableCell>
                <TableCell className="text-right text-xs tabular-nums">{formatCount(run.summary?.total_rows ?? null)}</TableCell>
                <TableCell className="text-right text-xs tabular-nums">{formatRunRate(run.summary?.pass_rate ?? null, run.evaluation === 'incomplete', decimals)}</TableCell>
                <TableCell>
                  {current ? (
                    <span className="text-muted-foreground text-xs">shown</span>
                  ) : (
                    <Link className="text-primary text-xs underline" href={href(run)}>
                      Open<span className="sr-only"> the run of {run.created_at}</span>
                    </Link>
                  )}
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </div>
  );
}
