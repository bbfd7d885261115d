/**
 * Public API of the DQX rule engine. Pure TypeScript: no I/O, nothing about HTTP, React or
 * databases. Other layers import only from here.
 *
 * CONTRACT (kept stable while the engine is being completed): the names and signatures below are
 * what the store, the services and the UI code against. The engine may add exports; it must not
 * change these without updating every caller.
 */
export type {
  Criticality,
  DqxCheck,
  ExpandedRule,
  RuleIssue,
  RuleSetValidation,
  TableSchema,
  ChecksFormat,
} from './model';
export { dqxCheckSchema, dqxChecksSchema, toDqxCheck, toDqxChecks, criticalitySchema } from './model';
export { ChecksFormatError, parseChecksText, serializeChecks } from './checks-file';
export { YAML_LIMITS } from './checks-yaml';
export { JSON_LIMITS } from './checks-json';
export {
  validateChecks,
  normalizeCheck,
  sqlSandboxIssues,
  type ValidateOptions,
  type DetailedRuleIssue,
} from './validate';
export {
  expandChecks,
  ruleFingerprint,
  ruleSetFingerprint,
  storedRuleFingerprint,
  type ExpandOptions,
} from './fingerprint';
// Compiler: DQX's apply_checks as SQL, and the single-scan validation statement.
export {
  compileApplyChecks,
  compileValidation,
  tablesReadBy,
  RuleSetCompileError,
  type CompileOptions,
  type CompiledRule,
  type CompiledApply,
  type CompiledValidation,
  type ValidationOptions,
  type ValidationSummary,
  type RuleSummary,
  type SampleRow,
  type SampleEntry,
  type QueryRows,
  type RuleStatus,
} from './compile/compiler';
export { rowCheckFailureSql } from './compile/row-condition';
export { parseSparkType, simpleString, type SparkType } from './spark-types';
export { getCheck, listChecks, CHECKS } from './catalog';
export type { CheckDefinition, CheckParam, ArgumentWidget, SparkFlavor } from './catalog';
export { pyRepr, pyKind, isMarker, type PyMarker } from './py-values';

// Profiler and generator (DQX's DQProfiler and DQGenerator.generate_dq_rules).
export {
  compileProfile,
  rowsToObjects,
  parseProfileOptions,
  profileOptionsSchema,
  DEFAULT_PROFILE_OPTIONS,
  UnsafeFilterError,
  formatDqxValue,
  type CompiledProfile,
  type SampleRows,
  type ProfileOptions,
  type ProfileOptionsInput,
  type ProfileResult,
  type ProfileEvidence,
  type DqProfile,
  type ColumnSummaryStats,
  type SamplingPlan,
  compileRobustProfile,
  compileValueCounts,
  describeSampling,
  type FieldStats,
  type RobustProfile,
  type RobustSampling,
  type ValueCounts,
} from './profiler';
export {
  generateRules,
  toDqxJson,
  recommendRules,
  followUpRequest,
  withFollowUpCounts,
  identityOf,
  RECOMMENDED,
  type GeneratedRule,
  type RuleEvidence,
  type ColumnNote,
  type Recommendation,
} from './generator';
