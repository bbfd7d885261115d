import type { DqxValue } from './values';

/** A value shown as evidence: plain numbers for counts and ratios, typed values for data values. */
export type EvidenceValue = number | string | boolean | null | DqxValue | DqxValue[];

/**
 * Why a profile was (or was built the way it was): the statistics it was decided on, computed over
 * `rowsProfiled` rows, and the option thresholds they were compared with.
 */
export interface ProfileEvidence {
  /** The statistic that decided the profile, e.g. `null_ratio`, `count_distinct`, `min_max`. */
  statistic: string;
  /** Its value. */
  value: EvidenceValue;
  /** Every statistic the builder looked at. */
  statistics: Record<string, EvidenceValue>;
  /** The options the statistics were compared with. */
  thresholds: Record<string, number | boolean | string>;
  /** Rows the statistics were computed over (after filter, sampling and limit). */
  rowsProfiled: number;
}

/** DQX's `DQProfile` (name, column, description, parameters, filter), plus our evidence. */
export interface DqProfile {
  name: string;
  column: string;
  description: string | null;
  parameters: Record<string, DqxValue | DqxValue[]> | null;
  filter: string | null;
  /** Not part of DQX's profile: what it was built from (absent on profiles from elsewhere). */
  evidence?: ProfileEvidence;
}

/** `summary_stats[column]`: DQX's keys and Python-typed values. */
export type ColumnSummaryStats = Record<string, DqxValue>;

/** How the profiled rows were chosen, in words a user can check. */
export interface SamplingPlan {
  /** dqx: DQX's fraction-then-limit; rows: a uniform sample of n rows; fraction: a uniform Bernoulli sample; all: every row. */
  kind: 'dqx' | 'rows' | 'fraction' | 'all';
  filter: string | null;
  /** Bernoulli fraction applied (null: none). */
  fraction: number | null;
  seed: number | null;
  /** Maximum rows kept (null: no limit). */
  limit: number | null;
  description: string;
}

export interface ProfileResult {
  /** Rows the profile was built from: the sample actually read, never an estimate. */
  rowsProfiled: number;
  /** How those rows were chosen. */
  sampling: SamplingPlan;
  /** DQX's `summary_stats`: one entry per profiled field (struct fields as `parent.child`). */
  summaryStats: Record<string, ColumnSummaryStats>;
  /** DQX's profiles in DQX's order (per field: null_or_empty, is_in, min_max, has_no_outliers). */
  profiles: DqProfile[];
}
