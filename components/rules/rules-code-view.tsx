'use client';

import { autocompletion, completeFromList, type Completion } from '@codemirror/autocomplete';
import { json } from '@codemirror/lang-json';
import { yaml } from '@codemirror/lang-yaml';
import { linter, lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import CodeMirror, { EditorView } from '@uiw/react-codemirror';
import { CircleAlert, TriangleAlert, Wand2 } from 'lucide-react';
import { useTheme } from 'next-themes';
import { useEffect, useMemo, useState } from 'react';

import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { cn } from '@/lib/utils';

import { codeDiagnostics, offsetOf, type CodeDiagnostic } from './code-diagnostics';
import { listChecks, type ChecksFormat } from './engine';
import type { EditorIssue } from './rule-issues';
import { CHECK_BLOCK_KEYS, TOP_LEVEL_KEYS, type RuleItem } from './rule-model';
import { ignoredKeyHint, type IgnoredKey, type TextProblem } from './rules-text';

const FORMAT_LABEL: Record<ChecksFormat, string> = { yaml: 'YAML', json: 'JSON' };

/** Words the editor completes: the rule keys, every check function and every argument name. */
const COMPLETIONS: Completion[] = (() => {
  const out = new Map<string, Completion>();
  for (const key of [...TOP_LEVEL_KEYS, ...CHECK_BLOCK_KEYS]) out.set(key, { label: key, type: 'property' });
  for (const check of listChecks()) {
    out.set(check.name, {
      label: check.name,
      type: 'function',
      detail: check.level === 'dataset' ? 'dataset check' : 'row check',
    });
    for (const p of check.params)
      if (!p.programmaticOnly && !out.has(p.name)) out.set(p.name, { label: p.name, type: 'variable' });
  }
  return [...out.values()];
})();

const editorTheme = EditorView.theme({
  '&': { fontSize: '12px', backgroundColor: 'transparent' },
  '.cm-content': { fontFamily: 'var(--font-mono, ui-monospace, SFMono-Regular, Menlo, monospace)' },
  '.cm-gutters': { backgroundColor: 'transparent' },
  '&.cm-focused': { outline: 'none' },
});

function toCodeMirror(d: CodeDiagnostic): Diagnostic {
  return {
    from: d.from,
    to: d.to,
    severity: d.severity,
    message: d.message,
    ...(d.fixes.length
      ? {
          actions: d.fixes.map((fix) => ({
            name: fix.label,
            apply: (view: EditorView, from: number, to: number) =>
              view.dispatch({ changes: { from, to, insert: fix.insert } }),
          })),
        }
      : {}),
  };
}

/**
 * The rule set as editable DQX YAML or JSON, in a code editor (CodeMirror 6): line numbers, syntax
 * colours, completion of check functions and argument names, and every problem marked at its line:
 * a syntax error where the text stops reading, the engine's findings at the rule and field they are
 * about, with "did you mean" fixes for unknown functions, arguments and columns. What is typed is
 * read again a moment later; when it reads, the rules update; when it does not, the text stays as
 * typed. The findings are also listed below the editor, each with its line, and a button that opens
 * the rule's field in the form.
 */
export function RulesCodeView({
  format,
  text,
  onTextChange,
  problem,
  stale,
  onDiscardText,
  pending,
  issues,
  items,
  columns,
  ruleLabel,
  onOpenIssue,
  ignored,
  readOnly,
  idPrefix,
}: {
  format: ChecksFormat;
  text: string;
  onTextChange: (text: string) => void;
  problem: TextProblem | null;
  /** The text has an error and the rules were changed elsewhere since. */
  stale: boolean;
  onDiscardText: () => void;
  /** Typed text not read yet. */
  pending: boolean;
  issues: EditorIssue[];
  /** The rules the issues were found in (for "did you mean"). */
  items: readonly RuleItem[];
  /** The table's column names (for "did you mean" on columns). */
  columns: readonly string[];
  ruleLabel: (issue: EditorIssue) => string;
  onOpenIssue: (issue: EditorIssue) => void;
  ignored: IgnoredKey[];
  readOnly?: boolean;
  idPrefix: string;
}) {
  const { resolvedTheme } = useTheme();
  const [view, setView] = useState<EditorView | null>(null);
  const textId = `${idPrefix}-code-${format}`;
  const labelId = `${textId}-label`;
  const statusId = `${textId}-status`;

  // Findings are placed once the text has been read (while typing, the last ones move with the text).
  const computed = useMemo(
    () =>
      pending ? null : { text, list: codeDiagnostics({ text, format, problem, issues, items, columns }) },
    [pending, text, format, problem, issues, items, columns],
  );
  const [diagnostics, setPlaced] = useState(computed);
  if (computed && computed !== diagnostics) setPlaced(computed);

  useEffect(() => {
    if (!view || !diagnostics || view.state.doc.toString() !== diagnostics.text) return;
    view.dispatch(setDiagnostics(view.state, diagnostics.list.map(toCodeMirror)));
  }, [view, diagnostics]);

  const extensions = useMemo(
    () => [
      format === 'yaml' ? yaml() : json(),
      // The lint state in the base configuration (no source: the findings are set from outside),
      // so a reconfiguration (the label's attributes change) keeps the marks.
      linter(null),
      lintGutter(),
      autocompletion({ override: [completeFromList(COMPLETIONS)] }),
      editorTheme,
      EditorView.contentAttributes.of({
        id: textId,
        'aria-labelledby': labelId,
        'aria-describedby': statusId,
        ...(problem ? { 'aria-invalid': 'true' } : {}),
      }),
    ],
    [format, textId, labelId, statusId, problem],
  );

  const goTo = (line?: number, column?: number) => {
    if (!view || !line) return;
    const at = Math.min(view.state.doc.length, offsetOf(view.state.doc.toString(), line, column));
    view.dispatch({ selection: { anchor: at }, scrollIntoView: true });
    view.focus();
  };

  const byIssue = new Map<EditorIssue, CodeDiagnostic>();
  for (const d of diagnostics?.list ?? []) if (d.issue) byIssue.set(d.issue, d);
  // A fix replaces the text it was found in; until the text changed by the last fix is read again,
  // the others wait (their buttons are disabled for that moment).
  const fixable = !readOnly && !pending && diagnostics?.text === text;
  const applyFix = (d: CodeDiagnostic, insert: string) => {
    if (diagnostics?.text !== text) return;
    onTextChange(text.slice(0, d.from) + insert + text.slice(d.to));
  };
  const errors = issues.filter((i) => i.severity === 'error');
  const warnings = issues.filter((i) => i.severity === 'warning');

  return (
    <div className="grid gap-3">
      <p id={labelId} className="text-sm font-medium">
        Rules as DQX {FORMAT_LABEL[format]}
      </p>
      <div
        className={cn(
          'border-input dark:bg-input/30 overflow-hidden rounded-md border shadow-xs',
          'focus-within:border-ring focus-within:ring-ring/50 focus-within:ring-[3px]',
          problem && 'border-destructive',
        )}
        data-testid={`code-editor-${format}`}
      >
        <CodeMirror
          value={text}
          onChange={onTextChange}
          onCreateEditor={setView}
          extensions={extensions}
          readOnly={readOnly}
          editable={!readOnly}
          indentWithTab={false}
          theme={resolvedTheme === 'dark' ? 'dark' : 'light'}
          minHeight="16rem"
          maxHeight="36rem"
          basicSetup={{ autocompletion: false, searchKeymap: true, lintKeymap: true, foldGutter: true }}
        />
      </div>
      <div id={statusId} className="text-sm">
        {problem ? (
          <Alert variant="destructive">
            <CircleAlert aria-hidden />
            <AlertTitle>
              {problem.line
                ? `Line ${problem.line}${problem.column ? `, column ${problem.column}` : ''}: `
                : ''}
              the text is not applied
            </AlertTitle>
            <AlertDescription>
              <p>{problem.message}</p>
              <p>The rules stay as they were until the text reads again; nothing you typed is lost.</p>
              <div className="flex flex-wrap gap-2">
                {problem.line && (
                  <Button
                    type="button"
                    size="sm"
                    variant="outline"
                    onClick={() => goTo(problem.line, problem.column)}
                  >
                    Go to line {problem.line}
                  </Button>
                )}
                {stale && (
                  <Button type="button" size="sm" variant="outline" onClick={onDiscardText}>
                    Discard this text and show the current rules
                  </Button>
                )}
              </div>
              {stale && <p>The rules were changed in the form since this text was typed.</p>}
            </AlertDescription>
          </Alert>
        ) : pending ? (
          <p className="text-muted-foreground">Reading…</p>
        ) : (
          <p className="text-muted-foreground">The text and the form show the same rules.</p>
        )}
      </div>

      {ignored.length > 0 && (
        <Alert variant="warning">
          <TriangleAlert aria-hidden />
          <AlertTitle>Keys DQX ignores were left out</AlertTitle>
          <AlertDescription>
            <ul className="list-disc pl-4">
              {ignored.map((k, i) => (
                <li key={i}>
                  Rule {k.ruleIndex + 1}: <code className="font-mono">{k.path}</code> (
                  {ignoredKeyHint(k.path)})
                </li>
              ))}
            </ul>
          </AlertDescription>
        </Alert>
      )}

      <IssueList
        title="Errors"
        issues={errors}
        located={byIssue}
        ruleLabel={ruleLabel}
        onOpenIssue={onOpenIssue}
        onGoTo={(d) => goTo(d.line, d.from - offsetOf(text, d.line) + 1)}
        onFix={readOnly ? null : applyFix}
        fixable={fixable}
      />
      <IssueList
        title="Warnings"
        issues={warnings}
        located={byIssue}
        ruleLabel={ruleLabel}
        onOpenIssue={onOpenIssue}
        onGoTo={(d) => goTo(d.line, d.from - offsetOf(text, d.line) + 1)}
        onFix={readOnly ? null : applyFix}
        fixable={fixable}
      />
    </div>
  );
}

function IssueList({
  title,
  issues,
  located,
  ruleLabel,
  onOpenIssue,
  onGoTo,
  onFix,
  fixable,
}: {
  title: string;
  issues: EditorIssue[];
  located: Map<EditorIssue, CodeDiagnostic>;
  ruleLabel: (issue: EditorIssue) => string;
  onOpenIssue: (issue: EditorIssue) => void;
  onGoTo: (d: CodeDiagnostic) => void;
  onFix: ((d: CodeDiagnostic, insert: string) => void) | null;
  fixable: boolean;
}) {
  if (!issues.length) return null;
  const error = issues[0]!.severity === 'error';
  const Icon = error ? CircleAlert : TriangleAlert;
  return (
    <section aria-label={`${title} in the rules`} className="grid gap-1.5">
      <h3
        className={cn(
          'text-sm font-semibold',
          error ? 'text-destructive' : 'text-amber-700 dark:text-amber-300',
        )}
      >
        {title} ({issues.length})
      </h3>
      <ul className="grid gap-1">
        {issues.map((issue, i) => {
          const d = located.get(issue);
          return (
            <li key={i} className="grid gap-1 rounded-md border px-2 py-1.5 text-xs" data-testid="code-issue">
              <button
                type="button"
                disabled={issue.ruleKey === null}
                onClick={() => onOpenIssue(issue)}
                className="hover:bg-accent focus-visible:ring-ring/50 flex w-full items-start gap-2 rounded-sm text-left outline-none focus-visible:ring-[3px] disabled:cursor-default"
              >
                <Icon
                  aria-hidden
                  className={cn(
                    'mt-px size-3.5 shrink-0',
                    error ? 'text-destructive' : 'text-amber-600 dark:text-amber-300',
                  )}
                />
                <span className="grid gap-0.5">
                  <span className="font-medium">
                    {d && <>Line {d.line} · </>}
                    {ruleLabel(issue)}
                    {issue.field && (
                      <>
                        {' · '}
                        <code className="font-mono">{issue.field}</code>
                      </>
                    )}
                  </span>
                  <span className="text-muted-foreground break-words">{issue.message}</span>
                </span>
              </button>
              {d && (d.suggestion || d.line) && (
                <span className="flex flex-wrap items-center gap-2 pl-5">
                  {d.suggestion && <span>{d.suggestion.message}</span>}
                  {onFix &&
                    d.fixes.map((fix) => (
                      <Button
                        key={fix.label}
                        type="button"
                        size="sm"
                        variant="outline"
                        className="h-7 text-xs"
                        disabled={!fixable}
                        onClick={() => onFix(d, fix.insert)}
                      >
                        <Wand2 /> {fix.label}
                      </Button>
                    ))}
                  <Button
                    type="button"
                    size="sm"
                    variant="ghost"
                    className="h-7 text-xs"
                    onClick={() => onGoTo(d)}
                  >
                    Go to line {d.line}
                  </Button>
                </span>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
