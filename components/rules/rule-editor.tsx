'use client';

import {
  CircleAlert,
  CircleCheck,
  Download,
  Loader2,
  Plus,
  TriangleAlert,
  Undo2,
  Upload,
  X,
} from 'lucide-react';
import dynamic from 'next/dynamic';
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';

import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '@/components/ui/tabs';
import type { Dialect } from '@/lib/sql/quote';

import { blankRule } from './argument-values';
import type { ChecksFormat, TableSchema } from './engine';
import { RuleForm, type FocusRequest } from './rule-form';
import { EMPTY_RULE_ISSUES, withExternalIssues, type EditorIssue, type ExternalIssue } from './rule-issues';
import { RuleList } from './rule-list';
import {
  newRuleKey,
  rulesOf,
  summarizeRule,
  type RawRule,
  type RuleItem,
  type RuleOrigin,
  type TableColumn,
} from './rule-model';
import { readRulesFile, RULES_FILE_ACCEPT } from './rules-file';
// The code editor (CodeMirror) loads when a YAML or JSON tab is first opened, not with the page.
const RulesCodeView = dynamic(() => import('./rules-code-view').then((m) => m.RulesCodeView), {
  ssr: false,
  loading: () => (
    <p role="status" className="text-muted-foreground flex items-center gap-2 text-sm">
      <Loader2 aria-hidden className="size-4 animate-spin" /> Loading the code editor…
    </p>
  ),
});
import {
  annotationAfterChange,
  downloadName,
  formatRulesText,
  parseRulesText,
  reconcileItems,
  type IgnoredKey,
  type TextProblem,
} from './rules-text';
import { useRuleValidation } from './use-rule-validation';

const PARSE_DEBOUNCE_MS = 300;

type Tab = 'form' | ChecksFormat;

interface CodeDraft {
  text: string;
  /** The rules this text produced or was typed over. */
  basis: readonly RuleItem[];
  problem: TextProblem | null;
  pending: boolean;
  ignored: IgnoredKey[];
}

interface UndoAction {
  message: string;
  apply: (current: readonly RuleItem[]) => RuleItem[];
}

export interface RuleValidationSummary {
  valid: boolean;
  pending: boolean;
  errorCount: number;
  /** Errors that only name a column the table does not have (DQX would skip those rules). */
  missingColumnErrors: number;
  warningCount: number;
}

export interface RuleEditorProps {
  /** The rules (controlled). Build with `toRuleItems`, read back with `rulesOf`. */
  value: readonly RuleItem[];
  onChange: (items: RuleItem[]) => void;
  /** The table's columns: offered by column pickers and checked by validation. Empty: not checked. */
  columns: readonly TableColumn[];
  tableName?: string;
  /** Where the rules will run; `duckdb` adds the engine's portability warnings. */
  dialect?: Dialect;
  readOnly?: boolean;
  onValidationChange?: (summary: RuleValidationSummary) => void;
  /** Text typed or imported earlier that did not read (kept so nothing is lost). */
  initialDraft?: { format: ChecksFormat; text: string };
  /** Extra buttons in the editor's toolbar. */
  toolbar?: React.ReactNode;
  /** YAML or JSON text typed that does not read (and so is not in the rules yet), or null. */
  onTextDraftChange?: (draft: { format: ChecksFormat; text: string } | null) => void;
  /**
   * Problems found elsewhere (the server refused a save or a run), shown as errors at their rule and
   * field like the engine's own. The owner clears them when the rules change.
   */
  externalIssues?: readonly ExternalIssue[];
}

const NO_EXTERNAL_ISSUES: readonly ExternalIssue[] = [];

function writeRules(items: readonly RuleItem[], format: ChecksFormat): { text: string } | { error: string } {
  try {
    return { text: formatRulesText(rulesOf(items), format) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function initialDrafts(value: readonly RuleItem[], draft?: { format: ChecksFormat; text: string }) {
  if (!draft) return {};
  const parsed = parseRulesText(draft.text, draft.format);
  return {
    [draft.format]: {
      text: draft.text,
      basis: value,
      problem: parsed.ok ? null : parsed.problem,
      pending: false,
      ignored: parsed.ok ? parsed.ignored : [],
    },
  } as Partial<Record<ChecksFormat, CodeDraft>>;
}

/**
 * The rule editor: a list of rules with a form generated from each check's argument schema, and
 * the same rules as DQX YAML and JSON. The engine validates the rules in the browser as they
 * change and its errors appear at the rule and the field in both views.
 */
export function RuleEditor({
  value,
  onChange,
  columns,
  tableName,
  dialect,
  readOnly,
  onValidationChange,
  initialDraft,
  toolbar,
  externalIssues = NO_EXTERNAL_ISSUES,
  onTextDraftChange,
}: RuleEditorProps) {
  const idPrefix = `re${useId().replace(/[^A-Za-z0-9]/g, '')}`;
  const [tab, setTab] = useState<Tab>(initialDraft?.format ?? 'form');
  const [selectedKey, setSelectedKey] = useState<string | null>(value[0]?.key ?? null);
  const [drafts, setDrafts] = useState<Partial<Record<ChecksFormat, CodeDraft>>>(() =>
    initialDrafts(value, initialDraft),
  );
  const [undo, setUndo] = useState<UndoAction | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [focus, setFocus] = useState<FocusRequest | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const parseTimers = useRef<Partial<Record<ChecksFormat, ReturnType<typeof setTimeout>>>>({});
  // Rules first read from a file's text (after fixing it here) count as imported.
  const draftOrigin = useRef<Partial<Record<ChecksFormat, RuleOrigin>>>(
    initialDraft ? { [initialDraft.format]: 'imported' } : {},
  );
  const valueRef = useRef(value);
  useEffect(() => {
    valueRef.current = value;
  }, [value]);
  useEffect(() => {
    const timers = parseTimers.current;
    return () => Object.values(timers).forEach((t) => t && clearTimeout(t));
  }, []);

  const table = useMemo<TableSchema | undefined>(
    () =>
      columns.length
        ? {
            ...(tableName ? { name: tableName } : {}),
            columns: columns.map((c) => ({ name: c.name, type: c.type })),
          }
        : undefined,
    [columns, tableName],
  );
  const validation = useRuleValidation(value, table, dialect);
  const columnNames = useMemo(() => columns.map((c) => c.name), [columns]);
  const index = useMemo(
    () => withExternalIssues(validation.index, value, externalIssues),
    [validation.index, value, externalIssues],
  );

  const missingColumnErrors = index.all.filter((i) => i.severity === 'error' && i.code === 'unknown_column').length;
  useEffect(() => {
    onValidationChange?.({
      valid: validation.valid && externalIssues.length === 0,
      pending: validation.pending,
      errorCount: index.errorCount,
      missingColumnErrors,
      warningCount: index.warningCount,
    });
  }, [
    onValidationChange,
    validation.valid,
    validation.pending,
    index.errorCount,
    missingColumnErrors,
    index.warningCount,
    externalIssues.length,
  ]);

  const selectedIndex = Math.max(
    0,
    value.findIndex((i) => i.key === selectedKey),
  );
  const selected = value[selectedIndex] ?? null;

  const change = useCallback(
    (next: RuleItem[], message?: string) => {
      onChange(next);
      if (message !== undefined) setNotice(message);
    },
    [onChange],
  );

  const focusField = (key: string, field: string | null) => {
    setSelectedKey(key);
    setTab('form');
    setFocus({ key, field, nonce: Date.now() + Math.random() });
  };

  // ------------------------------------------------------------------ list actions
  const addRule = () => {
    const item: RuleItem = { key: newRuleKey(), rule: blankRule(), annotation: { origin: 'manual' } };
    const at = value.length;
    change([...value, item], `Rule ${at + 1} added: choose its check function.`);
    setUndo(null);
    focusField(item.key, 'check.function');
  };

  const duplicateRule = (key: string) => {
    const i = value.findIndex((x) => x.key === key);
    const source = value[i];
    if (!source) return;
    const copy: RuleItem = {
      key: newRuleKey(),
      rule: structuredClone(source.rule),
      annotation: { origin: 'manual' },
    };
    change(
      [...value.slice(0, i + 1), copy, ...value.slice(i + 1)],
      `Rule ${i + 1} duplicated as rule ${i + 2}.`,
    );
    setSelectedKey(copy.key);
  };

  const deleteRule = (key: string) => {
    const i = value.findIndex((x) => x.key === key);
    const item = value[i];
    if (!item) return;
    const name = summarizeRule(item.rule).displayName;
    const next = value.filter((x) => x.key !== key);
    change(next);
    setNotice(null);
    setUndo({
      message: `Deleted rule ${i + 1} (${name}).`,
      apply: (current) => {
        if (current.some((x) => x.key === item.key)) return [...current];
        const at = Math.min(i, current.length);
        return [...current.slice(0, at), item, ...current.slice(at)];
      },
    });
    setSelectedKey(next[Math.min(i, next.length - 1)]?.key ?? null);
  };

  const moveRule = (key: string, by: -1 | 1) => {
    const i = value.findIndex((x) => x.key === key);
    const j = i + by;
    if (i < 0 || j < 0 || j >= value.length) return;
    const next = [...value];
    [next[i], next[j]] = [next[j]!, next[i]!];
    change(next, `Rule ${i + 1} moved to position ${j + 1}.`);
  };

  const updateRule = (key: string, rule: RawRule) => {
    change(
      value.map((item) =>
        item.key === key
          ? {
              ...item,
              rule,
              ...(item.annotation ? { annotation: annotationAfterChange(item.annotation, rule) } : {}),
            }
          : item,
      ),
    );
  };

  // ------------------------------------------------------------------ code views
  const codeTab = tab === 'form' ? null : tab;
  const serializedActive = useMemo(() => (codeTab ? writeRules(value, codeTab) : null), [value, codeTab]);
  const serialized = (format: ChecksFormat) =>
    serializedActive && format === codeTab ? serializedActive : writeRules(value, format);

  const codeState = (format: ChecksFormat) => {
    const d = drafts[format];
    const inSync = d ? d.basis === value : false;
    if (d && (inSync || d.problem || d.pending)) {
      return {
        text: d.text,
        problem: d.problem,
        pending: d.pending,
        stale: !inSync && !!d.problem,
        ignored: d.ignored,
      };
    }
    const s = serialized(format);
    return 'text' in s
      ? { text: s.text, problem: null, pending: false, stale: false, ignored: [] as IgnoredKey[] }
      : {
          text: '',
          problem: { message: `The rules could not be written as ${format.toUpperCase()}: ${s.error}` },
          pending: false,
          stale: false,
          ignored: [] as IgnoredKey[],
        };
  };

  const onCodeChange = (format: ChecksFormat, text: string) => {
    setDrafts((prev) => ({
      ...prev,
      [format]: {
        text,
        basis: prev[format]?.basis ?? valueRef.current,
        problem: prev[format]?.problem ?? null,
        pending: true,
        ignored: prev[format]?.ignored ?? [],
      },
    }));
    const timers = parseTimers.current;
    if (timers[format]) clearTimeout(timers[format]);
    timers[format] = setTimeout(() => {
      const parsed = parseRulesText(text, format);
      if (parsed.ok) {
        const next = reconcileItems(valueRef.current, parsed.rules, draftOrigin.current[format] ?? 'manual');
        delete draftOrigin.current[format];
        setDrafts((prev) => ({
          ...prev,
          [format]: { text, basis: next, problem: null, pending: false, ignored: parsed.ignored },
        }));
        valueRef.current = next;
        onChange(next);
      } else {
        setDrafts((prev) => ({
          ...prev,
          [format]: { text, basis: valueRef.current, problem: parsed.problem, pending: false, ignored: [] },
        }));
      }
    }, PARSE_DEBOUNCE_MS);
  };

  const discardDraft = (format: ChecksFormat) => {
    setDrafts((prev) => {
      const next = { ...prev };
      delete next[format];
      return next;
    });
  };

  const brokenDraft = (['yaml', 'json'] as const).find((f) => drafts[f]?.problem);
  const brokenText = brokenDraft ? (drafts[brokenDraft]?.text ?? null) : null;
  useEffect(() => {
    onTextDraftChange?.(
      brokenDraft && brokenText !== null ? { format: brokenDraft, text: brokenText } : null,
    );
  }, [onTextDraftChange, brokenDraft, brokenText]);

  // ------------------------------------------------------------------ files
  const importFile = async (file: File) => {
    const read = await readRulesFile(file);
    if (!read.ok) {
      if (read.text !== undefined && read.format) {
        const format = read.format;
        setDrafts((prev) => ({
          ...prev,
          [format]: {
            text: read.text!,
            basis: valueRef.current,
            problem: read.problem,
            pending: false,
            ignored: [],
          },
        }));
        draftOrigin.current[format] = 'imported';
        setTab(format);
      }
      setNotice(`${file.name} could not be read: ${read.problem.message}`);
      return;
    }
    const previous = valueRef.current;
    setDrafts({});
    change(read.items, `Imported ${plural(read.items.length, 'rule')} from ${file.name}.`);
    setSelectedKey(read.items[0]?.key ?? null);
    setUndo(
      previous.length
        ? { message: `The import replaced ${plural(previous.length, 'rule')}.`, apply: () => [...previous] }
        : null,
    );
    if (read.ignored.length) {
      setDrafts({
        [read.format]: {
          text: read.text,
          basis: read.items,
          problem: null,
          pending: false,
          ignored: read.ignored,
        },
      });
    }
  };

  const download = (format: ChecksFormat) => {
    const s = serialized(format);
    if (!('text' in s)) {
      setNotice(`The rules could not be written as ${format.toUpperCase()}: ${s.error}`);
      return;
    }
    const broken = (['yaml', 'json'] as const).find((f) => drafts[f]?.problem);
    setNotice(
      broken
        ? `Downloaded the rules as the form shows them; the ${broken.toUpperCase()} text with an error is not in the file.`
        : null,
    );
    const blob = new Blob([s.text], { type: format === 'json' ? 'application/json' : 'application/yaml' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = downloadName(tableName, format);
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  const ruleLabel = (issue: EditorIssue) => {
    if (issue.ruleIndex === null) return 'Rule set';
    const item = value.find((x) => x.key === issue.ruleKey);
    return `Rule ${issue.ruleIndex + 1}${item ? ` (${summarizeRule(item.rule).displayName})` : ''}`;
  };

  // ------------------------------------------------------------------ render
  // The live region carries results only (not every "checking" flicker while typing).
  const statusText = validation.failure
    ? validation.failure
    : validation.checkedCount === null
      ? 'Checking the rules…'
      : `${plural(validation.checkedCount, 'rule')} · ${index.errorCount ? plural(index.errorCount, 'error') : 'no errors'}${index.warningCount ? ` · ${plural(index.warningCount, 'warning')}` : ''}`;
  const StatusIcon = validation.failure
    ? CircleAlert
    : validation.pending
      ? Loader2
      : index.errorCount
        ? CircleAlert
        : index.warningCount
          ? TriangleAlert
          : CircleCheck;

  return (
    <div className="grid gap-4" data-testid="rule-editor">
      <Tabs value={tab} onValueChange={(t) => setTab(t as Tab)} className="gap-4">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <TabsList aria-label="Rule views">
            <TabsTrigger value="form">Form</TabsTrigger>
            <TabsTrigger value="yaml">YAML{drafts.yaml?.problem ? ' (error)' : ''}</TabsTrigger>
            <TabsTrigger value="json">JSON{drafts.json?.problem ? ' (error)' : ''}</TabsTrigger>
          </TabsList>
          <div className="flex flex-wrap items-center gap-2">
            {!readOnly && (
              <>
                <Button type="button" size="sm" onClick={addRule}>
                  <Plus /> Add rule
                </Button>
                <Button type="button" size="sm" variant="outline" onClick={() => fileRef.current?.click()}>
                  <Upload /> Import file
                </Button>
                <input
                  ref={fileRef}
                  type="file"
                  accept={RULES_FILE_ACCEPT}
                  className="sr-only"
                  tabIndex={-1}
                  aria-label="Import a DQX YAML or JSON file"
                  onChange={(e) => {
                    const file = e.target.files?.[0];
                    e.target.value = '';
                    if (file) void importFile(file);
                  }}
                />
              </>
            )}
            <Button
              type="button"
              size="sm"
              variant="outline"
              onClick={() => download('yaml')}
              disabled={!value.length}
            >
              <Download /> YAML
            </Button>
            <Button
              type="button"
              size="sm"
              variant="outline"
              onClick={() => download('json')}
              disabled={!value.length}
            >
              <Download /> JSON
            </Button>
            {toolbar}
          </div>
        </div>

        <div className="flex flex-wrap items-center gap-x-4 gap-y-1 text-sm">
          <p
            role="status"
            aria-live="polite"
            data-testid="rule-editor-status"
            data-pending={validation.pending ? 'true' : 'false'}
            className={
              validation.failure || (!validation.pending && index.errorCount)
                ? 'text-destructive flex items-center gap-1.5'
                : 'text-muted-foreground flex items-center gap-1.5'
            }
          >
            <StatusIcon
              aria-hidden
              className={validation.pending && !validation.failure ? 'size-4 animate-spin' : 'size-4'}
            />
            {statusText}
          </p>
          {notice && (
            <p role="status" className="text-muted-foreground flex items-center gap-1">
              {notice}
              <button
                type="button"
                className="hover:text-foreground rounded p-0.5"
                aria-label="Dismiss message"
                onClick={() => setNotice(null)}
              >
                <X aria-hidden className="size-3.5" />
              </button>
            </p>
          )}
        </div>

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
                const next = undo.apply(valueRef.current);
                setUndo(null);
                change(next, 'Undone.');
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

        {index.setLevel.errors.length + index.setLevel.warnings.length > 0 && (
          <Alert variant="warning">
            <TriangleAlert aria-hidden />
            <AlertTitle>About the whole rule set</AlertTitle>
            <AlertDescription>
              {[...index.setLevel.errors, ...index.setLevel.warnings].map((issue, i) => (
                <p key={i}>{issue.message}</p>
              ))}
            </AlertDescription>
          </Alert>
        )}

        <TabsContent value="form" className="grid gap-4">
          {brokenDraft && (
            <Alert variant="warning">
              <TriangleAlert aria-hidden />
              <AlertTitle>The {brokenDraft.toUpperCase()} text has an error and is not applied</AlertTitle>
              <AlertDescription>
                <p>
                  The form shows the rules as they were before that text. Your text is kept in the{' '}
                  {brokenDraft.toUpperCase()} tab.
                </p>
                <Button type="button" size="sm" variant="outline" onClick={() => setTab(brokenDraft)}>
                  Show the {brokenDraft.toUpperCase()} text
                </Button>
              </AlertDescription>
            </Alert>
          )}
          {value.length === 0 ? (
            <div className="grid place-items-center gap-3 rounded-lg border border-dashed px-4 py-10 text-center">
              <p className="text-muted-foreground text-sm">No rules yet.</p>
              {!readOnly && (
                <div className="flex flex-wrap justify-center gap-2">
                  <Button type="button" onClick={addRule}>
                    <Plus /> Add a rule
                  </Button>
                  <Button type="button" variant="outline" onClick={() => fileRef.current?.click()}>
                    <Upload /> Import a DQX YAML or JSON file
                  </Button>
                </div>
              )}
            </div>
          ) : (
            <div className="grid items-start gap-4 lg:grid-cols-[minmax(0,5fr)_minmax(0,7fr)]">
              <section aria-label="Rule list" className="min-w-0">
                <RuleList
                  items={value}
                  issuesByKey={index.byKey}
                  selectedKey={selected?.key ?? null}
                  onSelect={(key) => {
                    setSelectedKey(key);
                    // Stacked layout (narrow window): bring the form into view.
                    if (window.matchMedia?.('(max-width: 1023px)').matches) {
                      requestAnimationFrame(() =>
                        document.getElementById(`${idPrefix}-form-title`)?.scrollIntoView({ block: 'start' }),
                      );
                    }
                  }}
                  onDuplicate={duplicateRule}
                  onDelete={deleteRule}
                  onMove={moveRule}
                  readOnly={readOnly}
                  idPrefix={idPrefix}
                />
              </section>
              {selected && (
                <section
                  aria-labelledby={`${idPrefix}-form-title`}
                  className="bg-card min-w-0 rounded-lg border p-4 lg:sticky lg:top-16 lg:max-h-[calc(100vh-5rem)] lg:overflow-y-auto"
                >
                  <h2 id={`${idPrefix}-form-title`} className="mb-4 text-base font-semibold break-all">
                    Rule {selectedIndex + 1}:{' '}
                    <span className="font-mono">{summarizeRule(selected.rule).displayName}</span>
                  </h2>
                  <RuleForm
                    key={selected.key}
                    rule={selected.rule}
                    annotation={selected.annotation}
                    position={selectedIndex + 1}
                    columns={columns}
                    issues={index.byKey.get(selected.key) ?? EMPTY_RULE_ISSUES}
                    idPrefix={`${idPrefix}-${selected.key}`}
                    readOnly={readOnly}
                    onChange={(rule) => updateRule(selected.key, rule)}
                    focus={focus && focus.key === selected.key ? focus : null}
                    onNotice={setNotice}
                  />
                </section>
              )}
            </div>
          )}
        </TabsContent>

        {(['yaml', 'json'] as const).map((format) => {
          if (format !== codeTab) return <TabsContent key={format} value={format} />;
          const state = codeState(format);
          return (
            <TabsContent key={format} value={format}>
              <RulesCodeView
                format={format}
                text={state.text}
                onTextChange={(text) => onCodeChange(format, text)}
                problem={state.problem}
                stale={state.stale}
                onDiscardText={() => discardDraft(format)}
                pending={state.pending}
                issues={index.all}
                items={value}
                columns={columnNames}
                ruleLabel={ruleLabel}
                onOpenIssue={(issue) => issue.ruleKey && focusField(issue.ruleKey, issue.field)}
                ignored={state.ignored}
                readOnly={readOnly}
                idPrefix={idPrefix}
              />
            </TabsContent>
          );
        })}
      </Tabs>
    </div>
  );
}
