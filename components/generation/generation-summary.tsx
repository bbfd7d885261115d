'use client';

import { Download, Info, TriangleAlert } from 'lucide-react';

import { formatCount, formatPercent, plural } from '@/components/runs/format';
import { LocalTime } from '@/components/runs/local-time';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import type { GenerationOutput } from '@/lib/services/generation';

import { saveFile } from '@/components/validation/report-download';

import { dqxValueText, parametersText } from './evidence';
import { expectedPassText, RuleImpactPanel } from './rule-impact';

function ruleText(rule: unknown): string {
  try {
    return JSON.stringify(rule);
  } catch {
    return String(rule);
  }
}

/** What a profile was built from, in a few words. */
function profileEvidence(p: GenerationOutput['profiles'][number]): string {
  const e = p.evidence;
  if (!e) return p.description ?? '–';
  const parts: string[] = [];
  if (e.statistic) parts.push(`${e.statistic} = ${dqxValueText(e.value)}`);
  parts.push(`${formatCount(e.rowsProfiled)} rows`);
  if (p.description) parts.push(p.description);
  return parts.join(' · ');
}

/**
 * What a generation produced besides the rules: which generator, how many rows were really
 * profiled and how they were chosen, the expected pass rate on the whole table and the rules that
 * are likely too strict (with a correction to accept), what the language model added (or why it
 * did not), the model rules that were dropped with their errors, and the column profiles.
 */
export function GenerationSummary({
  output,
  rowCount,
  accepted = new Set(),
  added = new Set(),
  onAcceptCorrection,
  onAddRule,
}: {
  output: GenerationOutput;
  rowCount: number | null;
  accepted?: ReadonlySet<number>;
  added?: ReadonlySet<number>;
  onAcceptCorrection?: (index: number) => void;
  onAddRule?: (index: number) => void;
}) {
  const fromModel = output.rules.filter((r) => r.origin === 'model').length;
  const fromProfile = output.rules.length - fromModel;
  const invalid = output.dropped_model_rules.filter((d) => d.reason === 'invalid');
  const duplicates = output.dropped_model_rules.filter((d) => d.reason === 'duplicate');

  return (
    <div className="bg-card grid gap-3 rounded-lg border p-4 text-sm" data-testid="generation-summary">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 className="text-base font-medium">Generated rules</h3>
        <Button
          type="button"
          size="sm"
          variant="outline"
          onClick={() =>
            saveFile(
              `dq_generation_${output.table_name.replace(/[^a-z0-9_-]+/gi, '_')}_${output.generated_at.slice(0, 10)}.json`,
              'application/json',
              JSON.stringify(output, null, 2) + '\n',
            )
          }
        >
          <Download /> Whole result (JSON)
        </Button>
      </div>
      <dl className="grid gap-x-6 gap-y-1 sm:grid-cols-[auto_1fr]">
        <dt className="text-muted-foreground">Rules</dt>
        <dd>
          {plural(output.rules.length, 'rule')}
          {output.model.configured
            ? `: ${fromProfile} from the profile, ${fromModel} from the language model`
            : ', all from the profile'}
        </dd>
        <dt className="text-muted-foreground">Generator</dt>
        <dd>
          {output.mode === 'recommended'
            ? 'Recommended: the whole table, robust statistics'
            : output.engine === 'job'
              ? 'DQX in a Databricks job'
              : 'DQX defaults: DQX’s own profiler and generator'}
        </dd>
        {output.impact && (
          <>
            <dt className="text-muted-foreground">Expected pass rate</dt>
            <dd data-testid="expected-pass-rate">
              {expectedPassText(output.impact)}
              {output.impact.with_corrections && (
                <span
                  className="text-muted-foreground block text-xs"
                  data-testid="pass-rate-with-corrections"
                >
                  {formatPercent(output.impact.with_corrections.expected_pass_rate)} with the suggested
                  corrections accepted
                </span>
              )}
            </dd>
          </>
        )}
        <dt className="text-muted-foreground">Rows actually profiled</dt>
        <dd data-testid="rows-profiled">
          {formatCount(output.rows_profiled)} of{' '}
          {rowCount === null ? 'an unknown number of' : formatCount(rowCount)} rows
          <span className="text-muted-foreground block text-xs">{output.sampling.description}</span>
        </dd>
        <dt className="text-muted-foreground">Generated</dt>
        <dd>
          <LocalTime iso={output.generated_at} /> ·{' '}
          {output.engine === 'job' ? 'by DQX in a Databricks job' : 'by SQL on the warehouse'}
        </dd>
        {output.model.configured && output.model.name && (
          <>
            <dt className="text-muted-foreground">Language model</dt>
            <dd>
              {output.model.name}
              {output.model.repaired > 0
                ? ` · ${plural(output.model.repaired, 'rule')} repaired after the engine sent back its errors`
                : ''}
            </dd>
          </>
        )}
      </dl>

      <RuleImpactPanel
        output={output}
        accepted={accepted}
        added={added}
        onAcceptCorrection={onAcceptCorrection}
        onAddRule={onAddRule}
      />

      {output.model.reason && (
        <Alert role="note">
          <Info aria-hidden />
          <AlertTitle>
            {output.model.configured
              ? 'No rules from the language model'
              : 'Rules come from the profile only'}
          </AlertTitle>
          <AlertDescription>
            <p>{output.model.reason}</p>
            {!output.model.configured && (
              <p>
                Set <code>DQX_LLM_BASE_URL</code> and <code>DQX_LLM_MODEL</code> (or{' '}
                <code>DQX_SERVING_ENDPOINT</code> in Databricks) to add rules written for your request.
              </p>
            )}
          </AlertDescription>
        </Alert>
      )}

      {output.model.configured &&
        !output.model.reason &&
        fromModel === 0 &&
        output.dropped_model_rules.length === 0 && (
          <p className="text-muted-foreground">
            The language model proposed no rules beyond the profile’s for this request. Name the columns or
            the kind of problem you care about and generate again.
          </p>
        )}

      {invalid.length > 0 && (
        <Alert variant="warning">
          <TriangleAlert aria-hidden />
          <AlertTitle>
            {plural(invalid.length, 'rule')} from the model {invalid.length === 1 ? 'was' : 'were'} dropped
          </AlertTitle>
          <AlertDescription>
            <p>
              They failed the rule engine’s validation even after being sent back once for repair, so they are
              not in the list.
            </p>
            <ul aria-label="Dropped model rules" className="grid w-full gap-2">
              {invalid.map((d, i) => (
                <li key={i} className="grid gap-0.5">
                  <code className="bg-background/60 rounded px-1 text-xs break-all">{ruleText(d.rule)}</code>
                  {d.errors.map((e, j) => (
                    <span key={j} className="text-xs">
                      {e}
                    </span>
                  ))}
                </li>
              ))}
            </ul>
          </AlertDescription>
        </Alert>
      )}

      {duplicates.length > 0 && (
        <details className="rounded-md border px-3 py-2">
          <summary className="cursor-pointer">
            {plural(duplicates.length, 'model rule')} left out as{' '}
            {duplicates.length === 1 ? 'a duplicate' : 'duplicates'} of profile rules
          </summary>
          <ul className="mt-2 grid gap-2">
            {duplicates.map((d, i) => (
              <li key={i} className="grid gap-0.5">
                <code className="text-xs break-all">{ruleText(d.rule)}</code>
                <span className="text-muted-foreground text-xs">{d.errors.join(' ')}</span>
              </li>
            ))}
          </ul>
        </details>
      )}

      {(output.column_notes?.length ?? 0) > 0 && (
        <details className="rounded-md border px-3 py-2">
          <summary className="cursor-pointer">
            Why some columns have no rule of a kind ({output.column_notes!.length})
          </summary>
          <ul aria-label="Column notes" className="mt-2 grid gap-1 text-xs">
            {output.column_notes!.map((n, i) => (
              <li key={i}>
                <code>{n.column}</code>: {n.note}
              </li>
            ))}
          </ul>
        </details>
      )}

      {output.mode === 'recommended' && output.column_stats ? (
        <details className="rounded-md border px-3 py-2">
          <summary className="cursor-pointer">
            Column statistics of the whole table ({output.column_stats.length})
          </summary>
          <div className="mt-2 overflow-x-auto">
            <Table aria-label="Column statistics">
              <TableHeader>
                <TableRow>
                  <TableHead>Column</TableHead>
                  <TableHead className="text-right">NULLs</TableHead>
                  <TableHead className="text-right">Distinct</TableHead>
                  <TableHead>Min · 1% · median · 99% · max</TableHead>
                  <TableHead>Formats</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {output.column_stats.map((c) => (
                  <TableRow key={c.column}>
                    <TableCell className="font-mono text-xs">
                      {c.column} <span className="text-muted-foreground">{c.type}</span>
                    </TableCell>
                    <TableCell className="text-right tabular-nums">{formatCount(c.nulls)}</TableCell>
                    <TableCell className="text-right tabular-nums">{formatCount(c.distinct)}</TableCell>
                    <TableCell className="max-w-96 font-mono text-xs break-all whitespace-normal">
                      {c.min === null
                        ? '–'
                        : [c.min, c.p01, c.median, c.p99, c.max].map((v) => v ?? '–').join(' · ')}
                    </TableCell>
                    <TableCell className="text-muted-foreground text-xs">
                      {Object.entries(c.formats)
                        .map(([k, v]) => `${k} ${formatPercent(v)}`)
                        .join(', ') || '–'}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
        </details>
      ) : null}

      {output.mode !== 'recommended' && (
        <details className="rounded-md border px-3 py-2">
          <summary className="cursor-pointer">Column profiles ({output.profiles.length})</summary>
          {output.profiles.length === 0 ? (
            <p className="text-muted-foreground mt-2">
              The profiler found nothing to propose for these columns.
            </p>
          ) : (
            <div className="mt-2 overflow-x-auto">
              <Table aria-label="Column profiles">
                <TableHeader>
                  <TableRow>
                    <TableHead>Profile</TableHead>
                    <TableHead>Column</TableHead>
                    <TableHead>Parameters</TableHead>
                    <TableHead>Evidence</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {output.profiles.map((p, i) => (
                    <TableRow key={`${p.name}-${p.column}-${i}`}>
                      <TableCell className="font-mono text-xs">{p.name}</TableCell>
                      <TableCell className="font-mono text-xs">{p.column}</TableCell>
                      <TableCell className="max-w-96 font-mono text-xs break-all whitespace-normal">
                        {parametersText(p.parameters as Record<string, unknown> | null)}
                      </TableCell>
                      <TableCell className="text-muted-foreground max-w-96 text-xs whitespace-normal">
                        {profileEvidence(p)}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </div>
          )}
        </details>
      )}
    </div>
  );
}
