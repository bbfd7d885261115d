'use client';

import { CircleAlert, TriangleAlert } from 'lucide-react';
import { useRef } from 'react';

import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { cn } from '@/lib/utils';

import type { ChecksFormat } from './engine';
import type { EditorIssue } from './rule-issues';
import { ignoredKeyHint, type IgnoredKey, type TextProblem } from './rules-text';

const FORMAT_LABEL: Record<ChecksFormat, string> = { yaml: 'YAML', json: 'JSON' };

/** Offset in `text` of a 1-based line and column. */
function offsetOf(text: string, line: number, column = 1): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  return Math.min(text.length, offset + Math.max(0, column - 1));
}

/**
 * The rule set as editable DQX YAML or JSON. What is typed is read again a moment later; when it
 * reads, the rules update; when it does not, the text stays as typed and the error says where.
 * The engine's errors are listed below, each a button that opens the rule's field in the form.
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
  ruleLabel: (issue: EditorIssue) => string;
  onOpenIssue: (issue: EditorIssue) => void;
  ignored: IgnoredKey[];
  readOnly?: boolean;
  idPrefix: string;
}) {
  const areaRef = useRef<HTMLTextAreaElement>(null);
  const textId = `${idPrefix}-code-${format}`;
  const statusId = `${textId}-status`;
  const goTo = (line?: number, column?: number) => {
    const area = areaRef.current;
    if (!area || !line) return;
    const at = offsetOf(text, line, column);
    area.focus();
    area.setSelectionRange(at, at);
  };
  const errors = issues.filter((i) => i.severity === 'error');
  const warnings = issues.filter((i) => i.severity === 'warning');

  return (
    <div className="grid gap-3">
      <label htmlFor={textId} className="text-sm font-medium">
        Rules as DQX {FORMAT_LABEL[format]}
      </label>
      <textarea
        ref={areaRef}
        id={textId}
        value={text}
        readOnly={readOnly}
        spellCheck={false}
        autoCapitalize="off"
        autoCorrect="off"
        wrap="off"
        rows={Math.min(32, Math.max(12, text.split('\n').length + 1))}
        aria-invalid={problem ? true : undefined}
        aria-describedby={statusId}
        onChange={(e) => onTextChange(e.target.value)}
        className={cn(
          'border-input dark:bg-input/30 w-full resize-y rounded-md border bg-transparent px-3 py-2 font-mono text-xs leading-5 shadow-xs outline-none',
          'focus-visible:border-ring focus-visible:ring-ring/50 focus-visible:ring-[3px]',
          'aria-invalid:border-destructive aria-invalid:ring-destructive/20',
        )}
      />
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

      <IssueButtons title="Errors" issues={errors} ruleLabel={ruleLabel} onOpenIssue={onOpenIssue} />
      <IssueButtons title="Warnings" issues={warnings} ruleLabel={ruleLabel} onOpenIssue={onOpenIssue} />
    </div>
  );
}

function IssueButtons({
  title,
  issues,
  ruleLabel,
  onOpenIssue,
}: {
  title: string;
  issues: EditorIssue[];
  ruleLabel: (issue: EditorIssue) => string;
  onOpenIssue: (issue: EditorIssue) => void;
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
        {issues.map((issue, i) => (
          <li key={i}>
            <button
              type="button"
              disabled={issue.ruleKey === null}
              onClick={() => onOpenIssue(issue)}
              className="hover:bg-accent focus-visible:ring-ring/50 flex w-full items-start gap-2 rounded-md border px-2 py-1.5 text-left text-xs outline-none focus-visible:ring-[3px] disabled:cursor-default"
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
          </li>
        ))}
      </ul>
    </section>
  );
}
