import Link from 'next/link';

import { formatCount, formatRunRate, percentDecimals, plural } from '@/components/runs/format';
import { LocalTime } from '@/components/runs/local-time';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { formatPercent } from '@/lib/format/percent';
import type { MonitoredTable } from '@/lib/services/monitoring';

import { failingRowsHref, runHref, tableHistoryHref } from './links';
import { relativeTime } from './relative-time';
import { Sparkline } from './sparkline';
import { MonitorStatusBadge } from './status-badge';

function When({ iso, now }: { iso: string; now: Date }) {
  return (
    <span className="grid">
      <span>{relativeTime(iso, now)}</span>
      <LocalTime iso={iso} className="text-muted-foreground text-[11px]" />
    </span>
  );
}

const RUN_STATUS: Record<string, string> = { succeeded: 'succeeded', failed: 'failed', cancelled: 'cancelled', queued: 'queued', running: 'running' };

/**
 * The monitored tables, worst first: status (and why), the last run with a link to it, the next
 * scheduled run, the pass rate with a sparkline of the last runs, the rules failing in the judged
 * run with links to their failing rows, and the table's History.
 */
export function MonitoringTable({ items, now }: { items: MonitoredTable[]; now: Date }) {
  const decimals = percentDecimals(items.map((i) => i.pass_rate));
  return (
    <div className="overflow-x-auto rounded-md border">
      <Table aria-label="Monitored tables">
        <TableHeader>
          <TableRow>
            <TableHead>Status</TableHead>
            <TableHead>Table</TableHead>
            <TableHead>Last run</TableHead>
            <TableHead>Next run</TableHead>
            <TableHead>Pass rate</TableHead>
            <TableHead>Failing rules</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {items.map((item) => {
            const t = item.table_name;
            const judgedOlder = item.judged_run_id !== null && item.last_run !== null && item.judged_run_id !== item.last_run.id;
            return (
              <TableRow key={t} data-table={t} className="align-top">
                <TableCell className="whitespace-normal">
                  <MonitorStatusBadge status={item.status} />
                  {item.overdue && item.status !== 'overdue' && <span className="text-muted-foreground block text-[11px]">also overdue</span>}
                  {item.reasons.length > 0 && item.status !== 'ok' && (
                    <span className="text-muted-foreground mt-1 block max-w-56 text-xs">{item.reasons.join('; ')}</span>
                  )}
                  {item.open_alert && (
                    <span className="text-muted-foreground block text-[11px]">
                      alert sent <LocalTime iso={item.open_alert.created_at} />
                    </span>
                  )}
                </TableCell>
                <TableCell className="whitespace-normal">
                  <span className="block font-mono text-xs font-medium break-all">{t}</span>
                  <span className="flex flex-wrap gap-x-3 text-xs">
                    <Link className="text-primary underline" href={tableHistoryHref(t)} aria-label={`History of ${t}`}>
                      History
                    </Link>
                    <Link className="text-primary underline" href={tableHistoryHref(t, 'alerts')} aria-label={`Thresholds of ${t}`}>
                      Thresholds
                    </Link>
                  </span>
                </TableCell>
                <TableCell className="text-xs">
                  {item.last_run ? (
                    <span className="grid gap-0.5">
                      <Link className="text-primary underline" href={runHref(t, item.last_run.id)} aria-label={`Last run of ${t}`}>
                        {item.last_run.finished_at ? relativeTime(item.last_run.finished_at, now) : RUN_STATUS[item.last_run.status]}
                      </Link>
                      <LocalTime iso={item.last_run.finished_at ?? item.last_run.created_at} className="text-muted-foreground text-[11px]" />
                      <span className="text-muted-foreground text-[11px]">
                        {RUN_STATUS[item.last_run.status]}
                        {item.last_run.trigger === 'schedule' ? ', scheduled' : ', started by hand'}
                      </span>
                    </span>
                  ) : (
                    <span className="text-muted-foreground">never</span>
                  )}
                </TableCell>
                <TableCell className="text-xs">
                  {item.next_run_at ? (
                    <When iso={item.next_run_at} now={now} />
                  ) : item.schedule?.paused ? (
                    <span className="text-muted-foreground">schedule paused</span>
                  ) : (
                    <span className="text-muted-foreground">{item.schedule ? '–' : 'not scheduled'}</span>
                  )}
                  {item.schedule && (
                    <span className="text-muted-foreground block font-mono text-[11px]">
                      {item.schedule.cron} ({item.schedule.timezone})
                    </span>
                  )}
                </TableCell>
                <TableCell className="text-xs">
                  {item.pass_rate === null ? (
                    <span className="text-muted-foreground">–</span>
                  ) : (
                    <span className="flex items-center gap-2">
                      <span className="tabular-nums">{formatRunRate(item.pass_rate, item.pass_rates.at(-1)?.incomplete ?? false, decimals)}</span>
                      <Sparkline rates={item.pass_rates.map((p) => p.pass_rate)} label={`Pass rate of ${t}`} />
                    </span>
                  )}
                  {item.thresholds?.min_pass_rate != null && (
                    <span className="text-muted-foreground block text-[11px]">minimum {formatPercent(item.thresholds.min_pass_rate)}</span>
                  )}
                  {judgedOlder && <span className="text-muted-foreground block text-[11px]">of the last succeeded run</span>}
                </TableCell>
                <TableCell className="text-xs whitespace-normal">
                  {item.failing_rules.length === 0 ? (
                    <span className="text-muted-foreground">{item.judged_run_id ? 'none' : '–'}</span>
                  ) : (
                    <ul className="grid gap-1">
                      {item.failing_rules.map((r) => (
                        <li key={`${r.rule_index}-${r.name}`}>
                          <span className={`font-mono break-all ${r.threshold_breached ? 'text-destructive font-medium' : ''}`}>{r.name}</span>{' '}
                          <span className="text-muted-foreground">
                            {plural(r.failing_rows, 'row')} ({formatPercent(r.pass_rate)} pass){r.threshold_breached && ', threshold breached'}
                          </span>{' '}
                          <Link
                            className="text-primary underline"
                            href={failingRowsHref(t, item.judged_run_id!, r.name)}
                            aria-label={`Failing rows of ${r.name} in ${t}`}
                          >
                            rows
                          </Link>
                        </li>
                      ))}
                      {item.failing_rules_total > item.failing_rules.length && (
                        <li className="text-muted-foreground">
                          and {formatCount(item.failing_rules_total - item.failing_rules.length)} more:{' '}
                          <Link className="text-primary underline" href={runHref(t, item.judged_run_id!)}>
                            see the run
                          </Link>
                        </li>
                      )}
                    </ul>
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
