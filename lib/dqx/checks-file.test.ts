import { describe, expect, it } from 'vitest';

import { ChecksFormatError, parseChecksText, serializeChecks } from './checks-file';
import type { DqxCheck } from './model';
import { pyKind } from './py-values';
import { randomRuleSet, seededRandom } from './test-support/random-rules';

describe('reading checks files as DQX does', () => {
  it('reads YAML with PyYAML 1.1 rules', () => {
    const { checks } = parseChecksText(`
- criticality: warn
  check:
    function: is_in_list
    arguments:
      column: flag
      allowed: [Yes, No, on, "yes", 'No']
- check:
    function: is_in_range
    arguments:
      column: x
      min_limit: 010
      max_limit: 1e5
      other: 1.0e+5
- check:
    function: is_in_range
    arguments:
      column: d
      min_limit: 2024-01-05
      max_limit: 2024-01-05 10:20:30.5
      zoned: 2024-01-05T10:20:30Z
      nothing: ~
      empty:
      big: 123456789012345678901
      hex: 0x1F
      sexagesimal: 1:30
      float_int: 2.0
      inf: -.inf
`);
    const args = (i: number) => (checks[i] as DqxCheck).check.arguments!;
    expect(args(0).allowed).toEqual([true, false, true, 'yes', 'No']);
    expect(args(1).min_limit).toBe(8);
    expect(args(1).max_limit).toBe('1e5');
    expect(args(1).other).toEqual({ __float__: '100000.0' });
    expect(args(2).min_limit).toEqual({ __date__: '2024-01-05' });
    expect(args(2).max_limit).toEqual({ __datetime__: '2024-01-05 10:20:30.500000' });
    expect(args(2).zoned).toEqual({ __datetime__: '2024-01-05 10:20:30+00:00' });
    expect(args(2).nothing).toBeNull();
    expect(args(2).empty).toBeNull();
    expect(args(2).big).toEqual({ __int__: '123456789012345678901' });
    expect(args(2).hex).toBe(31);
    expect(args(2).sexagesimal).toBe(90);
    expect(args(2).float_int).toEqual({ __float__: '2.0' });
    expect(args(2).inf).toEqual({ __float__: '-inf' });
  });

  it('reads JSON with Python json rules (floats stay floats, NaN accepted, last duplicate wins)', () => {
    const { checks } = parseChecksText(
      '[{"check": {"function": "f", "arguments": {"a": 2.0, "b": 2, "c": NaN, "d": 1e400, "a": 3.0}}}]',
    );
    expect((checks[0] as DqxCheck).check.arguments).toEqual({
      a: { __float__: '3.0' },
      b: 2,
      c: { __float__: 'nan' },
      d: { __float__: 'inf' },
    });
  });

  it('accepts an empty file, and a mapping with a checks key', () => {
    expect(parseChecksText('').checks).toEqual([]);
    expect(parseChecksText('# nothing\n').checks).toEqual([]);
    expect(
      parseChecksText('checks:\n  - check: {function: is_not_null, arguments: {column: a}}\n').checks,
    ).toHaveLength(1);
  });

  it('reports syntax errors with their line', () => {
    expect(() => parseChecksText('- check:\n    function: [unclosed\n')).toThrow(ChecksFormatError);
    try {
      parseChecksText('[\n  {"check": }\n]', 'json');
    } catch (error) {
      expect(error).toBeInstanceOf(ChecksFormatError);
      expect((error as ChecksFormatError).line).toBe(2);
    }
    expect(() => parseChecksText('a: 1\nb: 2\n')).toThrow('A checks file must contain a list of checks.');
  });
});

describe('writing checks files', () => {
  it('quotes strings PyYAML would read as something else', () => {
    const text = serializeChecks(
      [
        {
          check: {
            function: 'is_in_list',
            arguments: {
              column: 'c',
              allowed: ['yes', '010', '1.5', '2024-01-01', '~', '', ' x', 'a: b', "'A'", '#x', 'null'],
            },
          },
        },
      ],
      'yaml',
    );
    const { checks } = parseChecksText(text);
    expect((checks[0] as DqxCheck).check.arguments!.allowed).toEqual([
      'yes',
      '010',
      '1.5',
      '2024-01-01',
      '~',
      '',
      ' x',
      'a: b',
      "'A'",
      '#x',
      'null',
    ]);
  });

  it('writes multi-line SQL as a literal block', () => {
    const expression = 'a > 1\n  AND b < 2';
    const text = serializeChecks(
      [{ check: { function: 'sql_expression', arguments: { expression } } }],
      'yaml',
    );
    expect(text).toContain('expression: |-\n');
    expect((parseChecksText(text).checks[0] as DqxCheck).check.arguments!.expression).toBe(expression);
  });

  it('keeps floats, Decimals and dates', () => {
    const checks: DqxCheck[] = [
      {
        check: {
          function: 'is_in_range',
          arguments: {
            column: 'x',
            min_limit: { __float__: '2.0' },
            max_limit: { __decimal__: '10.50' },
            d: { __date__: '2024-01-01' },
            f: 1e-7,
          },
        },
      },
    ];
    for (const format of ['yaml', 'json'] as const) {
      const back = parseChecksText(serializeChecks(checks, format), format).checks[0] as DqxCheck;
      expect(back.check.arguments!.min_limit).toEqual({ __float__: '2.0' });
      expect(back.check.arguments!.max_limit).toEqual({ __decimal__: '10.50' });
      expect(back.check.arguments!.f).toBe(1e-7);
    }
    const yaml = serializeChecks(checks, 'yaml');
    expect(yaml).toContain('min_limit: 2.0');
    expect(yaml).toContain('d: 2024-01-01');
    expect(serializeChecks(checks, 'json')).toContain('"min_limit": 2.0');
  });
});

/** JSON has no dates: DQX (and we) write them as their ISO text. */
function datesAsText(value: unknown): unknown {
  const kind = pyKind(value);
  if (kind === 'date') return (value as { __date__: string }).__date__;
  if (kind === 'datetime') return (value as { __datetime__: string }).__datetime__;
  if (Array.isArray(value)) return value.map(datesAsText);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, datesAsText(v)]));
  return value;
}

describe('export then import is identical in meaning (property test)', () => {
  const rand = seededRandom(20260127);
  const sets = Array.from({ length: 300 }, () => randomRuleSet(rand));

  it('YAML round trip', () => {
    for (const set of sets) {
      const text = serializeChecks(set, 'yaml');
      expect(parseChecksText(text, 'yaml').checks, text).toEqual(set.map(withDefaults));
    }
  });

  it('JSON round trip', () => {
    for (const set of sets) {
      const text = serializeChecks(set, 'json');
      expect(parseChecksText(text, 'json').checks, text).toEqual(datesAsText(set.map(withDefaults)));
    }
  });

  it('a second export is byte-identical', () => {
    for (const set of sets.slice(0, 50)) {
      for (const format of ['yaml', 'json'] as const) {
        const once = serializeChecks(set, format);
        const twice = serializeChecks(parseChecksText(once, format).checks as DqxCheck[], format);
        expect(twice).toBe(once);
      }
    }
  });
});

/** The writer makes DQX's default criticality explicit (toEqual ignores key order and absent keys). */
function withDefaults(check: DqxCheck): DqxCheck {
  return { ...check, criticality: check.criticality ?? 'error' };
}
