/**
 * Jobs API 2.2 run state -> JobStatus. The 2.2 `status` object is preferred; the deprecated
 * `state` object is read when `status` is absent and to tell a timeout from a cancel.
 *
 * Every documented state maps to a definite answer: SKIPPED and INTERNAL_ERROR are terminal
 * (the original app treated them, and BLOCKED, as "running" until the browser gave up), BLOCKED and
 * WAITING_FOR_RETRY are reported as such.
 */
import type { JobState, JobStatus } from '../port';

export interface RunStateV1 {
  life_cycle_state?: string;
  result_state?: string;
  state_message?: string;
  user_cancelled_or_timedout?: boolean;
}

export interface RunStatusV2 {
  state?: string;
  termination_details?: { code?: string; type?: string; message?: string };
  queue_details?: { code?: string; message?: string };
}

export interface RunTimes {
  start_time?: number;
  end_time?: number;
  run_page_url?: string;
}

const iso = (ms: number | undefined): string | null => (ms && ms > 0 ? new Date(ms).toISOString() : null);

const QUEUE_REASONS: Record<string, string> = {
  ACTIVE_RUNS_LIMIT_REACHED: 'Waiting: the workspace has reached its limit of active runs.',
  MAX_CONCURRENT_RUNS_REACHED: 'Waiting: the job already has as many runs as it allows at once.',
  ACTIVE_RUN_JOB_TASKS_LIMIT_REACHED: 'Waiting: the workspace has reached its limit of active tasks.',
};

function fromResultState(result: string | undefined): JobState {
  switch (result) {
    case 'SUCCESS':
      return 'succeeded';
    case 'TIMEDOUT':
      return 'timed_out';
    case 'CANCELED':
    case 'UPSTREAM_CANCELED':
      return 'canceled';
    case 'EXCLUDED':
    case 'DISABLED':
      return 'skipped';
    default:
      // FAILED, SUCCESS_WITH_FAILURES, MAXIMUM_CONCURRENT_RUNS_REACHED, UPSTREAM_FAILED, unknown
      return 'failed';
  }
}

function fromTerminationCode(code: string | undefined, legacyResult: string | undefined): JobState {
  if (legacyResult === 'TIMEDOUT') return 'timed_out';
  switch (code) {
    case 'SUCCESS':
      return 'succeeded';
    case 'USER_CANCELED':
    case 'CANCELED':
      return 'canceled';
    case 'SKIPPED':
    case 'DISABLED':
    case 'MAX_JOB_QUEUE_SIZE_EXCEEDED':
      return 'skipped';
    case undefined:
      return fromResultState(legacyResult);
    default:
      return 'failed';
  }
}

const DEFAULT_MESSAGES: Partial<Record<JobState, string>> = {
  queued: 'Queued: the run waits for capacity.',
  starting: 'Starting: serverless compute and the DQX environment are being prepared.',
  retrying: 'The run failed and waits for a retry.',
  blocked: 'Blocked: the run waits on an upstream dependency.',
  stopping: 'Finishing.',
  canceled: 'The run was canceled.',
  timed_out: 'The run took longer than the job allows and was stopped.',
  skipped: 'The run was skipped and did not execute.',
  failed: 'The run failed.',
};

export function mapRunState(run: { state?: RunStateV1; status?: RunStatusV2 } & RunTimes): JobStatus {
  const v2 = run.status;
  const v1 = run.state ?? {};
  let state: JobState;
  let platform: string | null;
  let message: string | null = null;

  if (v2?.state) {
    platform = v2.state + (v2.termination_details?.code ? `/${v2.termination_details.code}` : '');
    switch (v2.state) {
      case 'QUEUED':
        state = 'queued';
        message = v2.queue_details?.message ?? (v2.queue_details?.code ? (QUEUE_REASONS[v2.queue_details.code] ?? null) : null);
        break;
      case 'PENDING':
        state = 'starting';
        break;
      case 'RUNNING':
        state = 'running';
        break;
      case 'TERMINATING':
        state = 'stopping';
        break;
      case 'BLOCKED':
        state = 'blocked';
        break;
      case 'WAITING':
        state = 'retrying';
        break;
      case 'TERMINATED':
        state = fromTerminationCode(v2.termination_details?.code, v1.result_state);
        message = v2.termination_details?.message || null;
        break;
      default:
        state = 'failed';
        message = `Unknown run state ${v2.state}.`;
    }
  } else {
    const life = v1.life_cycle_state;
    platform = life ? life + (v1.result_state ? `/${v1.result_state}` : '') : null;
    switch (life) {
      case 'QUEUED':
        state = 'queued';
        break;
      case 'PENDING':
        state = 'starting';
        break;
      case 'RUNNING':
        state = 'running';
        break;
      case 'TERMINATING':
        state = 'stopping';
        break;
      case 'BLOCKED':
        state = 'blocked';
        break;
      case 'WAITING_FOR_RETRY':
        state = 'retrying';
        break;
      case 'SKIPPED':
        state = 'skipped';
        break;
      case 'INTERNAL_ERROR':
        state = 'failed';
        break;
      case 'TERMINATED':
        state = fromResultState(v1.result_state);
        break;
      default:
        state = 'failed';
        message = life ? `Unknown run state ${life}.` : 'The run reported no state.';
    }
    message ??= v1.state_message || null;
  }

  const terminal = state === 'succeeded' || state === 'failed' || state === 'canceled' || state === 'timed_out' || state === 'skipped';
  if (state === 'succeeded') message = null;
  return {
    state,
    terminal,
    message: message ?? DEFAULT_MESSAGES[state] ?? null,
    startedAt: iso(run.start_time),
    endedAt: terminal ? iso(run.end_time) : null,
    url: run.run_page_url ?? null,
    platformState: platform,
  };
}
