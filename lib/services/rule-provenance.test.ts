import { describe, expect, it } from 'vitest';

import { importedProvenance, normaliseProvenance, provenanceFromRun } from './rule-provenance';
import { SaveRuleSetBody } from './rule-set-schemas';

const notNull = (column: string) => ({
  criticality: 'error',
  check: { function: 'is_not_null', arguments: { column } },
});

describe('rule provenance', () => {
  it('is validated like the rest of a save: known origins, bounded text', () => {
    const ok = SaveRuleSetBody.safeParse({
      rules: [notNull('a')],
      rule_provenance: [{ origin: 'profile', evidence: 'x' }],
    });
    expect(ok.success && ok.data.rule_provenance).toEqual([
      { origin: 'profile', edited: false, evidence: 'x' },
    ]);
    for (const bad of [
      [{ origin: 'oracle' }],
      [{ origin: 'manual', evidence: 'x'.repeat(4001) }],
      [{ origin: 'manual', edited: 'yes' }],
      [{ origin: 'manual', extra: 1 }],
      [{ origin: 'manual', detail: { blob: 'x'.repeat(20_001) } }],
      { origin: 'manual' },
    ]) {
      expect(
        SaveRuleSetBody.safeParse({ rules: [notNull('a')], rule_provenance: bad }).success,
        JSON.stringify(bad).slice(0, 60),
      ).toBe(false);
    }
  });

  it('has one entry per rule', () => {
    expect(normaliseProvenance(undefined, [notNull('a')])).toBeNull();
    expect(() =>
      normaliseProvenance([{ origin: 'manual', edited: false }], [notNull('a'), notNull('b')]),
    ).toThrow(/one entry per rule: 2 rules, 1 entries/);
    expect(importedProvenance([notNull('a')])).toEqual([
      { origin: 'imported', edited: false, evidence: null, detail: null },
    ]);
  });

  it('trusts a generation run over the browser: generated rules by fingerprint, claims of generated rules that do not match are edited', () => {
    const generated = [
      { check: notNull('a'), origin: 'profile' as const, evidence: { profile: 'is_not_null', column: 'a' } },
      { check: notNull('b'), origin: 'model' as const, evidence: { model: 'm' } },
    ];
    const rules = [notNull('b'), { ...notNull('a'), criticality: 'warn' }, notNull('c'), notNull('d')];
    const claimed = normaliseProvenance(
      [
        { origin: 'manual', edited: false },
        { origin: 'profile', edited: false, evidence: 'from the profile' },
        { origin: 'model', edited: false },
        { origin: 'imported', edited: true },
      ],
      rules,
    );
    expect(provenanceFromRun(rules, claimed, generated)).toEqual([
      { origin: 'model', edited: false, evidence: null, detail: { model: 'm' } },
      { origin: 'profile', edited: true, evidence: 'from the profile', detail: null },
      { origin: 'model', edited: true, evidence: null, detail: null },
      { origin: 'imported', edited: true, evidence: null, detail: null },
    ]);
    expect(provenanceFromRun([notNull('z')], null, generated)).toEqual([
      { origin: 'manual', edited: false, evidence: null, detail: null },
    ]);
  });
});
