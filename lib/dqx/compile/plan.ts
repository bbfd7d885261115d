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
import type { AddedRows, DatasetColumn, NamingOptions } from '../catalog/types';
import { expandChecks } from '../fingerprint';
import type { DqxCheck, ExpandedRule, TableSchema } from '../model';
import { skipDisplayColumnName } from '../naming';
import { parseSparkType, simpleString, type SparkType } from '../spark-types';
import { javaDoubleToString, pyKind, pyStrRepr, parsePyFloat, isMarker } from '../py-values';
import { fragmentProblem, isSqlQuerySafe, sanitizeForLogging } from '../spark-sql';
import { guardExpression, SqlGuardError } from '../sql-guard/guard';
import { TableResolver } from '../table-resolver';
import { validateChecks } from '../validate';
import { ADDED_ROW, createDatasetContext } from './dataset-context';
import { duckType } from './duck-types';
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
  /**
   * The rule set fingerprint the entries carry; default: that of `checks`. Given when a subset of a
   * rule set is applied again (one rule's failing rows), so its entries name the whole rule set.
   */
  ruleSetFingerprint?: string;
  /** `ExtraParams.user_metadata`: merged under each check's user_metadata. */
  userMetadata?: Record<string, unknown>;
  /** `ExtraParams.suppress_skipped`: skipped checks produce no entry. */
  suppressSkipped?: boolean;
  /** `ExtraParams.result_column_names` (errors, warnings). */
  resultColumnNames?: { errors?: string; warnings?: string };
  sparkFlavor?: NamingOptions['sparkFlavor'];
  /**
   * Columns of the reference tables dataset rules name (`ref_table`), keyed by the name as the rule
   * writes it. Checks that need a reference table's columns (`compare_datasets`, `has_valid_schema`)
   * are left to a DQX job when it is missing.
   */
  referenceTables?: Record<string, TableSchema>;
  /**
   * The source is a sample of the table (a dry run on its first N rows). Checks whose result on a
   * sample would be wrong for the table, not merely partial (`compare_datasets` looking for
   * reference rows missing from the input: every reference row outside the sample would read
   * missing), are then not evaluated, with the reason.
   */
  sourceIsSample?: boolean;
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
  /** Internal columns evaluated with the source row (window functions, joined values). */
  columns: DatasetColumn[];
  /** `LEFT JOIN (<subquery>) AS <alias> ON ...` clauses appended after the source. */
  joins: string[];
}

export interface Plan {
  dialect: Dialect;
  /** Additions to the scan made by dataset-level rules. */
  contributions: DatasetContribution[];
  rules: PlannedRule[];
  /** Rules of the set that run in a DQX job instead. */
  jobOnly: CompiledRule[];
  ruleSetFingerprint: string;
  resultColumns: { errors: string; warnings: string };
  inputColumns: string[];
  resolver: TableResolver;
  /** Reference tables the compiled dataset rules read (names as the rules write them). */
  referenceTables: string[];
  /**
   * The rows a dataset rule adds to the output (`compare_datasets` with `check_missing_records`),
   * and how many contributions DQX computes before them (that rule's included): those see the
   * input rows only, the later ones every row, as DQX's later checks read the changed rows.
   */
  added: { rows: AddedRows; before: number; criticality: 'error' | 'warn' } | null;
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
  if (fragmentProblem(text) || !guardExpression(text).ok) return false;
  const missing = resolver.unknownReferences(text);
  return missing !== null && missing.length === 0;
}

/** DQX pushes the rule filter down as `row_filter` (it wins over the argument); else the argument. */
function effectiveFilter(rule: ExpandedRule): string | null {
  if (rule.filter) return rule.filter;
  // only a check function that takes a row_filter has one
  if (!getCheck(rule.function)?.params.some((p) => p.name === 'row_filter')) return null;
  const arg = rule.arguments.row_filter;
  return typeof arg === 'string' && arg ? arg : null;
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
  // DQX's effective filter: the rule filter, else a dataset check's row_filter argument
  const filter = effectiveFilter(rule);
  if (filter) {
    if (!isSqlQuerySafe(filter))
      parts.push(`Check evaluation skipped due to unsafe check filter: '${sanitizeForLogging(filter)}'`);
    else if (!resolves(resolver, filter))
      parts.push(`Check evaluation skipped due to invalid check filter: '${sanitizeForLogging(filter)}'`);
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

/**
 * Plan a rule set over `source` (a quoted table name or parenthesised subquery; dataset rules may
 * read it again in subqueries). Throws RuleSetCompileError when DQX would refuse it (invalid checks).
 */
export function planRuleSet(checks: DqxCheck[], options: CompileOptions, source: string): Plan {
  const { dialect } = options;
  const validation = validateChecks(checks);
  const blocking = validation.errors.filter(
    (e) => e.code !== 'invalid_expression' && e.code !== 'unsafe_filter',
  );
  if (blocking.length) {
    throw new RuleSetCompileError(
      `The rule set is not valid: ${blocking[0]!.summary}`,
      blocking.map((e) => ({ ruleIndex: e.rule_index, field: e.field, message: e.message })),
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
  const ruleSetFingerprint = options.ruleSetFingerprint ?? ruleSetFingerprintOf(expanded);
  const runId = options.runId ?? globalThis.crypto.randomUUID();
  const runTimeSql = options.runTime
    ? `TIMESTAMP ${quoteString(dialect, options.runTime.replace('T', ' '))}`
    : dialect === 'duckdb'
      ? 'CAST(current_timestamp AS TIMESTAMP)'
      : 'current_timestamp()';
  const ctx = createRowContext(dialect, resolver);
  const rules: PlannedRule[] = [];
  const jobOnly: CompiledRule[] = [];
  const contributions: DatasetContribution[] = [];
  const referenceTables = new Set<string>();
  let added: Plan['added'] = null;
  // compiled dataset rules DQX evaluates before the one adding rows
  const datasetBefore: PlannedRule[] = [];
  // the input plus the added rows: what dataset rules after the one adding rows read
  let augmented = source;
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
    const sqlBuilder = def.level === 'dataset' ? def.datasetSql : def.sql;
    if (def.runsIn === 'job' || !sqlBuilder) {
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
      const filterSql = rule.filter ? ctx.expr(rule.filter) : null;
      let built: { condition: string; message: string };
      let entryRule = base;
      if (def.level === 'dataset') {
        // DQX pushes the rule filter down as `row_filter` (over an explicit one), and only to
        // check functions that take a row_filter
        const rowFilterText = def.params.some((p) => p.name === 'row_filter') ? effectiveFilter(rule) : null;
        const reads: string[] = [];
        const dctx = createDatasetContext(ctx, {
          ruleIndex: rules.length + jobOnly.length,
          rowFilter: rowFilterText ? ctx.expr(rowFilterText) : null,
          source: augmented,
          table: options.table,
          runTimeSql,
          referenceTables: options.referenceTables ?? {},
          onReference: (name) => reads.push(name),
          mayAddRows: added === null,
          sourceIsSample: options.sourceIsSample === true,
        });
        const ds = def.datasetSql!(dctx, rule.arguments);
        contributions.push({ columns: ds.columns ?? [], joins: ds.joins ?? [] });
        if (ds.addsRows) {
          added = { rows: ds.addsRows, before: contributions.length, criticality: rule.criticality };
          augmented = `(${withAddedRows(dialect, options.table, source, ds.addsRows, [])})`;
        }
        for (const name of reads) referenceTables.add(name);
        built = ds;
        if (ds.columnsOverride !== undefined) entryRule = { ...base, columns: ds.columnsOverride };
      } else {
        built = def.sql!(ctx, rule.arguments);
      }
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
        entrySql: entrySql(dialect, entryRule, message, runTimeSql, runId, ruleSetFingerprint, false),
      });
      if (def.level === 'dataset' && added === null) datasetBefore.push(rules[rules.length - 1]!);
    } catch (error) {
      if (error instanceof UnsupportedInDialect) {
        jobOnly.push({ ...base, status: 'job_only', reason: error.reason });
        continue;
      }
      if (error instanceof SqlGuardError) {
        const { message, construct } = error.refusal;
        throw new RuleSetCompileError(`Rule '${rule.name}': ${message} (at "${construct}")`, [
          { ruleIndex: rule.sourceIndex, field: null, message: `${message} (at "${construct}")` },
        ]);
      }
      throw error;
    }
  }
  if (added) {
    // Rules that report nothing on the added rows: the dataset rules DQX evaluates before the one
    // adding them (their result columns are NULL there), and, when that one is a warning, every
    // error rule (DQX builds the errors column before the warning checks run).
    const input = `NOT ${quoteIdent(dialect, ADDED_ROW)}`;
    const warn = (added as NonNullable<Plan['added']>).criticality === 'warn';
    for (const r of rules) {
      if (!((warn && r.criticality === 'error') || datasetBefore.includes(r))) continue;
      r.flagSql = `(${input} AND ${r.flagSql})`;
      r.testSql = `(${input} AND ${r.testSql})`;
      r.filterSql = r.filterSql ? `(${input} AND ${r.filterSql})` : `(${input})`;
    }
  }
  return {
    dialect,
    contributions,
    rules,
    jobOnly,
    ruleSetFingerprint,
    resultColumns,
    inputColumns,
    resolver,
    referenceTables: [...referenceTables],
    added,
  };
}

/**
 * `source` followed by the rows a rule adds (UNION ALL): the input columns (NULL on added rows
 * except the keys, cast to the input column's type), then `extra` items computed on each side.
 */
function withAddedRows(
  dialect: Dialect,
  table: TableSchema,
  source: string,
  rows: AddedRows,
  extra: { name: string; input: string; added: string }[],
  joins = '',
): string {
  const q = (c: string) => quoteIdent(dialect, c);
  const o = '__dqx_o';
  const a = '__dqx_a';
  const cast = (sql: string, type: string) => {
    const t = parseSparkType(type);
    return `CAST(${sql} AS ${dialect === 'duckdb' ? duckType(t) : simpleString(t)})`;
  };
  const inputSide = [
    ...table.columns.map((c) => `${o}.${q(c.name)}`),
    ...extra.map((e) => `${e.input} AS ${e.name}`),
  ];
  const addedSide = [
    ...table.columns.map((c) => {
      const key = rows.keys.find((k) => k.column === c.name);
      return `${key ? cast(`${a}.${key.sql}`, c.type) : 'NULL'} AS ${q(c.name)}`;
    }),
    ...extra.map((e) => `${e.added} AS ${e.name}`),
  ];
  return (
    `SELECT ${inputSide.join(', ')} FROM ${source} AS ${o}${joins} ` +
    `UNION ALL SELECT ${addedSide.join(', ')} FROM (${rows.sql}) AS ${a}`
  );
}

/**
 * The FROM clause of both statements: the source, plus what dataset rules add. Contributed columns
 * are computed in a projection over the source so row rules can read them like input columns.
 */
export function sourceRelation(plan: Plan, source: string, alias: string, rowId?: string): string {
  if (plan.added) return addedRowsRelation(plan, plan.added, source, alias);
  const columns = plan.contributions.flatMap((c) => c.columns);
  const joins = plan.contributions.flatMap((c) => c.joins);
  if (columns.length === 0 && joins.length === 0) return `${source} AS ${alias}`;
  // rowId: also the source's row id (DuckDB), under that name
  const items = [
    ...(rowId ? [`${alias}.rowid AS ${rowId}`] : []),
    ...columns.map((c) => `${c.sql} AS ${c.name}`),
  ];
  return `(SELECT ${[`${alias}.*`, ...items].join(', ')} FROM ${source} AS ${alias}${joins.length ? ' ' + joins.join(' ') : ''}) AS ${alias}`;
}

/**
 * With a rule that adds rows: the contributions computed before it (its own included) over the
 * input rows, then the added rows with those columns NULL (the adding rule's own from its rows),
 * then the later contributions over every row. Without later contributions the union is the scan.
 */
function addedRowsRelation(
  plan: Plan,
  added: NonNullable<Plan['added']>,
  source: string,
  alias: string,
): string {
  const d = plan.dialect;
  const before = plan.contributions.slice(0, added.before);
  const after = plan.contributions.slice(added.before);
  const own = new Map(added.rows.columns.map((c) => [c.name, c.sql]));
  const extra = [
    { name: quoteIdent(d, ADDED_ROW), input: 'FALSE', added: 'TRUE' },
    ...before.flatMap((c) =>
      c.columns.map((col) => ({
        name: col.name,
        input: col.sql,
        added: own.has(col.name) ? `__dqx_a.${own.get(col.name)!}` : 'NULL',
      })),
    ),
  ];
  const joins = before.flatMap((c) => c.joins);
  const union = withAddedRows(
    d,
    plan.resolver.table,
    source,
    added.rows,
    extra,
    joins.length ? ' ' + joins.join(' ') : '',
  );
  const columns = after.flatMap((c) => c.columns);
  const laterJoins = after.flatMap((c) => c.joins);
  if (columns.length === 0 && laterJoins.length === 0) return `(${union}) AS ${alias}`;
  const items = columns.map((c) => `${c.sql} AS ${c.name}`);
  return `(SELECT ${[`${alias}.*`, ...items].join(', ')} FROM (${union}) AS ${alias}${laterJoins.length ? ' ' + laterJoins.join(' ') : ''}) AS ${alias}`;
}

/** The internal columns dataset rules add (quoted name and Spark type), in scan order. */
export function internalColumns(plan: Plan): { name: string; type: SparkType }[] {
  // names come from ctx.id(): a quoted `__dqx_d<rule>_<[a-z0-9_]+>`
  const added = plan.added ? [{ name: ADDED_ROW, type: { kind: 'boolean' } as SparkType }] : [];
  return [
    ...added,
    ...plan.contributions.flatMap((c) =>
      c.columns.map((col) => ({ name: col.name.slice(1, -1), type: parseSparkType(col.type) })),
    ),
  ];
}

function ruleSetFingerprintOf(rules: ExpandedRule[]): string {
  // same as fingerprint.ruleSetFingerprint, over rules already expanded
  const fps = rules.map((r) => r.fingerprint).sort();
  return createHashHex(`[${fps.map((f) => `"${f}"`).join(', ')}]`);
}

const createHashHex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
