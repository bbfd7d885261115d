/**
 * Our validator against DQX 0.17.0's, case by case: the structural errors (exact wording), the
 * semantic duplicate/conflict warnings, and the errors DQX raises when it builds a rule. The
 * expected values in validation/cases.json were recorded from the real library (record.py).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { parsePythonJson } from '@/lib/dqx/checks-json';
import { validateChecks } from '@/lib/dqx/validate';

interface Case {
  id: string;
  checks: unknown[];
  compare_prefix?: boolean;
  expected: { errors: string[]; semantic: string[]; build_errors: (string | null)[] };
}

const file = path.join(__dirname, 'validation', 'cases.json');
const { cases } = parsePythonJson(readFileSync(file, 'utf8')) as { cases: Case[] };

const STRUCTURAL = new Set([
  'unsupported_check_type',
  'check_missing',
  'check_not_dict',
  'function_missing',
  'invalid_type',
  'arguments_not_dict',
  'for_each_column_not_list',
  'for_each_column_empty',
  'invalid_criticality',
  'unknown_function',
  'no_arguments',
  'unexpected_argument',
  'invalid_argument_type',
  'missing_argument',
]);

describe('validation matches DQX', () => {
  it('has recorded cases', () => {
    expect(cases.length).toBeGreaterThan(40);
    expect(cases.every((c) => c.expected)).toBe(true);
  });

  for (const c of cases) {
    it(c.id, () => {
      const result = validateChecks(c.checks);
      const structural = result.errors.filter((e) => STRUCTURAL.has(e.code)).map((e) => e.message);
      expect(structural).toEqual(c.expected.errors);
      const semantic = result.warnings
        .filter((w) => w.code === 'duplicate_rule' || w.code === 'conflicting_rules')
        .map((w) => w.message);
      expect(semantic).toEqual(c.expected.semantic);
      if (c.expected.errors.length === 0) {
        const build = c.checks.map(
          (_, i) =>
            result.errors.find((e) => e.rule_index === i && e.code === 'invalid_argument')?.message ?? null,
        );
        const expected = c.expected.build_errors;
        if (c.compare_prefix) {
          const prefix = (s: string | null) => (s === null ? null : s.split('. Error:')[0]);
          expect(build.map(prefix)).toEqual(expected.map(prefix));
        } else {
          expect(build).toEqual(expected);
        }
      }
      // every issue points at a rule and, for rule-level problems, a field
      for (const issue of [...result.errors, ...result.warnings]) {
        expect(issue.rule_index === null || (issue.rule_index >= 0 && issue.rule_index < c.checks.length)).toBe(
          true,
        );
        expect(issue.code).toMatch(/^[a-z_]+$/);
      }
    });
  }
});
