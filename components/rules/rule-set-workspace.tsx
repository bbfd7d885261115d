'use client';

import { FilePlus2, TriangleAlert, Upload } from 'lucide-react';
import { useCallback, useEffect, useId, useState } from 'react';

import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import type { Dialect } from '@/lib/sql/quote';

import type { ChecksFormat } from './engine';
import { RuleEditor, type RuleValidationSummary } from './rule-editor';
import type { ExternalIssue } from './rule-issues';
import {
  rulesOf,
  toRuleItems,
  type RawRule,
  type RuleAnnotation,
  type RuleItem,
  type TableColumn,
} from './rule-model';
import { readRulesFile, RULES_FILE_ACCEPT } from './rules-file';

/**
 * A rule set handed to the workspace from outside, e.g. a generation result (each rule with its
 * origin and evidence) or a saved version opened as a draft. A new `id` replaces the rules.
 */
export interface RuleSeed {
  id: string;
  rules: RawRule[];
  annotations?: (RuleAnnotation | undefined)[];
}

/** What the workspace's owner sees of the current rules (for dry run, analysis and save). */
export interface RuleSetState {
  items: RuleItem[];
  rules: RawRule[];
  validation: RuleValidationSummary;
  /** The editor is open (the user started empty, imported, or a seed arrived). */
  started: boolean;
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
}

const INITIAL_VALIDATION: RuleValidationSummary = {
  valid: false,
  pending: true,
  errorCount: 0,
  warningCount: 0,
};

/**
 * The rule set being worked on for one table: how to start (empty, from a file, or from a seed
 * such as a generation result), then the rule editor, with a slot for the actions that use it.
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
}: RuleSetWorkspaceProps) {
  const fileInputId = useId();
  const [items, setItems] = useState<RuleItem[]>(() =>
    seed ? toRuleItems(seed.rules, seed.annotations) : [],
  );
  const [started, setStarted] = useState(Boolean(seed));
  const [seedId, setSeedId] = useState(seed?.id ?? null);
  const [initialDraft, setInitialDraft] = useState<{ format: ChecksFormat; text: string } | undefined>();
  const [startError, setStartError] = useState<string | null>(null);
  const [validation, setValidation] = useState<RuleValidationSummary>(INITIAL_VALIDATION);
  const [editorKey, setEditorKey] = useState(0);

  // A new seed (a new generation result) replaces the rules.
  if (seed && seed.id !== seedId) {
    setSeedId(seed.id);
    setItems(toRuleItems(seed.rules, seed.annotations));
    setStarted(true);
    setInitialDraft(undefined);
    setEditorKey((k) => k + 1);
  }

  const state: RuleSetState = { items, rules: rulesOf(items), validation, started };
  useEffect(() => {
    onRulesChange?.({ items, rules: rulesOf(items), validation, started });
  }, [onRulesChange, items, validation, started]);

  const onValidationChange = useCallback((v: RuleValidationSummary) => setValidation(v), []);

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
          onChange={setItems}
          columns={columns}
          tableName={tableName}
          dialect={dialect}
          initialDraft={initialDraft}
          onValidationChange={onValidationChange}
          externalIssues={externalIssues}
        />
      )}

      {started && actions && (
        <div className="flex flex-wrap items-center gap-2 border-t pt-4">{actions(state)}</div>
      )}
    </div>
  );
}
