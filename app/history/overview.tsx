import Link from 'next/link';

import { historyHref } from '@/components/catalog/links';
import { formatRunRate, percentDecimals, type RunStatus } from '@/components/runs/format';
import { LocalTime } from '@/components/runs/local-time';
import { RunStatusBadge } from '@/components/runs/run-status';
import { Button } from '@/components/ui/button';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { getCaller } from '@/lib/auth';
import { listRuleSets } from '@/lib/services/rule-sets';

/** Every table with a rule set the caller can read: active version, rules, last run and its pass rate. */
export async function RuleSetOverview() {
  const caller = await getCaller();
  const items = await listRuleSets(caller);
  if (items.length === 0) {
    return (
      <div className="grid justify-items-start gap-3 rounded-lg border border-dashed p-6">
        <p className="font-medium">No rule sets yet.</p>
        <p className="text-muted-foreground text-sm">
          Generate rules for a table in the Generator and save them: every saved version and every validation run then shows up here.
        </p>
        <Button asChild>
          <Link href="/generator">Open the Generator</Link>
        </Button>
      </div>
    );
  }
  const decimals = percentDecimals(items.map((item) => item.last_run?.pass_rate));
  return (
    <div className="overflow-x-auto rounded-md border">
      <Table aria-label="Tables with rule sets">
        <TableHeader>
          <TableRow>
            <TableHead>Table</TableHead>
            <TableHead className="text-right">Active version</TableHead>
            <TableHead className="text-right">Rules</TableHead>
            <TableHead>Last run</TableHead>
            <TableHead className="text-right">Pass rate</TableHead>
            <TableHead>
              <span className="sr-only">Validate</span>
            </TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {items.map((item) => (
            <TableRow key={item.table_name}>
              <TableCell className="font-mono text-xs">
                <Link className="text-primary underline" href={historyHref(item.table_name)}>
                  {item.table_name}
                </Link>
              </TableCell>
              <TableCell className="text-right tabular-nums">
                {item.active_version ?? '–'}
                <span className="text-muted-foreground text-xs"> of {item.latest_version}</span>
              </TableCell>
              <TableCell className="text-right tabular-nums">{item.rule_count ?? '–'}</TableCell>
              <TableCell className="text-xs">
                {item.last_run ? (
                  <span className="flex flex-wrap items-center gap-2">
                    <RunStatusBadge status={item.last_run.status as RunStatus} incomplete={item.last_run.incomplete} />
                    <LocalTime iso={item.last_run.finished_at ?? item.last_run.created_at} />
                  </span>
                ) : (
                  <span className="text-muted-foreground">never validated</span>
                )}
              </TableCell>
              <TableCell className="text-right tabular-nums">
                {formatRunRate(item.last_run?.pass_rate ?? null, item.last_run?.incomplete ?? false, decimals)}
              </TableCell>
              <TableCell>
                <Link className="text-primary text-xs underline" href={`/validator?${new URLSearchParams({ table: item.table_name }).toString()}`}>
                  Validate<span className="sr-only"> {item.table_name}</span>
                </Link>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
