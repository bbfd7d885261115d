'use client';

import { ChevronDown, ChevronRight, ListTree } from 'lucide-react';
import { Fragment } from 'react';

import { dryRunScope, formatCount, formatPercent, formatRunRate, percentDecimals, plural } from '@/components/runs/format';
import { LocalTime } from '@/components/runs/local-time';
import { Button } from '@/components/ui/button';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import type { RunDetail } from '@/lib/services/runs';
import type { ValidationOutput, ValidationRuleOut, ValidationRunSummary } from '@/lib/services/validation';

import { FailingRowsBrowser, FailingRowsTable } from './failing-rows';
import { ReportDownload } from './report-download';
import { RuleStatusBadge } from './rule-status';

/** Which rule's failing rows are open, and whether every failing row (paged) or the stored sample. */
export interface FailingRowsSelection {
  rule: string;
  /** Page of every failing row; null shows the sample kept with the run. */
  page: number | null;
}

/** The table columns a rule checks (its `columns` that name a column of the table). */
function failingColumnsOf(ruleColumns: string[] | null, columns: { name: string }[]): string[] {
  const byLower = new Map(columns.map((c) => [c.name.toLowerCase(), c.name]));
  return (ruleColumns ?? []).map((c) => byLower.get(c.toLowerCase())).filter((c): c is string => c !== undefined);
}

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="bg-card rounded-lg border px-3 py-2">
      <dt className="text-muted-foreground text-xs">{label}</dt>
      <dd className="text-xl font-semibold tabular-nums" title={hint}>
        {value}
      </dd>
    </div>
  );
}

function ruleDetail(rule: ValidationRuleOut): string {
  const parts = [rule.function];
  if (rule.columns?.length) parts.push(`on ${rule.columns.join(', ')}`);
  if (rule.filter) parts.push(`where ${rule.filter}`);
  return parts.join(' ');
}

/**
 * The results of a validation run (or a dry run): the row counts and pass rate, then every rule
 * with its rows evaluated, failing rows, pass rate and status; for a rule, the failing rows kept as
 * a sample with the run, or every failing row on demand, page by page.
 */
export function ValidationResults({
  run,
  selection,
  onSelect,
  showReport = true,
  tableRows = null,
}: {
  run: RunDetail;
  selection: FailingRowsSelection | null;
  onSelect: (selection: FailingRowsSelection | null) => void;
  showReport?: boolean;
  /** The table's row count when known: a dry run that read all of them says so. */
  tableRows?: number | null;
}) {
  const output = run.output as ValidationOutput | null;
  const summary = run.summary as (ValidationRunSummary & Record<string, unknown>) | null;
  if (!output || !summary) {
    return <p className="text-muted-foreground text-sm">This run has no results.</p>;
  }
  const rules = output.rules;
  // the run's pass rate and every rule's, written with the same decimals
  const decimals = percentDecimals([summary.pass_rate, ...rules.map((r) => r.pass_rate)]);
  const dry = output.dry_run;
  const notEvaluatedRules = rules.filter((r) => r.status === 'not_evaluated');
  const notEvaluated = notEvaluatedRules.length;
  const incomplete = notEvaluated > 0;
  const skipped = rules.filter((r) => r.status === 'skipped').length;
  const failed = rules.filter((r) => r.status === 'failed').length;
  const warned = rules.filter((r) => r.status === 'warning').length;

  return (
    <div className="grid gap-4" data-testid="validation-results">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <p className="text-muted-foreground text-sm">
          {dry ? `Dry run on ${dryRunScope(summary.total_rows, output.sample_rows, tableRows)}` : 'Whole table'} of{' '}
          <span className="font-mono">{output.table_name}</span>
          {output.rule_set_version !== null ? `, rule set version ${output.rule_set_version}` : ', draft rules'} · validated{' '}
          <LocalTime iso={output.validated_at} /> by {run.started_by}
        </p>
        {showReport && <ReportDownload runId={run.id} />}
      </div>

      <dl aria-label="Summary" className="grid grid-cols-2 gap-2 sm:grid-cols-3 lg:grid-cols-5">
        <Stat label="Total rows" value={formatCount(summary.total_rows)} />
        <Stat label="Valid rows" value={formatCount(summary.valid_rows)} hint="Rows without errors (rows with warnings only count as valid, as in DQX)" />
        <Stat label="Rows with errors" value={formatCount(summary.error_rows)} />
        <Stat label="Rows with warnings only" value={formatCount(summary.warning_rows)} />
        <Stat
          label="Pass rate"
          value={formatRunRate(summary.pass_rate, incomplete, decimals)}
          hint={incomplete ? 'Valid rows / total rows, over the rules evaluated only' : 'Valid rows / total rows'}
        />
      </dl>
      {incomplete && (
        <div role="status" data-testid="run-incomplete" className="rounded-md border border-amber-600/40 bg-amber-50 p-3 text-sm dark:bg-amber-950/30">
          <p className="font-medium">
            Incomplete: {plural(notEvaluated, 'rule')} {notEvaluated === 1 ? 'was' : 'were'} not evaluated, so the counts and the pass rate cover the
            other rules only.
          </p>
          <ul className="mt-1 list-disc pl-5">
            {notEvaluatedRules.map((r) => (
              <li key={r.index}>
                <span className="font-mono text-xs">{r.name}</span>: {r.message ?? 'not evaluated'}
              </li>
            ))}
          </ul>
        </div>
      )}
      <p className="text-sm">
        {plural(rules.length, 'rule')}: {failed} failed, {warned} with warnings, {rules.length - failed - warned - skipped - notEvaluated} passed
        {skipped ? `, ${skipped} skipped` : ''}
        {notEvaluated ? `, ${notEvaluated} not evaluated` : ''}.
        {output.missing_columns === 'skip' && skipped > 0 && ' Rules on missing columns ran as DQX runs them: skipped, and reported on every row.'}
      </p>

      <div className="overflow-x-auto rounded-md border">
        <Table aria-label="Results per rule">
          <TableHeader>
            <TableRow>
              <TableHead className="w-8 text-right">#</TableHead>
              <TableHead>Rule</TableHead>
              <TableHead>Criticality</TableHead>
              <TableHead>Status</TableHead>
              <TableHead className="text-right">Rows evaluated</TableHead>
              <TableHead className="text-right">Failing rows</TableHead>
              <TableHead className="text-right">Pass rate</TableHead>
              <TableHead>
                <span className="sr-only">Failing rows</span>
              </TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {rules.map((rule, i) => {
              const open = selection?.rule === rule.name;
              const canList = rule.failing_rows !== null && rule.failing_rows > 0;
              return (
                <Fragment key={`${rule.name}-${i}`}>
                  <TableRow data-rule={rule.name}>
                    <TableCell className="text-muted-foreground text-right tabular-nums">{i + 1}</TableCell>
                    <TableCell className="min-w-56 whitespace-normal">
                      <span className="block font-mono text-xs font-medium break-all">{rule.name}</span>
                      <span className="text-muted-foreground block font-mono text-[11px] break-all">{ruleDetail(rule)}</span>
                      {rule.message && <span className="text-muted-foreground block text-xs">{rule.message}</span>}
                    </TableCell>
                    <TableCell className="text-xs">{rule.criticality}</TableCell>
                    <TableCell>
                      <RuleStatusBadge status={rule.status} />
                    </TableCell>
                    <TableCell className="text-right tabular-nums">{formatCount(rule.rows_evaluated)}</TableCell>
                    <TableCell className="text-right tabular-nums" data-testid="failing-rows">
                      {formatCount(rule.failing_rows)}
                    </TableCell>
                    <TableCell className="text-right tabular-nums">{formatPercent(rule.pass_rate, decimals)}</TableCell>
                    <TableCell>
                      {canList && (
                        <Button
                          type="button"
                          size="sm"
                          variant="ghost"
                          aria-expanded={open}
                          aria-label={`${open ? 'Hide' : 'Show'} failing rows of ${rule.name}`}
                          onClick={() => onSelect(open ? null : { rule: rule.name, page: null })}
                        >
                          {open ? <ChevronDown /> : <ChevronRight />} Rows
                        </Button>
                      )}
                    </TableCell>
                  </TableRow>
                  {open && selection && (
                    <TableRow className="hover:bg-transparent">
                      <TableCell colSpan={8} className="bg-muted/30 max-w-0 p-3 whitespace-normal">
                        <div className="grid gap-3">
                          {selection.page === null ? (
                            <>
                              <p className="text-sm">
                                {rule.samples.length > 0
                                  ? `The first ${plural(rule.samples.length, 'failing row')} of ${formatCount(rule.failing_rows)}, kept with the run.`
                                  : 'No sample rows were kept with this run.'}
                              </p>
                              {rule.samples.length > 0 && (
                                <FailingRowsTable
                                  caption={`Sample failing rows of ${rule.name}`}
                                  columns={output.columns}
                                  keyColumns={output.key_columns}
                                  failingColumns={failingColumnsOf(rule.columns, output.columns)}
                                  rows={rule.samples.map((s) => ({ values: s.values, messages: s.message ? [s.message] : [] }))}
                                />
                              )}
                              <div>
                                <Button type="button" size="sm" variant="outline" onClick={() => onSelect({ rule: rule.name, page: 1 })}>
                                  <ListTree /> Show every failing row ({formatCount(rule.failing_rows)})
                                </Button>
                              </div>
                            </>
                          ) : (
                            <>
                              <div>
                                <Button type="button" size="sm" variant="ghost" onClick={() => onSelect({ rule: rule.name, page: null })}>
                                  Back to the sample
                                </Button>
                              </div>
                              <FailingRowsBrowser
                                runId={run.id}
                                rule={rule.name}
                                ruleIndex={rule.index}
                                page={selection.page}
                                onPage={(page) => onSelect({ rule: rule.name, page })}
                              />
                            </>
                          )}
                        </div>
                      </TableCell>
                    </TableRow>
                  )}
                </Fragment>
              );
            })}
          </TableBody>
        </Table>
      </div>
    </div>
  );
}
