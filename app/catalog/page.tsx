import { Suspense } from 'react';

import { CatalogBreadcrumb, CatalogBrowser, TableActions } from '@/components/catalog/catalog-browser';
import { TableDetailsSkeleton } from '@/components/catalog/table-details';
import { TablePicker } from '@/components/catalog/table-picker';
import { TableView } from '@/components/catalog/table-view';

export const metadata = { title: 'Catalog' };

export default async function CatalogPage({
  searchParams,
}: {
  searchParams: Promise<{ table?: string | string[]; catalog?: string | string[]; schema?: string | string[] }>;
}) {
  const params = await searchParams;
  const one = (v: string | string[] | undefined) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
  const name = one(params.table) ?? null;
  const catalog = one(params.catalog);
  const schema = catalog === undefined ? undefined : one(params.schema);
  // the levels of a chosen table, for the breadcrumb (names with dots inside are quoted, shown whole)
  const parts = name?.split('.');
  return (
    <section className="space-y-6">
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold">Catalog</h1>
        <p className="text-muted-foreground">
          Browse catalogs, schemas and tables, or search for a table, to see its columns, types, comments
          and a sample of its rows; then generate rules for it, validate it or see its history.
        </p>
      </div>
      <TablePicker selected={name} autoFocus={!name} />
      {name ? (
        <div className="space-y-4">
          {parts?.length === 3 && <CatalogBreadcrumb catalog={parts[0]} schema={parts[1]} table={parts[2]} />}
          <TableActions table={name} />
          <Suspense key={name} fallback={<TableDetailsSkeleton />}>
            <TableView name={name} />
          </Suspense>
        </div>
      ) : (
        <Suspense key={`${catalog ?? ''}.${schema ?? ''}`} fallback={<TableDetailsSkeleton />}>
          <CatalogBrowser catalog={catalog} schema={schema} />
        </Suspense>
      )}
    </section>
  );
}
