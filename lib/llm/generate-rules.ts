/**
 * Rules proposed by a language model: ask, parse, validate every rule with the engine, send the
 * invalid ones back once with their errors, and drop (and report) what still fails. Nothing the
 * model says reaches a saved rule set without passing the engine's validation.
 */
import { validateChecks, type DqxCheck, type RuleIssue, type TableSchema } from '@/lib/dqx';
import { AppError } from '@/lib/errors';

import type { ChatMessage, ChatModel } from './client';
import { extractJsonArray } from './extract-json';
import { generationMessages, repairMessage, type GenerationPromptInput } from './prompts';

export interface DroppedRule {
  rule: unknown;
  errors: string[];
}

export interface ModelRules {
  rules: DqxCheck[];
  dropped: DroppedRule[];
  /** How many rules were fixed by the repair round. */
  repaired: number;
  model: string;
}

type Validate = (rule: unknown) => string[];

export function ruleErrorsAgainst(table: TableSchema): Validate {
  return (rule) => {
    const result = validateChecks([rule], { table });
    return result.errors.map((issue: RuleIssue) => (issue.field ? `${issue.field}: ${issue.message}` : issue.message));
  };
}

async function askForArray(model: ChatModel, messages: ChatMessage[], signal?: AbortSignal) {
  const reply = await model.complete(messages, { signal });
  return { reply: reply.content, array: extractJsonArray(reply.content) };
}

export async function generateRulesWithModel(
  model: ChatModel,
  input: GenerationPromptInput & { table: TableSchema },
  options: { signal?: AbortSignal; validate?: Validate } = {},
): Promise<ModelRules> {
  const validate = options.validate ?? ruleErrorsAgainst(input.table);
  const messages = generationMessages(input);
  const first = await askForArray(model, messages, options.signal);
  if (!first.array) {
    throw new AppError(
      'unavailable',
      'The model did not answer with a list of rules. Try again, or rephrase the request.',
    );
  }

  const accepted: DqxCheck[] = [];
  const invalid: { index: number; rule: unknown; errors: string[] }[] = [];
  first.array.forEach((rule, index) => {
    const errors = validate(rule);
    if (errors.length === 0) accepted.push(rule as DqxCheck);
    else invalid.push({ index, rule, errors });
  });

  const dropped: DroppedRule[] = [];
  let repaired = 0;
  if (invalid.length > 0) {
    const second = await askForArray(
      model,
      [...messages, { role: 'assistant', content: first.reply }, repairMessage(invalid)],
      options.signal,
    );
    invalid.forEach((problem, i) => {
      const candidate = second.array?.[i];
      if (candidate === null || candidate === undefined) {
        dropped.push({ rule: problem.rule, errors: problem.errors });
        return;
      }
      const errors = validate(candidate);
      if (errors.length === 0) {
        accepted.push(candidate as DqxCheck);
        repaired++;
      } else {
        dropped.push({ rule: candidate, errors });
      }
    });
  }
  return { rules: accepted, dropped, repaired, model: model.model };
}
