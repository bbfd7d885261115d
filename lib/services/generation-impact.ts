/**
 * The impact of proposed rules before anything is saved: how many rows of the whole table each rule
 * would fail, and how many rows pass them all, measured by the validation engine's own single-scan
 * statement (`compileValidation`, the one validation runs use), with every rule counted as an error
 * so "passing" means "flagged by no rule" whatever the chosen criticality. A rule that fails more
 * than {@link TOO_STRICT_SHARE} of the rows it looks at is flagged as likely too strict.
 */
import 'server-only';

import { compileValidation, RuleSetCompileError, type DqxCheck, type TableSchema, type ValidationSummary } from '@/lib/dqx';
import type { Warehouse } from '@/lib/warehouse/port';

/** A rule failing more than this share of the rows it evaluates is flagged "likely too strict". */
export const TOO_STRICT_SHARE = 0.05;

/** Failing values kept per rule as evidence. */
const EXAMPLES_PER_RULE = 3;

export interface RuleImpact {
  /** Rows the rule looked at (after its filter); null when it cannot be evaluated here. */
  rows_evaluated: number | null;
  failing_rows: number | null;
  /** failing_rows / rows_evaluated (0 when nothing was evaluated). */
  failing_share: number | null;
  /** A few failing values of the rule's columns, as text. */
  examples: string[];
  /** Why there is no count (a check that runs only in a DQX job) or why DQX would skip it. */
  message: string | null;
}

export interface ImpactMeasurement {
  total_rows: number;
  /** Rows no rule fails. */
  passing_rows: number;
  /** One entry per rule, in the order given. */
  rules: RuleImpact[];
}

function valueText(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'string') return v.length > 80 ? `${v.slice(0, 77)}…` : v;
  try {
    const s = JSON.stringify(v);
    return s.length > 80 ? `${s.slice(0, 77)}…` : s;
  } catch {
    return String(v);
  }
}

/** A column's value in a sampled row; `parent.child` reads a struct field. */
function fieldValue(values: Record<string, unknown>, column: string): unknown {
  if (column in values) return values[column];
  const [head, ...rest] = column.split('.');
  let v: unknown = values[head!];
  for (const part of rest)
    v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  return v;
}

/** The per-rule impact of a validation summary, in the order of `checks` (rules without for_each_column). */
export function impactOf(summary: ValidationSummary, count: number): ImpactMeasurement {
  const rules: RuleImpact[] = Array.from({ length: count }, () => ({
    rows_evaluated: null,
    failing_rows: null,
    failing_share: null,
    examples: [],
    message: 'Not evaluated.',
  }));
  summary.rules.forEach((r, position) => {
    const target = rules[r.sourceIndex];
    if (!target) return;
    const columns = r.columns ?? [];
    const examples: string[] = [];
    for (const s of summary.samples) {
      if (s.rule !== position || examples.length >= EXAMPLES_PER_RULE) continue;
      const shown = columns.map((c) => valueText(fieldValue(s.values, c)));
      const text = shown.length === 1 ? shown[0]! : shown.length ? `(${shown.join(', ')})` : '';
      if (text && !examples.includes(text)) examples.push(text);
    }
    rules[r.sourceIndex] = {
      rows_evaluated: r.evaluatedRows,
      failing_rows: r.failingRows,
      failing_share: r.evaluatedRows > 0 ? r.failingRows / r.evaluatedRows : 0,
      examples,
      message: r.status === 'skipped' ? (r.skipMessage ?? 'DQX would skip this rule.') : null,
    };
  });
  for (const j of summary.jobOnly) {
    const target = rules[j.sourceIndex];
    if (target) target.message = `Not counted here: ${j.reason ?? 'the check runs only in a DQX job.'}`;
  }
  return { total_rows: summary.totalRows, passing_rows: summary.validRows, rules };
}

/**
 * Counts, in one scan of `source`, the rows each check fails and the rows no check fails. The
 * checks must be single rules (no for_each_column), as the generator produces them. Null when the
 * set cannot be compiled (the engine's validation, shown with the output, says why).
 */
export async function measureImpact(
  wh: Warehouse,
  source: string,
  table: TableSchema,
  checks: DqxCheck[],
  options: { referenceTables?: Record<string, TableSchema>; signal?: AbortSignal } = {},
): Promise<ImpactMeasurement | null> {
  const asErrors = checks.map((c) => ({ ...c, criticality: 'error' as const }));
  let compiled;
  try {
    compiled = compileValidation(asErrors, source, {
      dialect: wh.dialect,
      table,
      referenceTables: options.referenceTables ?? {},
      sampleLimit: EXAMPLES_PER_RULE,
    });
  } catch (error) {
    if (error instanceof RuleSetCompileError) return null;
    throw error;
  }
  const result = await wh.query(compiled.sql, { signal: options.signal });
  return impactOf(compiled.decode(result), checks.length);
}

export const isTooStrict = (impact: RuleImpact | null | undefined): boolean =>
  impact?.failing_share !== null &&
  impact?.failing_share !== undefined &&
  impact.failing_share > TOO_STRICT_SHARE;
