import Link from 'next/link';

import { getCaller } from '@/lib/auth';
import { isAppError } from '@/lib/errors';
import { listCatalogs } from '@/lib/services/catalog';
import type { CatalogInfo } from '@/lib/warehouse/port';

import { TableMessage } from './table-view';

/** What there is to browse, shown before a table is chosen. */
export async function CatalogOverview({ basePath }: { basePath: string }) {
  let catalogs: CatalogInfo[];
  try {
    catalogs = await listCatalogs(await getCaller());
  } catch (error) {
    if (!isAppError(error)) throw error;
    return (
      <TableMessage title="The catalogs cannot be listed">
        <p>{error.message}</p>
        <p>Try again in a moment; if it keeps failing, check the warehouse (/api/ready).</p>
      </TableMessage>
    );
  }
  const example = catalogs.some((c) => c.name === 'samples') ? 'samples.web.reviews' : null;
  return (
    <div className="space-y-3 text-sm">
      {catalogs.length === 0 ? (
        <p className="text-muted-foreground">No catalogs are available to you.</p>
      ) : (
        <ul className="grid gap-2 sm:grid-cols-2">
          {catalogs.map((catalog) => (
            <li key={catalog.name} className="rounded-md border p-3">
              <p className="font-mono font-medium">{catalog.name}</p>
              {catalog.comment && <p className="text-muted-foreground mt-1">{catalog.comment}</p>}
            </li>
          ))}
        </ul>
      )}
      {example && (
        <p className="text-muted-foreground">
          For example, open{' '}
          <Link
            className="text-primary font-mono underline-offset-2 hover:underline"
            href={`${basePath}?table=${example}`}
          >
            {example}
          </Link>
          .
        </p>
      )}
    </div>
  );
}
