'use server';
/**
 * Server actions of the validator. Every action returns `ActionResult<T>` (see ./action-result.ts):
 * `{ ok: true, data }` or `{ ok: false, message, code, fieldErrors? }`.
 *
 * startValidationAction(input: z.input<typeof StartValidationBody>)
 *   input: { table, version? | rules?, sample_rows?, sample_limit?, run_as_job?, missing_columns? }
 *          version omitted and no rules: the table’s active version. missing_columns (drafts):
 *          "refuse" (default, 400) or "skip" (rules on missing columns run as DQX: skipped on every row).
 *   data:  { run: RunDto }  poll with getRunAction; a succeeded run has `summary`
 *          (ValidationRunSummary: total_rows, valid_rows, error_rows, warning_rows, pass_rate,
 *          rules_*), `rule_results` (per rule name) and `output` (ValidationOutput: rules with
 *          status, counts, pass rate and sample failing rows with messages; columns key-first).
 *
 * startDryRunAction(input: same as above; sample_rows defaults to 10000)
 *   A validation of the first rows only (the rule editor's "dry run"), kept as a run marked dry_run.
 *
 * getFailingRowsAction(input: { run_id, query: { rule? | rule_index? | rule_fingerprint?, page? | cursor? | key?, value?, match?, page_size? } })
 *   The query is the one of GET /api/v1/runs/{id}/failing-rows (text values, as in a URL).
 *   data: FailingRowsPage (lib/services/failing-rows.ts): a keyset page of failing rows read from
 *         the table now: { columns (key columns, then failing columns, first), key_columns,
 *         failing_columns, rows: [{values, messages, errors, warnings}], page, first_row, total,
 *         pages, next_cursor, rule, rules }.
 */
import { z } from 'zod';

import { RunId } from '@/lib/services/rule-set-schemas';
import type { RunDto } from '@/lib/services/runs';
import { getFailingRows, type FailingRowsPage } from '@/lib/services/failing-rows';
import { startValidation, validationReport, type ValidationReport } from '@/lib/services/validation';
import { DEFAULT_DRY_RUN_ROWS, FailingRowsQuery, StartValidationBody } from '@/lib/services/validation-schemas';

import { runAction, type ActionResult } from './action-result';

export async function startValidationAction(
  input: z.input<typeof StartValidationBody>,
): Promise<ActionResult<{ run: RunDto }>> {
  return runAction(
    StartValidationBody,
    input,
    async (caller, parsed) => ({ run: await startValidation(caller, parsed) }),
    {
      revalidate: ['/history'],
      message: () => 'Validation started. You can leave this page; the run goes on.',
    },
  );
}

export async function startDryRunAction(
  input: z.input<typeof StartValidationBody>,
): Promise<ActionResult<{ run: RunDto }>> {
  const withSample =
    input && typeof input === 'object'
      ? { ...input, sample_rows: input.sample_rows ?? DEFAULT_DRY_RUN_ROWS }
      : input;
  return runAction(
    StartValidationBody,
    withSample,
    async (caller, parsed) => ({ run: await startValidation(caller, parsed) }),
    {
      message: (data) => `Dry run started on the first ${data.run.parameters.sample_rows as number} rows.`,
    },
  );
}

const FailingRowsAction = z
  .strictObject({ run_id: RunId, query: FailingRowsQuery })
  .transform((v) => ({ runId: v.run_id, ...v.query }));

export async function getFailingRowsAction(
  input: z.input<typeof FailingRowsAction>,
): Promise<ActionResult<FailingRowsPage>> {
  return runAction(FailingRowsAction, input, (caller, parsed) =>
    getFailingRows(caller, parsed.runId, parsed),
  );
}

const ReportAction = z.strictObject({
  run_id: RunId,
  format: z.enum(['json', 'csv'], { error: "format must be 'json' or 'csv'" }).default('json'),
});

export async function getValidationReportAction(
  input: z.input<typeof ReportAction>,
): Promise<ActionResult<ValidationReport>> {
  return runAction(ReportAction, input, (caller, { run_id, format }) =>
    validationReport(caller, run_id, format),
  );
}
