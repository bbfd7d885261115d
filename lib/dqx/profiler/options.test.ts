import { describe, expect, it } from 'vitest';

import { DEFAULT_PROFILE_OPTIONS, hasNoOutliersEnabled, parseProfileOptions, profileOptionsSchema, removesOutliers } from './options';

describe('profiler options', () => {
  it("defaults to DQX's DEFAULT_PROFILE_OPTIONS", () => {
    expect(DEFAULT_PROFILE_OPTIONS).toEqual({
      round: true,
      max_in_count: 10,
      distinct_ratio: 0.05,
      max_null_ratio: 0.01,
      max_empty_ratio: 0.01,
      remove_outliers: true,
      outlier_columns: [],
      num_sigmas: 3,
      trim_strings: true,
      sample_fraction: 0.3,
      sample_seed: null,
      sample_by_column: null,
      sample_by_values_limit: 1000,
      limit: 1000,
      filter: null,
      llm_primary_key_detection: true,
      outliers_ratio: 0.01,
      has_no_outliers: false,
      has_no_outliers_allow_columns: [],
      has_no_outliers_deny_columns: [],
      profile_geospatial: false,
      geospatial_srid: 3857,
    });
  });

  it('merges user options over the defaults', () => {
    const o = parseProfileOptions({ limit: 5000, sample_fraction: 1, trim_strings: false });
    expect([o.limit, o.sample_fraction, o.trim_strings, o.max_in_count]).toEqual([5000, 1, false, 10]);
  });

  it('rejects unknown keys, bad values and conflicting allow/deny lists with the offending key', () => {
    const unknown = profileOptionsSchema.safeParse({ max_in_cnt: 3 });
    expect(unknown.success).toBe(false);
    expect(JSON.stringify(unknown.error?.issues)).toContain('max_in_cnt');
    const fraction = profileOptionsSchema.safeParse({ sample_fraction: 1.5 });
    expect(fraction.error?.issues[0]?.path).toEqual(['sample_fraction']);
    const both = profileOptionsSchema.safeParse({ has_no_outliers_allow_columns: ['a'], has_no_outliers_deny_columns: ['b'] });
    expect(both.error?.issues[0]?.message).toContain('Please provide only one of them');
    const strata = profileOptionsSchema.safeParse({ sample_by_column: 'country' });
    expect(strata.error?.issues[0]?.message).toContain('not supported by the SQL profiler');
  });

  it('applies outlier capping and has_no_outliers per column like DQX', () => {
    const o = parseProfileOptions({ outlier_columns: ['a'], has_no_outliers: true, has_no_outliers_deny_columns: ['b'] });
    expect([removesOutliers('a', o), removesOutliers('b', o)]).toEqual([true, false]);
    expect([hasNoOutliersEnabled('a', o), hasNoOutliersEnabled('b', o)]).toEqual([true, false]);
    expect(removesOutliers('a', parseProfileOptions({ remove_outliers: false }))).toBe(false);
    expect(hasNoOutliersEnabled('a', parseProfileOptions({}))).toBe(false);
  });
});
