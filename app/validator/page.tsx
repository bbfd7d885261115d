import { Suspense } from 'react';

import { TablePicker } from '@/components/catalog/table-picker';

import { oneParam, positiveInt } from '../history/history-data';
import { ValidatorSection, ValidatorSkeleton } from './validator-section';

export const metadata = { title: 'Validator' };

type Params = Record<'table' | 'version' | 'run' | 'runs_page', string | string[] | undefined>;

export default async function ValidatorPage({ searchParams }: { searchParams: Promise<Partial<Params>> }) {
  const params = await searchParams;
  const name = oneParam(params.table);
  return (
    <section className="space-y-8">
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold">Validator</h1>
        <p className="text-muted-foreground">
          Run a saved rule set (or a draft) against a whole table: row counts, per-rule results and every failing row.
        </p>
      </div>
      <section aria-labelledby="step-table" className="space-y-4">
        <h2 id="step-table" className="text-lg font-medium">
          1. Choose a table
        </h2>
        <TablePicker selected={name} autoFocus={!name} />
      </section>
      {name ? (
        <Suspense key={`${name}:${oneParam(params.version) ?? ''}`} fallback={<ValidatorSkeleton />}>
          <ValidatorSection
            table={name}
            version={positiveInt(params.version)}
            runId={oneParam(params.run)}
            runsPage={positiveInt(params.runs_page) ?? 1}
          />
        </Suspense>
      ) : (
        <p className="text-muted-foreground">
          Choose a table to see its saved rule sets and validate them. Tables with rule sets are listed on the History page.
        </p>
      )}
    </section>
  );
}
