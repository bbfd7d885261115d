import { describe, expect, it } from 'vitest';

import { externalIssuesFromFieldErrors, indexIssues, withExternalIssues } from './rule-issues';
import type { RuleItem } from './rule-model';

const items: RuleItem[] = [
  { key: 'a', rule: { criticality: 'error', check: { function: 'is_not_null', arguments: { column: 'id' } } } },
  { key: 'b', rule: { criticality: 'error', check: { function: 'is_in_range', arguments: { column: 'qty' } } } },
];

describe('problems reported by the server', () => {
  it('reads rules.<index>.<field> keys of an action result and ignores the rest', () => {
    expect(
      externalIssuesFromFieldErrors({
        'rules.1.check.arguments.column': ["Column 'qty' does not exist"],
        'rules.0': ['Rule problem'],
        rules: ['Set problem'],
        sample_rows: ['not about the rules'],
      }),
    ).toEqual([
      { ruleIndex: 1, field: 'check.arguments.column', message: "Column 'qty' does not exist" },
      { ruleIndex: 0, field: null, message: 'Rule problem' },
      { ruleIndex: null, field: null, message: 'Set problem' },
    ]);
  });

  it('places them at the rule and field, as errors, next to the engine’s own', () => {
    const index = withExternalIssues(indexIssues(items, { valid: true, errors: [], warnings: [] } as never), items, [
      { ruleIndex: 1, field: 'check.arguments.column', message: "Column 'qty' does not exist" },
      { ruleIndex: 7, field: 'check.function', message: 'a rule that is gone' },
    ]);
    expect(index.errorCount).toBe(2);
    expect(index.byKey.get('b')?.errors[0]).toMatchObject({ field: 'check.arguments.column', ruleIndex: 1, severity: 'error' });
    // a rule that no longer exists: the problem is shown for the whole set
    expect(index.setLevel.errors[0]?.message).toBe('a rule that is gone');
    expect(index.byKey.get('a')).toBeUndefined();
  });

  it('leaves the engine’s issues alone when there is nothing extra', () => {
    const base = indexIssues(items, null);
    expect(withExternalIssues(base, items, [])).toBe(base);
  });
});
