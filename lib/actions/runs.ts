'use server';
/**
 * Server actions for runs (polling, cancelling, listing). Every action returns `ActionResult<T>`
 * (see ./action-result.ts): `{ ok: true, data }` or `{ ok: false, message, code, fieldErrors? }`.
 *
 * getRunAction(input: { run_id })
 *   data: RunDetail (lib/services/runs.ts): status (queued | running | succeeded | failed |
 *         cancelled), progress { percent, message, steps: [{key, label, status}] }, created_at,
 *         started_at, finished_at (elapsed time = finished_at or now - started_at), error
 *         { code, message, action } when failed, summary, rule_results, output.
 *         Poll every 1-2 s while status is queued or running; the run goes on if the page closes.
 *
 * cancelRunAction(input: { run_id })
 *   data: RunDto with cancel_requested = true; the run ends as `cancelled` within a second or two.
 *         code 'conflict' when the run had already finished.
 *
 * listRunsAction(input: { table, kind?, page?, page_size? })
 *   data: RunPage { table_name, items: RunDto[], page, page_size, total }, newest first.
 *
 * passRateHistoryAction(input: { table, rule?, limit? })
 *   data: PassRateHistory (whole table) or RulePassRateHistory (one rule, by name): points oldest first.
 */
import { z } from 'zod';

import { getRunRunner } from '@/lib/services/run-runner';
import { RunId } from '@/lib/services/rule-set-schemas';
import { TableNameField } from '@/lib/services/generation-schemas';
import { cleanText } from '@/lib/services/safe-input';
import {
  getRun,
  listRuns,
  requestRunCancel,
  rulePassRateHistory,
  tablePassRateHistory,
  type PassRateHistory,
  type RulePassRateHistory,
  type RunDetail,
  type RunDto,
  type RunPage,
} from '@/lib/services/runs';

import { runAction, type ActionResult } from './action-result';

const RunRef = z.strictObject({ run_id: RunId });

export async function getRunAction(input: z.input<typeof RunRef>): Promise<ActionResult<RunDetail>> {
  return runAction(RunRef, input, (caller, { run_id }) => getRun(caller, run_id));
}

export async function cancelRunAction(input: z.input<typeof RunRef>): Promise<ActionResult<RunDto>> {
  return runAction(
    RunRef,
    input,
    async (caller, { run_id }) => {
      const run = await requestRunCancel(caller, run_id);
      // the run may be running in this process: stop it now rather than at the runner's next poll
      (await getRunRunner()).notifyCancel(run.id);
      return run;
    },
    { revalidate: ['/history'], message: () => 'Cancelling the run…' },
  );
}

const ListRuns = z.strictObject({
  table: TableNameField,
  kind: z.enum(['generation', 'validation']).optional(),
  page: z.int().min(1).default(1),
  page_size: z.int().min(1).max(100).default(20),
});

export async function listRunsAction(input: z.input<typeof ListRuns>): Promise<ActionResult<RunPage>> {
  return runAction(ListRuns, input, (caller, { table, ...query }) => listRuns(caller, table, query));
}

const PassRates = z.strictObject({
  table: TableNameField,
  rule: cleanText(z.string().min(1).max(500), 'rule').optional(),
  limit: z.int().min(1).max(1000).default(100),
});

export async function passRateHistoryAction(
  input: z.input<typeof PassRates>,
): Promise<ActionResult<PassRateHistory | RulePassRateHistory>> {
  return runAction(PassRates, input, (caller, { table, rule, limit }) =>
    rule === undefined
      ? tablePassRateHistory(caller, table, limit)
      : rulePassRateHistory(caller, table, { name: rule }, limit),
  );
}
