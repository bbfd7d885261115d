import Link from 'next/link';

import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { NativeSelect } from '@/components/ui/native-select';
import { AUDIT_ACTIONS } from '@/lib/services/audit';

export interface AuditFilterValues {
  table: string;
  actor: string;
  action: string;
  from: string;
  to: string;
}

const FAMILIES = [...new Set(AUDIT_ACTIONS.filter((a) => a.includes('.')).map((a) => `${a.split('.')[0]}.*`))];

/** The filters as a plain GET form: applying them is a URL, so a link reproduces the view. */
export function AuditFilters({ values }: { values: AuditFilterValues }) {
  return (
    <form method="get" action="/audit" role="search" aria-label="Filter the audit trail" className="grid gap-3 rounded-md border p-3 md:grid-cols-6 md:items-end">
      <div className="grid gap-1.5 md:col-span-2">
        <Label htmlFor="audit-table">Table</Label>
        <Input id="audit-table" name="table" defaultValue={values.table} placeholder="catalog.schema.table" />
      </div>
      <div className="grid gap-1.5">
        <Label htmlFor="audit-actor">Who</Label>
        <Input id="audit-actor" name="actor" defaultValue={values.actor} placeholder="user name or e-mail" />
      </div>
      <div className="grid gap-1.5">
        <Label htmlFor="audit-action">Action</Label>
        <NativeSelect id="audit-action" name="action" defaultValue={values.action}>
          <option value="">Any action</option>
          {FAMILIES.map((f) => (
            <option key={f} value={f}>
              {f}
            </option>
          ))}
          {AUDIT_ACTIONS.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </NativeSelect>
      </div>
      <div className="grid gap-1.5">
        <Label htmlFor="audit-from">From (UTC day)</Label>
        <Input id="audit-from" name="from" type="date" defaultValue={values.from} />
      </div>
      <div className="grid gap-1.5">
        <Label htmlFor="audit-to">To (UTC day)</Label>
        <Input id="audit-to" name="to" type="date" defaultValue={values.to} />
      </div>
      <div className="flex gap-2 md:col-span-6">
        <Button type="submit">Apply filters</Button>
        <Button asChild variant="outline">
          <Link href="/audit">Clear</Link>
        </Button>
      </div>
    </form>
  );
}
