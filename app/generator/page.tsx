import { Suspense } from 'react';

import { TableDetailsSkeleton } from '@/components/catalog/table-details';
import { TablePicker } from '@/components/catalog/table-picker';
import { HomeMonitoringSummary } from '@/components/monitoring/home-summary';

import { GeneratorRulesSkeleton } from './rules-skeleton';

export const metadata = { title: 'Generator' };

/*
 * The table's preview and step 2 are loaded when a table is chosen: the generator workspace is the
 * largest part of the app (rule editor, engine, runs), and the first page of a fresh `npm run dev`
 * (no table yet) should not wait for it, or for the warehouse code, to be compiled (see
 * `turbopackLazyDynamicImportsSSR` in next.config.mjs). In a production build this changes nothing.
 */
async function TableStep({ table }: { table: string }) {
  const { TableView } = await import('@/components/catalog/table-view');
  return <TableView name={table} showColumns={false} />;
}

async function RulesStep({ table, runId }: { table: string; runId: string | null }) {
  const { GeneratorRulesSection } = await import('./rules-section');
  return <GeneratorRulesSection table={table} runId={runId} />;
}

export default async function GeneratorPage({
  searchParams,
}: {
  searchParams: Promise<{ table?: string | string[]; run?: string | string[] }>;
}) {
  const { table, run } = await searchParams;
  const name = typeof table === 'string' && table.trim() ? table.trim() : null;
  const runId = typeof run === 'string' && run.trim() ? run.trim() : null;
  return (
    <section className="space-y-8">
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold">Generator</h1>
        <p className="text-muted-foreground">
          Generate DQX data-quality rules for a table from its profile and your requirements.
        </p>
        {/* The home page's summary of the Monitoring page: streamed in, never holding up or breaking the Generator. */}
        <Suspense fallback={null}>
          <HomeMonitoringSummary />
        </Suspense>
      </div>
      <section aria-labelledby="step-table" className="space-y-4">
        <h2 id="step-table" className="text-lg font-medium">
          1. Choose a table
        </h2>
        <TablePicker selected={name} autoFocus={!name} />
        {name && (
          <Suspense key={name} fallback={<TableDetailsSkeleton />}>
            <TableStep table={name} />
          </Suspense>
        )}
      </section>
      <section aria-labelledby="step-rules" className="space-y-4">
        <h2 id="step-rules" className="text-lg font-medium">
          2. Generate, review and save rules
        </h2>
        {name ? (
          <Suspense key={name} fallback={<GeneratorRulesSkeleton />}>
            <RulesStep table={name} runId={runId} />
          </Suspense>
        ) : (
          <p className="text-muted-foreground">Choose a table to generate, write or import rules for it.</p>
        )}
      </section>
    </section>
  );
}
