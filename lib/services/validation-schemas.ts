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
    missing_columns: z
      .enum(['refuse', 'skip'], { error: "missing_columns must be 'refuse' or 'skip'" })
      .default('refuse')
      .describe(
        "Draft rules that name a column the table does not have (in `column`/`columns`, the filter or an expression): `refuse` answers 400; `skip` runs them as DQX does, each such rule reported as skipped on every row with DQX's message. Saved versions always run as DQX does.",
      ),
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
    missingColumns: b.missing_columns,
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
  /** Draft rules on missing columns: refused (400, the default) or run as DQX does (skipped on every row). */
  missingColumns?: MissingColumns;
}

export type MissingColumns = 'refuse' | 'skip';
const RULE_INDEX_MAX = 100_000;
const FINGERPRINT = /^[0-9a-f]{64}$/;

/** Which failing rows: of one rule (by name, index or fingerprint) or of every rule, and a value filter. */
const failingRowsSelector = {
  rule: cleanText(
    z.string().min(1, { error: 'rule must not be empty' }).max(500, { error: 'rule must be at most 500 characters' }),
    'rule',
  )
    .optional()
    .describe(
      'A rule by name (after for_each_column expansion), as in the run’s per-rule results; rules sharing a name are read together. Give at most one of rule, rule_index and rule_fingerprint; none: every rule of the run.',
    ),
  rule_index: queryInt('rule_index', 0, RULE_INDEX_MAX)
    .optional()
    .describe('A rule by its `index` in the run’s per-rule results (0-based, after for_each_column expansion).'),
  rule_fingerprint: z
    .string()
    .regex(FINGERPRINT, { error: 'rule_fingerprint must be a rule’s 64-character hex fingerprint' })
    .optional()
    .describe('A rule by its DQX `rule_fingerprint` (as in the run’s per-rule results).'),
  value: cleanText(z.string().min(1, { error: 'value must not be empty' }).max(500, { error: 'value must be at most 500 characters' }), 'value')
    .optional()
    .describe('Only rows whose failing column (a column the rule names) holds this value, as text.'),
  match: z
    .enum(['contains', 'equals'], { error: "match must be 'contains' or 'equals'" })
    .optional()
    .default('contains')
    .describe('How `value` is compared: contained in the text of the value (case-insensitive), or equal to it.'),
};

const ruleChoice = (q: { rule?: string; rule_index?: number; rule_fingerprint?: string }) =>
  [q.rule, q.rule_index, q.rule_fingerprint].filter((v) => v !== undefined).length <= 1;

const selectorOf = (q: {
  rule?: string;
  rule_index?: number;
  rule_fingerprint?: string;
  value?: string;
  match: 'contains' | 'equals';
}): FailingRowsSelector => ({
  rule: q.rule,
  ruleIndex: q.rule_index,
  ruleFingerprint: q.rule_fingerprint,
  value: q.value === undefined ? undefined : { text: q.value, match: q.match },
});

export const FailingRowsQuery = z
  .object({
    ...failingRowsSelector,
    page: queryInt('page', 1, 10_000_000)
      .optional()
      .describe('Jump to this page number (default 1). Give at most one of page, cursor and key.'),
    cursor: z
      .string()
      .min(1)
      .max(4000, { error: 'cursor is not valid: start again from page 1' })
      .optional()
      .describe('The `next_cursor` of the previous page: the next page, as fast at any depth.'),
    key: z
      .string()
      .min(1)
      .max(2000, { error: 'key must be at most 2000 characters' })
      .optional()
      .describe(
        'Jump to the first failing row at or after this key: a JSON array of the values of `key_columns`, in order (e.g. `["1042"]`).',
      ),
    page_size: queryInt('page_size', 1, FAILING_ROWS_PAGE_MAX)
      .optional()
      .default(50)
      .describe('Rows per page.'),
  })
  .refine(ruleChoice, { error: 'give at most one of rule, rule_index and rule_fingerprint', path: ['rule'] })
  .refine((q) => [q.page, q.cursor, q.key].filter((v) => v !== undefined).length <= 1, {
    error: 'give at most one of page, cursor and key',
    path: ['cursor'],
  })
  .transform((q, ctx): FailingRowsInput => {
    const key = q.key === undefined ? undefined : parseKeyParam(q.key);
    if (key === null) {
      ctx.addIssue({ code: 'custom', path: ['key'], message: 'key must be a JSON array of the key columns’ values, e.g. ["1042"]' });
      return z.NEVER;
    }
    return {
      ...selectorOf(q),
      page: q.page ?? (q.cursor === undefined && key === undefined ? 1 : undefined),
      cursor: q.cursor,
      key,
      pageSize: q.page_size,
    };
  });

/** `key` as a list of values (text or null); null when it is not a JSON array of plain values. */
export function parseKeyParam(text: string): (string | null)[] | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const ok =
    Array.isArray(parsed) &&
    parsed.length >= 1 &&
    parsed.length <= 50 &&
    parsed.every((v) => v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean');
  if (!ok) return null;
  return (parsed as (string | number | boolean | null)[]).map((v) => (v === null ? null : String(v)));
}

export const FailingRowsExportQuery = z
  .object({
    ...failingRowsSelector,
    format: z
      .enum(['csv', 'parquet'], { error: "format must be 'csv' or 'parquet'" })
      .optional()
      .default('csv')
      .describe('csv (values as text, `_errors`/`_warnings` as JSON) or parquet (typed numbers and booleans).'),
  })
  .refine(ruleChoice, { error: 'give at most one of rule, rule_index and rule_fingerprint', path: ['rule'] })
  .transform((q) => ({ selector: selectorOf(q), format: q.format }));

export type FailingRowsExportFormat = 'csv' | 'parquet';

/** Which failing rows (the service's input). */
export interface FailingRowsSelector {
  rule?: string;
  ruleIndex?: number;
  ruleFingerprint?: string;
  /** Only rows whose failing column holds this value. */
  value?: { text: string; match: 'contains' | 'equals' };
}

export interface FailingRowsInput extends FailingRowsSelector {
  /** A page number (1 when neither cursor nor key is given). */
  page?: number;
  /** An opaque position from a previous page's `next_cursor`. */
  cursor?: string;
  /** The values of the key columns to start at. */
  key?: (string | null)[];
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
