'use client';

import { FilePlus2, GitMerge, History, Replace, TriangleAlert, Undo2, Upload, X } from 'lucide-react';
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';

import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import type { Dialect } from '@/lib/sql/quote';

import { clearDraft, draftItems, readDraft, storedItems, writeDraft } from './draft-storage';
import type { ChecksFormat } from './engine';
import { RuleEditor, type RuleValidationSummary } from './rule-editor';
import type { ExternalIssue } from './rule-issues';
import { isUserWork, mergeRules, mergeSummary } from './rule-merge';
import {
  newRuleKey,
  rulesOf,
  toRuleItems,
  type RawRule,
  type RuleAnnotation,
  type RuleItem,
  type TableColumn,
} from './rule-model';
import { readRulesFile, RULES_FILE_ACCEPT } from './rules-file';
import { ruleIdentity } from './rules-text';

/**
 * A rule set handed to the workspace from outside, e.g. a generation result (each rule with its
 * origin and evidence) or a saved version opened as a draft. A new `id` brings new rules: they
 * replace the editor's rules when the user has no work of their own there, else the user chooses
 * to merge or replace (both can be undone).
 */
export interface RuleSeed {
  id: string;
  rules: RawRule[];
  annotations?: (RuleAnnotation | undefined)[];
  /** How the rules are named to the user: "The new generation", "Version 3". */
  label?: string;
  /**
   * The editor's own rules with a change the user asked for (a correction accepted): taken in at
   * once, with undo, never offered for merge.
   */
  apply?: boolean;
  /** What a draft kept in the browser is based on (default: `id`), e.g. the run a fix belongs to. */
  basis?: string;
}

/** What the workspace's owner sees of the current rules (for dry run, analysis and save). */
export interface RuleSetState {
  items: RuleItem[];
  rules: RawRule[];
  validation: RuleValidationSummary;
  /** The editor is open (the user started empty, imported, or a seed arrived). */
  started: boolean;
  /** The rules differ from what was generated, opened or last saved. */
  dirty: boolean;
}

export interface RuleSetWorkspaceProps {
  tableName: string;
  columns: readonly TableColumn[];
  dialect?: Dialect;
  /** Why the columns are unknown (the table could not be described); the editor still works. */
  columnsNotice?: string | null;
  seed?: RuleSeed | null;
  onRulesChange?: (state: RuleSetState) => void;
  /** Buttons under the editor (dry run, AI analysis, save), given the current rules. */
  actions?: (state: RuleSetState) => React.ReactNode;
  /** More ways to start shown next to "empty" and "import" (e.g. the generation form). */
  startOptions?: React.ReactNode;
  /** Problems the server reported for these rules (see RuleEditor); cleared by the owner on change. */
  externalIssues?: readonly ExternalIssue[];
  /**
   * Keep the rules in this browser under this name (e.g. `generator:<table>`): they survive a
   * reload, a closed tab or a visit to another page, and are restored on return.
   */
  draftScope?: string;
  /** Set when the current rules were saved (a new marker per save): they are no longer unsaved. */
  saved?: { marker: string; version: number } | null;
}

const INITIAL_VALIDATION: RuleValidationSummary = {
  valid: false,
  pending: true,
  errorCount: 0,
  missingColumnErrors: 0,
  warningCount: 0,
};

const PERSIST_DELAY_MS = 400;

const identityOf = (items: readonly RuleItem[]) => items.map((i) => ruleIdentity(i.rule)).join('\n');

function timeText(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

interface UndoStep {
  message: string;
  items: RuleItem[];
  started: boolean;
}

/**
 * The rule set being worked on for one table: how to start (empty, from a file, or from a seed
 * such as a generation result), then the rule editor, with a slot for the actions that use it.
 *
 * Nothing the user did is lost: new rules arriving over the user's own (a new generation) are
 * merged or replace them only when the user says so, with undo; with `draftScope` the rules are
 * kept in the browser and restored after a reload, and leaving the page with unsaved rules asks
 * first.
 */
export function RuleSetWorkspace({
  tableName,
  columns,
  dialect,
  columnsNotice,
  seed,
  onRulesChange,
  actions,
  startOptions,
  externalIssues,
  draftScope,
  saved,
}: RuleSetWorkspaceProps) {
  const fileInputId = useId();
  const [items, setItems] = useState<RuleItem[]>(() =>
    seed ? toRuleItems(seed.rules, seed.annotations) : [],
  );
  const [started, setStarted] = useState(Boolean(seed));
  const [seedId, setSeedId] = useState(seed?.id ?? null);
  const [basis, setBasis] = useState(seed ? (seed.basis ?? seed.id) : null);
  // The rules as generated, opened or last saved: the editor is "unsaved" when it differs.
  const [baseline, setBaseline] = useState<string>(() => identityOf(items));
  const [pendingSeed, setPendingSeed] = useState<RuleSeed | null>(null);
  const [undo, setUndo] = useState<UndoStep | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [initialDraft, setInitialDraft] = useState<{ format: ChecksFormat; text: string } | undefined>();
  const [textDraft, setTextDraft] = useState<{ format: ChecksFormat; text: string } | null>(null);
  const [startError, setStartError] = useState<string | null>(null);
  const [validation, setValidation] = useState<RuleValidationSummary>(INITIAL_VALIDATION);
  const [editorKey, setEditorKey] = useState(0);
  const [savedVersion, setSavedVersion] = useState<number | null>(null);
  const [savedMarker, setSavedMarker] = useState<string | null>(saved?.marker ?? null);
  // Until the browser's copy was looked at, nothing is written over it.
  const [restoreChecked, setRestoreChecked] = useState(!draftScope);

  const replaceAll = useCallback(
    (
      next: RuleItem[],
      message: string | null,
      undoMessage: string | null,
      previous: { items: RuleItem[]; started: boolean },
    ) => {
      setItems(next);
      setStarted(true);
      setInitialDraft(undefined);
      setEditorKey((k) => k + 1);
      setNotice(message);
      setUndo(undoMessage ? { message: undoMessage, ...previous } : null);
    },
    [],
  );

  // New rules from outside (a new generation, another version): applied at once when nothing of the
  // user's would be lost, else held for the user to merge or replace.
  if (seed && seed.id !== seedId) {
    setSeedId(seed.id);
    setBasis(seed.basis ?? seed.id);
    const incoming = toRuleItems(seed.rules, seed.annotations);
    // The user's work: rules written, imported or edited (rules of a version opened untouched,
    // which carry no origin, are not), or anything changed since the rules were opened or saved.
    const unsaved = identityOf(items) !== baseline || textDraft !== null;
    const ownWork = items.some((i) => i.annotation !== undefined && isUserWork(i));
    if (seed.apply) {
      setPendingSeed(null);
      replaceAll(incoming, null, `${seed.label ?? 'The change'} was applied.`, { items, started });
    } else if (restoreChecked && started && (unsaved || ownWork)) {
      setPendingSeed(seed);
    } else {
      setPendingSeed(null);
      setBaseline(identityOf(incoming));
      replaceAll(
        incoming,
        null,
        items.length ? `${seed.label ?? 'The new rules'} replaced ${plural(items.length, 'rule')}.` : null,
        { items, started },
      );
    }
  }

  // The rules were saved: they are what "unsaved" compares with from now on.
  if (saved && saved.marker !== savedMarker) {
    setSavedMarker(saved.marker);
    setSavedVersion(saved.version);
    setBaseline(identityOf(items));
  }

  const identity = useMemo(() => identityOf(items), [items]);
  const dirty = started && (identity !== baseline || textDraft !== null);

  // ---- the browser's copy
  // On arrival: the rules kept in this browser for this page and table, if any, come back.
  useEffect(() => {
    if (!draftScope) return;
    const draft = readDraft(draftScope);
    const applyRestore = () => {
      if (!draft) return;
      const restored = draftItems(draft, newRuleKey);
      const currentBasis = seed ? (seed.basis ?? seed.id) : null;
      const sameBasis = draft.basis === currentBasis;
      if (!draft.dirty && !(sameBasis && draft.savedVersion !== null)) return;
      if (!sameBasis && !draft.dirty) return;
      setItems(restored);
      setStarted(true);
      setEditorKey((k) => k + 1);
      if (draft.text) setInitialDraft(draft.text);
      if (draft.savedVersion !== null) setSavedVersion(draft.savedVersion);
      if (!draft.dirty) {
        setBaseline(identityOf(restored));
        setNotice(`These are the rules you saved as version ${draft.savedVersion}.`);
        return;
      }
      // Undo puts back what the page opened with (and the browser's copy goes with the next write).
      setUndo({
        message: `Restored the unsaved rules you were working on: ${plural(restored.length, 'rule')}, kept in this browser since ${timeText(draft.savedAt)}.`,
        items: seed ? toRuleItems(seed.rules, seed.annotations) : [],
        started: Boolean(seed),
      });
      // The rules that arrived with the page (a generation, a version) differ from the draft's: the
      // user chooses whether to merge them in.
      if (seed && !sameBasis && restored.some(isUserWork)) setPendingSeed(seed);
    };
    applyRestore();
    // Browser storage can only be read after hydration (the server render has none), so this one
    // update follows the first render by design.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setRestoreChecked(true);
    // Only on arrival (and for another table): later changes of the seed are handled above.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [draftScope]);

  // Writes the browser's copy as the rules are now (also called when the page is left).
  const latest = useRef<() => void>(() => undefined);
  useEffect(() => {
    latest.current = () => {
      if (!draftScope || !restoreChecked) return;
      if (!started || (!dirty && savedVersion === null)) {
        clearDraft(draftScope);
        return;
      }
      writeDraft(draftScope, {
        basis,
        items: storedItems(items),
        dirty,
        savedVersion,
        text: textDraft,
      });
    };
  });

  useEffect(() => {
    if (!draftScope || !restoreChecked) return;
    const timer = setTimeout(() => latest.current(), PERSIST_DELAY_MS);
    return () => clearTimeout(timer);
  }, [draftScope, restoreChecked, items, dirty, savedVersion, textDraft, basis, started]);

  // Leaving with unsaved rules: keep the last keystroke, and ask the browser to confirm.
  useEffect(() => {
    const onPageHide = () => latest.current();
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      latest.current();
      if (!dirty) return;
      event.preventDefault();
      // Older browsers show the prompt only with a return value.
      event.returnValue = '';
    };
    window.addEventListener('pagehide', onPageHide);
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => {
      window.removeEventListener('pagehide', onPageHide);
      window.removeEventListener('beforeunload', onBeforeUnload);
    };
  }, [dirty]);

  const state: RuleSetState = { items, rules: rulesOf(items), validation, started, dirty };
  useEffect(() => {
    onRulesChange?.({ items, rules: rulesOf(items), validation, started, dirty });
  }, [onRulesChange, items, validation, started, dirty]);

  const onValidationChange = useCallback((v: RuleValidationSummary) => setValidation(v), []);

  const onItemsChange = useCallback((next: RuleItem[]) => {
    setItems(next);
    setNotice(null);
  }, []);

  const importAtStart = async (file: File) => {
    setStartError(null);
    const read = await readRulesFile(file);
    if (read.ok) {
      setItems(read.items);
      setStarted(true);
      return;
    }
    if (read.text !== undefined && read.format) {
      // Open the editor on the text, with the error, so it can be fixed there.
      setInitialDraft({ format: read.format, text: read.text });
      setEditorKey((k) => k + 1);
      setStarted(true);
      return;
    }
    setStartError(`${file.name} could not be read: ${read.problem.message}`);
  };

  const decide = (how: 'merge' | 'replace' | 'keep') => {
    const incomingSeed = pendingSeed;
    if (!incomingSeed) return;
    setPendingSeed(null);
    const incoming = toRuleItems(incomingSeed.rules, incomingSeed.annotations);
    const label = incomingSeed.label ?? 'The new rules';
    if (how === 'keep') {
      setNotice(`${label} were not taken in; your rules are unchanged.`);
      return;
    }
    const previous = { items, started };
    setBaseline(identityOf(incoming));
    if (how === 'replace') {
      replaceAll(incoming, null, `${label} replaced your ${plural(items.length, 'rule')}.`, previous);
      return;
    }
    const merged = mergeRules(items, incoming);
    replaceAll(merged.items, null, mergeSummary(merged), previous);
  };

  const userWork = items.filter((i) => i.annotation !== undefined && isUserWork(i)).length;

  return (
    <div className="grid gap-4">
      {columnsNotice && (
        <Alert variant="warning">
          <TriangleAlert aria-hidden />
          <AlertTitle>Columns of {tableName} are not known</AlertTitle>
          <AlertDescription>
            <p>{columnsNotice}</p>
            <p>
              You can still write and check rules; column names are not offered or checked against the table.
            </p>
          </AlertDescription>
        </Alert>
      )}

      {pendingSeed && (
        <section
          aria-label="New rules arrived"
          className="border-primary/40 bg-primary/5 grid gap-3 rounded-lg border p-4 text-sm"
        >
          <h3 className="font-medium">
            {pendingSeed.label ?? 'New rules'}: {plural(pendingSeed.rules.length, 'rule')}
          </h3>
          <p className="text-muted-foreground">
            The editor holds{' '}
            {userWork > 0 ? `${plural(userWork, 'rule')} you wrote, imported or edited` : 'rules you changed'}
            . <strong>Merge</strong> keeps them and adds the new rules (a new rule that checks the same as one
            of yours is added and marked “conflict”; unedited generated rules are replaced).{' '}
            <strong>Replace</strong> puts the new rules in their place. Either can be undone.
          </p>
          <div className="flex flex-wrap gap-2">
            <Button type="button" size="sm" onClick={() => decide('merge')}>
              <GitMerge /> Merge with my rules
            </Button>
            <Button type="button" size="sm" variant="outline" onClick={() => decide('replace')}>
              <Replace /> Replace my rules
            </Button>
            <Button type="button" size="sm" variant="ghost" onClick={() => decide('keep')}>
              Keep my rules only
            </Button>
          </div>
        </section>
      )}

      {undo && (
        <div
          role="status"
          className="bg-muted flex flex-wrap items-center gap-3 rounded-md px-3 py-2 text-sm"
        >
          <span>{undo.message}</span>
          <Button
            type="button"
            size="sm"
            variant="outline"
            onClick={() => {
              const step = undo;
              setUndo(null);
              setPendingSeed(null);
              setItems(step.items);
              setStarted(step.started);
              setInitialDraft(undefined);
              setTextDraft(null);
              setEditorKey((k) => k + 1);
              setNotice('Undone.');
            }}
          >
            <Undo2 /> Undo
          </Button>
          <button
            type="button"
            className="text-muted-foreground hover:text-foreground ml-auto rounded p-0.5"
            aria-label="Dismiss"
            onClick={() => setUndo(null)}
          >
            <X aria-hidden className="size-4" />
          </button>
        </div>
      )}

      {notice && (
        <p
          role="status"
          className="text-muted-foreground flex items-center gap-2 text-sm"
          data-testid="workspace-notice"
        >
          <History aria-hidden className="size-4 shrink-0" /> {notice}
        </p>
      )}

      {!started ? (
        <div className="grid gap-3 sm:grid-cols-2">
          <div className="bg-card grid content-start gap-2 rounded-lg border p-4">
            <h3 className="font-medium">Start from an empty rule set</h3>
            <p className="text-muted-foreground text-sm">
              Add rules one by one with a form that knows every DQX check.
            </p>
            <div>
              <Button type="button" onClick={() => setStarted(true)}>
                <FilePlus2 /> Start from an empty rule set
              </Button>
            </div>
          </div>
          <div className="bg-card grid content-start gap-2 rounded-lg border p-4">
            <h3 className="font-medium">Import a DQX YAML or JSON file</h3>
            <p className="text-muted-foreground text-sm">
              A checks file as DQX reads it, e.g. from an existing pipeline.
            </p>
            <label
              htmlFor={fileInputId}
              className="border-input hover:bg-accent focus-within:ring-ring/50 inline-flex h-9 w-fit cursor-pointer items-center gap-2 rounded-md border px-4 text-sm font-medium shadow-xs focus-within:ring-[3px]"
            >
              <Upload aria-hidden className="size-4" /> Import a DQX YAML/JSON file
              <input
                id={fileInputId}
                type="file"
                accept={RULES_FILE_ACCEPT}
                className="sr-only"
                onChange={(e) => {
                  const file = e.target.files?.[0];
                  e.target.value = '';
                  if (file) void importAtStart(file);
                }}
              />
            </label>
            {startError && (
              <p role="alert" className="text-destructive text-sm">
                {startError}
              </p>
            )}
          </div>
          {startOptions}
        </div>
      ) : (
        <RuleEditor
          key={editorKey}
          value={items}
          onChange={onItemsChange}
          columns={columns}
          tableName={tableName}
          dialect={dialect}
          initialDraft={initialDraft}
          onValidationChange={onValidationChange}
          onTextDraftChange={setTextDraft}
          externalIssues={externalIssues}
        />
      )}

      {started && actions && (
        <div className="flex flex-wrap items-center gap-2 border-t pt-4">
          {actions(state)}
          {draftScope && (
            <p className="text-muted-foreground basis-full text-xs" data-testid="draft-status">
              {dirty
                ? 'Unsaved changes: kept in this browser until you save them, also if you reload or leave this page.'
                : savedVersion !== null
                  ? `Saved as version ${savedVersion}; no unsaved changes.`
                  : 'No unsaved changes.'}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
