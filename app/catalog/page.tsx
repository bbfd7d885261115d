import { Suspense } from 'react';

import { CatalogOverview } from '@/components/catalog/catalog-overview';
import { TableDetailsSkeleton } from '@/components/catalog/table-details';
import { TablePicker } from '@/components/catalog/table-picker';
import { TableView } from '@/components/catalog/table-view';

export const metadata = { title: 'Catalog' };

export default async function CatalogPage({
  searchParams,
}: {
  searchParams: Promise<{ table?: string | string[] }>;
}) {
  const { table } = await searchParams;
  const name = typeof table === 'string' && table.trim() ? table.trim() : null;
  return (
    <section className="space-y-6">
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold">Catalog</h1>
        <p className="text-muted-foreground">
          Find a table to see its columns, types, comments and a sample of its rows.
        </p>
      </div>
      <TablePicker selected={name} autoFocus={!name} />
      {name ? (
        <Suspense key={name} fallback={<TableDetailsSkeleton />}>
          <TableView name={name} />
        </Suspense>
      ) : (
        <Suspense fallback={<TableDetailsSkeleton />}>
          <CatalogOverview basePath="/catalog" />
        </Suspense>
      )}
    </section>
  );
}
