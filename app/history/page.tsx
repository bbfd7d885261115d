import Link from 'next/link';
import { Suspense } from 'react';

import { PendingProposals } from '@/components/history/pending-proposals';

import { oneParam, positiveInt } from './history-data';
import { RuleSetOverview } from './overview';
import { TableHistory } from './table-history';

export const metadata = { title: 'History' };

type Params = Record<'table' | 'version' | 'from' | 'to' | 'page' | 'rule', string | string[] | undefined>;

function HistorySkeleton() {
  return (
    <div className="grid gap-3" aria-busy="true" aria-label="Loading the history">
      <div className="bg-muted h-8 w-96 max-w-full animate-pulse rounded-md" />
      <div className="bg-muted h-56 animate-pulse rounded-lg" />
      <div className="bg-muted h-40 animate-pulse rounded-lg" />
    </div>
  );
}

export default async function HistoryPage({ searchParams }: { searchParams: Promise<Partial<Params>> }) {
  const params = await searchParams;
  const table = oneParam(params.table);
  return (
    <section className="space-y-6">
      <div className="space-y-1">
        {table && (
          <nav aria-label="Breadcrumb" className="text-sm">
            <Link className="text-primary underline" href="/history">
              All tables with rule sets
            </Link>
          </nav>
        )}
        <h1 className="text-2xl font-semibold">History</h1>
        <p className="text-muted-foreground">
          {table
            ? 'Every saved version of the rule set, how the data fared in each validation run, and rollback to an older version.'
            : 'Tables with rule sets: the active version, its rules and how the last validation went.'}
        </p>
      </div>
      <Suspense key={table ?? ''} fallback={<HistorySkeleton />}>
        {table ? (
          <TableHistory
            table={table}
            query={{
              version: positiveInt(params.version),
              from: positiveInt(params.from),
              to: positiveInt(params.to),
              page: positiveInt(params.page) ?? 1,
              rule: oneParam(params.rule),
            }}
          />
        ) : (
          <>
            <PendingProposals />
            <RuleSetOverview />
          </>
        )}
      </Suspense>
    </section>
  );
}
