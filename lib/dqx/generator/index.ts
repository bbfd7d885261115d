/** Public API of the rule generator: DQX's `generate_dq_rules` from profiles, with evidence. */
export {
  generateRules,
  GENERATED_PROFILE_NAMES,
  toDqxJson,
  type GeneratedRule,
  type GenerateRulesOptions,
  type RuleEvidence,
} from './generate-rules';
export {
  recommendRules,
  followUpRequest,
  withFollowUpCounts,
  numericBounds,
  identityOf,
  isFreeText,
  shapeRegex,
  sqlStringLiteral,
  RECOMMENDED,
  type ColumnNote,
  type Recommendation,
  type RecommendOptions,
} from './recommend-rules';
export { niceCeil, niceFloor, niceStep } from './nice-numbers';
