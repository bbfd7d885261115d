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
export { ChecksFormatError, parseChecksText, serializeChecks } from './checks-file';
export { validateChecks } from './validate';
export { expandChecks, ruleFingerprint, ruleSetFingerprint } from './fingerprint';
