/**
 * POST /api/v1/analyses: the language model's analysis of a rule set (summary, an explanation per
 * rule, coverage, recommendations, a score), to save with a version as `ai_summary`.
 * 503 when no model is configured.
 */
import { jsonBody, parseOr400, route } from '@/lib/http/route';
import { analyzeRules } from '@/lib/services/analysis';
import { AnalyzeRulesBody } from '@/lib/services/analysis-schemas';

export const dynamic = 'force-dynamic';

export const POST = route('analyzeRules', async ({ body, caller }) =>
  analyzeRules(caller, parseOr400(AnalyzeRulesBody, jsonBody(body), 'analysis request')),
);
