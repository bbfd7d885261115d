import { describe, expect, it } from 'vitest';

import { validateChecks } from '@/lib/dqx/validate';

import { codeDiagnostics, offsetOf } from './code-diagnostics';
import { indexIssues } from './rule-issues';
import { toRuleItems, type RawRule } from './rule-model';
import { parseRulesText } from './rules-text';

function diagnose(text: string, format: 'yaml' | 'json', columns: string[] = []) {
  const parsed = parseRulesText(text, format);
  if (!parsed.ok)
    return codeDiagnostics({ text, format, problem: parsed.problem, issues: [], items: [], columns });
  const items = toRuleItems(parsed.rules as RawRule[]);
  const table = columns.length
    ? { name: 'c.s.t', columns: columns.map((name) => ({ name, type: 'string' })) }
    : undefined;
  const index = indexIssues(items, validateChecks(parsed.rules, table ? { table } : {}));
  return codeDiagnostics({ text, format, problem: null, issues: index.all, items, columns });
}

describe('the code view marks findings at their line', () => {
  const yaml = [
    '- criticality: warn', // 1
    '  check:', // 2
    '    function: is_not_null', // 3
    '    arguments:', // 4
    '      column: email', // 5
    '- criticality: error', // 6
    '  check:', // 7
    '    function: is_not_nul', // 8
    '    arguments:', // 9
    '      column: email', // 10
    '- check:', // 11
    '    function: is_in_range', // 12
    '    arguments:', // 13
    '      column: amount', // 14
    '      min_limit: 0', // 15
    '      max_limt: 10', // 16
    '',
  ].join('\n');

  it('an unknown function at its line with the function it probably is, and the fix replaces just that word', () => {
    const found = diagnose(yaml, 'yaml', ['email', 'amount']);
    const fn = found.find((d) => d.issue?.code === 'unknown_function')!;
    expect(fn.line).toBe(8);
    expect(yaml.slice(fn.from, fn.to)).toBe('is_not_nul');
    expect(fn.message).toMatch(/Did you mean 'is_not_null'/);
    expect(fn.fixes[0]).toEqual({ label: "Use 'is_not_null'", insert: 'is_not_null' });

    const arg = found.find((d) => d.issue?.code === 'unexpected_argument')!;
    expect(arg.line).toBe(16);
    expect(yaml.slice(arg.from, arg.to)).toBe('max_limt');
    expect(arg.fixes.map((f) => f.insert)).toContain('max_limit');
  });

  it('a missing argument at the arguments of its rule', () => {
    const text = yaml.replace('      max_limt: 10\n', '');
    const missing = diagnose(text, 'yaml', ['email', 'amount']).find(
      (d) => d.issue?.field === 'check.arguments.max_limit',
    )!;
    expect(missing.line).toBe(13);
    expect(text.slice(missing.from, missing.to)).toBe('arguments');
  });

  it('a column the table does not have, with the columns it has', () => {
    const text = '[{"check": {"function": "is_not_null", "arguments": {"column": "emial"}}}]';
    const [d] = diagnose(text, 'json', ['email', 'amount']);
    expect(d?.issue?.code).toBe('unknown_column');
    expect(text.slice(d!.from, d!.to)).toBe('"emial"');
    expect(d?.fixes[0]?.insert).toBe('"email"');
  });

  it('a syntax error at its line and column', () => {
    const text = '- check:\n    function: is_not_null\n   arguments: {column: email\n';
    const [d] = diagnose(text, 'yaml');
    expect(d).toMatchObject({ line: 3, severity: 'error', issue: null });
    expect(d!.from).toBeGreaterThanOrEqual(offsetOf(text, 3));
    expect(d!.from).toBeLessThan(offsetOf(text, 4));
  });
});
