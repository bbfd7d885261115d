import { describe, expect, it } from 'vitest';

import { isUserWork, mergeRules, mergeSummary } from './rule-merge';
import { toRuleItems, type RawRule, type RuleItem } from './rule-model';

const notNull = (column: string, criticality = 'error'): RawRule => ({
  criticality,
  check: { function: 'is_not_null', arguments: { column } },
});
const range = (column: string, max: number): RawRule => ({
  criticality: 'error',
  check: { function: 'is_in_range', arguments: { column, min_limit: 0, max_limit: max } },
});

function generated(rules: RawRule[]): RuleItem[] {
  return toRuleItems(
    rules,
    rules.map(() => ({ origin: 'profile' as const, evidence: 'from the profile' })),
  );
}

describe('merging new generated rules into the editor', () => {
  // The editor: two generated rules (one edited since), one written by hand, one imported.
  const before = generated([notNull('id'), range('qty', 100)]);
  const edited: RuleItem = {
    ...before[1]!,
    rule: range('qty', 50),
    annotation: { ...before[1]!.annotation!, edited: true },
  };
  const manual = toRuleItems([notNull('email', 'warn')], [{ origin: 'manual' }])[0]!;
  const imported = toRuleItems([notNull('sku')], [{ origin: 'imported' }])[0]!;
  const current = [before[0]!, edited, manual, imported];

  it('knows which rules are the user’s work', () => {
    expect(current.map(isUserWork)).toEqual([false, true, true, true]);
  });

  it('keeps the user’s rules, adds the new ones, leaves out exact repeats and marks conflicts', () => {
    const incoming = generated([notNull('id'), range('qty', 120), notNull('sku'), notNull('name')]);
    const merged = mergeRules(current, incoming);
    // The unedited generated rule is replaced by the new generation's (here: the same rule again).
    expect(merged.items.map((i) => i.key)).toEqual([
      edited.key,
      manual.key,
      imported.key,
      incoming[0]!.key,
      incoming[1]!.key,
      incoming[3]!.key,
    ]);
    expect(merged.items[0]!.rule).toEqual(range('qty', 50));
    // The new range on qty checks what the user's edited rule checks: added, marked as a conflict.
    expect(merged.items[4]!.annotation?.conflictWith).toBe(edited.key);
    expect(merged.items[5]!.annotation?.conflictWith).toBeUndefined();
    expect(merged).toMatchObject({ kept: 3, added: 3, duplicates: 1, conflicts: 1, dropped: 1 });
    expect(mergeSummary(merged)).toBe(
      'Merged: kept 3 rules of yours; added 3 new rules; 1 new rule checks the same as one of yours (marked “conflict”); left out 1 new rule identical to yours; replaced 1 unedited generated rule.',
    );
  });

  it('is a plain replacement when there is no work of the user’s', () => {
    const incoming = generated([notNull('a')]);
    const merged = mergeRules(generated([notNull('b')]), incoming);
    expect(merged.items).toEqual(incoming);
    expect(merged).toMatchObject({ kept: 0, added: 1, dropped: 1 });
  });
});
