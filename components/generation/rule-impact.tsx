'use client';

import { Check, CircleCheck, Plus, TriangleAlert } from 'lucide-react';

import { formatCount, formatPercent, plural } from '@/components/runs/format';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import type { DqxCheck } from '@/lib/dqx';
import type { GenerationOutput } from '@/lib/services/generation';

import { impactText, shareText } from './evidence';

/** A rule as people refer to it: its name, else function(columns). */
export function ruleLabel(check: DqxCheck): string {
  if (check.name) return check.name;
  const args = (check.check.arguments ?? {}) as Record<string, unknown>;
  const cols = args.column ?? args.columns;
  const text = Array.isArray(cols) ? cols.join(', ') : typeof cols === 'string' ? cols : '';
  return `${check.check.function}(${text})`;
}

const code = (value: unknown) => JSON.stringify(value);

/**
 * What the proposed rules would do to the whole table, before anything is saved: the expected pass
 * rate, every rule flagged as likely too strict with its evidence and a correction to accept in
 * one click, model rules kept apart because they would fail many rows (added only on request), and
 * the failing rows of every rule.
 */
export function RuleImpactPanel({
  output,
  accepted,
  added,
  onAcceptCorrection,
  onAddRule,
}: {
  output: GenerationOutput;
  /** Indexes (in output.rules) whose correction the user accepted. */
  accepted: ReadonlySet<number>;
  /** Indexes (in output.doubtful_model_rules) the user added anyway. */
  added: ReadonlySet<number>;
  onAcceptCorrection?: (index: number) => void;
  onAddRule?: (index: number) => void;
}) {
  const impact = output.impact;
  const flagged = output.rules.map((r, i) => ({ r, i })).filter(({ r }) => r.flag);
  const doubtful = output.doubtful_model_rules ?? [];
  if (!impact && doubtful.length === 0) return null;

  return (
    <div className="grid gap-3">
      {flagged.length > 0 && (
        <Alert variant="warning" data-testid="too-strict-rules">
          <TriangleAlert aria-hidden />
          <AlertTitle>
            {plural(flagged.length, 'rule')} {flagged.length === 1 ? 'is' : 'are'} likely too strict
          </AlertTitle>
          <AlertDescription>
            <p>
              {flagged.length === 1 ? 'It fails' : 'Each fails'} more than{' '}
              {shareText(impact?.too_strict_share ?? 0.05)} of the table’s rows. Look at the evidence, then
              accept the suggested correction or edit the rule yourself.
            </p>
            <ul aria-label="Rules likely too strict" className="grid w-full gap-3">
              {flagged.map(({ r, i }) => {
                const flag = r.flag!;
                const done = accepted.has(i);
                const label = ruleLabel(r.check);
                return (
                  <li
                    key={i}
                    className="bg-background/60 grid gap-1 rounded-md border p-2"
                    data-testid="too-strict-rule"
                  >
                    <p className="font-medium break-all">
                      <code>{label}</code>: {flag.message}
                    </p>
                    {flag.evidence && <p className="text-xs">{flag.evidence}</p>}
                    <p className="text-xs">
                      <span className="font-medium">Suggested correction: </span>
                      {flag.correction.action === 'remove' ? 'remove the rule. ' : 'replace it with '}
                      {flag.correction.rule && (
                        <code className="break-all">{code(flag.correction.rule.check)}</code>
                      )}
                      {flag.correction.rule ? '. ' : ''}
                      {flag.correction.reason}
                      {flag.correction.impact ? ` ${impactText(flag.correction.impact)}` : ''}
                    </p>
                    <div>
                      {done ? (
                        <span
                          className="inline-flex items-center gap-1 text-xs text-emerald-700 dark:text-emerald-300"
                          role="status"
                        >
                          <CircleCheck aria-hidden className="size-4" /> Correction applied in the editor
                        </span>
                      ) : (
                        <Button
                          type="button"
                          size="sm"
                          variant="outline"
                          disabled={!onAcceptCorrection}
                          onClick={() => onAcceptCorrection?.(i)}
                          aria-label={`Accept the correction for ${label}`}
                        >
                          <Check />{' '}
                          {flag.correction.action === 'remove' ? 'Remove the rule' : 'Accept the correction'}
                        </Button>
                      )}
                    </div>
                  </li>
                );
              })}
            </ul>
          </AlertDescription>
        </Alert>
      )}

      {doubtful.length > 0 && (
        <Alert variant="warning" data-testid="doubtful-model-rules">
          <TriangleAlert aria-hidden />
          <AlertTitle>{plural(doubtful.length, 'rule')} from the model kept apart</AlertTitle>
          <AlertDescription>
            <p>
              Measured on the table, {doubtful.length === 1 ? 'it' : 'they'} would fail a large share of the
              rows even after the model was asked once to correct {doubtful.length === 1 ? 'it' : 'them'}, so{' '}
              {doubtful.length === 1 ? 'it is' : 'they are'} not in the rule set. Add one only if those rows
              really are wrong.
            </p>
            <ul aria-label="Model rules kept apart" className="grid w-full gap-2">
              {doubtful.map((d, i) => (
                <li key={i} className="grid gap-1">
                  <code className="bg-background/60 rounded px-1 text-xs break-all">{code(d.rule)}</code>
                  <span className="text-xs">{d.message}</span>
                  <div>
                    {added.has(i) ? (
                      <span className="text-xs" role="status">
                        Added to the rules in the editor.
                      </span>
                    ) : (
                      <Button
                        type="button"
                        size="sm"
                        variant="outline"
                        disabled={!onAddRule}
                        onClick={() => onAddRule?.(i)}
                      >
                        <Plus /> Add it anyway
                      </Button>
                    )}
                  </div>
                </li>
              ))}
            </ul>
          </AlertDescription>
        </Alert>
      )}

      {impact && (
        <details className="rounded-md border px-3 py-2">
          <summary className="cursor-pointer">
            Rows each rule fails on the whole table ({output.rules.length})
          </summary>
          <div className="mt-2 overflow-x-auto">
            <Table aria-label="Impact of each rule">
              <TableHeader>
                <TableRow>
                  <TableHead>Rule</TableHead>
                  <TableHead className="text-right">Failing rows</TableHead>
                  <TableHead className="text-right">Share</TableHead>
                  <TableHead>Examples</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {output.rules.map((r, i) => (
                  <TableRow key={i}>
                    <TableCell className="max-w-96 font-mono text-xs break-all whitespace-normal">
                      {ruleLabel(r.check)}
                      {r.flag && (
                        <TriangleAlert
                          aria-label="likely too strict"
                          className="ml-1 inline size-3.5 text-amber-600"
                        />
                      )}
                    </TableCell>
                    <TableCell className="text-right tabular-nums">
                      {r.impact?.failing_rows === null || r.impact === undefined
                        ? '–'
                        : formatCount(r.impact?.failing_rows)}
                    </TableCell>
                    <TableCell className="text-right tabular-nums">
                      {r.impact?.failing_share === null || r.impact?.failing_share === undefined
                        ? '–'
                        : shareText(r.impact.failing_share)}
                    </TableCell>
                    <TableCell className="text-muted-foreground max-w-72 text-xs break-all whitespace-normal">
                      {r.impact?.message ?? r.impact?.examples.join(', ')}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
        </details>
      )}
    </div>
  );
}

/** "99.99% (999,880 of 1,000,000 rows) would pass every rule". */
export function expectedPassText(impact: NonNullable<GenerationOutput['impact']>): string {
  return `${formatPercent(impact.expected_pass_rate)} of the rows (${formatCount(impact.passing_rows)} of ${formatCount(impact.total_rows)}) pass every rule`;
}
