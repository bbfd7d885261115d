import { describe, expect, it } from 'vitest';

import { formatRulesText } from './rules-text';
import { lineOf, locateField, scalarText } from './text-positions';

const rules = [
  { criticality: 'warn', check: { function: 'is_not_null', arguments: { column: 'email' } } },
  {
    name: 'status_allowed',
    criticality: 'error',
    check: {
      function: 'is_in_list',
      arguments: { column: 'status', allowed: ["'A'", "'B'"], colour: 'red' },
    },
  },
];

describe('where a field is in the text', () => {
  for (const format of ['yaml', 'json'] as const) {
    const text = formatRulesText(rules, format);
    const at = (from: number, to: number) => text.slice(from, to);

    it(`finds keys, values and list items of the right rule (${format})`, () => {
      const colour = locateField(text, format, 1, 'check.arguments.colour')!;
      expect(colour.exact).toBe(true);
      expect(at(colour.key!.from, colour.key!.to).replaceAll('"', '')).toBe('colour');
      expect(at(colour.value!.from, colour.value!.to).replaceAll('"', '')).toBe('red');
      // On its own line, after the lines of the first rule.
      const line = lineOf(text, colour.key!.from);
      expect(text.split('\n')[line - 1]).toContain('colour');
      expect(line).toBeGreaterThan(lineOf(text, locateField(text, format, 1, null)!.value!.from));

      const fn = locateField(text, format, 0, 'check.function')!;
      expect(at(fn.value!.from, fn.value!.to).replaceAll('"', '')).toBe('is_not_null');
      expect(fn.valueStyle).toBe(format === 'yaml' ? 'plain' : 'double');

      const second = locateField(text, format, 1, 'check.arguments.allowed.1')!;
      expect(at(second.value!.from, second.value!.to)).toContain("'B'");
    });

    it(`points at the nearest enclosing field when the field is missing (${format})`, () => {
      const missing = locateField(text, format, 0, 'check.arguments.max_limit')!;
      expect(missing.exact).toBe(false);
      expect(at(missing.key!.from, missing.key!.to).replaceAll('"', '')).toBe('arguments');
      expect(locateField(text, format, 5, 'check.function')).toBeNull();
    });
  }

  it('counts lines from 1, and gives up on text that does not read', () => {
    const text = '# rules\n- check:\n    function: is_not_nul\n';
    const fn = locateField(text, 'yaml', 0, 'check.function')!;
    expect(lineOf(text, fn.value!.from)).toBe(3);
    expect(locateField('[1, 2', 'json', 0, null)).toBeNull();
  });

  it('writes a replacement in the style of the value it replaces', () => {
    expect(scalarText('is_not_null', 'plain')).toBe('is_not_null');
    expect(scalarText('is_not_null', 'double')).toBe('"is_not_null"');
    expect(scalarText("it's", 'single')).toBe("'it''s'");
    expect(scalarText('a b', 'plain')).toBe('"a b"');
  });
});
