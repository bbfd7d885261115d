/**
 * Validation of a rule set:
 *
 * 1. DQX's structural validation (`ChecksValidator`), with DQX's exact messages: the shape of each
 *    check, the function, and every argument against the function's signature with pydantic's
 *    strict type rules.
 * 2. The argument checks DQX makes when it builds a rule (unsupported `case`, empty `allowed` list,
 *    invalid CIDR block, regex that does not compile, ...), which would stop `apply_checks`.
 * 3. DQX's semantic warnings (`ChecksSemanticValidator`): duplicate and conflicting rules.
 * 4. What DQX cannot know before running, given the table: columns the table does not have
 *    (DQX would skip the check and flag every row), arguments that do not fit the column's type,
 *    unsafe filters.
 *
 * Every issue names the rule (index as given and name), the field (`check.arguments.min_limit`)
 * and a code, so an editor can point at it.
 */
import { getCheck } from './catalog';
import { annotationDisplayName, isListOrigin, matchesAnnotation, type PyTypeNode } from './catalog/py-types';
import type { CheckDefinition, NamingOptions } from './catalog/types';
import { expandChecks } from './fingerprint';
import { javaRegexToRe2 } from './java-regex';
import { isNumericLiteral, resolveLimit, type LimitValue } from './literals';
import type { DqxCheck, RuleIssue, RuleSetValidation, TableSchema } from './model';
import { pyJsonDumps, pyRepr } from './py-values';
import { fragmentProblem, isSqlQuerySafe } from './spark-sql';
import { guardFragment, ruleFragments } from './sql-guard/fragments';
import { shadowedColumn, type ExpressionAnalysis } from './sql-guard/guard';
import { familyFits, typeFamily, type SparkType } from './spark-types';
import { TableResolver } from './table-resolver';
import type { Dialect } from '@/lib/sql/quote';

export interface ValidateOptions {
  /** The table the rules will run on: enables column, type and expression checks. */
  table?: TableSchema;
  /** Where the rules will be evaluated; `duckdb` adds warnings for what DuckDB cannot reproduce. */
  dialect?: Dialect;
  sparkFlavor?: NamingOptions['sparkFlavor'];
}

/** A RuleIssue with DQX's message and a short form for compact displays. */
export interface DetailedRuleIssue extends RuleIssue {
  /** The message without the repeated check dump DQX appends. */
  summary: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function pyTypeOf(v: unknown): string {
  if (v === null || v === undefined) return "<class 'NoneType'>";
  if (typeof v === 'boolean') return "<class 'bool'>";
  if (typeof v === 'number') return Number.isInteger(v) ? "<class 'int'>" : "<class 'float'>";
  if (typeof v === 'string') return "<class 'str'>";
  if (Array.isArray(v)) return "<class 'list'>";
  return "<class 'dict'>";
}

class Collector {
  readonly errors: DetailedRuleIssue[] = [];
  readonly warnings: DetailedRuleIssue[] = [];

  add(
    severity: 'error' | 'warning',
    ruleIndex: number | null,
    ruleName: string | null,
    field: string | null,
    code: string,
    message: string,
    summary = message,
  ) {
    const issue: DetailedRuleIssue = { severity, rule_index: ruleIndex, rule_name: ruleName, field, code, message, summary };
    (severity === 'error' ? this.errors : this.warnings).push(issue);
  }
}

// ---------------------------------------------------------------------------------------------
// 1. DQX's structural validation

interface StructuralIssue {
  field: string | null;
  code: string;
  message: string;
  summary: string;
}

function criticalityErrors(check: Record<string, unknown>, repr: string): StructuralIssue[] {
  const c = Object.prototype.hasOwnProperty.call(check, 'criticality') ? check.criticality : 'error';
  if (typeof c !== 'string' || c === 'warn' || c === 'error') return [];
  const summary = `Invalid 'criticality' value: '${c}'. Expected 'warn' or 'error'.`;
  return [
    {
      field: 'criticality',
      code: 'invalid_criticality',
      message: `${summary} Check details: ${repr}`,
      summary,
    },
  ];
}

function fieldErrors(check: Record<string, unknown>, repr: string): StructuralIssue[] {
  const out: StructuralIssue[] = [];
  const has = (k: string) => Object.prototype.hasOwnProperty.call(check, k);
  const fallback = (loc: string, field: string, msg: string, code = 'invalid_type') =>
    out.push({
      field,
      code,
      message: `Invalid value for '${loc}': ${msg}. Check details: ${repr}`,
      summary: `Invalid value for '${loc}': ${msg}.`,
    });
  if (!has('check')) {
    out.push({
      field: 'check',
      code: 'check_missing',
      message: `'check' field is missing: ${repr}`,
      summary: "'check' field is missing.",
    });
  } else if (!isRecord(check.check)) {
    out.push({
      field: 'check',
      code: 'check_not_dict',
      message: `'check' field should be a dictionary: ${repr}`,
      summary: "'check' field should be a dictionary.",
    });
  } else {
    const block = check.check;
    if (!Object.prototype.hasOwnProperty.call(block, 'function')) {
      out.push({
        field: 'check.function',
        code: 'function_missing',
        message: `'function' field is missing in the 'check' block: ${repr}`,
        summary: "'function' field is missing in the 'check' block.",
      });
    } else if (typeof block.function !== 'string') {
      fallback('check -> function', 'check.function', 'Input should be a valid string');
    }
    if (Object.prototype.hasOwnProperty.call(block, 'arguments') && !isRecord(block.arguments)) {
      out.push({
        field: 'check.arguments',
        code: 'arguments_not_dict',
        message: `'arguments' should be a dictionary in the 'check' block: ${repr}`,
        summary: "'arguments' should be a dictionary in the 'check' block.",
      });
    }
    const fec = block.for_each_column;
    if (fec !== undefined && fec !== null) {
      if (!Array.isArray(fec)) {
        out.push({
          field: 'check.for_each_column',
          code: 'for_each_column_not_list',
          message: `'for_each_column' should be a list in the 'check' block: ${repr}`,
          summary: "'for_each_column' should be a list in the 'check' block.",
        });
      } else if (fec.length === 0) {
        out.push({
          field: 'check.for_each_column',
          code: 'for_each_column_empty',
          message: `'for_each_column' should not be empty in the 'check' block: ${repr}`,
          summary: "'for_each_column' should not be empty in the 'check' block.",
        });
      }
    }
  }
  if (has('criticality') && typeof check.criticality !== 'string')
    fallback('criticality', 'criticality', 'Input should be a valid string');
  for (const key of ['name', 'filter']) {
    if (has(key) && check[key] !== null && typeof check[key] !== 'string')
      fallback(key, key, 'Input should be a valid string');
  }
  if (has('user_metadata') && check.user_metadata !== null && !isRecord(check.user_metadata)) {
    fallback('user_metadata', 'user_metadata', 'Input should be a valid dictionary');
  }
  if (has('message_expr') && check.message_expr !== null && typeof check.message_expr !== 'string') {
    fallback('message_expr', 'message_expr', 'Input should be a valid string');
  }
  return out;
}

const pyList = (names: string[]) => '[' + names.map((n) => `'${n}'`).join(', ') + ']';

function argumentErrors(
  fn: string,
  def: CheckDefinition,
  args: Record<string, unknown>,
  repr: string,
  fieldOf: (arg: string) => string,
): StructuralIssue[] {
  const out: StructuralIssue[] = [];
  const paramNames = def.params.map((p) => p.name);
  const suffix = `for function '${fn}' in the 'arguments' block`;
  if (Object.keys(args).length === 0 && def.params.length > 0) {
    const summary = `No arguments provided ${suffix}. Expected arguments are: ${pyList(paramNames)}`;
    out.push({
      field: 'check.arguments',
      code: 'no_arguments',
      message: `No arguments provided for function '${fn}' in the 'arguments' block: ${repr}. Expected arguments are: ${pyList(paramNames)}`,
      summary,
    });
    return out;
  }
  for (const [arg, value] of Object.entries(args)) {
    const param = def.params.find((p) => p.name === arg);
    if (!param) {
      out.push({
        field: fieldOf(arg),
        code: 'unexpected_argument',
        message: `Unexpected argument '${arg}' ${suffix}: ${repr}. Expected arguments are: ${pyList(paramNames)}`,
        summary: `Unexpected argument '${arg}' ${suffix}. Expected arguments are: ${pyList(paramNames)}`,
      });
      continue;
    }
    const type = param.type;
    if (isListOrigin(type)) {
      if (!Array.isArray(value)) {
        out.push({
          field: fieldOf(arg),
          code: 'invalid_argument_type',
          message: `Argument '${arg}' should be of type 'list' ${suffix}: ${repr}`,
          summary: `Argument '${arg}' should be of type 'list' ${suffix}.`,
        });
        continue;
      }
      const itemTypes = type.args;
      const itemType: PyTypeNode | undefined = itemTypes[0];
      value.forEach((item, i) => {
        if (itemType && !matchesAnnotation(item, itemType)) {
          const names = itemTypes.map(annotationDisplayName).join('|');
          out.push({
            field: `${fieldOf(arg)}.${i}`,
            code: 'invalid_argument_type',
            message: `Item ${i} in argument '${arg}' should be of type '${names}' ${suffix}: ${repr}`,
            summary: `Item ${i} in argument '${arg}' should be of type '${names}' ${suffix}.`,
          });
        }
      });
      continue;
    }
    if (!matchesAnnotation(value, type)) {
      const name = annotationDisplayName(type);
      out.push({
        field: fieldOf(arg),
        code: 'invalid_argument_type',
        message: `Argument '${arg}' should be of type '${name}' ${suffix}: ${repr}`,
        summary: `Argument '${arg}' should be of type '${name}' ${suffix}.`,
      });
    }
  }
  for (const p of def.params) {
    if (p.required && !Object.prototype.hasOwnProperty.call(args, p.name)) {
      out.push({
        field: fieldOf(p.name),
        code: 'missing_argument',
        message: `Missing required argument '${p.name}' ${suffix}: ${repr}. Expected arguments include: ${pyList(paramNames)}`,
        summary: `Missing required argument '${p.name}' ${suffix}.`,
      });
    }
  }
  return out;
}

/** DQX's structural validation of one raw check. */
function structuralIssues(raw: unknown): StructuralIssue[] {
  if (!isRecord(raw)) {
    const summary = `Unsupported check type: ${pyTypeOf(raw)}`;
    return [{ field: null, code: 'unsupported_check_type', message: summary, summary }];
  }
  const repr = pyRepr(raw);
  const fields = fieldErrors(raw, repr);
  if (fields.length) return [...criticalityErrors(raw, repr), ...fields];
  const out = criticalityErrors(raw, repr);
  const block = raw.check as Record<string, unknown>;
  const fn = block.function as string;
  const def = getCheck(fn);
  if (!def) {
    out.push({
      field: 'check.function',
      code: 'unknown_function',
      message: `function '${fn}' is not defined: ${repr}`,
      summary: `function '${fn}' is not defined.`,
    });
    return out;
  }
  const args = isRecord(block.arguments) ? { ...block.arguments } : {};
  const fec = Array.isArray(block.for_each_column) ? block.for_each_column : [];
  if (fec.length) {
    const key = def.params.some((p) => p.name === 'columns') ? 'columns' : 'column';
    fec.forEach((col, i) => {
      args[key] = col;
      out.push(
        ...argumentErrors(fn, def, args, repr, (arg) =>
          arg === key ? `check.for_each_column.${i}` : `check.arguments.${arg}`,
        ),
      );
    });
    return out;
  }
  out.push(...argumentErrors(fn, def, args, repr, (arg) => `check.arguments.${arg}`));
  return out;
}

// ---------------------------------------------------------------------------------------------
// 3. DQX's semantic validation (ChecksSemanticValidator)

function innerBlock(check: unknown): Record<string, unknown> | null {
  if (!isRecord(check)) return null;
  const inner = Object.prototype.hasOwnProperty.call(check, 'check') ? check.check : check;
  return isRecord(inner) ? inner : null;
}

const sortColumns = (cols: unknown[]) =>
  [...cols].sort((a, b) => {
    const x = pyJsonDumps(a);
    const y = pyJsonDumps(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });

function normalizeArguments(args: Record<string, unknown>): Record<string, unknown> {
  const out = { ...args };
  if ('columns' in out && Array.isArray(out.columns)) out.columns = sortColumns(out.columns);
  return out;
}

function semanticIssues(checks: unknown[]): { index: number; code: string; message: string }[] {
  const issues: { index: number; code: string; message: string }[] = [];
  const seen = new Map<string, number>();
  checks.forEach((check, idx) => {
    const inner = innerBlock(check);
    const fn = inner?.function;
    if (!fn) return;
    const args = isRecord(inner.arguments) ? inner.arguments : {};
    const crit =
      isRecord(check) && Object.prototype.hasOwnProperty.call(check, 'criticality')
        ? check.criticality
        : 'error';
    const filter =
      isRecord(check) && check.filter !== null && check.filter !== undefined
        ? check.filter
        : (inner.filter ?? null);
    const fec = Array.isArray(inner.for_each_column)
      ? sortColumns(inner.for_each_column)
      : (inner.for_each_column ?? null);
    const key = pyJsonDumps([
      fn,
      pyJsonDumps({ arguments: normalizeArguments(args), for_each_column: fec }),
      crit ?? null,
      filter,
    ]);
    const prev = seen.get(key);
    if (prev === undefined) seen.set(key, idx);
    else {
      issues.push({
        index: idx,
        code: 'duplicate_rule',
        message: `Duplicate rule detected: rule at index ${idx} is identical to rule at index ${prev} (function: '${String(fn)}').`,
      });
    }
  });
  const seenConflict = new Map<string, { idx: number; args: Record<string, unknown> }>();
  checks.forEach((check, idx) => {
    const inner = innerBlock(check);
    const fn = inner?.function;
    if (!fn) return;
    const args = isRecord(inner.arguments) ? inner.arguments : {};
    let column = args.col_name || args.column || args.columns;
    if (!column || (Array.isArray(column) && column.length === 0)) return;
    if (Array.isArray(column)) column = sortColumns(column);
    const key = pyJsonDumps([fn, column]);
    const normalized = normalizeArguments(args);
    const prev = seenConflict.get(key);
    if (!prev) {
      seenConflict.set(key, { idx, args: normalized });
      return;
    }
    if (pyJsonDumps(prev.args) === pyJsonDumps(normalized)) return;
    const label = Array.isArray(column)
      ? column.map((c) => (typeof c === 'string' ? c : pyRepr(c))).join(', ')
      : typeof column === 'string'
        ? column
        : pyRepr(column);
    issues.push({
      index: idx,
      code: 'conflicting_rules',
      message:
        `Conflicting rules detected: rule at index ${idx} and rule at index ${prev.idx} both apply '${String(fn)}' to column '${label}' ` +
        `but with different arguments (index ${prev.idx}: ${pyRepr(prev.args)}, index ${idx}: ${pyRepr(normalized)}).`,
    });
  });
  return issues;
}

// ---------------------------------------------------------------------------------------------
// 4. Table-aware checks

const FAMILY_LABEL: Record<string, string> = {
  string: 'string',
  numeric: 'numeric',
  boolean: 'boolean',
  date: 'date',
  timestamp: 'timestamp',
  binary: 'binary',
  array: 'array',
  map: 'map',
  struct: 'struct',
  variant: 'variant',
  other: 'other',
};

const COMPARISONS = new Set([
  'is_equal_to',
  'is_not_equal_to',
  'is_not_less_than',
  'is_not_greater_than',
  'is_in_range',
  'is_not_in_range',
]);
const LIST_CHECKS = new Set(['is_in_list', 'is_not_in_list', 'is_not_null_and_is_in_list']);

/** Whether a literal can be compared with a column of the given type family without a failing cast. */
function literalFits(lit: LimitValue, family: string): boolean {
  if (lit.kind === 'expr' || lit.kind === 'null') return true;
  if (isNumericLiteral(lit)) return family === 'numeric';
  if (lit.kind === 'bool') return family === 'boolean';
  if (lit.kind === 'date' || lit.kind === 'timestamp') return family === 'date' || family === 'timestamp';
  if (lit.kind === 'string') return family === 'string' || family === 'date' || family === 'timestamp';
  if (lit.kind === 'array') return family === 'array';
  return true;
}

function describeLiteral(lit: LimitValue): string {
  if (isNumericLiteral(lit)) return 'a number';
  if (lit.kind === 'string') return 'a string';
  if (lit.kind === 'date') return 'a date';
  if (lit.kind === 'timestamp') return 'a timestamp';
  if (lit.kind === 'bool') return 'a boolean';
  if (lit.kind === 'array') return 'an array';
  return 'a value';
}

function tableIssues(
  rule: {
    check: DqxCheck;
    sourceIndex: number;
    name: string;
    arguments: Record<string, unknown>;
    filter: string | null;
    messageExpr: string | null;
  },
  def: CheckDefinition,
  resolver: TableResolver,
  forEachIndex: number | null,
  dialect: Dialect | undefined,
  out: Collector,
) {
  const tableName = resolver.table.name ?? 'the table';
  const idx = rule.sourceIndex;
  const columnField = (name: string) =>
    forEachIndex !== null && (name === 'column' || name === 'columns')
      ? `check.for_each_column.${forEachIndex}`
      : `check.arguments.${name}`;
  const available = resolver.columnNames();
  const hint = available.length <= 20 ? ` Columns: ${available.join(', ')}.` : '';
  let columnType: SparkType | null = null;
  for (const p of def.params) {
    if (!p.refersToColumn) continue;
    const value = rule.arguments[p.name];
    const values =
      typeof value === 'string'
        ? [value]
        : Array.isArray(value)
          ? value.filter((v): v is string => typeof v === 'string')
          : [];
    for (const v of values) {
      const r = resolver.resolveColumnArgument(v);
      if (!r.ok) {
        const field =
          columnField(p.name) + (Array.isArray(value) && forEachIndex === null ? `.${value.indexOf(v)}` : '');
        out.add(
          'error',
          idx,
          rule.name,
          field,
          'unknown_column',
          `Column '${r.missing.join("', '")}' does not exist in ${tableName}; DQX would skip the check and report it on every row.${hint}`,
        );
        continue;
      }
      if (p.name === 'column' && r.resolved?.type) columnType = r.resolved.type;
      if (p.columnTypes && r.resolved?.type) {
        const fam = typeFamily(r.resolved.type);
        if (!familyFits(fam, p.columnTypes)) {
          out.add(
            'error',
            idx,
            rule.name,
            columnField(p.name),
            'column_type_mismatch',
            `${def.name} does not apply to column '${v}' of type ${r.resolved.type.kind === 'unknown' ? r.resolved.type.text : FAMILY_LABEL[fam]} (expected ${p.columnTypes.map((t) => FAMILY_LABEL[t] ?? t).join(', ')}).`,
          );
        }
      }
    }
  }
  // limits and values against the column type
  if (columnType && (COMPARISONS.has(def.name) || LIST_CHECKS.has(def.name))) {
    const family = typeFamily(columnType);
    const keys = LIST_CHECKS.has(def.name)
      ? ['allowed', 'forbidden']
      : ['value', 'limit', 'min_limit', 'max_limit'];
    for (const key of keys) {
      const raw = rule.arguments[key];
      const items = LIST_CHECKS.has(def.name)
        ? Array.isArray(raw)
          ? raw
          : []
        : raw === undefined
          ? []
          : [raw];
      items.forEach((item, i) => {
        const lit = resolveLimit(item);
        if (!lit) return;
        const field = LIST_CHECKS.has(def.name) ? `check.arguments.${key}.${i}` : `check.arguments.${key}`;
        if (lit.kind === 'expr') {
          const missing = resolver.unknownReferences(lit.text);
          if (missing && missing.length) {
            out.add(
              'error',
              idx,
              rule.name,
              field,
              'unknown_column',
              `'${lit.text}' refers to column '${missing.join("', '")}', which ${tableName} does not have (a string literal needs quotes: "'${lit.text}'").`,
            );
          }
          return;
        }
        if (!literalFits(lit, family)) {
          out.add(
            'error',
            idx,
            rule.name,
            field,
            'argument_type_mismatch',
            `${key} is ${describeLiteral(lit)} but column '${String(rule.arguments.column)}' is ${FAMILY_LABEL[family]} (${columnType!.kind === 'unknown' ? columnType!.text : columnType!.kind}); Spark cannot compare them.`,
          );
        }
      });
    }
  }
  // expressions: filter, message_expr, sql_expression, expression limits
  const checkExpression = (field: string, text: string, what: string) => {
    const problem = fragmentProblem(text);
    if (problem) {
      out.add(
        'error',
        idx,
        rule.name,
        field,
        'invalid_expression',
        `The ${what} is not a valid Spark SQL expression: ${problem}.`,
      );
      return;
    }
    const missing = resolver.unknownReferences(text);
    if (missing && missing.length) {
      out.add(
        'error',
        idx,
        rule.name,
        field,
        'unknown_column',
        `The ${what} refers to column '${missing.join("', '")}', which ${tableName} does not have; DQX would skip the check and report it on every row.${hint}`,
      );
    }
  };
  if (rule.filter) {
    if (!isSqlQuerySafe(rule.filter)) {
      out.add(
        'error',
        idx,
        rule.name,
        'filter',
        'unsafe_filter',
        `The filter contains a destructive SQL keyword; DQX skips the check ("Check evaluation skipped due to unsafe check filter").`,
      );
    } else checkExpression('filter', rule.filter, 'filter');
  }
  if (rule.messageExpr) checkExpression('message_expr', rule.messageExpr, 'message expression');
  if (def.name === 'sql_expression' && typeof rule.arguments.expression === 'string') {
    checkExpression('check.arguments.expression', rule.arguments.expression, 'expression');
  }
  if (def.name === 'is_data_fresh' && typeof rule.arguments.base_timestamp === 'string') {
    const lit = resolveLimit(rule.arguments.base_timestamp);
    if (lit?.kind === 'expr') checkExpression('check.arguments.base_timestamp', lit.text, 'base timestamp');
  }
  if (dialect === 'duckdb' && def.name === 'regex_match' && typeof rule.arguments.regex === 'string') {
    try {
      const t = javaRegexToRe2(rule.arguments.regex);
      if (t.re2 === null) {
        out.add(
          'warning',
          idx,
          rule.name,
          'check.arguments.regex',
          'regex_not_portable',
          `The regex uses ${t.unsupported.join(', ')}, which DuckDB's regex engine cannot evaluate; the check runs in a DQX job instead of the local fast path.`,
        );
      }
    } catch {
      // reported as invalid_regex
    }
  }
}

// ---------------------------------------------------------------------------------------------
// 5. The SQL sandbox (lib/dqx/sql-guard): every SQL fragment of the rule parsed and allow-listed

function sandboxIssues(
  index: number,
  rule: {
    name: string;
    function: string;
    arguments: Record<string, unknown>;
    filter: string | null;
    messageExpr: string | null;
  },
  resolver: TableResolver | null,
  out: Collector,
) {
  const fragments = ruleFragments({
    function: rule.function,
    arguments: rule.arguments,
    filter: rule.filter,
    messageExpr: rule.messageExpr,
  });
  for (const f of fragments) {
    const r = guardFragment(f);
    let refusal = r.ok ? null : r.refusal;
    if (r.ok && resolver && f.kind === 'expression')
      refusal = shadowedColumn(r as ExpressionAnalysis, (name) => resolver.column(name) !== undefined);
    if (!refusal) continue;
    const where = `${f.field} of rule '${rule.name}'`;
    if (refusal.rule === 'syntax' && f.kind === 'expression') {
      // DQX skips a rule whose expression does not parse; report it once
      if (out.errors.some((e) => e.rule_index === index && e.field === f.field)) continue;
      out.add(
        'error',
        index,
        rule.name,
        f.field,
        'invalid_expression',
        `The ${where} is not a valid Spark SQL expression: ${refusal.message.replace(/\.$/, '')} (at "${refusal.construct}").`,
      );
      continue;
    }
    const text = `The SQL in ${where} is refused (${refusal.rule}): ${refusal.message} Offending construct: "${refusal.construct}".`;
    out.add('error', index, rule.name, f.field, 'sql_not_allowed', text, text);
  }
}

// ---------------------------------------------------------------------------------------------

/**
 * Validate a rule set (raw checks as parsed from YAML/JSON or sent by an editor). `ok` is true when
 * there are no errors; warnings (duplicates, conflicts, job-only checks, portability) do not block.
 */
export interface DetailedValidation extends RuleSetValidation {
  errors: DetailedRuleIssue[];
  warnings: DetailedRuleIssue[];
}

export function validateChecks(checks: unknown[], options: ValidateOptions = {}): DetailedValidation {
  const out = new Collector();
  const resolver = options.table ? new TableResolver(options.table) : null;
  if (!Array.isArray(checks)) {
    out.add('error', null, null, null, 'not_a_list', 'Checks must be a list.');
    return { ok: false, errors: out.errors, warnings: out.warnings };
  }
  checks.forEach((raw, index) => {
    const rawName = isRecord(raw) && typeof raw.name === 'string' && raw.name ? raw.name : null;
    const structural = structuralIssues(raw);
    for (const s of structural) out.add('error', index, rawName, s.field, s.code, s.message, s.summary);
    if (structural.length) return;
    const check = raw as unknown as DqxCheck;
    const def = getCheck(check.check.function)!;
    let expanded;
    try {
      expanded = expandChecks([normalizeCheck(check)], { sparkFlavor: options.sparkFlavor });
    } catch (error) {
      out.add('error', index, rawName, null, 'invalid_check', (error as Error).message);
      return;
    }
    const fec = check.check.for_each_column;
    expanded.forEach((rule, i) => {
      const forEachIndex = fec && fec.length ? i : null;
      const problems = def.argumentProblems?.(rule.arguments) ?? [];
      for (const p of problems) {
        const field =
          forEachIndex !== null && (p.field === 'column' || p.field === 'columns')
            ? `check.for_each_column.${forEachIndex}`
            : `check.arguments.${p.field}`;
        const code = p.field === 'regex' ? 'invalid_regex' : 'invalid_argument';
        out.add('error', index, rule.name, field, code, p.message);
      }
      if (rule.messageExpr !== null) {
        const problem = fragmentProblem(rule.messageExpr);
        if (problem)
          out.add(
            'error',
            index,
            rule.name,
            'message_expr',
            'invalid_expression',
            `The message expression is not a valid Spark SQL expression: ${problem}.`,
          );
      }
      if (rule.filter !== null && !resolver) {
        if (!isSqlQuerySafe(rule.filter)) {
          out.add(
            'error',
            index,
            rule.name,
            'filter',
            'unsafe_filter',
            `The filter contains a destructive SQL keyword; DQX skips the check ("Check evaluation skipped due to unsafe check filter").`,
          );
        } else {
          const problem = fragmentProblem(rule.filter);
          if (problem)
            out.add(
              'error',
              index,
              rule.name,
              'filter',
              'invalid_expression',
              `The filter is not a valid Spark SQL expression: ${problem}.`,
            );
        }
      }
      if (
        def.name === 'sql_expression' &&
        typeof rule.arguments.name === 'string' &&
        rule.arguments.name &&
        !/^[\p{L}\p{N}_.]+$/u.test(rule.arguments.name) &&
        !check.name
      ) {
        out.add(
          'warning',
          index,
          rule.name,
          'check.arguments.name',
          'unstable_name',
          "DQX reads a name with characters other than letters, digits and underscores back from Spark's rendering of the check; set the rule's own name instead.",
        );
      }
      if (resolver)
        tableIssues({ ...rule, sourceIndex: index }, def, resolver, forEachIndex, options.dialect, out);
      sandboxIssues(index, rule, resolver, out);
      if (i === 0 && def.runsIn === 'job') {
        out.add(
          'warning',
          index,
          rule.name,
          'check.function',
          'job_only',
          `${def.name} runs in a DQX job, not on the SQL fast path. ${def.jobOnlyReason ?? ''}`.trim(),
        );
      }
    });
  });
  for (const s of semanticIssues(checks)) {
    const raw = checks[s.index];
    const name = isRecord(raw) && typeof raw.name === 'string' ? raw.name : null;
    out.add('warning', s.index, name, null, s.code, s.message);
  }
  return { ok: out.errors.length === 0, errors: out.errors, warnings: out.warnings };
}

/**
 * Only the SQL sandbox's errors (lib/dqx/sql-guard) of a rule set, without a table: what a service
 * checks before it touches a warehouse, so hostile rule SQL is refused before anything reads data.
 * Structurally invalid checks are skipped (validateChecks reports them).
 */
export function sqlSandboxIssues(checks: unknown[]): DetailedRuleIssue[] {
  const out = new Collector();
  if (!Array.isArray(checks)) return [];
  checks.forEach((raw, index) => {
    if (structuralIssues(raw).length) return;
    let expanded;
    try {
      expanded = expandChecks([normalizeCheck(raw as unknown as DqxCheck)]);
    } catch {
      return;
    }
    for (const rule of expanded) sandboxIssues(index, rule, null, out);
  });
  // refused constructs, and fragments the parser cannot read (which the services refuse too)
  return out.errors.filter((e) => e.code === 'sql_not_allowed' || e.code === 'invalid_expression');
}

/** A structurally valid raw check as the model (null optional fields dropped, unknown keys ignored). */
export function normalizeCheck(raw: DqxCheck): DqxCheck {
  const r = raw as unknown as Record<string, unknown>;
  const block = r.check as Record<string, unknown>;
  const out: DqxCheck = {
    check: {
      function: block.function as string,
      ...(isRecord(block.arguments) ? { arguments: block.arguments } : {}),
      ...(Array.isArray(block.for_each_column)
        ? { for_each_column: block.for_each_column as (string | string[])[] }
        : {}),
    },
  };
  if (typeof r.criticality === 'string') out.criticality = r.criticality as DqxCheck['criticality'];
  if (typeof r.name === 'string') out.name = r.name;
  if (typeof r.filter === 'string') out.filter = r.filter;
  if (isRecord(r.user_metadata)) out.user_metadata = r.user_metadata;
  if (typeof r.message_expr === 'string') out.message_expr = r.message_expr;
  return out;
}

export type { DqxCheck };
