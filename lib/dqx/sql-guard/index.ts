/**
 * The SQL sandbox of rules: one parser-based allow-list for every SQL fragment (see guard.ts), the
 * list itself as data (allow-list.json, also read by the job notebooks), and the enumeration of a
 * rule's fragments (fragments.ts).
 */
export {
  assertExpression,
  assertQuery,
  guardExpression,
  guardQuery,
  shadowedColumn,
  SqlGuardError,
  SQL_ALLOW_LIST,
  tablePlaceholder,
  type ExpressionAnalysis,
  type Guarded,
  type QueryAnalysis,
  type Refusal,
  type RefusalRule,
} from './guard';
export {
  fragmentTables,
  guardFragment,
  isColumnExpression,
  ruleFragments,
  sqlQueryText,
  type RuleFragment,
  type RuleSql,
} from './fragments';
