/**
 * Generation results as text for the page: the evidence behind each generated rule, DQX's typed
 * values (profiles, statistics), and the seed the rule editor is given.
 */
import type { RawRule, RuleAnnotation } from '@/components/rules/rule-model';
import type { GeneratedRuleOut, GenerationOutput, RuleImpact } from '@/lib/services/generation';
import { formatPercent } from '@/lib/format/percent';

const NUMBER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 6 });

/** A DQX value (plain JSON, or `{type, value}` for ints, floats, decimals, dates) as text. */
export function dqxValueText(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(dqxValueText).join(', ')}]`;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return NUMBER.format(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'object' && 'type' in value && 'value' in value) {
    const v = (value as { type: string; value: unknown }).value;
    if ((value as { type: string }).type === 'float' && typeof v === 'number') return NUMBER.format(v);
    return String(v);
  }
  return JSON.stringify(value);
}

/** `{min: 1, max: 100}` as `min 1, max 100`. */
export function parametersText(parameters: Record<string, unknown> | null | undefined): string {
  if (!parameters) return '–';
  const entries = Object.entries(parameters);
  if (entries.length === 0) return '–';
  return entries.map(([k, v]) => `${k} ${dqxValueText(v)}`).join(', ');
}

const STAT_LABEL: Record<string, string> = {
  null_count: 'null values',
  null_ratio: 'share of nulls',
  empty_count: 'empty values',
  distinct_count: 'distinct values',
  count: 'rows',
  min: 'smallest value',
  max: 'largest value',
};

/** A share of rows as a percentage, as everywhere in the app: 0.0014%, 2.30%, 99.70%. */
export const shareText = (share: number): string => formatPercent(share);

/** What a rule does to the whole table, in a sentence ("Fails 14 of 1,000,000 rows (<0.01%), e.g. 0, 1013."). */
export function impactText(impact: RuleImpact | null | undefined): string | null {
  if (!impact) return null;
  if (impact.failing_rows === null || impact.rows_evaluated === null) return impact.message;
  if (impact.failing_rows === 0)
    return `Passes all ${NUMBER.format(impact.rows_evaluated)} rows of the table.`;
  const examples = impact.examples.length ? `, e.g. ${impact.examples.join(', ')}` : '';
  return `Fails ${NUMBER.format(impact.failing_rows)} of ${NUMBER.format(impact.rows_evaluated)} rows (${shareText(impact.failing_share ?? 0)})${examples}.`;
}

/** Why a generated rule is there, in a sentence or two (shown with the rule in the editor). */
export function evidenceText(evidence: GeneratedRuleOut['evidence']): string {
  if ('model' in evidence)
    return `Proposed by the language model (${evidence.model}) for your request, and checked by the rule engine.`;
  if ('source' in evidence) return 'Derived by DQX’s own profiler and generator in a Databricks job.';
  if (evidence.generator === 'recommended') {
    return `${evidence.description ?? `Recommended from the profile of column ${evidence.column}.`} Profiled ${NUMBER.format(evidence.rowsProfiled ?? 0)} rows.`;
  }
  const parts = [`DQX profile “${evidence.profile}” of column ${evidence.column}`];
  if (evidence.statistic) {
    parts[0] += `: ${STAT_LABEL[evidence.statistic] ?? evidence.statistic} = ${dqxValueText(evidence.value)}`;
  }
  if (evidence.parameters && Object.keys(evidence.parameters).length)
    parts.push(`Parameters: ${parametersText(evidence.parameters)}`);
  const thresholds = Object.entries(evidence.thresholds ?? {});
  if (thresholds.length)
    parts.push(`Compared with ${thresholds.map(([k, v]) => `${k} = ${String(v)}`).join(', ')}`);
  if (evidence.rowsProfiled !== null)
    parts.push(`Computed over ${NUMBER.format(evidence.rowsProfiled)} profiled rows`);
  if (evidence.description) parts.push(evidence.description);
  return parts.join('. ') + '.';
}

/** The editor's annotation of a generated rule: origin, impact on the table, evidence, and its flag. */
export function annotationOf(rule: GeneratedRuleOut): RuleAnnotation {
  const impact = impactText(rule.impact);
  return {
    origin: rule.origin,
    evidence: [impact, evidenceText(rule.evidence)].filter(Boolean).join(' '),
    // The statistics behind it, kept with the version when it is saved.
    detail: rule.evidence,
    ...(rule.flag ? { flag: `Likely too strict: ${rule.flag.message}` } : {}),
  };
}

/** The generated rules for the rule editor: each rule with its origin, impact and evidence. */
export function generationSeed(
  runId: string,
  output: GenerationOutput,
): { id: string; rules: RawRule[]; annotations: RuleAnnotation[]; label: string } {
  return {
    id: runId,
    rules: output.rules.map((r) => r.check as unknown as RawRule),
    annotations: output.rules.map(annotationOf),
    label: 'The new generation',
  };
}
