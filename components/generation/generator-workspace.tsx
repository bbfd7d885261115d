'use client';

import { BrainCircuit, CircleAlert, CircleCheck, FlaskConical, Loader2, Save, Sparkles, X } from 'lucide-react';
import Link from 'next/link';
import { useId, useMemo, useState } from 'react';

import { newRuleKey, type RawRule, type RuleItem, type TableColumn } from '@/components/rules/rule-model';
import { RuleSetWorkspace, type RuleSeed, type RuleSetState } from '@/components/rules/rule-set-workspace';
import { useRuleSetState } from '@/components/rules/use-rule-set-state';
import { TablePreparing, useTableAvailability } from '@/components/catalog/table-availability';
import { provenanceOf } from '@/components/rules/rule-provenance';
import { defaultDryRunRows, dryRunChoices, dryRunScope, formatRunRate, isTerminal, plural } from '@/components/runs/format';
import { LocalTime } from '@/components/runs/local-time';
import { RunProgress } from '@/components/runs/run-progress';
import { useUrlState } from '@/components/runs/url-state';
import { useRun } from '@/components/runs/use-run';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { NativeSelect } from '@/components/ui/native-select';
import { ValidationResults, type FailingRowsSelection } from '@/components/validation/validation-results';
import { analyzeRulesAction } from '@/lib/actions/analysis';
import { proposalHref } from '@/components/history/proposal-links';
import { saveGeneratedRuleSetAction } from '@/lib/actions/generation';
import { startDryRunAction } from '@/lib/actions/validation';
import type { RuleAnalysis } from '@/lib/services/analysis';
import type { GenerationOutput } from '@/lib/services/generation';
import type { SavedRuleSetVersion } from '@/lib/services/rule-sets';
import type { RunDetail } from '@/lib/services/runs';
import type { ValidationRunSummary } from '@/lib/services/validation';
import type { Dialect } from '@/lib/sql/quote';
import type { TableAvailability } from '@/lib/warehouse/port';

import { AnalysisView, readAnalysis } from './analysis-view';
import { generationSeed, impactText } from './evidence';
import { GenerateForm, type ModelInfo } from './generate-form';
import { GenerationSummary } from './generation-summary';
import { ruleLabel } from './rule-impact';

const STORE_LABEL = { pglite: 'embedded Postgres', postgres: 'Postgres', lakebase: 'Lakebase' } as const;

/** Whether the table can be profiled, dry-run and saved for: why not, when it cannot. */
export type GeneratorTableState =
  | { status: 'ok' }
  | { status: 'not_found' | 'invalid_name' | 'forbidden' | 'unavailable'; message: string }
  | { status: 'preparing'; message: string; availability: TableAvailability };

/** Why Generate, Dry run and Save cannot be used for this table, or null when they can. */
function tableBlockReason(state: GeneratorTableState, table: string): string | null {
  switch (state.status) {
    case 'ok':
      return null;
    case 'not_found':
      return `${table} does not exist, or you cannot read it: choose a table with the search box above. (You can still write rules here and download them.)`;
    case 'invalid_name':
      return `${table} is not a table name (catalog.schema.table): choose a table with the search box above.`;
    case 'forbidden':
      return `You cannot read ${table}: ${state.message}`;
    case 'preparing':
      return `${table} is being prepared; this is available as soon as it is ready.`;
    case 'unavailable':
      return `${table} cannot be read right now (${state.message}). Reload the page to try again.`;
  }
}

type Analysis =
  | { status: 'idle' }
  | { status: 'loading'; rulesJson: string }
  | { status: 'done'; rulesJson: string; data: RuleAnalysis }
  | { status: 'error'; message: string };

type SaveState =
  | { status: 'idle' }
  | { status: 'saving' }
  | { status: 'saved'; saved: SavedRuleSetVersion; message: string | null }
  | { status: 'error'; message: string };

const rulesKey = (state: RuleSetState | null) => JSON.stringify(state?.rules ?? []);

/**
 * The Generator's step 2: generate rules (a background run whose id is in the URL, so a reload or
 * a later visit resumes it), review and edit them with their origin and evidence, try them on a
 * sample (dry run), have them analysed by the language model, and save them as a new version.
 */
export function GeneratorWorkspace({
  table,
  columns,
  dialect,
  columnsNotice,
  rowCount,
  model,
  mode,
  initialRun,
  store,
  tableState = { status: 'ok' },
}: {
  table: string;
  columns: TableColumn[];
  dialect?: Dialect;
  columnsNotice: string | null;
  rowCount: number | null;
  model: ModelInfo;
  mode: 'local' | 'databricks';
  initialRun: RunDetail | null;
  /** Whether the rule store answers (checked when the page loaded): saving needs it. */
  store: { ok: boolean; kind: 'pglite' | 'postgres' | 'lakebase'; message: string | null };
  /** Whether the table can be read (it may not exist, or still be being prepared). */
  tableState?: GeneratorTableState;
}) {
  const id = useId();
  const url = useUrlState();
  const runId = url.params.get('run');
  const generation = useRun(runId, initialRun);
  const run = generation.run;
  const runActive = run !== null && !isTerminal(run.status);
  const wrongTable = run !== null && run.table_name.toLowerCase() !== table.toLowerCase();
  const wrongKind = run !== null && run.kind !== 'generation';
  const output = run && run.status === 'succeeded' && !wrongTable && !wrongKind ? (run.output as GenerationOutput | null) : null;
  const baseSeed = useMemo(() => (run && output ? generationSeed(run.id, output) : null), [run, output]);
  // Corrections accepted and doubtful model rules added from the summary: the editor is given its
  // current rules again with the change applied (annotations and edits kept).
  const [fix, setFix] = useState<{ runId: string; n: number; seed: RuleSeed; accepted: Set<number>; added: Set<number> } | null>(null);
  const [fixError, setFixError] = useState<string | null>(null);
  const currentFix = fix && run && fix.runId === run.id ? fix : null;
  const seed = currentFix?.seed ?? baseSeed;
  // A table being prepared: its progress, followed until it is ready (then the page reloads).
  const availability = useTableAvailability(table, tableState.status === 'preparing' ? tableState.availability : null);
  const tableBlock = tableBlockReason(tableState, table);

  const [request, setRequest] = useState<string>(() => {
    const r = initialRun?.parameters?.request;
    return typeof r === 'string' ? r : '';
  });
  const [showForm, setShowForm] = useState(false);
  // The rules in the editor, and problems the server found in them (shown until the rules change).
  const { rules, onRulesChange, externalIssues, reportIssues } = useRuleSetState();

  // Dry run: each choice asks for exactly the rows its label names.
  const dryChoices = useMemo(() => dryRunChoices(rowCount), [rowCount]);
  const [dryRows, setDryRows] = useState<number>(() => defaultDryRunRows(dryChoices));
  const [dry, setDry] = useState<{ runId: string | null; rulesJson: string; error: string | null; starting: boolean }>({
    runId: null,
    rulesJson: '',
    error: null,
    starting: false,
  });
  const dryRun = useRun(dry.runId);
  const [drySelection, setDrySelection] = useState<FailingRowsSelection | null>(null);

  const [analysis, setAnalysis] = useState<Analysis>({ status: 'idle' });
  const [save, setSave] = useState<SaveState>({ status: 'idle' });

  const startedRun = (newRunId: string) => {
    url.set({ run: newRunId }, { push: true });
    setShowForm(false);
  };

  const currentKey = rulesKey(rules);

  const reseed = (items: RuleItem[], change: { accepted?: number; added?: number }) => {
    if (!run) return;
    const n = (currentFix?.n ?? 0) + 1;
    setFix({
      runId: run.id,
      n,
      // The editor's own rules with the change applied: taken in at once (with undo), and a draft kept
      // in the browser stays based on the run.
      seed: {
        id: `${run.id}#${n}`,
        basis: run.id,
        apply: true,
        label: change.accepted !== undefined ? 'The correction' : 'The model rule',
        rules: items.map((i) => i.rule),
        annotations: items.map((i) => i.annotation),
      },
      accepted: new Set([...(currentFix?.accepted ?? []), ...(change.accepted === undefined ? [] : [change.accepted])]),
      added: new Set([...(currentFix?.added ?? []), ...(change.added === undefined ? [] : [change.added])]),
    });
  };

  const acceptCorrection = (index: number) => {
    const target = output?.rules[index];
    const flag = target?.flag;
    if (!target || !flag || !rules) return;
    const key = JSON.stringify(target.check);
    const position = rules.items.findIndex((item) => JSON.stringify(item.rule) === key);
    if (position < 0) {
      setFixError(`The rule ${ruleLabel(target.check)} was changed or removed in the editor, so the correction was not applied; change it there by hand.`);
      return;
    }
    setFixError(null);
    const items = [...rules.items];
    const correction = flag.correction;
    if (correction.action === 'replace' && correction.rule) {
      const evidence = [`Corrected after it was flagged (${flag.message})`, correction.reason, impactText(correction.impact)];
      items[position] = {
        ...items[position]!,
        rule: correction.rule as unknown as RawRule,
        annotation: { origin: 'profile', evidence: evidence.filter(Boolean).join(' ') },
      };
    } else {
      items.splice(position, 1);
    }
    reseed(items, { accepted: index });
  };

  const addDoubtful = (index: number) => {
    const d = output?.doubtful_model_rules?.[index];
    if (!d || !rules) return;
    setFixError(null);
    const annotation = { origin: 'model' as const, evidence: `${d.message} Added on request.`, flag: d.message };
    reseed([...rules.items, { key: newRuleKey(), rule: d.rule as unknown as RawRule, annotation }], { added: index });
  };
  const promptForSave = output ? output.request : request;

  const startDryRun = async () => {
    if (!rules) return;
    setDry({ runId: null, rulesJson: currentKey, error: null, starting: true });
    setDrySelection(null);
    const result = await startDryRunAction({ table, rules: rules.rules, sample_rows: dryRows }).catch(() => ({
      ok: false as const,
      message: 'The server could not be reached. Try again.',
      fieldErrors: undefined,
    }));
    if (!result.ok) {
      const placed = reportIssues(result.fieldErrors);
      setDry({
        runId: null,
        rulesJson: currentKey,
        starting: false,
        error: placed ? `${result.message} The problems are marked at the rules in the editor.` : result.message,
      });
      return;
    }
    setDry({ runId: result.data.run.id, rulesJson: currentKey, error: null, starting: false });
  };

  const analyze = async () => {
    if (!rules) return;
    setAnalysis({ status: 'loading', rulesJson: currentKey });
    const result = await analyzeRulesAction({ table, request: promptForSave, rules: rules.rules }).catch(() => ({
      ok: false as const,
      message: 'The server could not be reached. Try again.',
    }));
    setAnalysis(result.ok ? { status: 'done', rulesJson: currentKey, data: result.data } : { status: 'error', message: result.message });
  };

  const analysisCurrent = analysis.status === 'done' && analysis.rulesJson === currentKey ? analysis.data : null;
  const dryRunSummary = dryRun.run?.status === 'succeeded' && dry.rulesJson === currentKey ? (dryRun.run.summary as ValidationRunSummary | null) : null;

  const saveVersion = async () => {
    if (!rules) return;
    setSave({ status: 'saving' });
    const result = await saveGeneratedRuleSetAction({
      table,
      rules: rules.rules,
      user_prompt: promptForSave || null,
      ...(analysisCurrent ? { ai_summary: analysisCurrent } : {}),
      metadata: {
        rule_origins: rules.items.map((i) => (i.annotation ? `${i.annotation.origin}${i.annotation.edited ? ' (edited)' : ''}` : 'manual')),
        ...(dryRunSummary && dryRun.run
          ? {
              dry_run: {
                run_id: dryRun.run.id,
                // The rows it validated (what its label said), and whether that was the whole table.
                sample_rows: dryRunSummary.total_rows,
                scope: dryRunScope(dryRunSummary.total_rows, Number(dryRun.run.parameters.sample_rows ?? 0) || null, rowCount),
                pass_rate: dryRunSummary.pass_rate,
                incomplete: dryRunSummary.evaluation === 'incomplete',
              },
            }
          : {}),
      },
      rule_provenance: rules.items.map(provenanceOf),
      ...(output && run ? { generation_run_id: run.id } : {}),
    }).catch(() => ({ ok: false as const, message: 'The server could not be reached. Try again.', fieldErrors: undefined }));
    if (!result.ok) {
      const placed = reportIssues(result.fieldErrors);
      setSave({ status: 'error', message: placed ? `${result.message} The problems are marked at the rules in the editor.` : result.message });
      return;
    }
    setSave({ status: 'saved', saved: result.data, message: result.message ?? null });
  };

  const blockReason = (state: RuleSetState, what: string): string | null => {
    if (tableBlock) return tableBlock;
    if (state.items.length === 0) return `Add at least one rule to ${what}.`;
    if (state.validation.pending) return 'Checking the rules…';
    if (state.validation.errorCount > 0) return `Fix ${plural(state.validation.errorCount, 'error')} in the rules to ${what}.`;
    return null;
  };

  const actions = (state: RuleSetState) => {
    const dryBlock = blockReason(state, 'try them');
    const saveBlock = blockReason(state, 'save them');
    const dryActive = dry.starting || (dryRun.run !== null && !isTerminal(dryRun.run.status));
    return (
      <>
        <div className="flex flex-wrap items-center gap-2">
          <label htmlFor={`${id}-dry-rows`} className="text-sm">
            Dry run on
          </label>
          <div className="w-36">
            <NativeSelect id={`${id}-dry-rows`} value={dryRows} onChange={(e) => setDryRows(Number(e.target.value))} className="h-8">
              {dryChoices.map((c) => (
                <option key={c.rows} value={c.rows}>
                  {c.label}
                </option>
              ))}
            </NativeSelect>
          </div>
          <Button type="button" size="sm" variant="outline" onClick={() => void startDryRun()} disabled={Boolean(dryBlock) || dryActive}>
            {dryActive ? <Loader2 className="animate-spin" /> : <FlaskConical />} Dry run
          </Button>
        </div>
        <Button
          type="button"
          size="sm"
          variant="outline"
          onClick={() => void analyze()}
          disabled={!model.configured || state.items.length === 0 || analysis.status === 'loading'}
          title={model.configured ? undefined : 'AI analysis needs a language model; none is configured.'}
        >
          {analysis.status === 'loading' ? <Loader2 className="animate-spin" /> : <BrainCircuit />} Analyze with AI
        </Button>
        <Button type="button" size="sm" onClick={() => void saveVersion()} disabled={Boolean(saveBlock) || save.status === 'saving'}>
          {save.status === 'saving' ? <Loader2 className="animate-spin" /> : <Save />} Save as new version
        </Button>
        <p className="text-muted-foreground basis-full text-xs" data-testid="store-status">
          {[
            saveBlock,
            model.configured ? null : 'AI analysis is off: no language model is configured.',
            store.ok
              ? `Versions are saved in the rule store (${STORE_LABEL[store.kind]}).`
              : `The rule store does not answer (${store.message ?? 'no reason given'}); saving will fail until it is back. Reload the page to check again.`,
          ]
            .filter(Boolean)
            .join(' ')}
        </p>
      </>
    );
  };

  // The same form in three places: the start card, and to generate again after a run or instead of editing.
  const generateForm = (disabledReason: string | null = null) => (
    <GenerateForm
      table={table}
      rowCount={rowCount}
      model={model}
      mode={mode}
      initialRequest={request}
      onRequestChange={setRequest}
      disabledReason={tableBlock ?? disabledReason}
      onStarted={startedRun}
    />
  );

  const generateCard = (
    <div className="bg-card grid content-start gap-3 rounded-lg border p-4 sm:order-first sm:col-span-2">
      <h3 className="flex items-center gap-2 font-medium">
        <Sparkles aria-hidden className="size-4" /> Generate rules from the data{model.configured ? ' and your request' : ''}
      </h3>
      {availability && <TablePreparing table={table} availability={availability} what="Generate is available as soon as it is ready; this page updates by itself." />}
      {generateForm(runActive ? 'A generation is running (see above); wait for it or cancel it.' : null)}
    </div>
  );

  return (
    <div className="grid gap-6">
      {(runId || generation.error) && (
        <section aria-label="Generation" className="grid gap-3">
          {generation.error && (
            <Alert variant="destructive">
              <CircleAlert aria-hidden />
              <AlertTitle>This generation cannot be shown</AlertTitle>
              <AlertDescription>
                <p>{generation.error}</p>
                <Button type="button" size="sm" variant="outline" onClick={() => url.set({ run: null })}>
                  Start a new generation
                </Button>
              </AlertDescription>
            </Alert>
          )}
          {runId && !run && !generation.error && (
            <p role="status" className="text-muted-foreground flex items-center gap-2 text-sm">
              <Loader2 aria-hidden className="size-4 animate-spin" /> Loading the generation run…
            </p>
          )}
          {run && (wrongTable || wrongKind) && (
            <Alert variant="warning">
              <CircleAlert aria-hidden />
              <AlertTitle>This run is not a generation for {table}</AlertTitle>
              <AlertDescription>
                <p>
                  Run {run.id} is a {run.kind} run for {run.table_name}.{' '}
                  {run.kind === 'generation' && (
                    <Link className="underline" href={`/generator?table=${encodeURIComponent(run.table_name)}&run=${run.id}`}>
                      Open it with its table
                    </Link>
                  )}
                </p>
              </AlertDescription>
            </Alert>
          )}
          {run && !wrongTable && !wrongKind && (
            <RunProgress
              run={run}
              what="Generation"
              retrying={generation.retrying}
              onCancelled={generation.refresh}
              onRetry={() => {
                url.set({ run: null }, { push: true });
                setShowForm(true);
              }}
            />
          )}
          {output && (
            <GenerationSummary
              output={output}
              rowCount={rowCount}
              accepted={currentFix?.accepted}
              added={currentFix?.added}
              onAcceptCorrection={rules?.started ? acceptCorrection : undefined}
              onAddRule={rules?.started ? addDoubtful : undefined}
            />
          )}
          {fixError && (
            <p role="alert" className="text-destructive text-sm">
              {fixError}
            </p>
          )}
          {rules?.started && !runActive && (
            <div className="grid gap-3">
              {showForm ? (
                <div className="bg-card grid gap-3 rounded-lg border p-4">
                  <div className="flex items-center justify-between gap-2">
                    <h3 className="font-medium">Generate new rules</h3>
                    <Button type="button" size="icon" variant="ghost" aria-label="Close the generation form" onClick={() => setShowForm(false)}>
                      <X />
                    </Button>
                  </div>
                  <p className="text-muted-foreground text-sm">
                    When the result arrives, you choose whether to merge it with the rules you wrote or edited, or to replace them; either can be undone.
                  </p>
                  {generateForm()}
                </div>
              ) : (
                <div>
                  <Button type="button" variant="outline" size="sm" onClick={() => setShowForm(true)}>
                    <Sparkles /> Generate new rules
                  </Button>
                </div>
              )}
            </div>
          )}
        </section>
      )}

      <RuleSetWorkspace
        tableName={table}
        columns={columns}
        dialect={dialect}
        columnsNotice={columnsNotice}
        seed={seed}
        onRulesChange={onRulesChange}
        externalIssues={externalIssues}
        actions={actions}
        startOptions={generateCard}
        draftScope={`generator:${table}`}
        saved={save.status === 'saved' ? { marker: save.saved.id, version: save.saved.version } : null}
      />

      {!runId && rules?.started && !showForm && (
        <div>
          <Button type="button" variant="outline" size="sm" onClick={() => setShowForm(true)}>
            <Sparkles /> Generate rules instead
          </Button>
        </div>
      )}
      {!runId && rules?.started && showForm && (
        <div className="bg-card grid gap-3 rounded-lg border p-4">
          <h3 className="font-medium">Generate rules</h3>
          <p className="text-muted-foreground text-sm">
            When the result arrives, you choose whether to merge it with your rules or to replace them; either can be undone.
          </p>
          {generateForm()}
        </div>
      )}

      {(dry.runId || dry.error || dry.starting) && (
        <section aria-labelledby={`${id}-dry-heading`} className="grid gap-3">
          <h3 id={`${id}-dry-heading`} className="text-base font-medium">
            Dry run
          </h3>
          {dry.error && (
            <p role="alert" className="text-destructive text-sm">
              The dry run could not start: {dry.error}
            </p>
          )}
          {dry.starting && (
            <p role="status" className="text-muted-foreground flex items-center gap-2 text-sm">
              <Loader2 aria-hidden className="size-4 animate-spin" /> Starting the dry run…
            </p>
          )}
          {dryRun.error && (
            <p role="alert" className="text-destructive text-sm">
              {dryRun.error}
            </p>
          )}
          {dryRun.run && dryRun.run.status !== 'succeeded' && (
            <RunProgress run={dryRun.run} what="Dry run" retrying={dryRun.retrying} onCancelled={dryRun.refresh} onRetry={() => void startDryRun()} />
          )}
          {dryRun.run?.status === 'succeeded' && (
            <>
              {dry.rulesJson !== currentKey && (
                <p role="status" className="text-sm text-amber-700 dark:text-amber-300">
                  The rules changed since this dry run; run it again to see their effect.
                </p>
              )}
              <ValidationResults run={dryRun.run} selection={drySelection} onSelect={setDrySelection} showReport={false} tableRows={rowCount} />
            </>
          )}
        </section>
      )}

      {analysis.status !== 'idle' && (
        <section aria-labelledby={`${id}-ai-heading`} className="bg-card grid gap-3 rounded-lg border p-4">
          <h3 id={`${id}-ai-heading`} className="flex items-center gap-2 text-base font-medium">
            <BrainCircuit aria-hidden className="size-4" /> AI analysis
          </h3>
          {analysis.status === 'loading' && (
            <p role="status" className="text-muted-foreground flex items-center gap-2 text-sm">
              <Loader2 aria-hidden className="size-4 animate-spin" /> The language model is reading the rules…
            </p>
          )}
          {analysis.status === 'error' && (
            <p role="alert" className="text-destructive text-sm">
              The analysis failed: {analysis.message}
            </p>
          )}
          {analysis.status === 'done' && (
            <>
              {analysis.rulesJson !== currentKey && (
                <p role="status" className="text-sm text-amber-700 dark:text-amber-300">
                  The rules changed since this analysis, so it will not be saved with the version; analyse them again.
                </p>
              )}
              {(() => {
                const shape = readAnalysis(analysis.data);
                return shape ? <AnalysisView analysis={shape} headingLevel={4} /> : <p className="text-sm">The model returned no analysis.</p>;
              })()}
              {analysis.rulesJson === currentKey && (
                <p className="text-muted-foreground text-xs">This analysis is saved with the version (as its AI summary).</p>
              )}
            </>
          )}
        </section>
      )}

      {save.status === 'saved' && (
        <Alert role="status">
          <CircleCheck aria-hidden />
          <AlertTitle>
            {save.saved.proposal ? 'Proposed' : 'Saved'} as version {save.saved.version}
          </AlertTitle>
          <AlertDescription>
            <p>
              {save.message ?? `Version ${save.saved.version} of ${save.saved.table_name} is now active.`}
              {save.saved.warnings.length > 0 ? ` The engine noted ${plural(save.saved.warnings.length, 'warning')}.` : ''}
            </p>
            <p className="text-xs">
              Saved <LocalTime iso={save.saved.created_at} withSeconds /> by {save.saved.created_by} · id{' '}
              <code className="break-all">{save.saved.id}</code>
            </p>
            <p className="flex flex-wrap gap-x-4 gap-y-1">
              {save.saved.proposal && (
                <Link className="text-primary underline" href={proposalHref(save.saved.table_name, save.saved.proposal.id)}>
                  Open its review
                </Link>
              )}
              <Link className="text-primary underline" href={`/history?table=${encodeURIComponent(save.saved.table_name)}&version=${save.saved.version}`}>
                See the history of {save.saved.table_name}
              </Link>
              <Link className="text-primary underline" href={`/validator?table=${encodeURIComponent(save.saved.table_name)}&version=${save.saved.version}`}>
                Validate version {save.saved.version}
              </Link>
            </p>
          </AlertDescription>
        </Alert>
      )}
      {save.status === 'error' && (
        <Alert variant="destructive">
          <CircleAlert aria-hidden />
          <AlertTitle>The rules were not saved</AlertTitle>
          <AlertDescription>
            <p>{save.message}</p>
          </AlertDescription>
        </Alert>
      )}
      {dryRunSummary && save.status !== 'saved' && (
        <p className="text-muted-foreground text-xs">
          The dry run’s pass rate ({formatRunRate(dryRunSummary.pass_rate, dryRunSummary.evaluation === 'incomplete')} on{' '}
          {dryRunScope(dryRunSummary.total_rows, Number(dryRun.run?.parameters.sample_rows ?? 0) || null, rowCount)}) is noted with the version when you save.
        </p>
      )}
    </div>
  );
}
