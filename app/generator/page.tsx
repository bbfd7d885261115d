import { Suspense } from 'react';

import { TableDetailsSkeleton } from '@/components/catalog/table-details';
import { TablePicker } from '@/components/catalog/table-picker';
import { TableView } from '@/components/catalog/table-view';

import { GeneratorRulesSection, GeneratorRulesSkeleton } from './rules-section';

export const metadata = { title: 'Generator' };

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
      </div>
      <section aria-labelledby="step-table" className="space-y-4">
        <h2 id="step-table" className="text-lg font-medium">
          1. Choose a table
        </h2>
        <TablePicker selected={name} autoFocus={!name} />
        {name && (
          <Suspense key={name} fallback={<TableDetailsSkeleton />}>
            <TableView name={name} showColumns={false} />
          </Suspense>
        )}
      </section>
      <section aria-labelledby="step-rules" className="space-y-4">
        <h2 id="step-rules" className="text-lg font-medium">
          2. Generate, review and save rules
        </h2>
        {name ? (
          <Suspense key={name} fallback={<GeneratorRulesSkeleton />}>
            <GeneratorRulesSection table={name} runId={runId} />
          </Suspense>
        ) : (
          <p className="text-muted-foreground">Choose a table to generate, write or import rules for it.</p>
        )}
      </section>
    </section>
  );
}
