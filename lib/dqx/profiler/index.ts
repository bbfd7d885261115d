/**
 * Public API of the profiler: DQX's profiler options, one-scan profile SQL for DuckDB and Databricks,
 * and the decoding of its result into DQX's `summary_stats` and profiles.
 */
export {
  compileProfile,
  EXACT_REPLAY_MAX_ROWS,
  type CompileProfileInput,
  type CompiledProfile,
  type SampleRows,
} from './compile-profile';
export { rowsToObjects, type ResultRow } from './decode-profile';
export { UnsafeFilterError } from './filter-guard';
export {
  DEFAULT_PROFILE_OPTIONS,
  parseProfileOptions,
  profileOptionsSchema,
  type ProfileOptions,
  type ProfileOptionsInput,
} from './options';
export {
  flattenFields,
  parseSparkType,
  SparkTypeError,
  type ProfiledField,
  type SparkType,
} from './spark-type';
export type {
  ColumnSummaryStats,
  DqProfile,
  EvidenceValue,
  ProfileEvidence,
  ProfileResult,
  SamplingPlan,
} from './types';
export { pyStr as formatDqxValue, toNumber as dqxValueToNumber, type DqxValue } from './values';
export {
  compileRobustProfile,
  describeSampling,
  looksLikeKeyName,
  shapeOf,
  QUANTILE_GRID,
  PLACEHOLDER_VALUES,
  MARKUP_REGEX,
  SHAPE_SAMPLE_ROWS,
  type CompiledRobustProfile,
  type FieldStats,
  type RobustProfile,
  type RobustSampling,
} from './robust-profile';
export {
  compileValueCounts,
  type CompiledValueCounts,
  type ValueCounts,
  type ValueCountsRequest,
} from './value-counts';
