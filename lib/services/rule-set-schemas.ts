/**
 * Input schemas of the rule-set and run features, shared by the route handlers under
 * /api/v1/rule-sets and the server actions. Field names are snake_case, like the stored columns,
 * the original application's API and the DQX checks format.
 */
import { z } from 'zod';

import { cleanText, jsonProblem, jsonValue, queryInt } from './safe-input';

const JSON_LIMIT = 200_000;
/**
 * Most checks a request may carry, whatever the configured limit of rules per rule set
 * (DQX_MAX_RULES, at most this much) says; the services apply that limit after expansion.
 */
export const RULES_PER_REQUEST_MAX = 10_000;

/** Plain JSON (see safe-input.ts) of at most JSON_LIMIT characters. */
const boundedJsonCheck = (what: string) => (value: unknown, ctx: z.RefinementCtx) => {
  if (value === undefined) return;
  const problem = jsonProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: `${what} ${problem.message}`, path: problem.path });
  else if (JSON.stringify(value).length > JSON_LIMIT)
    ctx.addIssue({ code: 'custom', message: `${what} must be at most ${JSON_LIMIT} characters of JSON` });
};
const boundedJson = (what: string) => z.unknown().superRefine(boundedJsonCheck(what));

/** Body of "save a rule set as a new version". The rules are validated by the DQX engine afterwards. */
export const SaveRuleSetBody = z.strictObject({
  rules: z
    .array(jsonValue('a rule'), { error: 'rules must be a list of DQX checks' })
    .max(RULES_PER_REQUEST_MAX, { error: `at most ${RULES_PER_REQUEST_MAX} rules` }),
  user_prompt: cleanText(
    z.string().max(20_000, { error: 'user_prompt must be at most 20000 characters' }),
    'user_prompt',
  ).nullish(),
  ai_summary: boundedJson('ai_summary').optional(),
  metadata: z
    .record(z.string(), z.unknown(), { error: 'metadata must be a JSON object' })
    .superRefine(boundedJsonCheck('metadata'))
    .refine((m) => !('legacy' in m), {
      error: 'metadata.legacy is reserved for rows upgraded from the original application',
    })
    .optional(),
});
export type SaveRuleSetInput = z.infer<typeof SaveRuleSetBody>;

/** A positive version number, from a path segment or a query parameter. */
export const VersionNumber = z
  .string()
  .regex(/^[1-9]\d{0,8}$/, { error: 'expected a version number (1, 2, 3, …)' })
  .transform(Number);

export const TableParam = cleanText(z.string().min(1).max(800), 'the table name');

const page = queryInt('page', 1, 9_999_999).optional().default(1);
const pageSize = queryInt('page_size', 1, 100).optional().default(20);

export const PageQuery = z.object({ page, page_size: pageSize });
export type PageInput = z.infer<typeof PageQuery>;

export const VersionQuery = z.object({
  format: z.enum(['yaml', 'json'], { error: "format must be 'yaml' or 'json'" }).optional(),
});

export const DiffQuery = z.object({ from: VersionNumber, to: VersionNumber });

export const RunsQuery = z.object({
  page,
  page_size: pageSize,
  kind: z
    .enum(['generation', 'validation'], { error: "kind must be 'generation' or 'validation'" })
    .optional(),
  /** When given, the per-rule pass-rate history of this rule (by name) instead of the run list. */
  rule: cleanText(z.string().min(1).max(500), 'rule').optional(),
});

export const RunId = z.uuid({ error: 'expected a run id (a UUID)' });
