/**
 * A finished run of a table's scheduled-checks job (databricks mode, lib/jobs/databricks/monitoring-job.ts
 * `collectScheduledRuns`) as the app's validation completion: the same stored output, summary and
 * per-rule results a validation job run gets (`validationOutcomeFromJob`), so a scheduled run shows in
 * the table's history, charts, thresholds and alerts like a manual one. The ingesting service stores
 * it as a run with `parameters.trigger = 'schedule'` and `parameters.job_run_id`, and keeps the last
 * job run id it ingested per schedule (the `sinceRunId` of the next collection).
 */
import type { JobError, MonitoringResult } from '@/lib/jobs/contract';
import type { ScheduledRun } from '@/lib/jobs/databricks/monitoring-job';

import { validationOutcomeFromJob } from './validation';

type OutcomeParams = Parameters<typeof validationOutcomeFromJob>[1];

export type ScheduledRunCompletion =
  | ({
      ok: true;
      /** Databricks job run id = DQX's run id in the quarantine and metrics rows of this run. */
      jobRunId: string;
      /** Where DQX read the checks and wrote the outputs, and the metrics rows it wrote. */
      monitoring: MonitoringResult['monitoring'];
    } & ReturnType<typeof validationOutcomeFromJob>)
  | { ok: false; jobRunId: string; error: JobError; trace: string | null };

/**
 * `p` describes the version the run applied (its checks, as published) and the columns the schedule's
 * owner may read: a job reads as its own principal, so other columns never reach the stored output.
 */
export function scheduledRunCompletion(run: ScheduledRun, p: OutcomeParams): ScheduledRunCompletion {
  if (!run.outcome.ok)
    return { ok: false, jobRunId: run.job_run_id, error: run.outcome.error, trace: run.outcome.trace };
  const { monitoring, ...result } = run.outcome.result;
  return { ok: true, jobRunId: run.job_run_id, monitoring, ...validationOutcomeFromJob(result, p) };
}
