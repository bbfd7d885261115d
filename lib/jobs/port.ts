/**
 * The JobRunner port: long work (rule generation, rule validation) run as a job. In databricks
 * mode the adapter (`lib/jobs/databricks`) starts the notebooks of `notebooks/` through the Jobs
 * API with the app's SERVICE PRINCIPAL; in local mode an in-process runner executes the same
 * services against DuckDB (`lib/jobs/local`).
 *
 * SECURITY CONTRACT (ARCHITECTURE §4, §6.4). A job runs with the service principal's or the job's
 * run-as identity, not the caller's, so a runner never decides who may do what:
 *   - before `start`, the calling service MUST prove with the CALLER'S OWN TOKEN (the caller's
 *     warehouse) that the caller can read the table, and every table a rule refers to, and record
 *     who started the run;
 *   - before `status`, `output` or `cancel` on behalf of a caller, the service MUST check that
 *     caller against the stored run again (run ids are never a capability).
 * The adapters only run jobs; they take no caller and check nothing.
 */
import type { GenerationResult, JobError, JobKind, JobRequest, ValidationResult } from './contract';

export type { JobKind, JobRequest } from './contract';

/** Identifies a started run. Store it with the app's run; it is what every other call takes. */
export interface JobHandle {
  runner: 'databricks' | 'local';
  kind: JobKind;
  /** The app's run id (also the run's idempotency key and the job's `run_id` parameter). */
  appRunId: string;
  /** The runner's own id for the run (the Databricks job run id, as a decimal string). */
  externalRunId: string;
  /** Link to the run in the platform's UI, when there is one. */
  url: string | null;
}

/**
 * Where a run is. Non-terminal: queued, starting, running, retrying, blocked, stopping.
 * Terminal: succeeded, failed, canceled, timed_out, skipped.
 */
export type JobState =
  | 'queued'
  | 'starting'
  | 'running'
  | 'retrying'
  | 'blocked'
  | 'stopping'
  | 'succeeded'
  | 'failed'
  | 'canceled'
  | 'timed_out'
  | 'skipped';

export const TERMINAL_JOB_STATES: ReadonlySet<JobState> = new Set(['succeeded', 'failed', 'canceled', 'timed_out', 'skipped']);

export interface JobStatus {
  state: JobState;
  terminal: boolean;
  /** A sentence for the user: why it is queued, blocked, failed... Null when there is nothing to add. */
  message: string | null;
  /** ISO timestamps. */
  startedAt: string | null;
  endedAt: string | null;
  url: string | null;
  /** The platform's own words, for logs and support (e.g. `TERMINATED/FAILED`, `RUN_EXECUTION_ERROR`). */
  platformState: string | null;
}

export type JobOutcome =
  | { ok: true; kind: 'generation'; result: GenerationResult }
  | { ok: true; kind: 'validation'; result: ValidationResult }
  | {
      ok: false;
      kind: JobKind;
      error: JobError;
      /** The platform's stack trace, when the failure was not handled by the notebook (for logs, not users). */
      trace: string | null;
    };

export interface JobCallOptions {
  signal?: AbortSignal;
}

export interface JobRunner {
  readonly kind: 'databricks' | 'local';
  /** Starts a run. Idempotent per `request.runId`: starting the same run twice yields the same run. */
  start(request: JobRequest, options?: JobCallOptions): Promise<JobHandle>;
  status(handle: JobHandle, options?: JobCallOptions): Promise<JobStatus>;
  /** Asks the run to stop; it moves to `stopping`, then `canceled`. */
  cancel(handle: JobHandle, options?: JobCallOptions): Promise<void>;
  /**
   * The outcome of a terminal run: its result, or a structured error (also for canceled, timed-out
   * and skipped runs). Throws a `conflict` AppError while the run is not terminal.
   */
  output(handle: JobHandle, options?: JobCallOptions): Promise<JobOutcome>;
}
