'use client';

import { Checkbox } from '@/components/ui/checkbox';
import { Input } from '@/components/ui/input';
import { NativeSelect } from '@/components/ui/native-select';
import { Textarea } from '@/components/ui/textarea';
import { cn } from '@/lib/utils';

import type { ValueKind } from './argument-values';
import { columnOptions } from './column-options';
import { pyRepr, type CheckParam } from './engine';
import {
  ChipListInput,
  FieldShell,
  JsonInput,
  KeyValueInput,
  LimitInput,
  NumberInput,
  ValueListInput,
} from './rule-fields';
import { fieldDomId, issuesAt, type EditorIssue, type RuleIssues } from './rule-issues';
import type { TableColumn } from './rule-model';
import { SuggestInput } from './suggest-input';

export { KeyValueInput };

/** How a parameter's default reads ("Default: false"), or null for required parameters. */
export function defaultText(param: CheckParam): string | null {
  if (param.required) return null;
  if (param.default === null || param.default === undefined) return 'Optional, no default.';
  return `Default: ${typeof param.default === 'string' ? param.default : pyRepr(param.default)}.`;
}

export interface ArgumentFieldProps {
  param: CheckParam;
  /** The argument as stored (undefined when absent). */
  value: unknown;
  onChange: (value: unknown) => void;
  columns: readonly TableColumn[];
  /** DOM id prefix of the rule's fields. */
  idPrefix: string;
  issues: RuleIssues;
  /** The kind a new limit or list value starts as (from the checked column's type). */
  valueKind: ValueKind;
  disabled?: boolean;
  /** Field path override (for_each_column replaces the column argument). */
  path?: string;
}

/** One argument of a check, edited by the widget its catalog entry names. */
export function ArgumentField({
  param,
  value,
  onChange,
  columns,
  idPrefix,
  issues,
  valueKind,
  disabled,
  path = `check.arguments.${param.name}`,
}: ArgumentFieldProps) {
  const controlId = fieldDomId(idPrefix, path);
  const fieldIssues = issuesAt(issues, path, {
    exact: param.widget !== 'values' && param.widget !== 'columns' && param.widget !== 'strings',
  });
  const itemIssues = (i: number) => issuesAt(issues, `${path}.${i}`);
  const label = <code className="font-mono text-[13px]">{param.name}</code>;
  const description = (
    <>
      {param.description} {defaultText(param)}
    </>
  );
  const options = param.refersToColumn ? columnOptions(columns, param) : [];
  const group = param.widget === 'values' || param.widget === 'columns' || param.widget === 'strings';
  // list items carry their own issues; the shell shows only those about the list itself
  const ownIssues = group ? issuesAt(issues, path, { exact: true }) : fieldIssues;
  // DQX reports an empty `arguments` block once for the rule; each required field says it too.
  const noArguments = issuesAt(issues, 'check.arguments', { exact: true }).some(
    (i) => i.code === 'no_arguments',
  );
  const shellIssues: EditorIssue[] =
    noArguments && param.required && value === undefined && ownIssues.length === 0
      ? [
          {
            severity: 'error',
            ruleIndex: null,
            ruleKey: null,
            field: path,
            code: 'missing_argument',
            message: `Required: ${param.name} has no default.`,
            detail: '',
          },
        ]
      : ownIssues;

  return (
    <FieldShell
      controlId={controlId}
      label={label}
      required={param.required}
      description={description}
      issues={shellIssues}
      group={group}
    >
      {(describedBy, invalid) => {
        switch (param.widget) {
          case 'column':
            return (
              <SuggestInput
                id={controlId}
                mode="free"
                value={typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value)}
                onChange={(v) => onChange(v === '' ? undefined : v)}
                options={options}
                listLabel={`Columns for ${param.name}`}
                placeholder={
                  columns.length ? 'Choose a column or type an expression' : 'Column name or SQL expression'
                }
                invalid={invalid}
                describedBy={describedBy}
                disabled={disabled}
                aria-labelledby={undefined}
              />
            );
          case 'columns':
          case 'strings':
            return (
              <ChipListInput
                id={controlId}
                label={param.name}
                value={value}
                onChange={onChange}
                options={options}
                placeholder={param.widget === 'columns' ? 'Add a column' : 'Add a value'}
                issuesAtItem={itemIssues}
                describedBy={describedBy}
                invalid={invalid}
                disabled={disabled}
              />
            );
          case 'integer':
          case 'number':
            return (
              <NumberInput
                id={controlId}
                value={value}
                onChange={onChange}
                integer={param.widget === 'integer'}
                describedBy={describedBy}
                invalid={invalid}
                disabled={disabled}
                placeholder={param.required ? undefined : defaultPlaceholder(param)}
              />
            );
          case 'boolean': {
            const effective = typeof value === 'boolean' ? value : param.default === true;
            return (
              <div className="flex items-center gap-2">
                <Checkbox
                  id={controlId}
                  checked={effective}
                  disabled={disabled}
                  aria-invalid={invalid || undefined}
                  aria-describedby={describedBy}
                  onCheckedChange={(checked) => {
                    const next = checked === true;
                    onChange(!param.required && next === (param.default === true) ? undefined : next);
                  }}
                />
                <span className="text-muted-foreground text-xs">
                  {value === undefined
                    ? `${effective ? 'on' : 'off'} (default)`
                    : typeof value === 'boolean'
                      ? value
                        ? 'on'
                        : 'off'
                      : `stored as ${JSON.stringify(value)}`}
                </span>
              </div>
            );
          }
          case 'choice': {
            if (!param.choices?.length) {
              return (
                <Input
                  id={controlId}
                  className="font-mono"
                  value={typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value)}
                  placeholder={defaultPlaceholder(param)}
                  disabled={disabled}
                  aria-invalid={invalid || undefined}
                  aria-describedby={describedBy}
                  onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
                />
              );
            }
            const current =
              typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
            const known = current === '' || param.choices.includes(current);
            return (
              <NativeSelect
                id={controlId}
                value={current}
                disabled={disabled}
                aria-invalid={invalid || undefined}
                aria-describedby={describedBy}
                onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
              >
                <option value="">
                  {param.required
                    ? 'Choose…'
                    : `Default${param.default != null ? ` (${String(param.default)})` : ''}`}
                </option>
                {param.choices.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
                {!known && <option value={current}>{current} (as written)</option>}
              </NativeSelect>
            );
          }
          case 'limit':
            return (
              <LimitInput
                id={controlId}
                label={param.name}
                value={value}
                onChange={onChange}
                defaultKind={valueKind}
                columnOptions={columnOptions(columns)}
                describedBy={describedBy}
                invalid={invalid}
                disabled={disabled}
                unknownColumn={fieldIssues.some((i) => i.code === 'unknown_column')}
              />
            );
          case 'values':
            return (
              <ValueListInput
                id={controlId}
                label={param.name}
                value={value}
                onChange={onChange}
                defaultKind={valueKind}
                columnOptions={columnOptions(columns)}
                issuesAtItem={itemIssues}
                disabled={disabled}
              />
            );
          case 'json':
            return (
              <JsonInput
                id={controlId}
                value={value}
                onChange={onChange}
                describedBy={describedBy}
                invalid={invalid}
                disabled={disabled}
              />
            );
          case 'sql':
          case 'schema':
            return (
              <Textarea
                id={controlId}
                className="min-h-16 font-mono text-xs"
                spellCheck={false}
                value={typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value)}
                placeholder={param.widget === 'schema' ? 'e.g. id INT, name STRING' : 'Spark SQL'}
                disabled={disabled}
                aria-invalid={invalid || undefined}
                aria-describedby={describedBy}
                onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
              />
            );
          default:
            return (
              <Input
                id={controlId}
                className={cn((param.widget === 'regex' || param.widget === 'table') && 'font-mono')}
                spellCheck={param.widget === 'text' ? undefined : false}
                value={typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value)}
                placeholder={param.widget === 'table' ? 'catalog.schema.table' : defaultPlaceholder(param)}
                disabled={disabled}
                aria-invalid={invalid || undefined}
                aria-describedby={describedBy}
                onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
              />
            );
        }
      }}
    </FieldShell>
  );
}

function defaultPlaceholder(param: CheckParam): string | undefined {
  if (param.required || param.default === null || param.default === undefined) return undefined;
  return String(typeof param.default === 'string' ? param.default : pyRepr(param.default));
}

/** An argument the check does not take (typed in the code view): shown with its error and a way out. */
export function UnknownArgumentField({
  name,
  value,
  idPrefix,
  issues,
  onRemove,
  disabled,
}: {
  name: string;
  value: unknown;
  idPrefix: string;
  issues: RuleIssues;
  onRemove: () => void;
  disabled?: boolean;
}) {
  const path = `check.arguments.${name}`;
  const controlId = fieldDomId(idPrefix, path);
  return (
    <FieldShell
      controlId={controlId}
      label={
        <>
          <code className="font-mono text-[13px]">{name}</code>{' '}
          <span className="text-muted-foreground font-normal">(not an argument of this check)</span>
        </>
      }
      issues={issuesAt(issues, path)}
    >
      {(describedBy, invalid) => (
        <div className="flex gap-2">
          <Input
            id={controlId}
            readOnly
            className="font-mono"
            value={typeof value === 'string' ? value : JSON.stringify(value)}
            aria-invalid={invalid || undefined}
            aria-describedby={describedBy}
          />
          <button
            type="button"
            disabled={disabled}
            onClick={onRemove}
            className="border-input hover:bg-accent focus-visible:ring-ring/50 shrink-0 rounded-md border px-3 text-sm font-medium outline-none focus-visible:ring-[3px] disabled:opacity-50"
          >
            Remove {name}
          </button>
        </div>
      )}
    </FieldShell>
  );
}
