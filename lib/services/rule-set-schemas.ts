/**
 * Input schemas of the rule-set and run features, shared by the route handlers under
 * /api/v1/rule-sets and the server actions. Field names are snake_case, like the stored columns,
 * the original application's API and the DQX checks format.
 */
import { z } from 'zod';

import { cleanText, integerText, jsonProblem, jsonValue, queryInt } from './safe-input';

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

/** Where a rule came from (see RuleProvenance in ./rule-provenance.ts). */
export const RULE_ORIGINS = ['profile', 'model', 'manual', 'imported'] as const;

const PROVENANCE_DETAIL_LIMIT = 20_000;
const PROVENANCE_LIMIT = 2_000_000;

/** One entry of `rule_provenance`: where rule i came from and the evidence behind it. */
export const RuleProvenanceEntry = z.strictObject({
  origin: z.enum(RULE_ORIGINS, { error: `origin must be one of ${RULE_ORIGINS.join(', ')}` }),
  edited: z.boolean({ error: 'edited must be true or false' }).default(false),
  evidence: z.string({ error: 'evidence must be text' }).max(4000, { error: 'evidence must be at most 4000 characters' }).nullish(),
  detail: z
    .unknown()
    .refine((v) => v === undefined || JSON.stringify(v).length <= PROVENANCE_DETAIL_LIMIT, {
      error: `detail must be at most ${PROVENANCE_DETAIL_LIMIT} characters of JSON`,
    })
    .optional(),
});
export type RuleProvenanceInput = z.infer<typeof RuleProvenanceEntry>;

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
  rule_provenance: z
    .array(RuleProvenanceEntry, { error: 'rule_provenance must be a list, one entry per rule' })
    .max(5000, { error: 'at most 5000 entries' })
    .refine((p) => JSON.stringify(p).length <= PROVENANCE_LIMIT, { error: `rule_provenance must be at most ${PROVENANCE_LIMIT} characters of JSON` })
    .optional()
    .describe(
      'Where each rule came from, one entry per rule in the same order: origin (profile, model, manual, imported), whether it was edited by hand, and the evidence behind it. Kept beside the rules, which stay exactly DQX.',
    ),
  propose: z
    .boolean({ error: 'propose must be true or false' })
    .optional()
    .describe(
      'Save as a proposal for a steward to review even when the caller could make it active. Saving is always a proposal for callers who are not stewards of the table, and for everyone when the table has four eyes on.',
    ),
});
export type SaveRuleSetInput = z.infer<typeof SaveRuleSetBody>;

/** The largest version number a path or query accepts (nine digits). */
export const VERSION_NUMBER_MAX = 999_999_999;

/** A positive version number, from a path segment or a query parameter. */
export const VersionNumber = integerText(
  z
    .string()
    .regex(/^[1-9]\d{0,8}$/, { error: 'expected a version number (1, 2, 3, …)' })
    .transform(Number),
  1,
  VERSION_NUMBER_MAX,
);

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

/** Largest `rules_yaml` text, as large as a saved checks file may be. */
export const RULES_YAML_MAX_CHARS = 2_000_000;

/** Draft rules as a DQX checks file in YAML, instead of `rules` (read like a YAML file saved as a version). */
export const RulesYamlField = cleanText(
  z
    .string({ error: 'rules_yaml must be text: a DQX checks file in YAML' })
    .min(1, { error: 'rules_yaml must not be empty' })
    .max(RULES_YAML_MAX_CHARS, { error: `rules_yaml must be at most ${RULES_YAML_MAX_CHARS} characters` }),
  'rules_yaml',
).describe(
  'The draft rules as a DQX checks file in YAML (a list of checks, or a mapping with `checks:`), instead of `rules`; read as a YAML file saved as a version is, with the same limits.',
);
