'use client';

import { CircleAlert, FilePenLine, Loader2, Play, Save, Sparkles, X } from 'lucide-react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useId, useMemo, useState } from 'react';

import { externalIssuesFromFieldErrors } from '@/components/rules/rule-issues';
import { annotationsFromProvenance, provenanceOf } from '@/components/rules/rule-provenance';
import type { RawRule, TableColumn } from '@/components/rules/rule-model';
import { RuleSetWorkspace, type RuleSetState } from '@/components/rules/rule-set-workspace';
import { useRuleSetState } from '@/components/rules/use-rule-set-state';
import { useUnsavedDraft } from '@/components/rules/use-stored-draft';
import { formatCount, isTerminal, plural } from '@/components/runs/format';
import { LocalTime } from '@/components/runs/local-time';
import { RunProgress } from '@/components/runs/run-progress';
import { useUrlState } from '@/components/runs/url-state';
import { useRun } from '@/components/runs/use-run';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Checkbox } from '@/components/ui/checkbox';
import { NativeSelect } from '@/components/ui/native-select';
import { saveRuleSetAction } from '@/lib/actions/rule-sets';
import { startValidationAction } from '@/lib/actions/validation';
import type { RuleProvenance, RuleSetVersionSummary } from '@/lib/services/rule-sets';
import type { RunDetail, RunPage } from '@/lib/services/runs';
import type { Dialect } from '@/lib/sql/quote';

import { PreviousRuns } from './previous-runs';
import { RulesPreview } from './rules-preview';
import { ValidationResults, type FailingRowsSelection } from './validation-results';

export interface SelectedVersion {
  version: number;
  rules: unknown;
  created_at: string;
  created_by: string;
  is_active: boolean;
  user_prompt: string | null;
  /** Where each rule came from (origin, edited, evidence), when it was recorded. */
  rule_provenance: RuleProvenance[] | null;
}

function versionLabel(v: RuleSetVersionSummary): string {
  const date = new Date(v.created_at);
  const when = Number.isNaN(date.getTime()) ? v.created_at : date.toISOString().slice(0, 16).replace('T', ' ');
  return `Version ${v.version} · ${v.rule_count === null ? '?' : plural(v.rule_count, 'rule')} · ${when} UTC · ${v.created_by}${v.is_active ? ' · active' : ''}`;
}

/**
 * The Validator's steps 2 and 3: choose a saved version (the active one preselected, every version
 * listed) or open it as an editable draft, run it on the whole table (a background run whose id is
 * in the URL), and read the results: row counts, per-rule results and failing rows.
 */
export function ValidatorWorkspace({
  table,
  columns,
  dialect,
  columnsNotice,
  versions,
  activeVersion,
  selected,
  initialRun,
  initialRuns,
}: {
  table: string;
  columns: TableColumn[];
  dialect?: Dialect;
  columnsNotice: string | null;
  versions: RuleSetVersionSummary[];
  activeVersion: number | null;
  selected: SelectedVersion | null;
  initialRun: RunDetail | null;
  initialRuns: RunPage;
}) {
  const id = useId();
  const router = useRouter();
  const url = useUrlState();
  const runId = url.params.get('run');
  const draftOpen = url.params.get('draft') === '1';
  const validation = useRun(runId, initialRun);
  const run = validation.run;
  const wrongRun = run !== null && (run.kind !== 'validation' || run.table_name.toLowerCase() !== table.toLowerCase());

  const selection: FailingRowsSelection | null = useMemo(() => {
    const rule = url.params.get('rule');
    if (!rule) return null;
    const rows = Number(url.params.get('rows'));
    return { rule, page: Number.isInteger(rows) && rows >= 1 ? rows : null };
  }, [url.params]);
  const select = (next: FailingRowsSelection | null) =>
    url.set({ rule: next?.rule ?? null, rows: next?.page ?? null }, { push: next?.page !== null && next?.page !== undefined });


  const { rules, onRulesChange, externalIssues, reportIssues } = useRuleSetState();
  // A draft left unsaved here before (kept in this browser): say so while the editor is closed.
  const unsavedDraft = useUnsavedDraft(`validator:${table}`);

  const [start, setStart] = useState<{ pending: boolean; error: string | null }>({ pending: false, error: null });
  // DQX runs a rule on a missing column and reports it skipped on every row; by default we refuse it
  const [skipMissing, setSkipMissing] = useState(false);
  const [saved, setSaved] = useState<{ id: string; version: number; message: string } | { error: string } | null>(null);

  const seed = useMemo(
    () =>
      selected && Array.isArray(selected.rules)
        ? {
            id: `v${selected.version}`,
            rules: selected.rules as RawRule[],
            annotations: annotationsFromProvenance(selected.rule_provenance, selected.rules.length),
            label: `Version ${selected.version}`,
          }
        : { id: 'empty', rules: [] as RawRule[] },
    [selected],
  );

  const runActive = run !== null && !isTerminal(run.status) && !wrongRun;

  const startRun = async (input: { version: number } | { rules: unknown[] }) => {
    setStart({ pending: true, error: null });
    const missing = 'rules' in input ? { missing_columns: skipMissing ? ('skip' as const) : ('refuse' as const) } : {};
    const result = await startValidationAction({ table, ...input, ...missing }).catch(() => ({
      ok: false as const,
      message: 'The server could not be reached. Try again.',
      fieldErrors: undefined,
    }));
    if (!result.ok) {
      // a saved version's problems have no editor to be shown in
      const placed = 'rules' in input ? reportIssues(result.fieldErrors) : externalIssuesFromFieldErrors(result.fieldErrors).length;
      setStart({ pending: false, error: placed ? `${result.message} The problems are marked at the rules.` : result.message });
      return;
    }
    setStart({ pending: false, error: null });
    url.set({ run: result.data.run.id, rule: null, rows: null }, { push: true });
  };

  const saveDraft = async () => {
    if (!rules) return;
    setSaved(null);
    const result = await saveRuleSetAction({
      table,
      rules: rules.rules,
      user_prompt: selected?.user_prompt ?? null,
      metadata: { source: 'validator draft', based_on_version: selected?.version ?? null },
      rule_provenance: rules.items.map(provenanceOf),
    }).catch(() => ({ ok: false as const, message: 'The server could not be reached. Try again.', fieldErrors: undefined }));
    if (!result.ok) {
      reportIssues(result.fieldErrors);
      setSaved({ error: result.message });
      return;
    }
    setSaved({ id: result.data.id, version: result.data.version, message: result.message ?? `Saved as version ${result.data.version}.` });
    router.refresh();
  };

  const draftActions = (state: RuleSetState) => {
    const blocking = state.validation.errorCount - (skipMissing ? state.validation.missingColumnErrors : 0);
    const block =
      state.items.length === 0
        ? 'Add at least one rule.'
        : state.validation.pending
          ? 'Checking the rules…'
          : blocking > 0
            ? `Fix ${plural(blocking, 'error')} first.`
            : null;
    return (
      <>
        <div className="flex basis-full items-start gap-2">
          <Checkbox
            id={`${id}-skip-missing`}
            checked={skipMissing}
            onCheckedChange={(v) => setSkipMissing(v === true)}
            aria-describedby={`${id}-skip-missing-hint`}
          />
          <div className="grid gap-1">
            <label htmlFor={`${id}-skip-missing`} className="text-sm font-medium">
              Run rules on missing columns as DQX does
            </label>
            <p id={`${id}-skip-missing-hint`} className="text-muted-foreground text-xs">
              A rule naming a column the table does not have (or whose filter does) is kept and reported as skipped on every row, with DQX&apos;s
              message; an error rule then fails every row. Off: such a draft is refused until the column is fixed.
            </p>
          </div>
        </div>
        <Button type="button" onClick={() => void startRun({ rules: state.rules })} disabled={Boolean(block) || start.pending || runActive}>
          {start.pending ? <Loader2 className="animate-spin" /> : <Play />} Validate the draft
        </Button>
        <Button type="button" variant="outline" onClick={() => void saveDraft()} disabled={Boolean(block)}>
          <Save /> Save as new version
        </Button>
        {block && <p className="text-muted-foreground text-sm">{block}</p>}
      </>
    );
  };

  return (
    <div className="grid gap-8">
      <section aria-labelledby={`${id}-rules`} className="grid gap-4">
        <h2 id={`${id}-rules`} className="text-lg font-medium">
          2. Choose the rules
        </h2>
        {unsavedDraft && !draftOpen && (
          <Alert role="status">
            <FilePenLine aria-hidden />
            <AlertTitle>You have an unsaved draft for {table}</AlertTitle>
            <AlertDescription>
              <p>
                {plural(unsavedDraft.rules, 'rule')}, kept in this browser since <LocalTime iso={unsavedDraft.savedAt} />.
              </p>
              <Button type="button" size="sm" variant="outline" onClick={() => url.set({ draft: '1' }, { push: true })}>
                <FilePenLine /> Open the draft
              </Button>
            </AlertDescription>
          </Alert>
        )}

        {versions.length === 0 && !draftOpen && (
          <div className="grid justify-items-start gap-3 rounded-lg border border-dashed p-4">
            <p>
              <span className="font-mono">{table}</span> has no saved rule set yet.
            </p>
            <p className="text-muted-foreground text-sm">
              Generate rules for it in the Generator and save them, or write draft rules here and validate them without saving.
            </p>
            <div className="flex flex-wrap gap-2">
              <Button asChild>
                <Link href={`/generator?table=${encodeURIComponent(table)}`}>
                  <Sparkles /> Generate rules
                </Link>
              </Button>
              <Button type="button" variant="outline" onClick={() => url.set({ draft: '1' }, { push: true })}>
                <FilePenLine /> Write a draft here
              </Button>
            </div>
          </div>
        )}

        {versions.length > 0 && (
          <div className="grid gap-3">
            <div className="grid max-w-2xl gap-1.5">
              <label htmlFor={`${id}-version`} className="text-sm font-medium">
                Saved version
              </label>
              <NativeSelect
                id={`${id}-version`}
                value={selected?.version ?? ''}
                aria-describedby={`${id}-version-hint`}
                onChange={(e) => {
                  const next = new URLSearchParams({ table, version: e.target.value });
                  router.push(`/validator?${next.toString()}`);
                }}
              >
                {versions.map((v) => (
                  <option key={v.version} value={v.version}>
                    {versionLabel(v)}
                  </option>
                ))}
              </NativeSelect>
              <p id={`${id}-version-hint`} className="text-muted-foreground text-xs">
                {plural(versions.length, 'saved version')}; {activeVersion !== null ? `version ${activeVersion} is active` : 'none is active'}.
              </p>
            </div>
            {selected && !draftOpen && (
              <>
                <p className="text-muted-foreground text-sm">
                  Version {selected.version}
                  {selected.is_active ? ' (active)' : ''}, saved <LocalTime iso={selected.created_at} /> by {selected.created_by}
                  {selected.user_prompt ? ` for “${selected.user_prompt}”` : ''}.
                </p>
                <RulesPreview rules={selected.rules} provenance={selected.rule_provenance} caption={`Rules of version ${selected.version}`} />
                <div className="flex flex-wrap items-center gap-2">
                  <Button
                    type="button"
                    onClick={() => void startRun({ version: selected.version })}
                    disabled={start.pending || runActive || !Array.isArray(selected.rules)}
                  >
                    {start.pending ? <Loader2 className="animate-spin" /> : <Play />} Validate version {selected.version}
                  </Button>
                  <Button type="button" variant="outline" onClick={() => url.set({ draft: '1' }, { push: true })}>
                    <FilePenLine /> Open as editable draft
                  </Button>
                  <span className="text-muted-foreground text-sm">Runs on the whole table.</span>
                </div>
              </>
            )}
          </div>
        )}

        {draftOpen && (
          <div className="grid gap-3">
            <div className="flex flex-wrap items-center justify-between gap-2">
              <p className="text-sm">
                {selected ? `Draft based on version ${selected.version}: changes are not saved unless you save them as a new version.` : 'A draft rule set: it is not saved unless you save it.'}
              </p>
              <Button type="button" variant="ghost" size="sm" onClick={() => url.set({ draft: null }, { push: true })}>
                <X /> Close the draft
              </Button>
            </div>
            <RuleSetWorkspace
              tableName={table}
              columns={columns}
              dialect={dialect}
              columnsNotice={columnsNotice}
              seed={seed}
              onRulesChange={onRulesChange}
              externalIssues={externalIssues}
              actions={draftActions}
              draftScope={`validator:${table}`}
              saved={saved && 'id' in saved ? { marker: saved.id, version: saved.version } : null}
            />
            {saved && 'version' in saved && (
              <Alert role="status">
                <AlertTitle>{saved.message}</AlertTitle>
                <AlertDescription>
                  <Link className="text-primary underline" href={`/history?table=${encodeURIComponent(table)}&version=${saved.version}`}>
                    See it in the history
                  </Link>
                </AlertDescription>
              </Alert>
            )}
            {saved && 'error' in saved && (
              <p role="alert" className="text-destructive text-sm">
                The draft was not saved: {saved.error}
              </p>
            )}
          </div>
        )}
        {start.error && (
          <p role="alert" className="text-destructive text-sm">
            The validation could not start: {start.error}
          </p>
        )}
      </section>

      {(runId || validation.error) && (
        <section aria-labelledby={`${id}-results`} className="grid gap-4">
          <h2 id={`${id}-results`} className="text-lg font-medium">
            3. Results
          </h2>
          {validation.error && (
            <Alert variant="destructive">
              <CircleAlert aria-hidden />
              <AlertTitle>This run cannot be shown</AlertTitle>
              <AlertDescription>
                <p>{validation.error}</p>
                <p>Pick a run from the list below, or start a new one.</p>
              </AlertDescription>
            </Alert>
          )}
          {runId && !run && !validation.error && (
            <p role="status" className="text-muted-foreground flex items-center gap-2 text-sm">
              <Loader2 aria-hidden className="size-4 animate-spin" /> Loading the run…
            </p>
          )}
          {run && wrongRun && (
            <Alert variant="warning">
              <CircleAlert aria-hidden />
              <AlertTitle>This run is not a validation of {table}</AlertTitle>
              <AlertDescription>
                <p>
                  Run {run.id} is a {run.kind} run of {run.table_name}.
                </p>
              </AlertDescription>
            </Alert>
          )}
          {run && !wrongRun && (
            <>
              {run.status !== 'succeeded' && (
                <RunProgress
                  run={run}
                  what={run.parameters.dry_run === true ? 'Dry run' : 'Validation'}
                  retrying={validation.retrying}
                  onCancelled={validation.refresh}
                />
              )}
              {run.status === 'succeeded' && <ValidationResults run={run} selection={selection} onSelect={select} />}
              {run.status === 'succeeded' && run.summary && (
                <p className="text-muted-foreground text-xs">
                  This run is kept: reopen it any time from the list of runs below or from the History page ({formatCount(run.summary.total_rows)} rows
                  validated).
                </p>
              )}
            </>
          )}
        </section>
      )}

      <PreviousRuns table={table} initial={initialRuns} refreshKey={run ? `${run.id}:${isTerminal(run.status) ? 'done' : 'open'}` : ''} />
    </div>
  );
}
