import { Minus, Pencil, Plus } from 'lucide-react';

import { Badge } from '@/components/ui/badge';
import type { DiffRule, RuleSetDiff } from '@/lib/services/rule-sets';
import { cn } from '@/lib/utils';

const valueText = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** One rule's fields; the fields named in `changed` are highlighted (and say so in words). */
function RuleFields({ rule, changed }: { rule: DiffRule; changed: string[] }) {
  const mark = (field: string) => changed.includes(field) || (field === 'check' && changed.includes('check'));
  const fields: { key: string; label: string; value: string }[] = [
    { key: 'function', label: 'function', value: rule.function },
    { key: 'criticality', label: 'criticality', value: rule.criticality },
    ...Object.entries(rule.arguments).map(([k, v]) => ({ key: `arguments.${k}`, label: k, value: valueText(v) })),
    ...(rule.filter !== null || changed.includes('filter') ? [{ key: 'filter', label: 'filter', value: rule.filter ?? '(none)' }] : []),
  ];
  const user = (rule.check as { user_metadata?: unknown }).user_metadata;
  if (user !== undefined || changed.includes('user_metadata')) fields.push({ key: 'user_metadata', label: 'user_metadata', value: valueText(user ?? null) });
  const msg = (rule.check as { message_expr?: unknown }).message_expr;
  if (msg !== undefined || changed.includes('message_expr')) fields.push({ key: 'message_expr', label: 'message_expr', value: valueText(msg ?? null) });
  return (
    <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-0.5 text-xs">
      {fields.map((f) => {
        const hit = mark(f.key);
        return (
          <div key={f.key} className={cn('contents', hit && '[&>*]:bg-amber-500/15')} data-changed={hit ? 'true' : undefined}>
            <dt className={cn('text-muted-foreground rounded-l px-1 font-mono', hit && 'text-foreground font-semibold')}>{f.label}</dt>
            <dd className="rounded-r px-1 font-mono break-all">
              {f.value}
              {hit && <span className="sr-only"> (changed)</span>}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}

function Side({ rule, changed, empty }: { rule: DiffRule | null; changed: string[]; empty: string }) {
  if (!rule) return <div className="text-muted-foreground grid place-items-center rounded-md border border-dashed p-3 text-xs">{empty}</div>;
  return (
    <div className="bg-card grid gap-2 rounded-md border p-3">
      <p className="font-mono text-xs font-medium break-all">{rule.name}</p>
      <RuleFields rule={rule} changed={changed} />
    </div>
  );
}

const KIND = {
  added: { label: 'Added', Icon: Plus, variant: 'success' as const },
  removed: { label: 'Removed', Icon: Minus, variant: 'destructive' as const },
  changed: { label: 'Changed', Icon: Pencil, variant: 'warning' as const },
};

/**
 * Two versions side by side, rule by rule: added, removed, and changed rules with the changed
 * fields highlighted. Unchanged rules are counted, not shown.
 */
export function DiffView({ diff }: { diff: RuleSetDiff }) {
  const entries: { kind: keyof typeof KIND; name: string; from: DiffRule | null; to: DiffRule | null; changed: string[] }[] = [
    ...diff.changed.map((c) => ({ kind: 'changed' as const, name: c.name, from: c.from, to: c.to, changed: c.changed_fields })),
    ...diff.removed.map((r) => ({ kind: 'removed' as const, name: r.name, from: r, to: null, changed: [] })),
    ...diff.added.map((r) => ({ kind: 'added' as const, name: r.name, from: null, to: r, changed: [] })),
  ];
  return (
    <div className="grid gap-3" data-testid="version-diff">
      <p className="text-sm" role="status">
        Version {diff.from.version} → version {diff.to.version}: {diff.added.length} added, {diff.removed.length} removed, {diff.changed.length} changed,{' '}
        {diff.unchanged} unchanged.
      </p>
      {entries.length === 0 ? (
        <p className="text-muted-foreground text-sm">The two versions hold the same rules.</p>
      ) : (
        <>
          <div className="text-muted-foreground hidden grid-cols-2 gap-3 text-xs font-medium sm:grid">
            <span>Version {diff.from.version}</span>
            <span>Version {diff.to.version}</span>
          </div>
          <ul className="grid gap-3" aria-label="Differences">
            {entries.map((e, i) => {
              const k = KIND[e.kind];
              return (
                <li key={`${e.kind}-${e.name}-${i}`} className="grid gap-2" data-diff={e.kind}>
                  <div className="flex flex-wrap items-center gap-2">
                    <Badge variant={k.variant}>
                      <k.Icon aria-hidden /> {k.label}
                    </Badge>
                    <span className="font-mono text-xs break-all">{e.name}</span>
                    {e.kind === 'changed' && <span className="text-muted-foreground text-xs">changed: {e.changed.join(', ')}</span>}
                  </div>
                  <div className="grid gap-2 sm:grid-cols-2">
                    <div className="grid gap-1">
                      <span className="text-muted-foreground text-xs sm:hidden">Version {diff.from.version}</span>
                      <Side rule={e.from} changed={e.changed} empty={`Not in version ${diff.from.version}`} />
                    </div>
                    <div className="grid gap-1">
                      <span className="text-muted-foreground text-xs sm:hidden">Version {diff.to.version}</span>
                      <Side rule={e.to} changed={e.changed} empty={`Not in version ${diff.to.version}`} />
                    </div>
                  </div>
                </li>
              );
            })}
          </ul>
        </>
      )}
    </div>
  );
}
