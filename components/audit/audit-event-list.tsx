import Link from 'next/link';

import { historyHref } from '@/components/catalog/links';
import { LocalTime } from '@/components/runs/local-time';
import { Badge } from '@/components/ui/badge';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import type { AuditEventDto } from '@/lib/services/audit';

import { changedFields } from './audit-change';

const pretty = (value: unknown) => (value === null || value === undefined ? '(nothing)' : JSON.stringify(value, null, 2));

/** Before and after of one event: the fields that changed, then both states in full, as text. */
function BeforeAfter({ event }: { event: AuditEventDto }) {
  const changed = changedFields(event.before, event.after);
  return (
    <details className="text-xs">
      <summary className="text-primary cursor-pointer underline">
        Before and after<span className="sr-only"> of event {event.id}</span>
      </summary>
      <div className="mt-2 grid gap-3">
        {changed.length > 0 ? (
          <table aria-label={`Fields changed by event ${event.id}`} className="w-full border-collapse text-left">
            <thead>
              <tr className="text-muted-foreground">
                <th className="pr-3 font-medium">Field</th>
                <th className="pr-3 font-medium">Before</th>
                <th className="font-medium">After</th>
              </tr>
            </thead>
            <tbody>
              {changed.map((c) => (
                <tr key={c.path} className="align-top">
                  <td className="pr-3 font-mono">{c.path}</td>
                  <td className="pr-3 font-mono break-all text-red-700 dark:text-red-400">{c.before}</td>
                  <td className="font-mono break-all text-green-700 dark:text-green-400">{c.after}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="text-muted-foreground">No field changed.</p>
        )}
        <div className="grid gap-2 md:grid-cols-2">
          <div>
            <p className="font-medium">Before</p>
            <pre className="bg-muted max-h-80 overflow-auto rounded p-2 whitespace-pre-wrap">{pretty(event.before)}</pre>
          </div>
          <div>
            <p className="font-medium">After</p>
            <pre className="bg-muted max-h-80 overflow-auto rounded p-2 whitespace-pre-wrap">{pretty(event.after)}</pre>
          </div>
        </div>
      </div>
    </details>
  );
}

/** Audit events, newest first: when, who, what, where, and the change itself on demand. */
export function AuditEventList({ events }: { events: AuditEventDto[] }) {
  return (
    <div className="overflow-x-auto rounded-md border">
      <Table aria-label="Audit events">
        <TableHeader>
          <TableRow>
            <TableHead>When</TableHead>
            <TableHead>Who</TableHead>
            <TableHead>What</TableHead>
            <TableHead>Table</TableHead>
            <TableHead>Change</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {events.map((e) => (
            <TableRow key={e.id}>
              <TableCell className="align-top text-xs whitespace-nowrap">
                <LocalTime iso={e.occurred_at} withSeconds />
              </TableCell>
              <TableCell className="align-top text-xs break-all whitespace-normal">{e.actor}</TableCell>
              <TableCell className="max-w-md align-top text-xs whitespace-normal">
                <div className="flex flex-wrap items-center gap-2">
                  <Badge variant="outline" className="font-mono">
                    {e.action}
                  </Badge>
                  {e.target && <span className="text-muted-foreground">{e.target}</span>}
                </div>
                {e.detail && <p className="mt-1">{e.detail}</p>}
              </TableCell>
              <TableCell className="align-top font-mono text-xs">
                {e.table_name ? (
                  <Link className="text-primary underline" href={historyHref(e.table_name)}>
                    {e.table_name}
                  </Link>
                ) : (
                  <span className="text-muted-foreground">app</span>
                )}
              </TableCell>
              <TableCell className="min-w-64 align-top whitespace-normal">
                <BeforeAfter event={e} />
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
