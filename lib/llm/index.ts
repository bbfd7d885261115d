/**
 * The configured language model, if any. Local mode: any OpenAI-compatible server given by
 * DQX_LLM_BASE_URL + DQX_LLM_MODEL (+ DQX_LLM_API_KEY). Databricks mode: the same settings, or the
 * serving endpoint DQX_SERVING_ENDPOINT called through the workspace's OpenAI-compatible API with
 * the app's token. Without one, generation is profile-based and the UI says so.
 */
import 'server-only';

import { getConfig, type AppConfig } from '@/lib/config';
import { getServicePrincipalTokenProvider } from '@/lib/databricks/oauth';

import { createChatModel, type ChatModel } from './client';

export type { ChatModel, ChatMessage } from './client';
export { createChatModel } from './client';
export {
  generateRulesWithModel,
  reviseRulesWithModel,
  ruleErrorsAgainst,
  type ModelRules,
  type DroppedRule,
  type RevisedRules,
} from './generate-rules';
export { analyzeRulesWithModel, RuleAnalysisSchema, type RuleAnalysis } from './analyze-rules';
export type { CheckSummary, ReviewProblem } from './prompts';

export interface ModelStatus {
  configured: boolean;
  model: string | null;
  /** What the UI says when no model is configured. */
  reason: string | null;
}

export function modelStatus(config: AppConfig = getConfig()): ModelStatus {
  if (config.llm.baseUrl && config.llm.model)
    return { configured: true, model: config.llm.model, reason: null };
  if (config.mode === 'databricks' && config.databricks.servingEndpoint && config.databricks.host) {
    return { configured: true, model: config.databricks.servingEndpoint, reason: null };
  }
  return {
    configured: false,
    model: null,
    reason:
      config.mode === 'local'
        ? 'No language model is configured (DQX_LLM_BASE_URL and DQX_LLM_MODEL), so rules come from the profile only.'
        : 'No serving endpoint is configured (DQX_SERVING_ENDPOINT), so rules come from the profile only.',
  };
}

/**
 * The chat model to use, or null when none is configured. `servicePrincipalToken` provides the
 * app's OAuth token for a Databricks serving endpoint.
 */
export function getChatModel(
  options: { servicePrincipalToken?: () => Promise<string> } = {},
): ChatModel | null {
  const config = getConfig();
  const timeoutMs = config.llm.timeoutSeconds * 1000;
  if (config.llm.baseUrl && config.llm.model) {
    return createChatModel({
      baseUrl: config.llm.baseUrl,
      model: config.llm.model,
      apiKey: config.llm.apiKey,
      timeoutMs,
    });
  }
  if (config.mode === 'databricks' && config.databricks.servingEndpoint && config.databricks.host) {
    return createChatModel({
      baseUrl: `${config.databricks.host}/serving-endpoints`,
      model: config.databricks.servingEndpoint,
      apiKey: options.servicePrincipalToken ?? (() => getServicePrincipalTokenProvider(config).getToken()),
      timeoutMs,
    });
  }
  return null;
}
