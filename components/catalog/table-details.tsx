import { Badge } from '@/components/ui/badge';
import { Skeleton } from '@/components/ui/skeleton';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import type { TableSample } from '@/lib/services/catalog';
import type { TableDescription } from '@/lib/warehouse/port';

const fmt = (n: number) => n.toLocaleString('en-US');

/** SQL NULL, shown so that it cannot be mistaken for the text "null". */
export function NullMarker() {
  return (
    <span
      data-null=""
      title="SQL NULL (no value)"
      className="text-muted-foreground rounded border border-dashed px-1 font-mono text-[11px] italic"
    >
      null
    </span>
  );
}

export function TableSummary({ table }: { table: TableDescription }) {
  return (
    <div className="space-y-1">
      <div className="flex flex-wrap items-center gap-2">
        <h2 className="font-mono text-lg font-semibold break-all">{table.full_name}</h2>
        <Badge variant="secondary">{table.kind}</Badge>
      </div>
      {table.comment && <p className="text-muted-foreground text-sm">{table.comment}</p>}
      <p className="text-sm" data-testid="table-stats">
        {table.row_count === null
          ? 'Row count unknown'
          : `${fmt(table.row_count)} row${table.row_count === 1 ? '' : 's'}`}{' '}
        · {table.columns.length} column{table.columns.length === 1 ? '' : 's'}
      </p>
    </div>
  );
}

export function ColumnList({ table }: { table: TableDescription }) {
  return (
    <section aria-labelledby="columns-heading" className="space-y-2">
      <h3 id="columns-heading" className="font-medium">
        Columns
      </h3>
      <div className="rounded-md border">
        <Table aria-labelledby="columns-heading">
          <TableHeader>
            <TableRow>
              <TableHead className="w-10 text-right">#</TableHead>
              <TableHead>Name</TableHead>
              <TableHead>Type</TableHead>
              <TableHead>Nullable</TableHead>
              <TableHead>Comment</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {table.columns.map((column) => (
              <TableRow key={column.name}>
                <TableCell className="text-muted-foreground text-right tabular-nums">
                  {column.position}
                </TableCell>
                <TableCell className="font-mono text-xs">{column.name}</TableCell>
                <TableCell className="font-mono text-xs" title={`Engine type: ${column.native_type}`}>
                  {column.type}
                </TableCell>
                <TableCell>{column.nullable ? 'yes' : 'no'}</TableCell>
                <TableCell className="text-muted-foreground min-w-48 whitespace-normal">
                  {column.comment ?? ''}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
    </section>
  );
}

/**
 * The sample rows. Every value is rendered by React as text (never as HTML), so a value such as
 * `<script>alert(1)</script>` appears literally; SQL NULL gets its own marker.
 */
export function SamplePreview({ sample }: { sample: TableSample }) {
  return (
    <section aria-labelledby="sample-heading" className="space-y-2">
      <h3 id="sample-heading" className="font-medium">
        Sample rows{' '}
        <span className="text-muted-foreground text-sm font-normal">(first {sample.rows.length})</span>
      </h3>
      {sample.truncated && (
        <p className="text-muted-foreground text-xs">
          Very long values are cut in this preview; the table holds them in full.
        </p>
      )}
      {sample.rows.length === 0 ? (
        <p className="text-muted-foreground text-sm">The table has no rows.</p>
      ) : (
        <div className="max-h-[32rem] overflow-auto rounded-md border">
          <Table aria-labelledby="sample-heading" data-testid="sample-preview">
            <TableHeader className="bg-background sticky top-0">
              <TableRow>
                {sample.columns.map((column) => (
                  <TableHead key={column.name} className="align-bottom">
                    <span className="block font-mono text-xs">{column.name}</span>
                    <span className="text-muted-foreground block font-mono text-[11px] font-normal">
                      {column.type}
                    </span>
                  </TableHead>
                ))}
              </TableRow>
            </TableHeader>
            <TableBody>
              {sample.rows.map((row, r) => (
                <TableRow key={r}>
                  {row.map((value, c) => (
                    <TableCell
                      key={c}
                      className="max-w-72 truncate font-mono text-xs"
                      title={value ?? 'NULL'}
                    >
                      {value === null ? <NullMarker /> : value}
                    </TableCell>
                  ))}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
    </section>
  );
}

export function TableDetailsSkeleton() {
  return (
    <div className="space-y-4" aria-busy="true" aria-label="Loading the table">
      <Skeleton className="h-6 w-80" />
      <Skeleton className="h-4 w-48" />
      <Skeleton className="h-40 w-full" />
      <Skeleton className="h-64 w-full" />
    </div>
  );
}
