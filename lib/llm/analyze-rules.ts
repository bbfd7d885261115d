/**
 * AI analysis of a rule set: a summary, an explanation per rule, a coverage assessment,
 * recommendations and a score, saved with the version as `ai_summary`.
 */
import { z } from 'zod';

import { AppError } from '@/lib/errors';

import type { ChatModel } from './client';
import { extractJsonObject } from './extract-json';
import { analysisMessages, type AnalysisPromptInput } from './prompts';

export const RuleAnalysisSchema = z.object({
  summary: z.string().min(1),
  rule_analysis: z
    .array(
      z.object({
        rule: z.string(),
        explanation: z.string(),
        importance: z.enum(['high', 'medium', 'low']).catch('medium'),
      }),
    )
    .default([]),
  coverage_assessment: z.string().default(''),
  recommendations: z.array(z.string()).default([]),
  overall_quality_score: z.coerce.number().min(0).max(10).transform((n) => Math.round(n)),
});

export type RuleAnalysis = z.infer<typeof RuleAnalysisSchema> & { model: string; generated_at: string };

export async function analyzeRulesWithModel(
  model: ChatModel,
  input: AnalysisPromptInput,
  options: { signal?: AbortSignal } = {},
): Promise<RuleAnalysis> {
  const messages = analysisMessages(input);
  let reply = await model.complete(messages, { signal: options.signal });
  let parsed = RuleAnalysisSchema.safeParse(extractJsonObject(reply.content));
  if (!parsed.success) {
    reply = await model.complete(
      [
        ...messages,
        { role: 'assistant', content: reply.content },
        {
          role: 'user',
          content: `That answer was not the JSON object asked for (${parsed.error.issues
            .slice(0, 3)
            .map((i) => `${i.path.join('.') || 'answer'}: ${i.message}`)
            .join('; ')}). Answer again with only the JSON object.`,
        },
      ],
      { signal: options.signal },
    );
    parsed = RuleAnalysisSchema.safeParse(extractJsonObject(reply.content));
  }
  if (!parsed.success) {
    throw new AppError('unavailable', 'The model did not answer with an analysis in the expected form. Try again.');
  }
  return { ...parsed.data, model: model.model, generated_at: new Date().toISOString() };
}
