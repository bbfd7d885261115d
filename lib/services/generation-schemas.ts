/**
 * Input of rule generation, shared by `POST /api/v1/generations`, the server action and the
 * generator form. The body is snake_case (like the rest of the API and DQX's own format); parsing
 * yields the service's input.
 */
import { z } from 'zod';

import { profileOptionsSchema, type ProfileOptionsInput } from '@/lib/dqx';

import { RunId, SaveRuleSetBody } from './rule-set-schemas';

/** Largest row count a caller may ask to profile (beyond that: 'all'). */
export const PROFILE_ROWS_MAX = 2_000_000_000;
export const REQUEST_MAX_CHARS = 8000;

export const TableNameField = z
  .string({ error: 'table must be a table name: catalog.schema.table' })
  .trim()
  .min(1, { error: 'table must be a table name: catalog.schema.table' })
  .max(800, { error: 'table must be at most 800 characters' });

export const SampleRowsField = z.union([
  z.literal('all'),
  z
    .int({ error: "sample_rows must be 'all' or a whole number of rows" })
    .min(1, { error: 'sample_rows must be at least 1' })
    .max(PROFILE_ROWS_MAX, { error: `sample_rows must be at most ${PROFILE_ROWS_MAX} (or 'all')` }),
]);

export const StartGenerationBody = z
  .strictObject({
    table: TableNameField.describe('The table to profile, `catalog.schema.table`.'),
    request: z
      .string({ error: 'request must be text' })
      .max(REQUEST_MAX_CHARS, { error: `request must be at most ${REQUEST_MAX_CHARS} characters` })
      .default('')
      .describe(
        'What the rules should ensure, in plain language (sent to the language model when one is configured).',
      ),
    mode: z
      .enum(['recommended', 'dqx'], { error: "mode must be 'recommended' or 'dqx'" })
      .optional()
      .describe(
        "Which generator derives the profile rules. 'recommended' (the default): the whole table, robust statistics, keys, formats and references, each rule measured on the whole table. 'dqx': DQX's own profiler and generator, exactly (its sampling, min/max ranges and value lists); the default with run_as_job.",
      ),
    sample_rows: SampleRowsField.optional().describe(
      "Rows to profile: a number (a uniform random sample of that many rows), or 'all'. Omitted: mode 'recommended' reads every row (a uniform sample of 1,000,000 rows above 10 million); mode 'dqx' uses DQX's default sampling (sample_fraction and limit of the profile options: 30% of the rows, at most 1000).",
    ),
    profile_options: profileOptionsSchema
      .optional()
      .describe(
        'DQX profiler options (snake_case keys as in DQX), merged over DQX’s defaults. Mode "recommended" takes only `filter`.',
      ),
    criticality: z
      .enum(['error', 'warn'], { error: "criticality must be 'error' or 'warn'" })
      .default('error')
      .describe('Criticality of the rules derived from the profile.'),
    run_as_job: z
      .boolean({ error: 'run_as_job must be true or false' })
      .default(false)
      .describe(
        'Databricks mode: profile with DQX itself in a Databricks job instead of SQL on the warehouse.',
      ),
  })
  .transform((b) => ({
    table: b.table,
    request: b.request,
    ...(b.mode === undefined ? {} : { mode: b.mode }),
    sampleRows: b.sample_rows,
    profileOptions: b.profile_options,
    criticality: b.criticality,
    runAsJob: b.run_as_job,
  }));

/** The generation service's input (what StartGenerationBody parses into). */
export interface StartGenerationInput {
  table: string;
  request?: string;
  /** Which generator derives the profile rules; default 'recommended' ('dqx' with runAsJob). */
  mode?: 'recommended' | 'dqx';
  /** Omitted: the mode's default (recommended: the whole table; dqx: DQX's sampling); a number: that many rows; 'all': the whole table. */
  sampleRows?: 'all' | number;
  profileOptions?: ProfileOptionsInput;
  criticality?: 'error' | 'warn';
  runAsJob?: boolean;
}

/**
 * Save the generator's rules as a new version. With `generation_run_id`, the version's metadata
 * records the profile it came from (rows profiled, sampling, model) and each rule's origin, read
 * from the stored run (not from the browser).
 */
export const SaveGeneratedRuleSetBody = SaveRuleSetBody.extend({
  table: TableNameField,
  generation_run_id: RunId.optional(),
});

export type SaveGeneratedRuleSetInput = z.output<typeof SaveGeneratedRuleSetBody>;
