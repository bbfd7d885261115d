'use client';

import { ArrowDown, ArrowUp, CircleAlert, Copy, Trash2, TriangleAlert } from 'lucide-react';
import { useRef } from 'react';

import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { cn } from '@/lib/utils';

import { EMPTY_RULE_ISSUES, type RuleIssues } from './rule-issues';
import { summarizeRule, type RuleAnnotation, type RuleItem } from './rule-model';

const ORIGIN_BADGE: Record<RuleAnnotation['origin'], string> = {
  profile: 'profile',
  model: 'model',
  manual: 'manual',
  imported: 'imported',
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The rules as a list: name (or the name DQX derives), function, columns, criticality, filter,
 * where the rule runs, its origin and its problems. Each entry is a button that opens the rule in
 * the form (arrow keys move between entries), with buttons to duplicate, move and delete it.
 */
export function RuleList({
  items,
  issuesByKey,
  selectedKey,
  onSelect,
  onDuplicate,
  onDelete,
  onMove,
  readOnly,
  idPrefix,
}: {
  items: readonly RuleItem[];
  issuesByKey: Map<string, RuleIssues>;
  selectedKey: string | null;
  onSelect: (key: string) => void;
  onDuplicate: (key: string) => void;
  onDelete: (key: string) => void;
  onMove: (key: string, by: -1 | 1) => void;
  readOnly?: boolean;
  idPrefix: string;
}) {
  const listRef = useRef<HTMLOListElement>(null);
  const focusEntry = (index: number) => {
    const buttons = listRef.current?.querySelectorAll<HTMLButtonElement>('[data-rule-entry]');
    buttons?.[Math.max(0, Math.min(index, buttons.length - 1))]?.focus();
  };

  const positions = new Map(items.map((item, i) => [item.key, i + 1]));

  return (
    <ol ref={listRef} aria-label="Rules" className="grid gap-2">
      {items.map((item, index) => {
        const s = summarizeRule(item.rule);
        const issues = issuesByKey.get(item.key) ?? EMPTY_RULE_ISSUES;
        const selected = item.key === selectedKey;
        const n = index + 1;
        const label = `Rule ${n}: ${s.displayName}`;
        // A merge added this rule although one of the user's rules checks the same (while both are here).
        const rival = item.annotation?.conflictWith ? positions.get(item.annotation.conflictWith) : undefined;
        return (
          <li
            key={item.key}
            className={cn(
              'bg-card group relative rounded-lg border transition-colors',
              selected ? 'border-primary ring-primary/30 ring-2' : 'hover:border-foreground/30',
              issues.errors.length > 0 && !selected && 'border-destructive/60',
            )}
          >
            <button
              type="button"
              data-rule-entry
              id={`${idPrefix}-entry-${item.key}`}
              aria-current={selected ? 'true' : undefined}
              aria-label={`${label}${issues.errors.length ? `, ${plural(issues.errors.length, 'error')}` : ''}${issues.warnings.length ? `, ${plural(issues.warnings.length, 'warning')}` : ''}${rival ? `, conflicts with rule ${rival}` : ''}`}
              className="focus-visible:ring-ring/50 w-full rounded-lg px-3 py-2 pr-3 text-left outline-none focus-visible:ring-[3px] sm:pr-36"
              onClick={() => onSelect(item.key)}
              onKeyDown={(e) => {
                if (e.key === 'ArrowDown') {
                  e.preventDefault();
                  focusEntry(index + 1);
                } else if (e.key === 'ArrowUp') {
                  e.preventDefault();
                  focusEntry(index - 1);
                } else if (e.key === 'Home') {
                  e.preventDefault();
                  focusEntry(0);
                } else if (e.key === 'End') {
                  e.preventDefault();
                  focusEntry(items.length - 1);
                }
              }}
            >
              <span className="flex min-w-0 items-baseline gap-2">
                <span className="text-muted-foreground shrink-0 text-xs tabular-nums">{n}.</span>
                <span
                  className={cn(
                    'min-w-0 font-mono text-sm break-all',
                    s.nameIsDefault && 'text-muted-foreground italic',
                  )}
                  title={s.nameIsDefault ? 'The name DQX derives (no name set)' : undefined}
                >
                  {s.displayName}
                </span>
              </span>
              <span className="text-muted-foreground mt-1 flex flex-wrap items-center gap-x-2 gap-y-1 text-xs">
                <code className="text-foreground font-mono">{s.functionName || 'no function yet'}</code>
                {s.columns.length > 0 && (
                  <span className="font-mono break-all">
                    {s.forEach ? 'each of ' : ''}
                    {s.columns.join(', ')}
                  </span>
                )}
                {s.filter && <span className="font-mono break-all">where {s.filter}</span>}
              </span>
              <span className="mt-1.5 flex flex-wrap items-center gap-1">
                <Badge
                  variant="outline"
                  className={cn(
                    s.criticality === 'warn' ? 'text-amber-700 dark:text-amber-300' : 'text-foreground',
                  )}
                >
                  {s.criticality}
                </Badge>
                {s.runsIn && (
                  <Badge variant={s.runsIn === 'sql' ? 'secondary' : 'warning'}>
                    {s.runsIn === 'sql' ? 'SQL' : 'job only'}
                  </Badge>
                )}
                {item.annotation && (
                  <Badge variant="outline" className="text-muted-foreground">
                    {ORIGIN_BADGE[item.annotation.origin]}
                    {item.annotation.edited ? ', edited' : ''}
                  </Badge>
                )}
                {rival && (
                  <Badge
                    variant="warning"
                    data-testid="rule-conflict"
                    title={`A merge added this rule; rule ${rival} (yours) checks the same. Keep one of them.`}
                  >
                    <TriangleAlert aria-hidden /> conflict with rule {rival}
                  </Badge>
                )}
                {item.annotation?.flag && !item.annotation.edited && (
                  <Badge variant="warning" title={item.annotation.flag} data-testid="rule-flag">
                    <TriangleAlert aria-hidden /> likely too strict
                  </Badge>
                )}
                {issues.errors.length > 0 && (
                  <Badge variant="destructive" data-testid="rule-error-count">
                    <CircleAlert aria-hidden /> {plural(issues.errors.length, 'error')}
                  </Badge>
                )}
                {issues.warnings.length > 0 && (
                  <Badge variant="warning" data-testid="rule-warning-count">
                    <TriangleAlert aria-hidden /> {plural(issues.warnings.length, 'warning')}
                  </Badge>
                )}
              </span>
              {item.annotation?.evidence && (
                <span className="text-muted-foreground mt-1 line-clamp-2 block text-xs">
                  {item.annotation.evidence}
                </span>
              )}
            </button>
            {!readOnly && (
              <span className="flex justify-end gap-0.5 px-2 pb-2 sm:absolute sm:top-1.5 sm:right-1.5 sm:p-0">
                <Button
                  type="button"
                  variant="ghost"
                  size="icon"
                  className="size-8"
                  aria-label={`Move rule ${n} up`}
                  disabled={index === 0}
                  onClick={() => onMove(item.key, -1)}
                >
                  <ArrowUp />
                </Button>
                <Button
                  type="button"
                  variant="ghost"
                  size="icon"
                  className="size-8"
                  aria-label={`Move rule ${n} down`}
                  disabled={index === items.length - 1}
                  onClick={() => onMove(item.key, 1)}
                >
                  <ArrowDown />
                </Button>
                <Button
                  type="button"
                  variant="ghost"
                  size="icon"
                  className="size-8"
                  aria-label={`Duplicate rule ${n}`}
                  onClick={() => onDuplicate(item.key)}
                >
                  <Copy />
                </Button>
                <Button
                  type="button"
                  variant="ghost"
                  size="icon"
                  className="hover:text-destructive size-8"
                  aria-label={`Delete rule ${n}`}
                  onClick={() => onDelete(item.key)}
                >
                  <Trash2 />
                </Button>
              </span>
            )}
          </li>
        );
      })}
    </ol>
  );
}
