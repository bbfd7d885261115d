/**
 * Input of validation runs, failing rows and reports, shared by the /api/v1 routes, the server
 * actions and the validator page. Bodies and query strings are snake_case; parsing yields the
 * services' input.
 */
import { z } from 'zod';

import { TableNameField } from './generation-schemas';
import { RULES_PER_REQUEST_MAX, RulesYamlField } from './rule-set-schemas';
import { cleanText, jsonValue, queryInt } from './safe-input';

export const DRY_RUN_ROWS_MAX = 10_000_000;
export const DEFAULT_DRY_RUN_ROWS = 10_000;
export const SAMPLE_LIMIT_MAX = 100;
export const FAILING_ROWS_PAGE_MAX = 500;

export const StartValidationBody = z
  .strictObject({
    table: TableNameField.describe('The table to validate, `catalog.schema.table`.'),
    version: z
      .int({ error: 'version must be a version number (1, 2, 3, …)' })
      .min(1, { error: 'version must be a version number (1, 2, 3, …)' })
      .optional()
      .describe(
        'A saved version of the table’s rule set. Default: the active version (unless `rules` is given).',
      ),
    rules: z
      .array(jsonValue('a rule'), { error: 'rules must be a list of DQX checks' })
      .min(1, { error: 'rules must hold at least one check' })
      .max(RULES_PER_REQUEST_MAX, { error: `at most ${RULES_PER_REQUEST_MAX} rules` })
      .optional()
      .describe('A draft rule set (DQX checks, metadata form) to validate instead of a saved version.'),
    rules_yaml: RulesYamlField.optional(),
    sample_rows: z
      .int({ error: 'sample_rows must be a whole number of rows' })
      .min(1, { error: 'sample_rows must be at least 1' })
      .max(DRY_RUN_ROWS_MAX, { error: `sample_rows must be at most ${DRY_RUN_ROWS_MAX}` })
      .optional()
      .describe(
        'A dry run: validate only this many rows (the first rows in key order) instead of the whole table.',
      ),
    sample_limit: z
      .int({ error: 'sample_limit must be a whole number' })
      .min(0, { error: 'sample_limit must be between 0 and 100' })
      .max(SAMPLE_LIMIT_MAX, { error: `sample_limit must be between 0 and ${SAMPLE_LIMIT_MAX}` })
      .default(10)
      .describe('Failing rows kept per rule in the run’s output (every failing row is available on demand).'),
    run_as_job: z
      .boolean({ error: 'run_as_job must be true or false' })
      .default(false)
      .describe('Databricks mode: validate with DQX itself in a Databricks job (job-only checks always do).'),
  })
  .refine((b) => !(b.rules !== undefined && b.rules_yaml !== undefined), {
    error: 'give either rules or rules_yaml, not both',
    path: ['rules_yaml'],
  })
  .refine((b) => !(b.version !== undefined && (b.rules !== undefined || b.rules_yaml !== undefined)), {
    error: 'give either version or draft rules (rules or rules_yaml), not both',
    path: ['rules'],
  })
  .transform((b) => ({
    table: b.table,
    version: b.version,
    rules: b.rules,
    rulesYaml: b.rules_yaml,
    sampleRows: b.sample_rows,
    sampleLimit: b.sample_limit,
    runAsJob: b.run_as_job,
  }));

/** The validation service's input (what StartValidationBody parses into). */
export interface StartValidationInput {
  table: string;
  /** A saved version; default: the active one (unless `rules` is given). */
  version?: number;
  /** A draft rule set instead of a saved version. */
  rules?: unknown[];
  /** A draft rule set as a DQX checks file in YAML (instead of `rules`). */
  rulesYaml?: string;
  /** A dry run on this many rows. */
  sampleRows?: number;
  /** Failing rows kept per rule in the output (default 10). */
  sampleLimit?: number;
  runAsJob?: boolean;
}

export const FailingRowsQuery = z
  .object({
    rule: cleanText(
      z
        .string({ error: 'rule is required: the name of a rule of the run' })
        .min(1, { error: 'rule is required: the name of a rule of the run' })
        .max(500, { error: 'rule must be at most 500 characters' }),
      'rule',
    ).describe('The rule’s name (after for_each_column expansion), as in the run’s per-rule results.'),
    page: queryInt('page', 1, 10_000_000).optional().default(1).describe('Page number.'),
    page_size: queryInt('page_size', 1, FAILING_ROWS_PAGE_MAX)
      .optional()
      .default(50)
      .describe('Rows per page.'),
  })
  .transform((q) => ({ rule: q.rule, page: q.page, pageSize: q.page_size }));

export interface FailingRowsInput {
  rule: string;
  page: number;
  pageSize: number;
}

export const ReportQuery = z.object({
  format: z
    .enum(['json', 'csv'], { error: "format must be 'json' or 'csv'" })
    .optional()
    .default('json')
    .describe('json (summary and per-rule results) or csv (one row per rule).'),
});

export type ReportFormat = z.output<typeof ReportQuery>['format'];
