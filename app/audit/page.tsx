import Link from 'next/link';
import { Suspense } from 'react';

import { AuditEventList } from '@/components/audit/audit-event-list';
import { AuditFilters, type AuditFilterValues } from '@/components/audit/audit-filters';
import { Button } from '@/components/ui/button';
import { getCaller } from '@/lib/auth';
import { isAppError } from '@/lib/errors';
import { listAuditEvents } from '@/lib/services/audit';
import { AuditQuery } from '@/lib/services/audit-schemas';

export const metadata = { title: 'Audit' };

const FILTERS = ['table', 'actor', 'action', 'from', 'to'] as const;
type Params = Partial<Record<(typeof FILTERS)[number] | 'cursor', string | string[]>>;

const one = (v: string | string[] | undefined) => (typeof v === 'string' ? v.trim() : '');

function filterValues(params: Params): AuditFilterValues {
  return { table: one(params.table), actor: one(params.actor), action: one(params.action), from: one(params.from), to: one(params.to) };
}

/** `/audit` or the export route with the filters that are set (and more parameters). */
function hrefWith(base: string, values: AuditFilterValues, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams();
  for (const key of FILTERS) if (values[key]) q.set(key, values[key]);
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  const text = q.toString();
  return text ? `${base}?${text}` : base;
}

function Refusal({ message }: { message: string }) {
  return (
    <p role="alert" className="border-destructive/50 text-destructive rounded-md border p-3 text-sm">
      {message}
    </p>
  );
}

async function AuditEvents({ values, cursor }: { values: AuditFilterValues; cursor: string }) {
  const parsed = AuditQuery.safeParse({ ...values, cursor });
  if (!parsed.success) {
    return <Refusal message={`These filters cannot be used: ${parsed.error.issues.map((i) => i.message).join('; ')}.`} />;
  }
  const caller = await getCaller();
  let page;
  try {
    page = await listAuditEvents(caller, parsed.data);
  } catch (error) {
    if (!isAppError(error) || error.status >= 500) throw error;
    return <Refusal message={error.message} />;
  }
  const filtered = FILTERS.some((k) => values[k]);
  return (
    <div className="grid gap-3">
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <span className="text-muted-foreground">Export {filtered ? 'the events matching these filters' : 'every event you can see'}:</span>
        <a className="text-primary underline" href={hrefWith('/api/v1/audit/export', values, { format: 'csv' })} download>
          CSV
        </a>
        <a className="text-primary underline" href={hrefWith('/api/v1/audit/export', values, { format: 'json' })} download>
          JSON
        </a>
      </div>
      {page.items.length === 0 ? (
        <div className="rounded-lg border border-dashed p-6 text-sm">
          <p className="font-medium">No events{filtered ? ' match these filters' : ' yet'}.</p>
          <p className="text-muted-foreground">
            Saving, importing, activating or rolling back a rule set, changing its publishing or thresholds, and publishing are recorded here. You see the events
            of tables you can read.
          </p>
        </div>
      ) : (
        <AuditEventList events={page.items} />
      )}
      <nav aria-label="Pages of events" className="flex gap-2">
        {page.prev_cursor ? (
          <Button asChild variant="outline" size="sm">
            <Link href={hrefWith('/audit', values, { cursor: page.prev_cursor })}>Newer events</Link>
          </Button>
        ) : (
          <Button variant="outline" size="sm" disabled>
            Newer events
          </Button>
        )}
        {page.next_cursor ? (
          <Button asChild variant="outline" size="sm">
            <Link href={hrefWith('/audit', values, { cursor: page.next_cursor })}>Older events</Link>
          </Button>
        ) : (
          <Button variant="outline" size="sm" disabled>
            Older events
          </Button>
        )}
      </nav>
    </div>
  );
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<Params> }) {
  const params = await searchParams;
  const values = filterValues(params);
  const cursor = one(params.cursor);
  return (
    <section className="space-y-6">
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold">Audit</h1>
        <p className="text-muted-foreground">
          Who changed what and when: every saved, imported, activated and rolled-back version, publishing and threshold changes, and every publish, with the
          state before and after. Newest first; nothing here can be edited or deleted.
        </p>
      </div>
      <AuditFilters values={values} />
      <Suspense key={JSON.stringify([values, cursor])} fallback={<div className="bg-muted h-56 animate-pulse rounded-lg" aria-busy="true" aria-label="Loading the audit trail" />}>
        <AuditEvents values={values} cursor={cursor} />
      </Suspense>
    </section>
  );
}
