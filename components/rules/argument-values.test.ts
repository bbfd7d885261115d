import { describe, expect, it } from 'vitest';

import { validateChecks } from '@/lib/dqx/validate';

import {
  blankRule,
  changeFunction,
  describeValue,
  disableForEachColumn,
  enableForEachColumn,
  parseIntegerText,
  parseNumberText,
  quoteSparkString,
  setArgument,
  setRuleField,
  unquoteSparkString,
  valueFromDraft,
} from './argument-values';
import { getCheck } from './engine';
import type { RawRule } from './rule-model';

const def = (name: string) => {
  const d = getCheck(name);
  if (!d) throw new Error(`no check ${name}`);
  return d;
};

const table = {
  name: 'shop.sales.customers',
  columns: [
    { name: 'status', type: 'string' },
    { name: 'email', type: 'string' },
    { name: 'age', type: 'int' },
    { name: 'signup_date', type: 'date' },
  ],
};

describe('text values in limits and lists', () => {
  it('writes a text value as a single-quoted Spark literal, escaping quotes and backslashes', () => {
    expect(quoteSparkString('ACTIVE')).toBe("'ACTIVE'");
    expect(quoteSparkString("it's")).toBe("'it\\'s'");
    expect(quoteSparkString('C:\\temp')).toBe("'C:\\\\temp'");
    expect(valueFromDraft({ kind: 'text', text: 'ACTIVE' })).toEqual({ ok: true, value: "'ACTIVE'" });
  });

  it('reads back only literals it would write the same way', () => {
    expect(unquoteSparkString("'ACTIVE'")).toBe('ACTIVE');
    expect(unquoteSparkString("'it\\'s'")).toBe("it's");
    expect(unquoteSparkString("'C:\\\\temp'")).toBe('C:\\temp');
    // other escapes, double quotes and expressions are not plain text values
    expect(unquoteSparkString("'a\\nb'")).toBeNull();
    expect(unquoteSparkString('"ACTIVE"')).toBeNull();
    expect(unquoteSparkString("'a' || 'b'")).toBeNull();
    expect(unquoteSparkString('status')).toBeNull();
  });

  it('shows what a stored value means without rewriting it', () => {
    expect(describeValue("'ACTIVE'")).toEqual({ kind: 'text', text: 'ACTIVE' });
    expect(describeValue('status')).toEqual({ kind: 'expression', text: 'status' });
    expect(describeValue('01234')).toEqual({ kind: 'number', text: '01234' });
    expect(describeValue('2024-01-31')).toEqual({ kind: 'date', text: '2024-01-31' });
    expect(describeValue('2024-02-30')).toEqual({ kind: 'expression', text: '2024-02-30' });
    expect(describeValue('2024-01-31 10:00:00')).toEqual({ kind: 'timestamp', text: '2024-01-31 10:00:00' });
    expect(describeValue({ __date__: '2024-01-31' })).toEqual({ kind: 'date', text: '2024-01-31' });
    expect(describeValue(2.5)).toEqual({ kind: 'number', text: '2.5' });
    expect(describeValue({ __float__: '2.0' })).toEqual({ kind: 'number', text: '2.0' });
    expect(describeValue({ __decimal__: '1.50' })).toEqual({ kind: 'number', text: '1.50' });
    expect(describeValue(true)).toEqual({ kind: 'other', text: 'true' });
    expect(describeValue(undefined)).toBeNull();
  });

  it('keeps the meaning DQX gives each kind, as the engine reads it', () => {
    const allowed = [
      valueFromDraft({ kind: 'text', text: 'ACTIVE' }),
      valueFromDraft({ kind: 'text', text: "it's" }),
      valueFromDraft({ kind: 'expression', text: 'email' }),
    ].map((r) => (r.ok ? r.value : null));
    const rule = { check: { function: 'is_in_list', arguments: { column: 'status', allowed } } };
    expect(validateChecks([rule], { table }).errors).toEqual([]);
    // The same text without the quotes is a column reference: the engine catches the mistake.
    const bare = { check: { function: 'is_in_list', arguments: { column: 'status', allowed: ['ACTIVE'] } } };
    const errors = validateChecks([bare], { table }).errors;
    expect(errors.map((e) => [e.field, e.code])).toEqual([['check.arguments.allowed.0', 'unknown_column']]);
  });

  it('treats an empty field as no value, and refuses text that is not of the chosen kind', () => {
    expect(valueFromDraft({ kind: 'number', text: '  ' })).toEqual({ ok: true, value: undefined });
    expect(valueFromDraft({ kind: 'text', text: '' })).toEqual({ ok: true, value: undefined });
    expect(valueFromDraft({ kind: 'text', text: ' ' })).toEqual({ ok: true, value: "' '" });
    expect(valueFromDraft({ kind: 'number', text: '12abc' }).ok).toBe(false);
    expect(valueFromDraft({ kind: 'date', text: '31/01/2024' }).ok).toBe(false);
    expect(valueFromDraft({ kind: 'date', text: '2023-02-29' }).ok).toBe(false);
    expect(valueFromDraft({ kind: 'timestamp', text: '2024-01-31T23:59' })).toEqual({
      ok: true,
      value: '2024-01-31T23:59',
    });
    expect(valueFromDraft({ kind: 'other', text: '{"a": 1}' })).toEqual({ ok: true, value: { a: 1 } });
    expect(valueFromDraft({ kind: 'other', text: '{a: 1}' }).ok).toBe(false);
  });
});

describe('numbers', () => {
  it('keeps ints as ints and floats as Python floats', () => {
    expect(parseNumberText('42')).toEqual({ ok: true, value: 42 });
    expect(parseNumberText('-7')).toEqual({ ok: true, value: -7 });
    expect(parseNumberText('2.5')).toEqual({ ok: true, value: 2.5 });
    expect(parseNumberText('2.0')).toEqual({ ok: true, value: { __float__: '2.0' } });
    expect(parseNumberText('1e3')).toEqual({ ok: true, value: { __float__: '1000.0' } });
    expect(parseNumberText('9007199254740993')).toEqual({ ok: true, value: { __int__: '9007199254740993' } });
    expect(parseNumberText('abc').ok).toBe(false);
  });

  it('keeps an edited Decimal a Decimal', () => {
    expect(valueFromDraft({ kind: 'number', text: '1.25' }, { __decimal__: '1.50' })).toEqual({
      ok: true,
      value: { __decimal__: '1.25' },
    });
  });

  it('accepts only whole numbers for int arguments', () => {
    expect(parseIntegerText(' 30 ')).toEqual({ ok: true, value: 30 });
    expect(parseIntegerText('2.5').ok).toBe(false);
  });

  it('produces values the engine accepts for int and float parameters', () => {
    const days = parseIntegerText('3');
    const rel = parseNumberText('1.0');
    const rule = {
      check: {
        function: 'is_equal_to',
        arguments: {
          column: 'age',
          value: days.ok ? days.value : null,
          rel_tolerance: rel.ok ? rel.value : null,
        },
      },
    };
    expect(validateChecks([rule], { table }).errors).toEqual([]);
  });
});

describe('rule edits', () => {
  const base: RawRule = {
    criticality: 'warn',
    check: { function: 'is_not_null', arguments: { column: 'email' } },
  };

  it('removes an argument when its field is emptied, and the emptied arguments mapping', () => {
    const edited = setArgument(base, 'column', undefined);
    expect(edited).toEqual({ criticality: 'warn', check: { function: 'is_not_null' } });
    expect(base.check).toEqual({ function: 'is_not_null', arguments: { column: 'email' } });
  });

  it('removes empty rule-level fields', () => {
    const named = setRuleField(base, 'name', 'email_present');
    expect(named.name).toBe('email_present');
    expect('name' in setRuleField(named, 'name', '')).toBe(false);
    expect('user_metadata' in setRuleField(base, 'user_metadata', {})).toBe(false);
    expect(setRuleField(base, 'user_metadata', { owner: 'sales' }).user_metadata).toEqual({ owner: 'sales' });
  });

  it('moves the column into for_each_column and back', () => {
    const on = enableForEachColumn(base, def('is_not_null'));
    expect(on).toEqual({
      criticality: 'warn',
      check: { function: 'is_not_null', for_each_column: ['email'] },
    });
    const two = { ...on, check: { ...(on.check as object), for_each_column: ['email', 'status'] } };
    expect(validateChecks([two], { table }).errors).toEqual([]);
    expect(disableForEachColumn(two, def('is_not_null'))).toEqual(base);
  });

  it('uses lists of columns for for_each_column of checks that take columns', () => {
    const unique: RawRule = { check: { function: 'is_unique', arguments: { columns: ['email'] } } };
    const on = enableForEachColumn(unique, def('is_unique'));
    expect(on.check).toEqual({ function: 'is_unique', for_each_column: [['email']] });
  });

  it('starts an empty for_each_column list when there was no column yet', () => {
    const on = enableForEachColumn({ check: { function: 'is_not_null' } }, def('is_not_null'));
    expect(on.check).toEqual({ function: 'is_not_null', for_each_column: [] });
  });

  it('keeps the arguments the new function takes and names the others when the function changes', () => {
    const inList: RawRule = {
      criticality: 'warn',
      check: {
        function: 'is_in_list',
        arguments: { column: 'status', allowed: ["'A'"], case_sensitive: false },
      },
      filter: 'age > 18',
    };
    const { rule, dropped } = changeFunction(inList, 'is_not_in_list');
    expect(rule).toEqual({
      criticality: 'warn',
      check: { function: 'is_not_in_list', arguments: { column: 'status', case_sensitive: false } },
      filter: 'age > 18',
    });
    expect(dropped).toEqual(['allowed']);
  });

  it('moves a column between column and columns when the function changes', () => {
    expect(changeFunction(base, 'is_unique').rule.check).toEqual({
      function: 'is_unique',
      arguments: { columns: ['email'] },
    });
    const many: RawRule = { check: { function: 'is_unique', arguments: { columns: ['a', 'b'] } } };
    const back = changeFunction(many, 'is_not_null');
    expect(back.rule.check).toEqual({ function: 'is_not_null' });
    expect(back.dropped).toEqual(['columns']);
  });

  it('starts a new rule without a function, which the engine reports', () => {
    const errors = validateChecks([blankRule()]).errors;
    expect(errors.map((e) => e.field)).toEqual(['check.function']);
    expect(changeFunction(blankRule(), 'is_not_null').rule).toEqual({
      criticality: 'error',
      check: { function: 'is_not_null' },
    });
  });
});
