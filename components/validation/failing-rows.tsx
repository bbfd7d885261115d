'use client';

import { ChevronLeft, ChevronRight, Download, KeyRound, Loader2 } from 'lucide-react';
import { useEffect, useState, type FormEvent } from 'react';

import { formatCount } from '@/components/runs/format';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { getFailingRowsAction } from '@/lib/actions/validation';
import type { FailingRowsPage } from '@/lib/services/failing-rows';
import type { Cell } from '@/lib/warehouse/port';

import { CellValue, cellText } from './cell-value';

export const FAILING_ROWS_PAGE_SIZE = 50;

/**
 * Rows of a table with the rule's message: key columns first (marked), then the column(s) the rule
 * checks (marked), then the message(s), then the other columns. Values are text.
 */
export function FailingRowsTable({
  caption,
  columns,
  keyColumns,
  failingColumns = [],
  rows,
}: {
  caption: string;
  columns: { name: string; type: string }[];
  keyColumns: string[];
  failingColumns?: string[];
  rows: { values: Cell[]; messages: string[] }[];
}) {
  const ordered = columns.map((c, i) => ({
    ...c,
    i,
    key: keyColumns.includes(c.name),
    failing: !keyColumns.includes(c.name) && failingColumns.includes(c.name),
  }));
  const keys = ordered.filter((c) => c.key);
  const failing = ordered.filter((c) => c.failing);
  const others = ordered.filter((c) => !c.key && !c.failing);
  const head = (c: (typeof ordered)[number]) => (
    <TableHead key={c.name} className="align-bottom">
      <span className="flex items-center gap-1 font-mono text-xs">
        {c.key && <KeyRound aria-hidden className="size-3" />}
        {c.name}
        {c.key && <span className="sr-only">(key column)</span>}
        {c.failing && <span className="text-destructive text-[11px] font-normal">(checked)</span>}
      </span>
      <span className="text-muted-foreground block font-mono text-[11px] font-normal">{c.type}</span>
    </TableHead>
  );
  const cell = (row: { values: Cell[] }, c: (typeof ordered)[number]) => {
    const value = row.values[c.i] ?? null;
    return (
      <TableCell key={c.name} className={`max-w-72 truncate font-mono text-xs ${c.failing ? 'bg-destructive/5' : ''}`} title={cellText(value, c.type)}>
        <CellValue value={value} type={c.type} />
      </TableCell>
    );
  };
  return (
    <div className="max-h-[28rem] overflow-auto rounded-md border">
      <Table aria-label={caption}>
        <TableHeader className="bg-background sticky top-0">
          <TableRow>
            {keys.map(head)}
            {failing.map(head)}
            <TableHead className="align-bottom">Message</TableHead>
            {others.map(head)}
          </TableRow>
        </TableHeader>
        <TableBody>
          {rows.map((row, r) => (
            <TableRow key={r}>
              {keys.map((c) => cell(row, c))}
              {failing.map((c) => cell(row, c))}
              <TableCell className="min-w-56 text-xs whitespace-normal">{row.messages.join(' · ') || '–'}</TableCell>
              {others.map((c) => cell(row, c))}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}

type Position = { kind: 'page' } | { kind: 'cursor'; page: number; cursor: string } | { kind: 'key'; key: string };
type Filter = { value: string; match: 'contains' | 'equals' } | null;

/** The export link of a rule's (or the run's) failing rows. */
export function failingRowsExportHref(runId: string, format: 'csv' | 'parquet', ruleIndex: number | null, filter: Filter): string {
  const q = new URLSearchParams({ format });
  if (ruleIndex !== null) q.set('rule_index', String(ruleIndex));
  if (filter) {
    q.set('value', filter.value);
    q.set('match', filter.match);
  }
  return `/api/v1/runs/${encodeURIComponent(runId)}/failing-rows/export?${q.toString()}`;
}

/**
 * Every failing row of one rule of a validation run, a page at a time, read from the table when
 * asked (nothing of it is stored with the run): Next continues from the last row's key (as fast at
 * any depth), and the user can jump to a page number or a key, filter on the failing value and
 * download every failing row.
 */
export function FailingRowsBrowser({
  runId,
  rule,
  ruleIndex,
  page,
  onPage,
}: {
  runId: string;
  rule: string;
  ruleIndex: number;
  page: number;
  onPage: (page: number) => void;
}) {
  const [state, setState] = useState<
    { key: string; status: 'loading' } | { key: string; status: 'done'; data: FailingRowsPage } | { key: string; status: 'error'; message: string }
  >({ key: '', status: 'loading' });
  const [position, setPosition] = useState<Position>({ kind: 'page' });
  const [filter, setFilter] = useState<Filter>(null);
  const [attempt, setAttempt] = useState(0);

  const query: Record<string, string> = { rule_index: String(ruleIndex), page_size: String(FAILING_ROWS_PAGE_SIZE) };
  if (position.kind === 'cursor' && position.page === page) query.cursor = position.cursor;
  else if (position.kind === 'key') query.key = position.key;
  else query.page = String(page);
  if (filter) {
    query.value = filter.value;
    query.match = filter.match;
  }
  const key = `${runId}\u0000${JSON.stringify(query)}`;

  useEffect(() => {
    let live = true;
    getFailingRowsAction({ run_id: runId, query: JSON.parse(key.slice(key.indexOf('\u0000') + 1)) as Record<string, string> })
      .catch(() => ({ ok: false as const, message: 'The server could not be reached.' }))
      .then((result) => {
        if (!live) return;
        setState(result.ok ? { key, status: 'done', data: result.data } : { key, status: 'error', message: result.message });
        if (result.ok && result.data.page !== page) onPage(result.data.page);
      });
    return () => {
      live = false;
    };
    // onPage and page follow the answer; the request is `key`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [runId, key, attempt]);

  const current = state.key === key ? state : { key, status: 'loading' as const };
  const data = current.status === 'done' ? current.data : null;
  const pages = data ? data.pages : null;

  const goToPage = (next: number) => {
    setPosition({ kind: 'page' });
    onPage(next);
  };
  const goNext = () => {
    if (data?.next_cursor) {
      setPosition({ kind: 'cursor', page: data.page + 1, cursor: data.next_cursor });
      onPage(data.page + 1);
    }
  };
  const submitJump = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const n = Number(String(form.get('page') ?? '').replaceAll(/[,\s]/g, ''));
    if (Number.isInteger(n) && n >= 1) goToPage(pages ? Math.min(n, pages) : n);
  };
  const submitKey = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const values = (data?.key_columns ?? []).map((c) => String(form.get(`key:${c}`) ?? '').trim());
    // a prefix of the key is enough: the key columns left empty at the end are left out
    while (values.length > 0 && values.at(-1) === '') values.pop();
    if (values.length > 0) setPosition({ kind: 'key', key: JSON.stringify(values) });
  };
  const submitFilter = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = String(form.get('value') ?? '').trim();
    setFilter(value ? { value, match: form.get('match') === 'equals' ? 'equals' : 'contains' } : null);
    goToPage(1);
  };
  const lastRow = data ? data.first_row - 1 + data.rows.length : 0;

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
              ? filter
                ? 'No failing row holds this value.'
                : 'No row fails this rule now (the table may have changed since the run).'
              : data.rows.length === 0
                ? `No rows here: there are ${formatCount(data.total)} failing rows.`
                : `Rows ${formatCount(data.first_row)}–${formatCount(lastRow)} of ${formatCount(data.total)} failing rows${filter ? ' holding this value' : ''}${data.dry_run ? ' in the dry run’s sample' : ''}, read from the table now, ordered by ${data.key_columns.join(', ')}.`}
          </p>
        )}
        {pages !== null && data && pages > 1 && (
          <nav aria-label="Pages of failing rows" className="ml-auto flex flex-wrap items-center gap-1">
            <Button type="button" size="sm" variant="outline" disabled={data.page <= 1} onClick={() => goToPage(data.page - 1)}>
              <ChevronLeft /> Previous
            </Button>
            <span className="px-2 tabular-nums">
              Page {formatCount(data.page)} of {formatCount(pages)}
            </span>
            <Button type="button" size="sm" variant="outline" disabled={!data.next_cursor} onClick={goNext}>
              Next <ChevronRight />
            </Button>
            <form onSubmit={submitJump} className="flex items-center gap-1">
              <label className="sr-only" htmlFor={`jump-${ruleIndex}`}>
                Page number
              </label>
              <Input id={`jump-${ruleIndex}`} name="page" inputMode="numeric" placeholder="Page" className="h-8 w-24" />
              <Button type="submit" size="sm" variant="outline">
                Go to page
              </Button>
            </form>
          </nav>
        )}
      </div>
      <div className="flex flex-wrap items-end gap-3 text-sm">
        {data && data.key_columns.length > 0 && (
          <form onSubmit={submitKey} className="flex flex-wrap items-end gap-1" aria-label="Jump to a key">
            {data.key_columns.map((c) => (
              <label key={c} className="grid gap-0.5 text-xs">
                <span className="font-mono">{c}</span>
                <Input name={`key:${c}`} aria-label={`Key ${c}`} className="h-8 w-32" />
              </label>
            ))}
            <Button type="submit" size="sm" variant="outline">
              <KeyRound /> Jump to key
            </Button>
          </form>
        )}
        {data && data.failing_columns.length > 0 && (
          <form onSubmit={submitFilter} className="flex flex-wrap items-end gap-1" aria-label="Filter on the failing value">
            <label className="grid gap-0.5 text-xs">
              <span>Value of {data.failing_columns.join(', ')}</span>
              <Input name="value" aria-label="Failing value" defaultValue={filter?.value ?? ''} className="h-8 w-40" />
            </label>
            <select name="match" aria-label="How the value matches" defaultValue={filter?.match ?? 'contains'} className="border-input h-8 rounded-md border bg-transparent px-2 text-xs">
              <option value="contains">contains</option>
              <option value="equals">equals</option>
            </select>
            <Button type="submit" size="sm" variant="outline">
              Filter
            </Button>
          </form>
        )}
        <span className="ml-auto flex items-center gap-1">
          <Download aria-hidden className="size-4" /> Every failing row{filter ? ' holding this value' : ''}:
          <a className="underline" href={failingRowsExportHref(runId, 'csv', ruleIndex, filter)} download>
            CSV
          </a>
          <a className="underline" href={failingRowsExportHref(runId, 'parquet', ruleIndex, filter)} download>
            Parquet
          </a>
        </span>
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
          caption={`Failing rows of ${rule}, page ${data.page}`}
          columns={data.columns}
          keyColumns={data.key_columns}
          failingColumns={data.failing_columns}
          rows={data.rows}
        />
      )}
    </section>
  );
}
