/** Input of the AI analysis of a rule set, shared by `POST /api/v1/analyses`, the server action and the form. */
import { z } from 'zod';

import { REQUEST_MAX_CHARS, TableNameField } from './generation-schemas';
import { RulesYamlField } from './rule-set-schemas';
import { cleanText, jsonValue } from './safe-input';

export const AnalyzeRulesBody = z.strictObject({
  table: TableNameField.describe('The table the rules are for, `catalog.schema.table`.'),
  request: cleanText(
    z
      .string({ error: 'request must be text' })
      .max(REQUEST_MAX_CHARS, { error: `request must be at most ${REQUEST_MAX_CHARS} characters` }),
    'request',
  )
    .default('')
    .describe('What the rules should ensure, as the user wrote it.'),
  rules: z
    .array(jsonValue('a rule'), { error: 'rules must be a list of DQX checks' })
    .min(1, { error: 'rules must hold at least one check' })
    .max(1000, { error: 'at most 1000 rules can be analysed at once' })
    .optional()
    .describe('The DQX checks (metadata form) to analyse; or send them as `rules_yaml`.'),
  rules_yaml: RulesYamlField.optional(),
})
  .refine((b) => (b.rules === undefined) !== (b.rules_yaml === undefined), {
    error: 'give the rules to analyse as rules (a list of checks) or rules_yaml (YAML text), one of the two',
    path: ['rules'],
  });

export type AnalyzeRulesInput = z.output<typeof AnalyzeRulesBody>;
