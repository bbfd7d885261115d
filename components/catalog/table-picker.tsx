'use client';

import { Database, FileText, Loader2, Search, Table2 } from 'lucide-react';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useId, useRef, useState } from 'react';

import { Input } from '@/components/ui/input';
import { TableAvailabilityNote } from '@/components/catalog/table-availability';
import { cn } from '@/lib/utils';
import type { TableInfo } from '@/lib/warehouse/port';

const DEBOUNCE_MS = 200;
const RESULT_LIMIT = 20;

type SearchState =
  | { kind: 'idle' }
  | { kind: 'loading' }
  | { kind: 'done'; query: string; tables: TableInfo[] }
  | { kind: 'error'; message: string };

async function fetchTables(query: string, signal: AbortSignal): Promise<TableInfo[]> {
  const url = `/api/v1/tables?q=${encodeURIComponent(query)}&limit=${RESULT_LIMIT}`;
  const res = await fetch(url, { signal, headers: { accept: 'application/json' } });
  const body = (await res.json().catch(() => null)) as {
    tables?: TableInfo[];
    error?: { message?: string };
  } | null;
  if (!res.ok) throw new Error(body?.error?.message ?? `The server answered ${res.status}.`);
  return body?.tables ?? [];
}

function KindIcon({ kind }: { kind: TableInfo['kind'] }) {
  const Icon = kind === 'file' ? FileText : kind === 'view' ? Database : Table2;
  return <Icon aria-hidden className="text-muted-foreground size-4 shrink-0" />;
}

/**
 * A combobox to find a table by typing part of its catalog, schema or table name. The search runs
 * on the server (so a catalog with thousands of tables stays quick), and choosing a table puts it
 * in the URL (`?table=catalog.schema.table`), so a link reproduces the view.
 */
export function TablePicker({
  selected,
  param = 'table',
  label = 'Table',
  autoFocus = false,
}: {
  selected?: string | null;
  param?: string;
  label?: string;
  autoFocus?: boolean;
}) {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const id = useId();
  const inputId = `${id}-input`;
  const listId = `${id}-list`;
  const statusId = `${id}-status`;

  const [text, setText] = useState(selected ?? '');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [state, setState] = useState<SearchState>({ kind: 'idle' });
  const abort = useRef<AbortController | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  // A new URL (back button, a link) shows its table in the box (state adjusted while rendering).
  const [shown, setShown] = useState(selected);
  if (shown !== selected) {
    setShown(selected);
    setText(selected ?? '');
  }

  useEffect(
    () => () => {
      abort.current?.abort();
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  const choose = useCallback(
    (table: TableInfo) => {
      setText(table.full_name);
      setOpen(false);
      const next = new URLSearchParams(searchParams.toString());
      next.set(param, table.full_name);
      router.push(`${pathname}?${next.toString()}`);
    },
    [param, pathname, router, searchParams],
  );

  // Enter pressed before the results for the typed text were in: the text it was pressed for. The
  // choice is made when those results arrive, never from the list of an earlier text.
  const enterFor = useRef<string | null>(null);
  // The text whose search is running, so Enter does not start the same search again.
  const searchingFor = useRef<string | null>(null);

  const runSearch = useCallback(
    (raw: string) => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
      abort.current?.abort();
      const controller = new AbortController();
      abort.current = controller;
      const query = raw.trim();
      searchingFor.current = query;
      setState({ kind: 'loading' });
      fetchTables(query, controller.signal).then(
        (tables) => {
          if (controller.signal.aborted) return;
          searchingFor.current = null;
          setState({ kind: 'done', query, tables });
          setActive(tables.length > 0 ? 0 : -1);
          if (enterFor.current === query) {
            enterFor.current = null;
            const exact = tables.find((t) => t.full_name.toLowerCase() === query.toLowerCase());
            const best = exact ?? tables[0];
            if (best) choose(best);
          }
        },
        (error: unknown) => {
          if (controller.signal.aborted) return;
          searchingFor.current = null;
          enterFor.current = null;
          setState({ kind: 'error', message: error instanceof Error ? error.message : 'The search failed.' });
          setActive(-1);
        },
      );
    },
    [choose],
  );

  const searchSoon = useCallback(
    (query: string) => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => runSearch(query), DEBOUNCE_MS);
    },
    [runSearch],
  );

  // What the list is searched for: the typed text, or everything while the box shows the chosen table.
  const listQuery = text === selected ? '' : text.trim();
  // Whether the results on screen answer that text (not an earlier one, while typing).
  const current = state.kind === 'done' && state.query === listQuery;
  const tables = state.kind === 'done' ? state.tables : [];
  const showList = open && state.kind !== 'idle';

  function onKeyDown(event: React.KeyboardEvent<HTMLInputElement>) {
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        if (!open) {
          setOpen(true);
          if (state.kind === 'idle') runSearch(listQuery);
          return;
        }
        setActive((i) => (tables.length ? (i + 1) % tables.length : -1));
        return;
      case 'ArrowUp':
        event.preventDefault();
        setActive((i) => (tables.length ? (i <= 0 ? tables.length - 1 : i - 1) : -1));
        return;
      case 'Home':
      case 'End':
        if (open && tables.length) {
          event.preventDefault();
          setActive(event.key === 'Home' ? 0 : tables.length - 1);
        }
        return;
      case 'Enter': {
        if (!current) {
          if (!listQuery) return;
          // The list on screen belongs to an earlier text: choose from the results of this one.
          event.preventDefault();
          setOpen(true);
          enterFor.current = listQuery;
          if (state.kind !== 'loading' || searchingFor.current !== listQuery || timer.current)
            runSearch(listQuery);
          return;
        }
        const table = open ? tables[active] : undefined;
        if (table) {
          event.preventDefault();
          choose(table);
        }
        return;
      }
      case 'Escape':
        if (open) {
          event.preventDefault();
          setOpen(false);
        } else {
          setText(selected ?? '');
        }
        return;
      case 'Tab':
        setOpen(false);
        return;
    }
  }

  let status = '';
  if (state.kind === 'loading') status = 'Searching…';
  else if (state.kind === 'error')
    status = `The search failed: ${state.message} Try again, or reload the page.`;
  else if (state.kind === 'done') {
    status =
      state.tables.length === 0
        ? state.query
          ? `No table matches “${state.query}”. Try part of a catalog, schema or table name.`
          : 'No tables are available to you.'
        : `${state.tables.length}${state.tables.length === RESULT_LIMIT ? '+' : ''} table${state.tables.length === 1 ? '' : 's'} found. Use the arrow keys and Enter to choose.`;
  }

  const activeId = open && active >= 0 && tables[active] ? `${id}-opt-${active}` : undefined;

  return (
    <div className="relative w-full max-w-2xl">
      <label htmlFor={inputId} className="mb-1.5 block text-sm font-medium">
        {label}
      </label>
      <div className="relative">
        <Search
          aria-hidden
          className="text-muted-foreground pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2"
        />
        <Input
          id={inputId}
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={showList}
          aria-controls={listId}
          aria-activedescendant={activeId}
          aria-describedby={statusId}
          autoComplete="off"
          spellCheck={false}
          autoFocus={autoFocus}
          placeholder="Type part of a catalog, schema or table name, e.g. orders"
          className="pl-8"
          value={text}
          onChange={(event) => {
            setText(event.target.value);
            setOpen(true);
            enterFor.current = null;
            searchSoon(event.target.value);
          }}
          onFocus={() => {
            setOpen(true);
            if (state.kind === 'idle') runSearch(text === selected ? '' : text);
          }}
          onClick={() => {
            // Already focused (autoFocus before hydration, or after choosing): a click opens the list.
            setOpen(true);
            if (state.kind === 'idle') runSearch(text === selected ? '' : text);
          }}
          onBlur={() => setOpen(false)}
          onKeyDown={onKeyDown}
        />
        {state.kind === 'loading' && (
          <Loader2
            aria-hidden
            className="text-muted-foreground absolute top-1/2 right-2.5 size-4 -translate-y-1/2 animate-spin"
          />
        )}
      </div>
      <p id={statusId} role="status" aria-live="polite" className="sr-only">
        {open ? status : ''}
      </p>
      {showList && (
        <div className="bg-popover text-popover-foreground absolute z-20 mt-1 w-full overflow-hidden rounded-md border shadow-md">
          <ul
            id={listId}
            role="listbox"
            aria-label="Matching tables"
            className="max-h-80 overflow-y-auto py-1"
          >
            {tables.map((table, i) => (
              <li
                key={table.full_name}
                id={`${id}-opt-${i}`}
                role="option"
                aria-selected={i === active}
                className={cn(
                  'flex cursor-pointer items-start gap-2 px-3 py-2 text-sm',
                  i === active ? 'bg-accent text-accent-foreground' : 'hover:bg-accent/60',
                )}
                // Keep the focus in the input, so the list does not close before the click lands.
                onMouseDown={(event) => event.preventDefault()}
                onMouseEnter={() => setActive(i)}
                onClick={() => choose(table)}
              >
                <KindIcon kind={table.kind} />
                <span className="min-w-0 flex-1">
                  <span className="block truncate">
                    <span className="text-muted-foreground">
                      {table.catalog}.{table.schema}.
                    </span>
                    <span className="font-medium">{table.table}</span>
                  </span>
                  {table.availability ? (
                    <TableAvailabilityNote availability={table.availability} />
                  ) : (
                    table.comment && (
                      <span className="text-muted-foreground block truncate text-xs">{table.comment}</span>
                    )
                  )}
                </span>
              </li>
            ))}
          </ul>
          {tables.length === 0 && <p className="text-muted-foreground px-3 py-2 text-sm">{status}</p>}
        </div>
      )}
    </div>
  );
}
