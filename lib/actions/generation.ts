'use server';
/**
 * Server actions of the generator. Every action returns `ActionResult<T>` (see ./action-result.ts):
 * `{ ok: true, data }` or `{ ok: false, message, code, fieldErrors? }`.
 *
 * startGenerationAction(input: z.input<typeof StartGenerationBody>)
 *   input: { table, request?, mode?: 'recommended' | 'dqx', sample_rows?: number | 'all', profile_options?,
 *            criticality?, run_as_job? }
 *   data:  { run: RunDto }  the queued run; poll it with getRunAction({ run_id }) (./runs.ts) until
 *          its status is succeeded | failed | cancelled; a succeeded run's `output` is a
 *          GenerationOutput (lib/services/generation.ts): mode, rules [{check, origin, evidence,
 *          impact, flag}], impact {expected_pass_rate, with_corrections, ...}, dropped_model_rules,
 *          doubtful_model_rules, model {configured, name, reason}, rows_profiled, sampling,
 *          profiles, summary_stats, column_stats, column_notes, columns, validation.
 *
 * saveGeneratedRuleSetAction(input: z.input<typeof SaveGeneratedRuleSetBody>)
 *   input: { table, rules, user_prompt?, ai_summary?, metadata?, generation_run_id? }
 *   data:  SavedRuleSetVersion (lib/services/rule-sets.ts): the new, active version with `warnings`.
 *          With generation_run_id its metadata records rows_profiled, sampling, the generator mode,
 *          the expected pass rate, model and each rule's origin. Rule errors come back as fieldErrors
 *          `rules.<index>.<field>`.
 */
import type { z } from 'zod';

import { saveGeneratedRuleSet, startGeneration } from '@/lib/services/generation';
import { SaveGeneratedRuleSetBody, StartGenerationBody } from '@/lib/services/generation-schemas';
import type { SavedRuleSetVersion } from '@/lib/services/rule-sets';
import type { RunDto } from '@/lib/services/runs';

import { runAction, type ActionResult } from './action-result';
import { savedMessage } from './saved-message';

export async function startGenerationAction(input: z.input<typeof StartGenerationBody>): Promise<ActionResult<{ run: RunDto }>> {
  return runAction(StartGenerationBody, input, async (caller, parsed) => ({ run: await startGeneration(caller, parsed) }), {
    message: () => 'Generation started. You can leave this page; the run goes on.',
  });
}

export async function saveGeneratedRuleSetAction(
  input: z.input<typeof SaveGeneratedRuleSetBody>,
): Promise<ActionResult<SavedRuleSetVersion>> {
  return runAction(SaveGeneratedRuleSetBody, input, (caller, parsed) => saveGeneratedRuleSet(caller, parsed), {
    revalidate: ['/history', '/validator'],
    message: savedMessage,
  });
}
