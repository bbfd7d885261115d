'use client';

import { ChevronLeft, ChevronRight, KeyRound, Loader2 } from 'lucide-react';
import { useEffect, useState } from 'react';

import { formatCount } from '@/components/runs/format';
import { Button } from '@/components/ui/button';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { getFailingRowsAction } from '@/lib/actions/validation';
import type { FailingRowsPage } from '@/lib/services/validation';
import type { Cell } from '@/lib/warehouse/port';

import { CellValue, cellText } from './cell-value';

export const FAILING_ROWS_PAGE_SIZE = 50;

/**
 * Rows of a table with the rule's message next to the key columns: key columns first (marked),
 * then the message(s), then the other columns. Values are text.
 */
export function FailingRowsTable({
  caption,
  columns,
  keyColumns,
  rows,
}: {
  caption: string;
  columns: { name: string; type: string }[];
  keyColumns: string[];
  rows: { values: Cell[]; messages: string[] }[];
}) {
  const ordered = columns.map((c, i) => ({ ...c, i, key: keyColumns.includes(c.name) }));
  const keys = ordered.filter((c) => c.key);
  const others = ordered.filter((c) => !c.key);
  const head = (c: (typeof ordered)[number]) => (
    <TableHead key={c.name} className="align-bottom">
      <span className="flex items-center gap-1 font-mono text-xs">
        {c.key && <KeyRound aria-hidden className="size-3" />}
        {c.name}
        {c.key && <span className="sr-only">(key column)</span>}
      </span>
      <span className="text-muted-foreground block font-mono text-[11px] font-normal">{c.type}</span>
    </TableHead>
  );
  const cell = (row: { values: Cell[] }, c: (typeof ordered)[number]) => {
    const value = row.values[c.i] ?? null;
    return (
      <TableCell key={c.name} className="max-w-72 truncate font-mono text-xs" title={cellText(value)}>
        <CellValue value={value} />
      </TableCell>
    );
  };
  return (
    <div className="max-h-[28rem] overflow-auto rounded-md border">
      <Table aria-label={caption}>
        <TableHeader className="bg-background sticky top-0">
          <TableRow>
            {keys.map(head)}
            <TableHead className="align-bottom">Message</TableHead>
            {others.map(head)}
          </TableRow>
        </TableHeader>
        <TableBody>
          {rows.map((row, r) => (
            <TableRow key={r}>
              {keys.map((c) => cell(row, c))}
              <TableCell className="min-w-56 text-xs whitespace-normal">{row.messages.join(' · ') || '–'}</TableCell>
              {others.map((c) => cell(row, c))}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}

/**
 * Every failing row of one rule of a validation run, a page at a time, read from the table when
 * asked (nothing of it is stored with the run).
 */
export function FailingRowsBrowser({
  runId,
  rule,
  page,
  onPage,
}: {
  runId: string;
  rule: string;
  page: number;
  onPage: (page: number) => void;
}) {
  const [state, setState] = useState<
    { key: string; status: 'loading' } | { key: string; status: 'done'; data: FailingRowsPage } | { key: string; status: 'error'; message: string }
  >({ key: '', status: 'loading' });
  const key = `${runId}\u0000${rule}\u0000${page}`;
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let live = true;
    getFailingRowsAction({ run_id: runId, rule, page, page_size: FAILING_ROWS_PAGE_SIZE })
      .catch(() => ({ ok: false as const, message: 'The server could not be reached.' }))
      .then((result) => {
        if (!live) return;
        setState(result.ok ? { key, status: 'done', data: result.data } : { key, status: 'error', message: result.message });
      });
    return () => {
      live = false;
    };
  }, [runId, rule, page, key, attempt]);

  const current = state.key === key ? state : { key, status: 'loading' as const };
  const data = current.status === 'done' ? current.data : null;
  const pages = data ? Math.max(1, Math.ceil(data.total / data.page_size)) : null;

  return (
    <section aria-label={`Every failing row of ${rule}`} className="grid gap-2" aria-busy={current.status === 'loading'}>
      <div className="flex flex-wrap items-center gap-2 text-sm">
        {current.status === 'loading' && (
          <span role="status" className="text-muted-foreground flex items-center gap-1.5">
            <Loader2 aria-hidden className="size-4 animate-spin" /> Reading the failing rows from the table…
          </span>
        )}
        {data && (
          <p role="status">
            {data.total === 0
              ? 'No row fails this rule now (the table may have changed since the run).'
              : `Rows ${formatCount((data.page - 1) * data.page_size + 1)}–${formatCount(Math.min(data.total, data.page * data.page_size))} of ${formatCount(data.total)} failing rows${data.dry_run ? ' in the dry run’s sample' : ''}, read from the table now, ordered by ${data.key_columns.join(', ')}.`}
          </p>
        )}
        {pages !== null && pages > 1 && (
          <nav aria-label="Pages of failing rows" className="ml-auto flex items-center gap-1">
            <Button type="button" size="sm" variant="outline" disabled={page <= 1} onClick={() => onPage(page - 1)}>
              <ChevronLeft /> Previous
            </Button>
            <span className="px-2 tabular-nums">
              Page {formatCount(page)} of {formatCount(pages)}
            </span>
            <Button type="button" size="sm" variant="outline" disabled={page >= pages} onClick={() => onPage(page + 1)}>
              Next <ChevronRight />
            </Button>
          </nav>
        )}
      </div>
      {current.status === 'error' && (
        <div role="alert" className="text-destructive grid justify-items-start gap-2 text-sm">
          <p>The failing rows could not be read: {current.message}</p>
          <Button type="button" size="sm" variant="outline" onClick={() => setAttempt((a) => a + 1)}>
            Try again
          </Button>
        </div>
      )}
      {data && data.rows.length > 0 && (
        <FailingRowsTable
          caption={`Failing rows of ${rule}, page ${page}`}
          columns={data.columns}
          keyColumns={data.key_columns}
          rows={data.rows}
        />
      )}
    </section>
  );
}
