/** Public API of the rule generator: DQX's `generate_dq_rules` from profiles, with evidence. */
export {
  generateRules,
  GENERATED_PROFILE_NAMES,
  toDqxJson,
  type GeneratedRule,
  type GenerateRulesOptions,
  type RuleEvidence,
} from './generate-rules';
