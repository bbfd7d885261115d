'use server';
/**
 * AI analysis of a rule set. Returns `ActionResult<T>` (see ./action-result.ts).
 *
 * analyzeRulesAction(input: { table, request?, rules })
 *   data: RuleAnalysis (lib/llm): { summary, rule_analysis: [{rule, explanation, importance}],
 *         coverage_assessment, recommendations, overall_quality_score (0-10), model, generated_at }.
 *         Save it with the version as `ai_summary` (saveGeneratedRuleSetAction).
 *   code 'unavailable' (with a message saying so) when no language model is configured.
 */
import type { z } from 'zod';

import { analyzeRules, type RuleAnalysis } from '@/lib/services/analysis';
import { AnalyzeRulesBody } from '@/lib/services/analysis-schemas';

import { runAction, type ActionResult } from './action-result';

export async function analyzeRulesAction(input: z.input<typeof AnalyzeRulesBody>): Promise<ActionResult<RuleAnalysis>> {
  return runAction(AnalyzeRulesBody, input, (caller, parsed) => analyzeRules(caller, parsed));
}
