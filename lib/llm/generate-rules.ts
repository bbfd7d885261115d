/**
 * Rules proposed by a language model: ask, parse, validate every rule with the engine, send the
 * invalid ones back once with their errors, and drop (and report) what still fails. Nothing the
 * model says reaches a saved rule set without passing the engine's validation.
 *
 * The conversation is returned, so the caller can send valid rules back once more with what they
 * would do to the table (`reviseRulesWithModel`): too strict on the real data, or a repeat of a
 * profile rule.
 */
import { ruleFingerprint, validateChecks, type DqxCheck, type RuleIssue, type TableSchema } from '@/lib/dqx';
import { AppError } from '@/lib/errors';

import type { ChatMessage, ChatModel } from './client';
import { extractJsonArray } from './extract-json';
import {
  generationMessages,
  repairMessage,
  reviewMessage,
  type GenerationPromptInput,
  type ReviewProblem,
} from './prompts';

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
  /** The messages exchanged so far (to continue with a review round). */
  conversation: ChatMessage[];
}

type Validate = (rule: unknown) => string[];

export function ruleErrorsAgainst(table: TableSchema): Validate {
  return (rule) => {
    const result = validateChecks([rule], { table });
    return result.errors.map((issue: RuleIssue) =>
      issue.field ? `${issue.field}: ${issue.message}` : issue.message,
    );
  };
}

/** What a rule is about (function and column), to tell which invalid rule a repaired one replaces. */
function targetOf(rule: unknown): string {
  const check = (rule as { check?: { function?: unknown; arguments?: Record<string, unknown> } } | null)
    ?.check;
  const args = check?.arguments ?? {};
  const column = args.column ?? args.col_name ?? args.columns ?? args.col_names ?? null;
  return `${String(check?.function)}:${JSON.stringify(column)}`;
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
  const conversation: ChatMessage[] = [...messages, { role: 'assistant', content: first.reply }];
  if (invalid.length > 0) {
    const ask = repairMessage(invalid);
    const second = await askForArray(model, [...conversation, ask], options.signal);
    conversation.push(ask, { role: 'assistant', content: second.reply });
    const seen = new Set(accepted.map((rule) => ruleFingerprint(rule)));
    const acceptRepair = (candidate: unknown): boolean => {
      if (candidate === null || candidate === undefined || validate(candidate).length > 0) return false;
      const fingerprint = ruleFingerprint(candidate as DqxCheck);
      if (seen.has(fingerprint)) return false;
      seen.add(fingerprint);
      accepted.push(candidate as DqxCheck);
      repaired++;
      return true;
    };
    const answer = second.array ?? [];
    if (answer.length === invalid.length) {
      // The model answered as asked: one element per invalid rule, in order.
      invalid.forEach((problem, i) => {
        const candidate = answer[i];
        if (acceptRepair(candidate)) return;
        const errors = candidate === null || candidate === undefined ? problem.errors : validate(candidate);
        dropped.push({
          rule: candidate ?? problem.rule,
          errors:
            errors.length > 0 ? errors : ['The corrected rule repeats a rule that was already accepted.'],
        });
      });
    } else {
      // It answered with something else (often the whole list again): keep new valid rules only,
      // and report every rule that asked for repair and did not come back fixed.
      const fixedTargets = new Set<string>();
      for (const candidate of answer) {
        if (acceptRepair(candidate)) fixedTargets.add(targetOf(candidate));
      }
      for (const problem of invalid) {
        if (!fixedTargets.has(targetOf(problem.rule)))
          dropped.push({ rule: problem.rule, errors: problem.errors });
      }
    }
  }
  return { rules: accepted, dropped, repaired, model: model.model, conversation };
}

export interface RevisedRules {
  /** Per problem, in order: the valid revised rule, or null (withdrawn, invalid or not answered). */
  revised: (DqxCheck | null)[];
  /** Per problem: why a revision was not accepted (empty when it was, or was withdrawn). */
  errors: string[][];
}

/**
 * Sends valid rules back once with what is wrong with them on the real data (their impact), and
 * validates what comes back. One element per problem; the model may withdraw a rule with null.
 */
export async function reviseRulesWithModel(
  model: ChatModel,
  conversation: ChatMessage[],
  problems: ReviewProblem[],
  options: { signal?: AbortSignal; validate: Validate },
): Promise<RevisedRules> {
  const answer = await askForArray(model, [...conversation, reviewMessage(problems)], options.signal);
  const items = answer.array && answer.array.length === problems.length ? answer.array : null;
  const revised: (DqxCheck | null)[] = [];
  const errors: string[][] = [];
  problems.forEach((_, i) => {
    if (!items) {
      revised.push(null);
      errors.push(['The model did not answer with one rule per problem.']);
      return;
    }
    const candidate = items[i];
    if (candidate === null || candidate === undefined) {
      revised.push(null);
      errors.push([]);
      return;
    }
    const problemsOf = options.validate(candidate);
    revised.push(problemsOf.length ? null : (candidate as DqxCheck));
    errors.push(problemsOf);
  });
  return { revised, errors };
}
