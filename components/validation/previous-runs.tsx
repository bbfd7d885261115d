'use client';

import { ChevronLeft, ChevronRight, Loader2 } from 'lucide-react';
import { useEffect, useState } from 'react';

import { RUNS_PAGE_SIZE } from '@/components/runs/format';
import { RunList } from '@/components/runs/run-list';
import { useUrlState } from '@/components/runs/url-state';
import { Button } from '@/components/ui/button';
import { listRunsAction } from '@/lib/actions/runs';
import type { RunPage } from '@/lib/services/runs';

/**
 * The table's validation runs, newest first, a page at a time (`runs_page` in the URL); read again
 * when `refreshKey` changes (a run started or ended), so a new run appears without reloading.
 */
export function PreviousRuns({ table, initial, refreshKey }: { table: string; initial: RunPage; refreshKey: string }) {
  const url = useUrlState();
  const page = Math.max(1, Number(url.params.get('runs_page')) || 1);
  const currentRunId = url.params.get('run');
  const [state, setState] = useState<{ key: string; data: RunPage | null; error: string | null }>({
    key: `${page}\u0000${refreshKey}`,
    data: initial.page === page ? initial : null,
    error: null,
  });
  const key = `${page}\u0000${refreshKey}`;

  useEffect(() => {
    if (state.key === key && state.data) return;
    let live = true;
    listRunsAction({ table, kind: 'validation', page, page_size: RUNS_PAGE_SIZE })
      .catch(() => ({ ok: false as const, message: 'The server could not be reached.' }))
      .then((result) => {
        if (!live) return;
        setState(result.ok ? { key, data: result.data, error: null } : { key, data: null, error: result.message });
      });
    return () => {
      live = false;
    };
  }, [key, page, table, state.key, state.data]);

  const data = state.data;
  const pages = data ? Math.max(1, Math.ceil(data.total / RUNS_PAGE_SIZE)) : 1;
  const runHref = (id: string) => `/validator?${new URLSearchParams({ table, run: id }).toString()}`;

  return (
    <section aria-labelledby="previous-runs" className="grid gap-3">
      <h2 id="previous-runs" className="text-lg font-medium">
        Previous runs of {table}
      </h2>
      {state.error && (
        <p role="alert" className="text-destructive text-sm">
          The runs could not be listed: {state.error} Reload the page to try again.
        </p>
      )}
      {!data && !state.error && (
        <p role="status" className="text-muted-foreground flex items-center gap-2 text-sm">
          <Loader2 aria-hidden className="size-4 animate-spin" /> Loading the runs…
        </p>
      )}
      {data && data.total === 0 && (
        <p className="text-muted-foreground text-sm">No validation has run on this table yet. Every run you start is kept here.</p>
      )}
      {data && data.items.length > 0 && (
        <>
          <RunList runs={data.items} href={(r) => runHref(r.id)} currentRunId={currentRunId} caption={`Validation runs of ${table}`} />
          {pages > 1 && (
            <nav aria-label="Pages of runs" className="flex flex-wrap items-center gap-2 text-sm">
              <Button type="button" size="sm" variant="outline" disabled={page <= 1} onClick={() => url.set({ runs_page: page - 1 > 1 ? page - 1 : null })}>
                <ChevronLeft /> Newer runs
              </Button>
              <span>
                Page {page} of {pages} ({data.total} runs)
              </span>
              <Button type="button" size="sm" variant="outline" disabled={page >= pages} onClick={() => url.set({ runs_page: page + 1 })}>
                Older runs <ChevronRight />
              </Button>
            </nav>
          )}
        </>
      )}
    </section>
  );
}
