/**
 * Planning a rule set for SQL: expand it as DQX does, decide per rule whether it is compiled,
 * skipped (DQX reports a skip entry on every row: unresolved column, filter, message expression
 * or SQL expression, or an unsafe filter) or left to a DQX job (dataset-level and job-only checks,
 * and what the dialect cannot express), and build each compiled rule's filter, condition and
 * message SQL plus its result entry.
 *
 * Dataset-level checks (part 2) plug in here: a dataset rule contributes window expressions or a
 * join to a grouped subquery over the same scan (see `DatasetContribution`), and then exposes a
 * condition and message over the joined columns like a row rule.
 */
import { createHash } from 'node:crypto';

import { quoteIdent, quoteString, type Dialect } from '@/lib/sql/quote';

import { getCheck } from '../catalog';
import type { NamingOptions } from '../catalog/types';
import { expandChecks } from '../fingerprint';
import type { DqxCheck, ExpandedRule, TableSchema } from '../model';
import { skipDisplayColumnName } from '../naming';
import { javaDoubleToString, pyKind, pyStrRepr, parsePyFloat, isMarker } from '../py-values';
import { fragmentProblem, isSqlQuerySafe, sanitizeForLogging } from '../spark-sql';
import { TableResolver } from '../table-resolver';
import { validateChecks } from '../validate';
import { createRowContext, UnsupportedInDialect } from './row-context';
import { literalSparkString, resolveLimit } from '../literals';

export interface CompileOptions {
  dialect: Dialect;
  /** Columns (Spark types) of the source. */
  table: TableSchema;
  /** `ExtraParams.run_time_overwrite` (ISO text); default: the query's current_timestamp(). */
  runTime?: string;
  /** `ExtraParams.run_id_overwrite`; default: a random UUID. */
  runId?: string;
  /** `ExtraParams.user_metadata`: merged under each check's user_metadata. */
  userMetadata?: Record<string, unknown>;
  /** `ExtraParams.suppress_skipped`: skipped checks produce no entry. */
  suppressSkipped?: boolean;
  /** `ExtraParams.result_column_names` (errors, warnings). */
  resultColumnNames?: { errors?: string; warnings?: string };
  sparkFlavor?: NamingOptions['sparkFlavor'];
}

export type RuleStatus = 'compiled' | 'skipped' | 'job_only';

/** What callers learn about each expanded rule. */
export interface CompiledRule {
  /** Position after for_each_column expansion. */
  index: number;
  /** Position in the rule list as given. */
  sourceIndex: number;
  name: string;
  criticality: 'error' | 'warn';
  function: string;
  level: 'row' | 'dataset';
  columns: string[] | null;
  filter: string | null;
  fingerprint: string;
  userMetadata: Record<string, string | null>;
  status: RuleStatus;
  /** For `skipped`: DQX's skip message, reported on every row. */
  skipMessage?: string;
  /** For `job_only`: why the rule is not on the SQL path. */
  reason?: string;
}

export interface PlannedRule extends CompiledRule {
  /** SQL TRUE when the rule produces an entry for the row (filter and condition), else FALSE. */
  flagSql: string;
  /**
   * The same test where NULL may stand for FALSE (no coalesce), for contexts that treat NULL as
   * false anyway (CASE WHEN, FILTER): cheaper to evaluate on every row.
   */
  testSql: string;
  /** SQL TRUE when the row passes the rule's filter; null when there is no filter. */
  filterSql: string | null;
  /** SQL of the entry struct (evaluated only when the flag is TRUE). */
  entrySql: string;
}

/**
 * What a dataset-level rule adds to the scan (part 2 of the engine): window expressions computed
 * over the source rows (`is_unique`, `is_aggr_*` with `group_by`), or a LEFT JOIN to a grouped
 * subquery over the same source or a reference table (`foreign_key`, `compare_datasets`). The
 * columns it adds are then visible to the rule's condition and message like input columns, so
 * failures are attributed to rows exactly as for row rules, and the statement keeps one scan of
 * the source wherever the check allows it.
 */
export interface DatasetContribution {
  /** `<expression> AS <internal column>` items evaluated with the source row (window functions). */
  columns: string[];
  /** `LEFT JOIN (<subquery>) AS <alias> ON ...` clauses appended after the source. */
  joins: string[];
}

export interface Plan {
  dialect: Dialect;
  /** Additions to the scan made by dataset-level rules (none yet: they run in a DQX job). */
  contributions: DatasetContribution[];
  rules: PlannedRule[];
  /** Rules of the set that run in a DQX job instead. */
  jobOnly: CompiledRule[];
  ruleSetFingerprint: string;
  resultColumns: { errors: string; warnings: string };
  inputColumns: string[];
  resolver: TableResolver;
}

export class RuleSetCompileError extends Error {
  constructor(
    message: string,
    readonly issues: { ruleIndex: number | null; field: string | null; message: string }[],
  ) {
    super(message);
    this.name = 'RuleSetCompileError';
  }
}

/** Python `str(list_of_strings)` as in DQX's skip message. */
const pyListRepr = (items: string[]) => '[' + items.map(pyStrRepr).join(', ') + ']';

/** `F.lit(value).cast("string")` for user_metadata values. */
function metadataString(value: unknown): string | null {
  switch (pyKind(value)) {
    case 'none':
      return null;
    case 'str':
      return value as string;
    case 'bool':
      return value ? 'true' : 'false';
    case 'float':
      return javaDoubleToString(
        isMarker(value) ? parsePyFloat((value as { __float__: string }).__float__) : (value as number),
      );
    case 'list':
      return '[' + (value as unknown[]).map((v) => metadataString(v) ?? 'null').join(', ') + ']';
    default: {
      const lit = resolveLimit(value);
      if (lit && lit.kind !== 'expr') return literalSparkString(lit);
      return String(value);
    }
  }
}

function typedNull(dialect: Dialect, type: 'string' | 'boolean' | 'array<string>'): string {
  if (dialect === 'duckdb')
    return { string: 'NULL::VARCHAR', boolean: 'NULL::BOOLEAN', 'array<string>': 'NULL::VARCHAR[]' }[type];
  return {
    string: 'CAST(NULL AS STRING)',
    boolean: 'CAST(NULL AS BOOLEAN)',
    'array<string>': 'CAST(NULL AS ARRAY<STRING>)',
  }[type];
}

/** The DQX result struct type. */
export function entryType(dialect: Dialect): string {
  return dialect === 'duckdb'
    ? 'STRUCT(name VARCHAR, message VARCHAR, columns VARCHAR[], filter VARCHAR, function VARCHAR, run_time TIMESTAMP, run_id VARCHAR, user_metadata MAP(VARCHAR, VARCHAR), rule_fingerprint VARCHAR, rule_set_fingerprint VARCHAR, skipped BOOLEAN)'
    : 'STRUCT<name: STRING, message: STRING, columns: ARRAY<STRING>, filter: STRING, function: STRING, run_time: TIMESTAMP, run_id: STRING, user_metadata: MAP<STRING, STRING>, rule_fingerprint: STRING, rule_set_fingerprint: STRING, skipped: BOOLEAN>';
}

function entrySql(
  dialect: Dialect,
  rule: CompiledRule,
  message: string,
  runTimeSql: string,
  runId: string,
  ruleSetFingerprint: string,
  skipped: boolean,
): string {
  const lit = (s: string) => quoteString(dialect, s);
  const columns = rule.columns
    ? dialect === 'duckdb'
      ? `[${rule.columns.map(lit).join(', ')}]`
      : `array(${rule.columns.map(lit).join(', ')})`
    : typedNull(dialect, 'array<string>');
  const meta = Object.entries(rule.userMetadata);
  const metadata =
    dialect === 'duckdb'
      ? meta.length
        ? `MAP {${meta.map(([k, v]) => `${lit(k)}: ${v === null ? 'NULL::VARCHAR' : lit(v)}`).join(', ')}}`
        : 'MAP {}::MAP(VARCHAR, VARCHAR)'
      : meta.length
        ? `map(${meta.map(([k, v]) => `${lit(k)}, ${v === null ? 'CAST(NULL AS STRING)' : lit(v)}`).join(', ')})`
        : 'CAST(map() AS MAP<STRING, STRING>)';
  const fields: [string, string][] = [
    ['name', lit(rule.name)],
    ['message', message],
    ['columns', columns],
    ['filter', rule.filter ? lit(rule.filter) : typedNull(dialect, 'string')],
    ['function', lit(rule.function)],
    ['run_time', runTimeSql],
    ['run_id', lit(runId)],
    ['user_metadata', metadata],
    ['rule_fingerprint', lit(rule.fingerprint)],
    ['rule_set_fingerprint', lit(ruleSetFingerprint)],
    ['skipped', skipped ? 'TRUE' : typedNull(dialect, 'boolean')],
  ];
  if (dialect === 'duckdb')
    return `struct_pack(${fields.map(([k, v]) => `${quoteIdent(dialect, k)} := ${v}`).join(', ')})`;
  return `CAST(named_struct(${fields.map(([k, v]) => `${lit(k)}, ${v}`).join(', ')}) AS ${entryType(dialect)})`;
}

/** Whether an expression resolves against the table (what DQX's `_resolves` decides). */
function resolves(resolver: TableResolver, text: string): boolean {
  if (fragmentProblem(text)) return false;
  const missing = resolver.unknownReferences(text);
  return missing !== null && missing.length === 0;
}

function skipMessage(rule: ExpandedRule, resolver: TableResolver): string {
  const parts: string[] = [];
  const cols: unknown[] =
    rule.arguments.column !== undefined && rule.arguments.column !== null
      ? [rule.arguments.column]
      : Array.isArray(rule.arguments.columns) &&
          getCheck(rule.function)?.params.some((p) => p.name === 'columns')
        ? (rule.arguments.columns as unknown[])
        : [];
  const invalid = cols
    .filter((c) => typeof c === 'string' && !resolver.resolveColumnArgument(c).ok)
    .map((c) => skipDisplayColumnName(c as string));
  if (invalid.length)
    parts.push(`Check evaluation skipped due to invalid check columns: ${pyListRepr(invalid)}`);
  if (rule.filter) {
    if (!isSqlQuerySafe(rule.filter))
      parts.push(`Check evaluation skipped due to unsafe check filter: '${sanitizeForLogging(rule.filter)}'`);
    else if (!resolves(resolver, rule.filter))
      parts.push(
        `Check evaluation skipped due to invalid check filter: '${sanitizeForLogging(rule.filter)}'`,
      );
  }
  if (rule.messageExpr !== null && !resolves(resolver, rule.messageExpr)) {
    parts.push(`Check evaluation skipped due to invalid custom message expression: '${rule.messageExpr}'`);
  }
  if (
    rule.function === 'sql_expression' &&
    typeof rule.arguments.expression === 'string' &&
    !resolves(resolver, rule.arguments.expression)
  ) {
    parts.push(`Check evaluation skipped due to invalid sql expression: '${rule.arguments.expression}'`);
  }
  return parts.join('; ');
}

/** Plan a rule set. Throws RuleSetCompileError when DQX would refuse it (invalid checks). */
export function planRuleSet(checks: DqxCheck[], options: CompileOptions): Plan {
  const { dialect } = options;
  const validation = validateChecks(checks);
  const blocking = validation.errors.filter(
    (e) => e.code !== 'invalid_expression' && e.code !== 'unsafe_filter',
  );
  if (blocking.length) {
    throw new RuleSetCompileError(
      `The rule set is not valid: ${blocking[0]!.summary}`,
      blocking.map((e) => ({ ruleIndex: e.ruleIndex, field: e.field, message: e.message })),
    );
  }
  const resultColumns = {
    errors: options.resultColumnNames?.errors ?? '_errors',
    warnings: options.resultColumnNames?.warnings ?? '_warnings',
  };
  const inputColumns = options.table.columns.map((c) => c.name);
  const reserved = [resultColumns.errors, resultColumns.warnings, '_dq_info'].filter((c) =>
    inputColumns.includes(c),
  );
  if (reserved.length) {
    throw new RuleSetCompileError(
      `Input DataFrame contains reserved DQX result columns: ${reserved.join(', ')}. Rename input columns or configure extra params in 'DQEngine' for 'result_column_names'.`,
      [],
    );
  }
  const internal = inputColumns.filter((c) => c.toLowerCase().startsWith('__dqx_'));
  if (internal.length) {
    throw new RuleSetCompileError(
      `Column names starting with __dqx_ are reserved for the engine: ${internal.join(', ')}.`,
      [],
    );
  }
  const resolver = new TableResolver(options.table);
  const expanded = expandChecks(checks, { sparkFlavor: options.sparkFlavor });
  const ruleSetFingerprint = ruleSetFingerprintOf(expanded);
  const runId = options.runId ?? globalThis.crypto.randomUUID();
  const runTimeSql = options.runTime
    ? `TIMESTAMP ${quoteString(dialect, options.runTime.replace('T', ' '))}`
    : dialect === 'duckdb'
      ? 'CAST(current_timestamp AS TIMESTAMP)'
      : 'current_timestamp()';
  const ctx = createRowContext(dialect, resolver);
  const rules: PlannedRule[] = [];
  const jobOnly: CompiledRule[] = [];
  // DQX evaluates error checks first, then warnings; each list keeps the rule order.
  const ordered = [
    ...expanded.filter((r) => r.criticality === 'error'),
    ...expanded.filter((r) => r.criticality === 'warn'),
  ];
  for (const rule of ordered) {
    const def = getCheck(rule.function)!;
    const meta: Record<string, string | null> = {};
    for (const [k, v] of Object.entries({ ...(options.userMetadata ?? {}), ...(rule.userMetadata ?? {}) }))
      meta[k] = metadataString(v);
    const base: CompiledRule = {
      index: expanded.indexOf(rule),
      sourceIndex: rule.sourceIndex,
      name: rule.name,
      criticality: rule.criticality,
      function: rule.function,
      level: def.level,
      columns: rule.columns,
      filter: rule.filter,
      fingerprint: rule.fingerprint,
      userMetadata: meta,
      status: 'compiled',
    };
    if (def.level === 'dataset' || def.runsIn === 'job' || !def.sql) {
      jobOnly.push({ ...base, status: 'job_only', reason: def.jobOnlyReason ?? 'Runs in a DQX job.' });
      continue;
    }
    const skip = skipMessage(rule, resolver);
    if (skip) {
      if (options.suppressSkipped) continue;
      rules.push({
        ...base,
        status: 'skipped',
        skipMessage: skip,
        flagSql: 'TRUE',
        testSql: 'TRUE',
        filterSql: null,
        entrySql: entrySql(
          dialect,
          base,
          quoteString(dialect, skip),
          runTimeSql,
          runId,
          ruleSetFingerprint,
          true,
        ),
      });
      continue;
    }
    try {
      const built = def.sql(ctx, rule.arguments);
      const filterSql = rule.filter ? ctx.expr(rule.filter) : null;
      const condition = `coalesce(${built.condition}, FALSE)`;
      const flagSql = filterSql ? `(coalesce(${filterSql}, FALSE) AND ${condition})` : condition;
      const testSql = filterSql ? `((${filterSql}) AND (${built.condition}))` : `(${built.condition})`;
      let message = built.message;
      if (rule.messageExpr !== null) {
        const cast =
          dialect === 'duckdb'
            ? `CAST(${ctx.expr(rule.messageExpr)} AS VARCHAR)`
            : ctx.expr(rule.messageExpr);
        message = `substr(${cast}, 1, 500)`;
      }
      rules.push({
        ...base,
        flagSql,
        testSql,
        filterSql,
        entrySql: entrySql(dialect, base, message, runTimeSql, runId, ruleSetFingerprint, false),
      });
    } catch (error) {
      if (error instanceof UnsupportedInDialect) {
        jobOnly.push({ ...base, status: 'job_only', reason: error.reason });
        continue;
      }
      throw error;
    }
  }
  return {
    dialect,
    contributions: [],
    rules,
    jobOnly,
    ruleSetFingerprint,
    resultColumns,
    inputColumns,
    resolver,
  };
}

/**
 * The FROM clause of both statements: the source, plus what dataset rules add. Contributed columns
 * are computed in a projection over the source so row rules can read them like input columns.
 */
export function sourceRelation(plan: Plan, source: string, alias: string): string {
  const columns = plan.contributions.flatMap((c) => c.columns);
  const joins = plan.contributions.flatMap((c) => c.joins);
  if (columns.length === 0 && joins.length === 0) return `${source} AS ${alias}`;
  return `(SELECT ${alias}.*, ${columns.join(', ')} FROM ${source} AS ${alias} ${joins.join(' ')}) AS ${alias}`;
}

function ruleSetFingerprintOf(rules: ExpandedRule[]): string {
  // same as fingerprint.ruleSetFingerprint, over rules already expanded
  const fps = rules.map((r) => r.fingerprint).sort();
  return createHashHex(`[${fps.map((f) => `"${f}"`).join(', ')}]`);
}

const createHashHex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
