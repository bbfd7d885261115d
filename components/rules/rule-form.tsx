'use client';

import { Plus, X } from 'lucide-react';
import { useEffect } from 'react';

import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Checkbox } from '@/components/ui/checkbox';
import { Input } from '@/components/ui/input';
import { NativeSelect } from '@/components/ui/native-select';
import { Textarea } from '@/components/ui/textarea';

import { ArgumentField, KeyValueInput, UnknownArgumentField } from './argument-field';
import {
  changeFunction,
  disableForEachColumn,
  enableForEachColumn,
  setArgument,
  setForEachColumn,
  setRuleField,
  type ValueKind,
} from './argument-values';
import { columnOptions, columnTypeFamily } from './column-options';
import { getCheck, listChecks, type CheckDefinition } from './engine';
import { ChipListInput, FieldIssues, FieldShell, IssueText } from './rule-fields';
import { fieldDomId, focusCandidates, issuesAt, type EditorIssue, type RuleIssues } from './rule-issues';
import {
  argumentsOf,
  columnKeyOf,
  defaultNames,
  forEachColumnOf,
  functionOf,
  type RawRule,
  type RuleAnnotation,
  type TableColumn,
} from './rule-model';
import type { SuggestOption } from './suggest-input';
import { SuggestInput } from './suggest-input';

const GROUP_ORDER = [
  'core:row',
  'core:dataset',
  'geo:row',
  'geo:dataset',
  'pii:row',
  'pii:dataset',
  'anomaly:row',
  'anomaly:dataset',
];

function groupLabel(def: CheckDefinition): string {
  const what =
    def.module === 'geo'
      ? 'Geospatial'
      : def.module === 'pii'
        ? 'PII detection'
        : def.module === 'anomaly'
          ? 'Anomaly detection'
          : def.level === 'row'
            ? 'Row checks'
            : 'Dataset checks';
  const level = def.module !== 'core' ? ` (${def.level})` : '';
  return `${what}${level}${def.runsIn === 'job' ? ' · run in a DQX job' : ' · SQL'}`;
}

let functionOptionsCache: SuggestOption[] | null = null;

/** Every DQX check as a picker option, grouped by level and where it runs. */
export function functionOptions(): SuggestOption[] {
  if (functionOptionsCache) return functionOptionsCache;
  const rank = (d: CheckDefinition) => {
    const i = GROUP_ORDER.indexOf(`${d.module}:${d.level}`);
    return (i < 0 ? GROUP_ORDER.length : i) * 2 + (d.runsIn === 'sql' ? 0 : 1);
  };
  functionOptionsCache = listChecks()
    .map((d, i) => ({ d, i }))
    .sort((a, b) => rank(a.d) - rank(b.d) || a.i - b.i)
    .map(({ d }) => ({
      value: d.name,
      detail: d.description,
      group: groupLabel(d),
      ...(d.runsIn === 'job' ? { tag: 'job only' } : {}),
    }));
  return functionOptionsCache;
}

/** The kind a new limit or list value starts as, from the type of the checked column. */
export function valueKindFor(
  rule: RawRule,
  columns: readonly TableColumn[],
  def: CheckDefinition | undefined,
): ValueKind {
  if (def?.name === 'is_data_fresh') return 'timestamp';
  if (def?.name === 'has_num_decimal_places' || def?.name?.startsWith('is_aggr_')) return 'number';
  const column = argumentsOf(rule).column;
  const fec = forEachColumnOf(rule);
  const name = typeof column === 'string' ? column : typeof fec?.[0] === 'string' ? fec[0] : null;
  const type = columns.find((c) => c.name === name)?.type;
  if (!type) return 'text';
  switch (columnTypeFamily(type)) {
    case 'numeric':
      return 'number';
    case 'date':
      return 'date';
    case 'timestamp':
      return 'timestamp';
    case 'string':
      return 'text';
    default:
      return 'expression';
  }
}

export interface FocusRequest {
  key: string;
  field: string | null;
  /** Changes on every request, so the same field can be focused twice. */
  nonce: number;
}

const ORIGIN_LABEL: Record<RuleAnnotation['origin'], string> = {
  profile: 'From the data profile',
  model: 'Proposed by the language model',
  manual: 'Written by hand',
  imported: 'Imported from a file',
};

/** Fields of a rule the form shows; issues elsewhere are listed at the top of the form. */
function shownField(path: string, def: CheckDefinition | undefined, args: Record<string, unknown>): boolean {
  if (
    [
      'check.function',
      'check.arguments',
      'criticality',
      'name',
      'filter',
      'message_expr',
      'user_metadata',
    ].includes(path)
  )
    return true;
  if (path === 'check.for_each_column' || path.startsWith('check.for_each_column.')) return true;
  const m = /^check\.arguments\.([^.]+)/.exec(path);
  if (!m) return false;
  const name = m[1]!;
  return Boolean(def?.params.some((p) => p.name === name && !p.programmaticOnly)) || name in args;
}

export function RuleForm({
  rule,
  annotation,
  position,
  columns,
  issues,
  idPrefix,
  readOnly,
  onChange,
  focus,
  onNotice,
}: {
  rule: RawRule;
  annotation?: RuleAnnotation;
  /** 1-based position in the list. */
  position: number;
  columns: readonly TableColumn[];
  issues: RuleIssues;
  idPrefix: string;
  readOnly?: boolean;
  onChange: (rule: RawRule) => void;
  focus: FocusRequest | null;
  onNotice: (message: string | null) => void;
}) {
  const fn = functionOf(rule);
  const fnId = fieldDomId(idPrefix, 'check.function');
  const options = functionOptions();
  const def = getCheck(fn);
  const args = argumentsOf(rule);
  const columnKey = columnKeyOf(def);
  const fec = forEachColumnOf(rule);
  const valueKind = valueKindFor(rule, columns, def);
  const names = defaultNames(rule);
  const disabled = readOnly;

  // Move the focus to the field an issue points at (from the code view's list or a new rule).
  useEffect(() => {
    if (!focus) return;
    for (const id of [...focusCandidates(idPrefix, focus.field), fieldDomId(idPrefix, 'check.function')]) {
      const el = document.getElementById(id);
      if (el) {
        el.scrollIntoView?.({ block: 'center' });
        el.focus({ preventScroll: true });
        break;
      }
    }
  }, [focus, idPrefix]);

  const unplaced: EditorIssue[] = [...issues.errors, ...issues.warnings].filter(
    (i) => i.field === null || !shownField(i.field, def, args),
  );

  const set = (name: string, value: unknown) => onChange(setArgument(rule, name, value));
  const params = def?.params.filter((p) => !p.programmaticOnly && !(fec && p.name === columnKey)) ?? [];
  const programmatic = def?.params.filter((p) => p.programmaticOnly) ?? [];
  const unknownArgs = Object.keys(args).filter((name) => !def || !def.params.some((p) => p.name === name));

  return (
    <form
      className="grid gap-5"
      aria-label={`Rule ${position}`}
      onSubmit={(e) => e.preventDefault()}
      noValidate
    >
      <fieldset disabled={disabled} className="contents">
        {annotation && (annotation.origin !== 'manual' || annotation.evidence) && (
          <div className="bg-muted/50 rounded-md border px-3 py-2 text-sm">
            <p className="font-medium">
              {ORIGIN_LABEL[annotation.origin]}
              {annotation.edited ? ', edited since' : ''}
            </p>
            {annotation.evidence && (
              <p className="text-muted-foreground mt-1 text-xs whitespace-pre-wrap">{annotation.evidence}</p>
            )}
          </div>
        )}

        {unplaced.length > 0 && (
          <div
            className="grid gap-1 rounded-md border border-dashed px-3 py-2"
            role="group"
            aria-label="Problems with this rule"
          >
            {unplaced.map((issue, i) => (
              <IssueText key={`${issue.code}-${i}`} issue={issue} />
            ))}
          </div>
        )}

        <FieldShell
          controlId={fnId}
          label="Check function"
          required
          issues={issuesAt(issues, 'check.function')}
          description={
            def ? (
              <span className="grid gap-1">
                <span>{def.description}</span>
                <span className="flex flex-wrap gap-1">
                  <Badge variant="outline">{def.level === 'row' ? 'row-level' : 'dataset-level'}</Badge>
                  {def.runsIn === 'sql' ? (
                    <Badge variant="outline">runs as SQL</Badge>
                  ) : (
                    <Badge variant="warning" title={def.jobOnlyReason}>
                      runs in a DQX job only
                    </Badge>
                  )}
                </span>
              </span>
            ) : fn ? (
              `'${fn}' is not a DQX check function; pick one from the list.`
            ) : (
              'Type to search by name or description, e.g. "null", "range", "email".'
            )
          }
        >
          {(describedBy, invalid) => (
            <SuggestInput
              id={fnId}
              mode="pick"
              value={fn}
              options={options}
              listLabel="Check functions"
              placeholder="Search check functions"
              invalid={invalid}
              describedBy={describedBy}
              disabled={disabled}
              emptyText="No check matches"
              onChange={(name) => {
                if (name === fn) return;
                const { rule: next, dropped } = changeFunction(rule, name);
                onChange(next);
                onNotice(
                  dropped.length ? `Removed what ${name} does not take: ${dropped.join(', ')}.` : null,
                );
              }}
            />
          )}
        </FieldShell>

        {def && columnKey && (
          <div className="grid gap-3">
            <div className="flex items-start gap-2">
              <Checkbox
                id={fieldDomId(idPrefix, 'for_each_column_toggle')}
                checked={fec !== null}
                disabled={disabled}
                onCheckedChange={(checked) =>
                  onChange(
                    checked === true ? enableForEachColumn(rule, def) : disableForEachColumn(rule, def),
                  )
                }
              />
              <div className="grid gap-0.5">
                <label
                  htmlFor={fieldDomId(idPrefix, 'for_each_column_toggle')}
                  className="text-sm font-medium"
                >
                  Apply to several {columnKey === 'columns' ? 'column sets' : 'columns'} (for_each_column)
                </label>
                <p className="text-muted-foreground text-xs">
                  DQX makes one rule per {columnKey === 'columns' ? 'set of columns' : 'column'}, each with
                  its own default name.
                </p>
              </div>
            </div>
            {fec !== null && (
              <ForEachColumnField
                rule={rule}
                list={fec}
                columnKey={columnKey}
                def={def}
                columns={columns}
                idPrefix={idPrefix}
                issues={issues}
                disabled={disabled}
                onChange={(list) => onChange(setForEachColumn(rule, list))}
              />
            )}
          </div>
        )}

        {def && (params.length > 0 || unknownArgs.length > 0) && (
          <section className="grid gap-4" aria-labelledby={`${idPrefix}-args`}>
            <h3 id={`${idPrefix}-args`} className="text-sm font-semibold">
              Arguments of <code className="font-mono">{def.name}</code>
            </h3>
            <FieldIssues
              issues={issuesAt(issues, 'check.arguments', { exact: true })}
              id={`${idPrefix}-args-issues`}
            />
            {params.map((param) => (
              <ArgumentField
                key={param.name}
                param={param}
                value={args[param.name]}
                onChange={(v) => set(param.name, v)}
                columns={columns}
                idPrefix={idPrefix}
                issues={issues}
                valueKind={valueKind}
                disabled={disabled}
              />
            ))}
            {unknownArgs.map((name) => (
              <UnknownArgumentField
                key={name}
                name={name}
                value={args[name]}
                idPrefix={idPrefix}
                issues={issues}
                disabled={disabled}
                onRemove={() => {
                  set(name, undefined);
                  onNotice(`Removed the argument ${name}.`);
                }}
              />
            ))}
            {programmatic.length > 0 && (
              <p className="text-muted-foreground text-xs">
                Only settable from Python code, not from YAML or JSON:{' '}
                {programmatic.map((p) => (
                  <code key={p.name} className="mr-1 font-mono">
                    {p.name}
                  </code>
                ))}
              </p>
            )}
          </section>
        )}
        {!def && unknownArgs.length > 0 && (
          <section className="grid gap-3" aria-label="Arguments">
            {unknownArgs.map((name) => (
              <UnknownArgumentField
                key={name}
                name={name}
                value={args[name]}
                idPrefix={idPrefix}
                issues={issues}
                disabled={disabled}
                onRemove={() => set(name, undefined)}
              />
            ))}
          </section>
        )}

        <section className="grid gap-4" aria-labelledby={`${idPrefix}-rule`}>
          <h3 id={`${idPrefix}-rule`} className="text-sm font-semibold">
            Rule settings
          </h3>
          <FieldShell
            controlId={fieldDomId(idPrefix, 'criticality')}
            label="Criticality"
            issues={issuesAt(issues, 'criticality')}
            description="error: failing rows are invalid (quarantined by DQX). warn: failing rows are flagged but kept."
          >
            {(describedBy, invalid) => {
              const c =
                typeof rule.criticality === 'string'
                  ? rule.criticality
                  : rule.criticality === undefined
                    ? 'error'
                    : JSON.stringify(rule.criticality);
              return (
                <NativeSelect
                  id={fieldDomId(idPrefix, 'criticality')}
                  value={c}
                  aria-invalid={invalid || undefined}
                  aria-describedby={describedBy}
                  onChange={(e) => onChange(setRuleField(rule, 'criticality', e.target.value))}
                >
                  <option value="error">error</option>
                  <option value="warn">warn</option>
                  {c !== 'error' && c !== 'warn' && <option value={c}>{c} (not valid)</option>}
                </NativeSelect>
              );
            }}
          </FieldShell>

          <FieldShell
            controlId={fieldDomId(idPrefix, 'name')}
            label="Name"
            issues={issuesAt(issues, 'name')}
            description={
              names.length
                ? `Leave empty to use the name DQX derives: ${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''}.`
                : 'Leave empty to use the name DQX derives from the check and its column.'
            }
          >
            {(describedBy, invalid) => (
              <Input
                id={fieldDomId(idPrefix, 'name')}
                value={typeof rule.name === 'string' ? rule.name : ''}
                placeholder={names[0] ?? ''}
                aria-invalid={invalid || undefined}
                aria-describedby={describedBy}
                onChange={(e) => onChange(setRuleField(rule, 'name', e.target.value))}
              />
            )}
          </FieldShell>

          <FieldShell
            controlId={fieldDomId(idPrefix, 'filter')}
            label="Filter"
            issues={issuesAt(issues, 'filter')}
            description="A Spark SQL condition; the rule checks only rows where it is true. Example: country = 'US'"
          >
            {(describedBy, invalid) => (
              <Textarea
                id={fieldDomId(idPrefix, 'filter')}
                className="min-h-10 font-mono text-xs"
                spellCheck={false}
                value={typeof rule.filter === 'string' ? rule.filter : ''}
                aria-invalid={invalid || undefined}
                aria-describedby={describedBy}
                onChange={(e) => onChange(setRuleField(rule, 'filter', e.target.value))}
              />
            )}
          </FieldShell>

          <FieldShell
            controlId={fieldDomId(idPrefix, 'message_expr')}
            label="Message expression"
            issues={issuesAt(issues, 'message_expr')}
            description="A Spark SQL expression for the failure message; literal text needs quotes: 'Email is required'"
          >
            {(describedBy, invalid) => (
              <Input
                id={fieldDomId(idPrefix, 'message_expr')}
                className="font-mono"
                spellCheck={false}
                value={typeof rule.message_expr === 'string' ? rule.message_expr : ''}
                aria-invalid={invalid || undefined}
                aria-describedby={describedBy}
                onChange={(e) => onChange(setRuleField(rule, 'message_expr', e.target.value))}
              />
            )}
          </FieldShell>

          <FieldShell
            controlId={fieldDomId(idPrefix, 'user_metadata')}
            label="User metadata"
            group
            issues={issuesAt(issues, 'user_metadata')}
            description="Key/value pairs DQX copies into every result of this rule (e.g. owner, ticket)."
          >
            {() => (
              <KeyValueInput
                id={fieldDomId(idPrefix, 'user_metadata')}
                label="user_metadata"
                value={rule.user_metadata}
                disabled={disabled}
                onChange={(v) => onChange(setRuleField(rule, 'user_metadata', v))}
              />
            )}
          </FieldShell>
        </section>
      </fieldset>
    </form>
  );
}

function ForEachColumnField({
  list,
  columnKey,
  def,
  columns,
  idPrefix,
  issues,
  disabled,
  onChange,
}: {
  rule: RawRule;
  list: unknown[];
  columnKey: 'column' | 'columns';
  def: CheckDefinition;
  columns: readonly TableColumn[];
  idPrefix: string;
  issues: RuleIssues;
  disabled?: boolean;
  onChange: (list: unknown[]) => void;
}) {
  const path = 'check.for_each_column';
  const controlId = fieldDomId(idPrefix, path);
  const param = def.params.find((p) => p.name === columnKey);
  const options = columnOptions(columns, param);
  if (columnKey === 'column') {
    return (
      <FieldShell
        controlId={controlId}
        label={<code className="font-mono text-[13px]">for_each_column</code>}
        required
        group
        issues={issuesAt(issues, path, { exact: true })}
        description="The columns to check, one rule each."
      >
        {(describedBy, invalid) => (
          <ChipListInput
            id={controlId}
            label="for_each_column"
            value={list}
            onChange={(v) => onChange(v ?? [])}
            options={options}
            placeholder="Add a column"
            issuesAtItem={(i) => issuesAt(issues, `${path}.${i}`)}
            describedBy={describedBy}
            invalid={invalid}
            disabled={disabled}
          />
        )}
      </FieldShell>
    );
  }
  return (
    <FieldShell
      controlId={controlId}
      label={<code className="font-mono text-[13px]">for_each_column</code>}
      required
      group
      issues={issuesAt(issues, path, { exact: true })}
      description="Sets of columns to check, one rule each (each set is that rule's columns)."
    >
      {() => (
        <div className="grid gap-3" id={controlId} tabIndex={-1}>
          {list.map((set, i) => (
            <div key={i} className="grid gap-1 rounded-md border p-2">
              <div className="flex items-center justify-between">
                <span className="text-xs font-medium">Set {i + 1}</span>
                <Button
                  type="button"
                  variant="ghost"
                  size="sm"
                  aria-label={`Remove column set ${i + 1}`}
                  disabled={disabled}
                  onClick={() => onChange(list.filter((_, j) => j !== i))}
                >
                  <X />
                </Button>
              </div>
              <ChipListInput
                id={fieldDomId(idPrefix, `${path}.${i}`)}
                label={`column set ${i + 1}`}
                value={set}
                onChange={(v) => onChange(list.map((x, j) => (j === i ? (v ?? []) : x)))}
                options={options}
                placeholder="Add a column"
                issuesAtItem={(k) => issuesAt(issues, `${path}.${i}.${k}`)}
                disabled={disabled}
              />
              <FieldIssues
                issues={issuesAt(issues, `${path}.${i}`, { exact: true })}
                id={`${controlId}-${i}-issues`}
              />
            </div>
          ))}
          <div>
            <Button
              type="button"
              variant="outline"
              size="sm"
              disabled={disabled}
              onClick={() => onChange([...list, []])}
            >
              <Plus /> Add column set
            </Button>
          </div>
        </div>
      )}
    </FieldShell>
  );
}
