/**
 * AI analysis of a rule set: a summary, an explanation per rule, a coverage assessment,
 * recommendations and a score from the configured language model. What it returns is what the
 * generator saves with the version as `ai_summary`. 503 with a clear message when no model is
 * configured; 404 when the caller cannot read the table.
 */
import 'server-only';

import type { Caller } from '@/lib/auth/caller';
import { toDqxCheck } from '@/lib/dqx';
import { badRequest, unavailable } from '@/lib/errors';
import { analyzeRulesWithModel, type RuleAnalysis } from '@/lib/llm';

import type { AnalyzeRulesInput } from './analysis-schemas';
import { draftRules } from './draft-rules';
import { assertRuleCount, consumeModelCall } from './limits';
import { resolveRunDeps, type RunDeps } from './run-deps';

export type { AnalyzeRulesInput } from './analysis-schemas';
export type { RuleAnalysis } from '@/lib/llm';

export async function analyzeRules(caller: Caller, input: AnalyzeRulesInput, deps?: RunDeps): Promise<RuleAnalysis> {
  const d = await resolveRunDeps(deps);
  const readable = await d.access.assertCanReadTable(caller, input.table);
  const model = d.chatModel;
  if (!model) {
    throw unavailable(
      'AI analysis needs a language model, and none is configured: the administrator can set DQX_LLM_BASE_URL and DQX_LLM_MODEL (or DQX_SERVING_ENDPOINT in databricks mode). The rules can be saved without an analysis.',
    );
  }
  const given = (await draftRules({ rules: input.rules, rulesYaml: input.rules_yaml })) ?? [];
  assertRuleCount(given);
  const rules = given.map((rule, index) => {
    try {
      return toDqxCheck(rule);
    } catch {
      throw badRequest(`Rule ${index + 1} is not a DQX check (it needs at least check.function).`);
    }
  });
  await consumeModelCall(caller);
  return analyzeRulesWithModel(model, {
    tableName: readable.name,
    columns: readable.description.columns.map((c) => ({ name: c.name, type: c.type, comment: c.comment })),
    request: input.request ?? '',
    rules,
  });
}
