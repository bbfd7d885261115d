/**
 * DQX profiler options (`profile_options.DEFAULT_PROFILE_OPTIONS` of databricks-labs-dqx 0.17.0):
 * same keys, same defaults, same merge (user options over the defaults). Parsed with zod so a bad
 * option is a clear 400, not a surprise in the generated SQL.
 */
import { z } from 'zod';

const columnList = z.array(z.string().min(1));

/** The options as the user gives them (all optional, DQX key names). */
export const profileOptionsSchema = z
  .object({
    /** Round min/max limits (floor the min, ceil the max; dates/times to midnight). */
    round: z.boolean().default(true),
    /** `is_in` only when the distinct count is below this. */
    max_in_count: z.number().int().min(0).default(10),
    /** `is_in` only when distinct / non-null count is below this. */
    distinct_ratio: z.number().min(0).default(0.05),
    /** Not-null rules only when the null ratio is at most this. */
    max_null_ratio: z.number().min(0).default(0.01),
    /** Not-empty rules only when the empty ratio is at most this. */
    max_empty_ratio: z.number().min(0).default(0.01),
    /** Cap min/max limits at mean ± num_sigmas · stddev. */
    remove_outliers: z.boolean().default(true),
    /** Columns outlier capping applies to; empty means all. */
    outlier_columns: columnList.default([]),
    num_sigmas: z.number().min(0).default(3),
    /** Trim text before counting empties and distinct values. */
    trim_strings: z.boolean().default(true),
    /** Bernoulli sample fraction (0..1]; null means no sampling. */
    sample_fraction: z.number().min(0).max(1).nullable().default(0.3),
    sample_seed: z.number().int().nullable().default(null),
    /** Stratified sampling is not compiled to SQL; only the default (none) is accepted. */
    sample_by_column: z
      .null({ error: 'sample_by_column (stratified sampling) is not supported by the SQL profiler; profile on the job path instead' })
      .default(null),
    sample_by_values_limit: z.number().int().min(0).nullable().default(1000),
    /** Row limit after sampling; 0 or null means none (DQX tests it with `if limit:`). */
    limit: z.number().int().min(0).nullable().default(1000),
    /** Spark SQL predicate applied before sampling; copied into every generated rule's `filter`. */
    filter: z.string().min(1).nullable().default(null),
    /** Accepted for compatibility and ignored: this profiler never calls a language model. */
    llm_primary_key_detection: z.boolean().default(true),
    /** `has_no_outliers` only when the outlier fraction is at most this. */
    outliers_ratio: z.number().min(0).default(0.01),
    /** Build `has_no_outliers` profiles (MAD method). */
    has_no_outliers: z.boolean().default(false),
    has_no_outliers_allow_columns: columnList.default([]),
    has_no_outliers_deny_columns: columnList.default([]),
    /** Native GEOMETRY/GEOGRAPHY profiling needs Databricks spatial SQL; accepted, never applied here. */
    profile_geospatial: z.boolean().default(false),
    geospatial_srid: z.number().int().default(3857),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.has_no_outliers_allow_columns.length > 0 && o.has_no_outliers_deny_columns.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['has_no_outliers_deny_columns'],
        message:
          "Values for both 'has_no_outliers_allow_columns' and 'has_no_outliers_deny_columns' are provided in the configuration. Please provide only one of them.",
      });
    }
  });

export type ProfileOptionsInput = z.input<typeof profileOptionsSchema>;
export type ProfileOptions = z.output<typeof profileOptionsSchema>;

export const DEFAULT_PROFILE_OPTIONS: ProfileOptions = profileOptionsSchema.parse({});

/** Parse user options (throws a ZodError with the offending key on bad input). */
export function parseProfileOptions(input: unknown): ProfileOptions {
  return profileOptionsSchema.parse(input ?? {});
}

/** DQX `_remove_outliers`: outlier capping applies to this column. */
export function removesOutliers(column: string, o: ProfileOptions): boolean {
  if (!o.remove_outliers) return false;
  if (o.outlier_columns.length === 0) return true;
  return o.outlier_columns.includes(column);
}

/** DQX `_is_has_no_outliers_enabled`. */
export function hasNoOutliersEnabled(column: string, o: ProfileOptions): boolean {
  if (!o.has_no_outliers) return false;
  const allow = o.has_no_outliers_allow_columns;
  const deny = o.has_no_outliers_deny_columns;
  if (allow.length > 0 && !allow.includes(column)) return false;
  return !deny.includes(column);
}
