import { AlertTriangle } from 'lucide-react';

import { getCaller } from '@/lib/auth';
import { isAppError } from '@/lib/errors';
import { describeTable, sampleTable } from '@/lib/services/catalog';
import { parseTableName } from '@/lib/warehouse/names';

import { availabilityOf } from './availability';
import { TablePreparing } from './table-availability';
import { ColumnList, SamplePreview, TableSummary } from './table-details';

export function TableMessage({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <div role="alert" className="border-destructive/40 bg-destructive/5 flex gap-3 rounded-md border p-4">
      <AlertTriangle aria-hidden className="text-destructive mt-0.5 size-5 shrink-0" />
      <div className="space-y-1 text-sm">
        <p className="font-medium">{title}</p>
        <div className="text-muted-foreground">{children}</div>
      </div>
    </div>
  );
}

/**
 * The table named in the URL: summary, columns and sample rows, read through the catalog service
 * as the current caller. Refusals (bad name, unknown table, unreadable file) are explained in place;
 * anything else goes to the route's error boundary.
 */
export async function TableView({ name, showColumns = true }: { name: string; showColumns?: boolean }) {
  const caller = await getCaller();
  let loaded;
  try {
    const ref = parseTableName(name);
    const table = await describeTable(caller, ref);
    const sample = await sampleTable(caller, ref);
    loaded = { table, sample };
  } catch (error) {
    if (!isAppError(error)) throw error;
    const availability = availabilityOf(error.details);
    if (availability) {
      return (
        <TablePreparing
          table={name}
          availability={availability}
          what="Its columns and sample rows appear here when it is ready; this page updates by itself."
        />
      );
    }
    const title =
      error.code === 'not_found'
        ? 'Table not found'
        : error.code === 'bad_request'
          ? 'Not a table name'
          : error.code === 'conflict'
            ? 'The table cannot be read'
            : 'The table cannot be shown';
    const hint =
      error.code === 'not_found' || error.code === 'bad_request'
        ? 'Pick a table with the search box above.'
        : error.code === 'conflict'
          ? 'Fix or replace the file, then reload this page.'
          : 'Try again in a moment.';
    return (
      <TableMessage title={title}>
        <p>{error.message}</p>
        <p>{hint}</p>
      </TableMessage>
    );
  }
  return (
    <div className="space-y-6">
      <TableSummary table={loaded.table} />
      {showColumns && <ColumnList table={loaded.table} />}
      <SamplePreview sample={loaded.sample} />
    </div>
  );
}
