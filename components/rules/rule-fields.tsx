'use client';

import { CircleAlert, Plus, TriangleAlert, X } from 'lucide-react';
import { useEffect, useId, useRef, useState } from 'react';

import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { NativeSelect } from '@/components/ui/native-select';
import { Textarea } from '@/components/ui/textarea';
import { cn } from '@/lib/utils';

import {
  describeValue,
  parseIntegerText,
  parseNumberText,
  numberText,
  VALUE_KIND_LABELS,
  valueFromDraft,
  type ValueDraft,
  type ValueKind,
} from './argument-values';
import type { EditorIssue } from './rule-issues';
import { SuggestInput, type SuggestOption } from './suggest-input';

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * A field's own draft of a rule value (the text being typed, the rows being edited). It is made
 * from the value, and made again when the value changes from elsewhere (undo, the code view);
 * `commit` hands a value to the rule and remembers it, so the field's own change does not replace
 * what the user is typing with its normal form. `onReset` runs when the draft is made again (to
 * clear the field's local errors).
 */
function useValueDraft<D, V>(
  value: unknown,
  draftOf: (value: unknown) => D,
  onChange: (value: V) => void,
  onReset?: () => void,
) {
  const [synced, setSynced] = useState<unknown>(value);
  const [draft, setDraft] = useState<D>(() => draftOf(value));
  if (!same(synced, value)) {
    setSynced(value);
    setDraft(draftOf(value));
    onReset?.();
  }
  const commit = (next: V) => {
    setSynced(next);
    onChange(next);
  };
  return [draft, setDraft, commit] as const;
}

// ---------------------------------------------------------------------------------------------
// Issues and the frame around a field

export function IssueText({ issue, id }: { issue: EditorIssue; id?: string }) {
  const error = issue.severity === 'error';
  const Icon = error ? CircleAlert : TriangleAlert;
  return (
    <p
      id={id}
      className={cn(
        'flex items-start gap-1.5 text-xs leading-snug',
        error ? 'text-destructive' : 'text-amber-700 dark:text-amber-300',
      )}
    >
      <Icon aria-hidden className="mt-px size-3.5 shrink-0" />
      <span className="break-words">
        <span className="sr-only">{error ? 'Error: ' : 'Warning: '}</span>
        {issue.message}
      </span>
    </p>
  );
}

export function LocalError({ message, id }: { message: string; id?: string }) {
  return (
    <p id={id} className="text-destructive flex items-start gap-1.5 text-xs">
      <CircleAlert aria-hidden className="mt-px size-3.5 shrink-0" />
      <span>
        <span className="sr-only">Error: </span>
        {message}
      </span>
    </p>
  );
}

export function FieldIssues({ issues, id }: { issues: EditorIssue[]; id: string }) {
  if (!issues.length) return null;
  return (
    <div id={id} className="grid gap-1">
      {issues.map((issue, i) => (
        <IssueText key={`${issue.code}-${i}`} issue={issue} />
      ))}
    </div>
  );
}

interface FieldShellProps {
  controlId: string;
  label: React.ReactNode;
  required?: boolean;
  description?: React.ReactNode;
  issues: EditorIssue[];
  /** A group of controls: rendered as a fieldset with a legend. */
  group?: boolean;
  children: (describedBy: string | undefined, invalid: boolean) => React.ReactNode;
  className?: string;
  labelAside?: React.ReactNode;
}

/** Label, control, description and the engine's issues for one field, wired for assistive tech. */
export function FieldShell({
  controlId,
  label,
  required,
  description,
  issues,
  group,
  children,
  className,
  labelAside,
}: FieldShellProps) {
  const descId = `${controlId}-desc`;
  const issuesId = `${controlId}-issues`;
  const describedBy =
    [description ? descId : null, issues.length ? issuesId : null].filter(Boolean).join(' ') || undefined;
  const invalid = issues.some((i) => i.severity === 'error');
  const labelContent = (
    <>
      {label}
      {required && <span className="sr-only"> (required)</span>}
    </>
  );
  const marker = required ? (
    <span aria-hidden className="text-destructive -ml-1 text-sm" title="required">
      *
    </span>
  ) : null;
  const body = (
    <>
      {children(describedBy, invalid)}
      {description && (
        <div id={descId} className="text-muted-foreground text-xs leading-snug">
          {description}
        </div>
      )}
      <FieldIssues issues={issues} id={issuesId} />
    </>
  );
  if (group) {
    return (
      <fieldset className={cn('grid min-w-0 gap-1.5', className)} aria-describedby={describedBy}>
        <legend className="mb-1.5 flex w-full items-center justify-between gap-2 text-sm font-medium">
          <span className="flex items-baseline gap-1">
            <span>{labelContent}</span>
            {marker}
          </span>
          {labelAside}
        </legend>
        {body}
      </fieldset>
    );
  }
  return (
    <div className={cn('grid min-w-0 gap-1.5', className)}>
      <div className="flex items-center justify-between gap-2">
        <span className="flex items-baseline gap-1">
          <label htmlFor={controlId} className="text-sm font-medium">
            {labelContent}
          </label>
          {marker}
        </span>
        {labelAside}
      </div>
      {body}
    </div>
  );
}

// ---------------------------------------------------------------------------------------------
// Numbers

export function NumberInput({
  id,
  value,
  onChange,
  integer,
  describedBy,
  invalid,
  placeholder,
  disabled,
}: {
  id: string;
  value: unknown;
  onChange: (value: unknown) => void;
  integer?: boolean;
  describedBy?: string;
  invalid?: boolean;
  placeholder?: string;
  disabled?: boolean;
}) {
  const shownText = (v: unknown) => numberText(v) ?? (v === undefined || v === null ? '' : JSON.stringify(v));
  const [error, setError] = useState<string | null>(null);
  const [text, setText, commit] = useValueDraft(value, shownText, onChange, () => setError(null));
  const errorId = `${id}-local`;
  return (
    <>
      <Input
        id={id}
        inputMode={integer ? 'numeric' : 'decimal'}
        className="font-mono"
        value={text}
        placeholder={placeholder}
        disabled={disabled}
        aria-invalid={invalid || !!error || undefined}
        aria-describedby={[describedBy, error ? errorId : null].filter(Boolean).join(' ') || undefined}
        onChange={(e) => {
          const t = e.target.value;
          setText(t);
          const parsed =
            t.trim() === ''
              ? { ok: true as const, value: undefined }
              : integer
                ? parseIntegerText(t)
                : parseNumberText(t);
          setError(parsed.ok ? null : parsed.message);
          commit(parsed.ok ? parsed.value : undefined);
        }}
      />
      {error && <LocalError id={errorId} message={error} />}
    </>
  );
}

// ---------------------------------------------------------------------------------------------
// Limits and list values: a kind (text value, number, column or expression, ...) and the text

const KIND_ORDER: ValueKind[] = ['text', 'number', 'date', 'timestamp', 'expression', 'other'];

function storedPreview(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

interface ValueEditorProps {
  id: string;
  label: string;
  draft: ValueDraft;
  stored: unknown;
  onDraftChange: (draft: ValueDraft) => void;
  columnOptions: SuggestOption[];
  describedBy?: string;
  invalid?: boolean;
  error?: string | null;
  disabled?: boolean;
  kinds?: ValueKind[];
  onEnter?: () => void;
}

/** One value: the kind picker, the text box and the exact value stored in the rule. */
export function ValueEditor({
  id,
  label,
  draft,
  stored,
  onDraftChange,
  columnOptions,
  describedBy,
  invalid,
  error,
  disabled,
  kinds = KIND_ORDER,
  onEnter,
}: ValueEditorProps) {
  const errorId = `${id}-local`;
  const previewId = `${id}-stored`;
  const describe = [describedBy, error ? errorId : null, previewId].filter(Boolean).join(' ');
  const placeholder: Record<ValueKind, string> = {
    text: 'e.g. ACTIVE',
    number: 'e.g. 10 or 2.5',
    date: 'YYYY-MM-DD',
    timestamp: 'YYYY-MM-DD HH:MM:SS',
    expression: 'column name or SQL expression',
    other: 'JSON value',
  };
  const shownKinds = kinds.includes(draft.kind) ? kinds : [...kinds, draft.kind];
  return (
    <div className="grid min-w-0 gap-1">
      <div className="flex min-w-0 flex-wrap gap-2 sm:flex-nowrap">
        <div className="w-full sm:w-48 sm:shrink-0">
          <NativeSelect
            aria-label={`Kind of ${label}`}
            value={draft.kind}
            disabled={disabled}
            onChange={(e) => onDraftChange({ kind: e.target.value as ValueKind, text: draft.text })}
          >
            {shownKinds.map((k) => (
              <option key={k} value={k}>
                {VALUE_KIND_LABELS[k]}
              </option>
            ))}
          </NativeSelect>
        </div>
        <div className="min-w-0 flex-1">
          {draft.kind === 'expression' ? (
            <SuggestInput
              id={id}
              mode="free"
              aria-label={label}
              value={draft.text}
              onChange={(text) => onDraftChange({ kind: 'expression', text })}
              options={columnOptions}
              listLabel="Columns"
              placeholder={placeholder.expression}
              invalid={invalid || !!error}
              describedBy={describe}
              disabled={disabled}
              onEnter={onEnter}
            />
          ) : (
            <Input
              id={id}
              aria-label={label}
              className={cn(draft.kind !== 'text' && 'font-mono')}
              inputMode={draft.kind === 'number' ? 'decimal' : undefined}
              value={draft.text}
              placeholder={placeholder[draft.kind]}
              disabled={disabled}
              aria-invalid={invalid || !!error || undefined}
              aria-describedby={describe}
              onChange={(e) => onDraftChange({ kind: draft.kind, text: e.target.value })}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && onEnter) {
                  e.preventDefault();
                  onEnter();
                }
              }}
            />
          )}
        </div>
      </div>
      {error && <LocalError id={errorId} message={error} />}
      <p id={previewId} className="text-muted-foreground text-xs">
        {stored === undefined || stored === null ? (
          'Not set.'
        ) : (
          <>
            Stored in the rule as{' '}
            <code className="bg-muted rounded px-1 font-mono break-all">{storedPreview(stored)}</code>
            {draft.kind === 'text' && ' (quoted: DQX reads unquoted text as a column or expression)'}
            {draft.kind === 'expression' && ' (a column or SQL expression, not a text value)'}
          </>
        )}
      </p>
    </div>
  );
}

/** A single limit value (min_limit, value, base_timestamp, ...). */
export function LimitInput({
  id,
  label,
  value,
  onChange,
  defaultKind,
  columnOptions,
  describedBy,
  invalid,
  disabled,
  unknownColumn,
}: {
  id: string;
  label: string;
  value: unknown;
  onChange: (value: unknown) => void;
  defaultKind: ValueKind;
  columnOptions: SuggestOption[];
  describedBy?: string;
  invalid?: boolean;
  disabled?: boolean;
  /** The engine says the value names a column the table does not have (maybe meant as text). */
  unknownColumn?: boolean;
}) {
  const draftOf = (v: unknown): ValueDraft => describeValue(v) ?? { kind: defaultKind, text: '' };
  const [error, setError] = useState<string | null>(null);
  const [draft, setDraft, commit] = useValueDraft(value, draftOf, onChange, () => setError(null));
  const apply = (d: ValueDraft) => {
    setDraft(d);
    const parsed = valueFromDraft(d, value);
    setError(parsed.ok ? null : parsed.message);
    commit(parsed.ok ? parsed.value : undefined);
  };
  return (
    <>
      <ValueEditor
        id={id}
        label={label}
        draft={draft}
        stored={value}
        columnOptions={columnOptions}
        describedBy={describedBy}
        invalid={invalid}
        error={error}
        disabled={disabled}
        onDraftChange={apply}
      />
      {unknownColumn && draft.kind === 'expression' && /^[\w\s-]+$/.test(draft.text) && (
        <div>
          <Button
            type="button"
            variant="outline"
            size="sm"
            disabled={disabled}
            onClick={() => apply({ kind: 'text', text: draft.text })}
          >
            Use the text &quot;{draft.text}&quot; instead
          </Button>
        </div>
      )}
    </>
  );
}

/** The `allowed` / `forbidden` list: one row per value, each with its kind. */
export function ValueListInput({
  id,
  label,
  value,
  onChange,
  defaultKind,
  columnOptions,
  issuesAtItem,
  disabled,
}: {
  id: string;
  label: string;
  value: unknown;
  onChange: (value: unknown[] | undefined) => void;
  defaultKind: ValueKind;
  columnOptions: SuggestOption[];
  issuesAtItem: (index: number) => EditorIssue[];
  disabled?: boolean;
}) {
  const list = Array.isArray(value) ? value : null;
  const draftsOf = (v: unknown): ValueDraft[] =>
    Array.isArray(v) ? v.map((x) => describeValue(x) ?? { kind: defaultKind, text: '' }) : [];
  const [errors, setErrors] = useState<(string | null)[]>([]);
  const [drafts, setDrafts, commit] = useValueDraft(value, draftsOf, onChange, () => setErrors([]));
  const [focusIndex, setFocusIndex] = useState<number | null>(null);

  const emit = (next: ValueDraft[]) => {
    setDrafts(next);
    const results = next.map((d, i) => valueFromDraft(d, list?.[i]));
    setErrors(results.map((r) => (r.ok ? null : r.message)));
    const values = results.map((r) => (r.ok && r.value !== undefined ? r.value : null));
    commit(next.length ? values : undefined);
  };

  const add = (at: number, kind: ValueKind) => {
    const next = [...drafts];
    next.splice(at, 0, { kind, text: '' });
    setFocusIndex(at);
    emit(next);
  };

  if (value !== undefined && !list) {
    return (
      <p className="text-muted-foreground text-xs">
        The rule holds <code className="font-mono">{JSON.stringify(value)}</code>, not a list.{' '}
        <Button
          type="button"
          variant="link"
          size="sm"
          className="h-auto p-0"
          onClick={() => emit([])}
          disabled={disabled}
        >
          Start a new list
        </Button>
      </p>
    );
  }

  return (
    <div className="grid gap-2">
      {drafts.length === 0 && <p className="text-muted-foreground text-xs">No values yet.</p>}
      <ol className="grid gap-2">
        {drafts.map((draft, i) => {
          const itemId = `${id}-${i}`;
          const itemIssues = issuesAtItem(i);
          const issuesId = `${itemId}-issues`;
          return (
            <li key={i} className="flex min-w-0 items-start gap-2">
              <span className="text-muted-foreground mt-2 w-5 shrink-0 text-right text-xs tabular-nums">
                {i + 1}.
              </span>
              <div className="grid min-w-0 flex-1 gap-1">
                <ValueEditor
                  id={itemId}
                  label={`${label} value ${i + 1}`}
                  draft={draft}
                  stored={list?.[i]}
                  columnOptions={columnOptions}
                  invalid={itemIssues.some((x) => x.severity === 'error')}
                  describedBy={itemIssues.length ? issuesId : undefined}
                  error={errors[i] ?? null}
                  disabled={disabled}
                  onEnter={() => add(i + 1, draft.kind)}
                  onDraftChange={(d) => emit(drafts.map((x, j) => (j === i ? d : x)))}
                />
                <FieldIssues issues={itemIssues} id={issuesId} />
                {draft.kind === 'expression' &&
                  itemIssues.some((x) => x.code === 'unknown_column') &&
                  /^[\w\s-]+$/.test(draft.text) && (
                    <div>
                      <Button
                        type="button"
                        variant="outline"
                        size="sm"
                        disabled={disabled}
                        onClick={() =>
                          emit(drafts.map((x, j) => (j === i ? { kind: 'text', text: draft.text } : x)))
                        }
                      >
                        Use the text &quot;{draft.text}&quot; instead
                      </Button>
                    </div>
                  )}
                {focusIndex === i && <FocusOnMount targetId={itemId} onDone={() => setFocusIndex(null)} />}
              </div>
              <Button
                type="button"
                variant="ghost"
                size="icon"
                className="size-9 shrink-0"
                aria-label={`Remove ${label} value ${i + 1}`}
                disabled={disabled}
                onClick={() => emit(drafts.filter((_, j) => j !== i))}
              >
                <X />
              </Button>
            </li>
          );
        })}
      </ol>
      <div>
        <Button
          type="button"
          variant="outline"
          size="sm"
          disabled={disabled}
          onClick={() => add(drafts.length, drafts[drafts.length - 1]?.kind ?? defaultKind)}
        >
          <Plus /> Add value
        </Button>
      </div>
    </div>
  );
}

/** Moves the focus to an element once it exists (after a row was added). */
function FocusOnMount({ targetId, onDone }: { targetId: string; onDone: () => void }) {
  const done = useRef(onDone);
  useEffect(() => {
    document.getElementById(targetId)?.focus();
    done.current();
  }, [targetId]);
  return null;
}

// ---------------------------------------------------------------------------------------------
// Lists of names (columns, keys): chips with remove buttons and a box to add more

export function ChipListInput({
  id,
  label,
  value,
  onChange,
  options,
  placeholder,
  issuesAtItem,
  describedBy,
  invalid,
  disabled,
}: {
  id: string;
  label: string;
  value: unknown;
  onChange: (value: unknown[] | undefined) => void;
  /** Suggestions (the table's columns); none for free lists. */
  options: SuggestOption[];
  placeholder?: string;
  issuesAtItem: (index: number) => EditorIssue[];
  describedBy?: string;
  invalid?: boolean;
  disabled?: boolean;
}) {
  const list = Array.isArray(value) ? value : value === undefined ? [] : null;
  const [text, setText] = useState('');
  const add = (raw: string) => {
    const v = raw.trim();
    if (!v || !list) return;
    onChange([...list, v]);
    setText('');
  };
  if (!list) {
    return (
      <p className="text-muted-foreground text-xs">
        The rule holds <code className="font-mono">{JSON.stringify(value)}</code>, not a list.{' '}
        <Button
          type="button"
          variant="link"
          size="sm"
          className="h-auto p-0"
          onClick={() => onChange(undefined)}
          disabled={disabled}
        >
          Clear it
        </Button>
      </p>
    );
  }
  const remaining = options.filter((o) => !list.includes(o.value));
  return (
    <div className="grid gap-2">
      {list.length > 0 && (
        <ul className="flex flex-wrap gap-1.5" aria-label={`${label}: chosen`}>
          {list.map((item, i) => {
            const itemIssues = issuesAtItem(i);
            const bad = itemIssues.some((x) => x.severity === 'error');
            const name = typeof item === 'string' ? item : JSON.stringify(item);
            return (
              <li key={`${i}-${name}`} className="grid gap-1" id={`${id}-${i}`} tabIndex={-1}>
                <span
                  className={cn(
                    'inline-flex max-w-full items-center gap-1 rounded-md border py-0.5 pr-0.5 pl-2 font-mono text-xs',
                    bad ? 'border-destructive text-destructive' : 'bg-secondary',
                  )}
                >
                  <span className="break-all">{name}</span>
                  <button
                    type="button"
                    className="hover:bg-accent focus-visible:ring-ring/50 rounded p-0.5 outline-none focus-visible:ring-[3px]"
                    aria-label={`Remove ${name} from ${label}`}
                    disabled={disabled}
                    onClick={() => {
                      const next = list.filter((_, j) => j !== i);
                      onChange(next.length ? next : undefined);
                    }}
                  >
                    <X aria-hidden className="size-3" />
                  </button>
                </span>
                {itemIssues.map((issue, k) => (
                  <IssueText key={k} issue={issue} />
                ))}
              </li>
            );
          })}
        </ul>
      )}
      <div className="flex gap-2">
        <SuggestInput
          id={id}
          mode="free"
          className="flex-1"
          aria-label={`Add to ${label}`}
          value={text}
          onChange={setText}
          onPick={add}
          onEnter={add}
          options={remaining}
          listLabel="Columns"
          placeholder={placeholder}
          describedBy={describedBy}
          invalid={invalid}
          disabled={disabled}
        />
        <Button type="button" variant="outline" onClick={() => add(text)} disabled={disabled || !text.trim()}>
          Add
        </Button>
      </div>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------
// JSON values and key/value maps

export function JsonInput({
  id,
  value,
  onChange,
  describedBy,
  invalid,
  disabled,
}: {
  id: string;
  value: unknown;
  onChange: (value: unknown) => void;
  describedBy?: string;
  invalid?: boolean;
  disabled?: boolean;
}) {
  const textOf = (v: unknown) => (v === undefined ? '' : JSON.stringify(v, null, 2));
  const [error, setError] = useState<string | null>(null);
  const [text, setText, commit] = useValueDraft(value, textOf, onChange, () => setError(null));
  const errorId = `${id}-local`;
  return (
    <>
      <Textarea
        id={id}
        className="min-h-20 font-mono text-xs"
        spellCheck={false}
        value={text}
        disabled={disabled}
        aria-invalid={invalid || !!error || undefined}
        aria-describedby={[describedBy, error ? errorId : null].filter(Boolean).join(' ') || undefined}
        onChange={(e) => {
          const t = e.target.value;
          setText(t);
          if (t.trim() === '') {
            setError(null);
            commit(undefined);
            return;
          }
          try {
            const parsed = JSON.parse(t) as unknown;
            setError(null);
            commit(parsed);
          } catch {
            setError('Not valid JSON yet: the rule keeps its previous value until it is.');
          }
        }}
      />
      {error && <LocalError id={errorId} message={error} />}
    </>
  );
}

interface KeyValueRow {
  key: string;
  value: string;
  /** The original non-string value, kept until the row is edited. */
  raw?: unknown;
}

/** `user_metadata`: text keys and values (DQX writes them to results as strings). */
export function KeyValueInput({
  id,
  label,
  value,
  onChange,
  disabled,
}: {
  id: string;
  label: string;
  value: unknown;
  onChange: (value: Record<string, unknown> | undefined) => void;
  disabled?: boolean;
}) {
  const rowsOf = (v: unknown): KeyValueRow[] =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.entries(v as Record<string, unknown>).map(([key, val]) =>
          typeof val === 'string' ? { key, value: val } : { key, value: JSON.stringify(val), raw: val },
        )
      : [];
  const [rows, setRows, commit] = useValueDraft(value, rowsOf, onChange);
  const uid = useId();
  const emit = (next: KeyValueRow[]) => {
    setRows(next);
    const out: Record<string, unknown> = {};
    for (const r of next) if (r.key.trim() && !(r.key in out)) out[r.key] = 'raw' in r ? r.raw : r.value;
    commit(Object.keys(out).length ? out : undefined);
  };
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.key, (counts.get(r.key) ?? 0) + 1);
  return (
    <div className="grid gap-2" id={id} tabIndex={-1}>
      {rows.map((row, i) => {
        const duplicate = row.key.trim() !== '' && (counts.get(row.key) ?? 0) > 1;
        return (
          <div key={i} className="grid gap-1">
            <div className="flex min-w-0 gap-2">
              <Input
                aria-label={`${label} key ${i + 1}`}
                placeholder="key"
                className="min-w-0 flex-1 font-mono"
                value={row.key}
                disabled={disabled}
                aria-invalid={duplicate || undefined}
                aria-describedby={duplicate ? `${uid}-dup-${i}` : undefined}
                onChange={(e) => emit(rows.map((r, j) => (j === i ? { ...r, key: e.target.value } : r)))}
              />
              <Input
                aria-label={`${label} value ${i + 1}`}
                placeholder="value"
                className="min-w-0 flex-1"
                value={row.value}
                disabled={disabled}
                onChange={(e) =>
                  emit(rows.map((r, j) => (j === i ? { key: r.key, value: e.target.value } : r)))
                }
              />
              <Button
                type="button"
                variant="ghost"
                size="icon"
                aria-label={`Remove ${label} entry ${i + 1}`}
                disabled={disabled}
                onClick={() => emit(rows.filter((_, j) => j !== i))}
              >
                <X />
              </Button>
            </div>
            {duplicate && (
              <LocalError id={`${uid}-dup-${i}`} message="This key is used twice; only the first is kept." />
            )}
          </div>
        );
      })}
      <div>
        <Button
          type="button"
          variant="outline"
          size="sm"
          disabled={disabled}
          onClick={() => setRows([...rows, { key: '', value: '' }])}
        >
          <Plus /> Add entry
        </Button>
      </div>
    </div>
  );
}
