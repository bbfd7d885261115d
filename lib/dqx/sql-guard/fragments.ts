/**
 * Every piece of SQL a rule carries, with the field it sits in: the rule's `filter` and
 * `message_expr`, arguments DQX reads as SQL (`expression`, `row_filter`, `ref_row_filter`, a
 * `sql_query` query), column arguments that are expressions rather than names, and limits or
 * list values that are expressions. The validator, `tablesReadBy` and the job notebooks' guard
 * (notebooks/dqx_jobs/sql_guard.py, the same enumeration) check each one.
 */
import { getCheck } from '../catalog';
import { INPUT_SENTINEL, replaceTemplate } from '../catalog/dataset-sql/sql-query';
import { pyIsDigit } from '../py-values';
import { resolveLimit } from '../literals';
import { parseColumnRef, unquoteColumnName } from '../naming';
import {
  guardExpression,
  guardQuery,
  type Guarded,
  type ExpressionAnalysis,
  type QueryAnalysis,
} from './guard';

export interface RuleFragment {
  /** Where it sits in the rule: `filter`, `message_expr`, `check.arguments.<name>[.<i>]`. */
  field: string;
  kind: 'expression' | 'query';
  text: string;
}

export interface RuleSql {
  function: string;
  arguments: Record<string, unknown>;
  filter?: string | null;
  messageExpr?: string | null;
}

const PLACEHOLDER = /\{\{[^}]*\}\}/g;

/** A column argument DQX reads as an expression (not a plain or dotted name). */
export function isColumnExpression(value: string): boolean {
  // '*' is every column (count(*) in the aggregate checks), not an expression
  if (value.trim() === '*' || parseColumnRef(value).kind === 'path') return false;
  return unquoteColumnName(value) === value;
}

/** A limit or list value DQX reads as an expression. */
function limitExpression(value: unknown): string | null {
  if (typeof value !== 'string' || pyIsDigit(value)) return null;
  const lit = resolveLimit(value);
  return lit?.kind === 'expr' ? lit.text : null;
}

/** The SQL fragments of one rule (expanded: one column per rule). */
export function ruleFragments(rule: RuleSql): RuleFragment[] {
  const out: RuleFragment[] = [];
  if (typeof rule.filter === 'string' && rule.filter)
    out.push({ field: 'filter', kind: 'expression', text: rule.filter });
  if (typeof rule.messageExpr === 'string' && rule.messageExpr)
    out.push({ field: 'message_expr', kind: 'expression', text: rule.messageExpr });
  const def = getCheck(rule.function);
  const args = rule.arguments ?? {};
  for (const [name, value] of Object.entries(args)) {
    if (value === null || value === undefined) continue;
    const field = `check.arguments.${name}`;
    const param = def?.params.find((p) => p.name === name);
    const widget = param?.widget;
    if (rule.function === 'sql_query' && name === 'query') {
      if (typeof value === 'string') out.push({ field, kind: 'query', text: sqlQueryText(value, args) });
      continue;
    }
    if (widget === 'sql' || name === 'expression') {
      if (typeof value === 'string' && value.trim()) out.push({ field, kind: 'expression', text: value });
      continue;
    }
    if (widget === 'column' || widget === 'columns' || param?.refersToColumn) {
      const items = Array.isArray(value) ? value : [value];
      items.forEach((item, i) => {
        if (typeof item === 'string' && item && isColumnExpression(item))
          out.push({ field: Array.isArray(value) ? `${field}.${i}` : field, kind: 'expression', text: item });
      });
      continue;
    }
    if (widget === 'limit' || widget === 'values') {
      const items = Array.isArray(value) ? value : [value];
      items.forEach((item, i) => {
        const text = limitExpression(item);
        if (text !== null)
          out.push({ field: Array.isArray(value) ? `${field}.${i}` : field, kind: 'expression', text });
      });
    }
  }
  return out;
}

/**
 * A `sql_query` query as the guard reads it: the input placeholder (and any other `{{ }}`
 * placeholder, which names a DataFrame passed to DQX in code) becomes the input's identifier.
 */
export function sqlQueryText(query: string, args: Record<string, unknown>): string {
  const placeholder = typeof args.input_placeholder === 'string' ? args.input_placeholder : 'input_view';
  return replaceTemplate(query, { [placeholder]: INPUT_SENTINEL }).replace(PLACEHOLDER, INPUT_SENTINEL);
}

export function guardFragment(fragment: RuleFragment): Guarded<ExpressionAnalysis> | Guarded<QueryAnalysis> {
  return fragment.kind === 'query'
    ? guardQuery(fragment.text, INPUT_SENTINEL)
    : guardExpression(fragment.text);
}

/** The tables a rule's SQL reads (sql_query queries only; row-level SQL cannot read tables). */
export function fragmentTables(rule: RuleSql): { tables: string[]; unknown: boolean } {
  const tables: string[] = [];
  let unknown = false;
  for (const f of ruleFragments(rule)) {
    if (f.kind !== 'query') continue;
    const r = guardQuery(f.text, INPUT_SENTINEL);
    if (r.ok) tables.push(...r.tables);
    else unknown = true;
  }
  return { tables, unknown };
}
