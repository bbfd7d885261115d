import { describe, expect, it } from 'vitest';

import type { DqProfile } from '@/lib/dqx/profiler';
import { pyDate, pyDateTime, pyDecimal, pyFloat, pyInt } from '@/lib/dqx/profiler/values';

import { generateRules, toDqxJson } from './generate-rules';

const profile = (p: Partial<DqProfile> & Pick<DqProfile, 'name' | 'column'>): DqProfile => ({
  description: null,
  parameters: null,
  filter: null,
  ...p,
});

describe("generateRules (DQX's generate_dq_rules)", () => {
  it('maps each profile to its DQX check, with raw column names in the rule names, in order', () => {
    const rules = generateRules([
      profile({ name: 'is_not_null', column: 'info.id' }),
      profile({ name: 'is_not_null_or_empty', column: 'name', parameters: { trim_strings: false } }),
      profile({ name: 'is_not_empty', column: 'note', parameters: { trim_strings: true } }),
      profile({ name: 'is_in', column: 'status', parameters: { in: ["O'Brien", 'a\\b', 'plain'] } }),
      profile({ name: 'is_in', column: 'code', parameters: { in: [pyInt(3), pyInt(2n ** 60n)] } }),
      profile({ name: 'has_no_outliers', column: 'score' }),
      profile({ name: 'semantic_thing', column: 'x' }),
    ]).map((r) => r.check);
    expect(rules).toEqual([
      { check: { function: 'is_not_null', arguments: { column: 'info.id' } }, name: 'info.id_is_null', criticality: 'error' },
      {
        check: { function: 'is_not_null_and_not_empty', arguments: { column: 'name', trim_strings: false } },
        name: 'name_is_null_or_empty',
        criticality: 'error',
      },
      { check: { function: 'is_not_empty', arguments: { column: 'note', trim_strings: true } }, name: 'note_is_not_empty', criticality: 'error' },
      {
        check: { function: 'is_in_list', arguments: { column: 'status', allowed: ["'O\\'Brien'", "'a\\\\b'", "'plain'"] } },
        name: 'status_other_value',
        criticality: 'error',
      },
      {
        check: { function: 'is_in_list', arguments: { column: 'code', allowed: [3, '1152921504606846976'] } },
        name: 'code_other_value',
        criticality: 'error',
      },
      { check: { function: 'has_no_outliers', arguments: { column: 'score' } }, name: 'score_has_no_outliers', criticality: 'error' },
    ]);
  });

  it('chooses is_in_range, is_not_less_than or is_not_greater_than from the limits present', () => {
    const checks = generateRules(
      [
        profile({ name: 'min_max', column: 'a', parameters: { min: pyInt(0), max: pyFloat(9.5) } }),
        profile({ name: 'min_max', column: 'b', parameters: { min: null, max: pyDecimal('12.50') } }),
        profile({ name: 'min_max', column: 'c', parameters: { min: pyDate('2024-01-01'), max: null } }),
        profile({ name: 'min_max', column: 'd', parameters: { min: pyDate('2024-01-01'), max: pyInt(3) } }),
        profile({ name: 'min_max', column: 'e', parameters: { min: null, max: null } }),
        profile({
          name: 'min_max',
          column: 't',
          parameters: { min: pyDateTime('2024-06-01T00:00:00+00:00'), max: pyDateTime('2024-06-02T10:00:00.250000+00:00') },
        }),
      ],
      { criticality: 'warn' },
    ).map((r) => r.check);
    expect(checks).toEqual([
      { check: { function: 'is_in_range', arguments: { column: 'a', min_limit: 0, max_limit: 9.5 } }, name: 'a_isnt_in_range', criticality: 'warn' },
      { check: { function: 'is_not_greater_than', arguments: { column: 'b', limit: '12.50' } }, name: 'b_not_greater_than', criticality: 'warn' },
      { check: { function: 'is_not_less_than', arguments: { column: 'c', limit: '2024-01-01' } }, name: 'c_not_less_than', criticality: 'warn' },
      // mixed families: DQX falls through to the max-only rule
      { check: { function: 'is_not_greater_than', arguments: { column: 'd', limit: 3 } }, name: 'd_not_greater_than', criticality: 'warn' },
      {
        check: {
          function: 'is_in_range',
          arguments: { column: 't', min_limit: '2024-06-01T00:00:00.000000+0000', max_limit: '2024-06-02T10:00:00.250000+0000' },
        },
        name: 't_isnt_in_range',
        criticality: 'warn',
      },
    ]);
  });

  it('copies the profile filter and carries the evidence apart from the rule', () => {
    const [rule] = generateRules([
      {
        name: 'is_in',
        column: 'grp',
        description: null,
        parameters: { in: ['a', 'b'] },
        filter: "region = 'EU'",
        evidence: {
          statistic: 'count_distinct',
          value: 2,
          statistics: { count_distinct: 2, count_non_null: 400 },
          thresholds: { max_in_count: 10, distinct_ratio: 0.05 },
          rowsProfiled: 410,
        },
      },
    ]);
    expect(rule?.check).toEqual({
      check: { function: 'is_in_list', arguments: { column: 'grp', allowed: ["'a'", "'b'"] } },
      name: 'grp_other_value',
      criticality: 'error',
      filter: "region = 'EU'",
    });
    expect(rule?.evidence).toMatchObject({ profile: 'is_in', column: 'grp', statistic: 'count_distinct', value: 2, rowsProfiled: 410 });
    expect(JSON.stringify(rule?.check)).not.toContain('count_distinct');
  });

  it('builds the LLM primary-key rule as DQX does', () => {
    const [rule] = generateRules([profile({ name: 'is_unique', column: 'a, b', parameters: { nulls_distinct: false, confidence: 'high' } })]);
    expect(rule?.check).toEqual({
      check: { function: 'is_unique', arguments: { columns: ['a', 'b'], nulls_distinct: false } },
      name: 'primary_key_a_b_validation',
      criticality: 'error',
      user_metadata: { pk_detection_confidence: 'high' },
    });
  });

  it('writes typed values as JSON DQX reads back with the same meaning', () => {
    expect(toDqxJson(pyDecimal('1.0E+7'))).toBe('10000000');
    expect(toDqxJson(pyDecimal('1E-10'))).toBe('0.0000000001');
    expect(toDqxJson(pyInt(-(2n ** 60n)))).toBe('-1152921504606846976');
    expect(toDqxJson(pyFloat(NaN))).toBe("double('NaN')");
  });
});
