/**
 * The in-process runner: executes runs recorded in the rule store (generation, validation, and the
 * tracking of Databricks job runs) in the server process, independent of the request that started
 * them, so a run survives closing the page.
 *
 * - A small queue: at most `concurrency` runs do work at once (lane `work`); runs that only wait for
 *   a Databricks job (lane `wait`) do not take a slot.
 * - Progress: each run declares its steps (key, label, weight); the run's work reports them through
 *   its RunContext and the runner writes them, with a percentage and a message, to the store.
 * - Cancellation: every `pollMs` the runner reports each of its runs to the store (a heartbeat that
 *   also returns the cancel flag). A cancel request aborts the run's AbortSignal, which interrupts
 *   the running warehouse query; the run is completed as `cancelled`. Queued runs are cancelled
 *   without starting. `notifyCancel` shortcuts the poll for cancel requests made in this process.
 * - Failures: completed as `failed` with a cause and what to do (`describeRunFailure`), never a stack.
 * - Recovery: runs nobody reports for a while (their process stopped) are failed as interrupted, or,
 *   for runs that a Databricks job executes, taken over by `adopt` (the job goes on without us).
 *
 * Callers must have created the run with the caller-checked `createRun` (see lib/services/runs.ts);
 * the runner only runs what it is handed.
 */
import 'server-only';

import type { Kysely } from 'kysely';

import type { Database, RunError, RunProgressStep } from '@/db';
import { isAppError } from '@/lib/errors';
import { log } from '@/lib/log';
import {
  claimStaleRun,
  completeRun,
  isRunCancelRequested,
  listStaleRuns,
  markRunStarted,
  reportRunProgress,
  type RunCompletion,
  type RunDto,
} from '@/lib/services/runs';

import { describeRunFailure, INTERRUPTED, RunCancelled } from './run-failure';

export interface StepSpec {
  key: string;
  label: string;
  /** Share of the run's work (relative to the other steps); default 1. */
  weight?: number;
  /** Already done when the task starts (a job run taken over after a restart). */
  done?: boolean;
}

export interface RunContext {
  readonly runId: string;
  /** Aborted when the run is cancelled (pass it to every warehouse query and model call). */
  readonly signal: AbortSignal;
  /** Run one declared step: marks it running, then done (or failed), and moves the percentage. */
  step<T>(key: string, work: () => Promise<T>, message?: string): Promise<T>;
  /** Mark a declared step as skipped, with a message saying why. */
  skip(key: string, message?: string): Promise<void>;
  /** Say what is happening now, without changing the step. */
  message(text: string): Promise<void>;
  /** Set the percentage within the current step's share (0..1), for work that can tell. */
  within(fraction: number, message?: string): Promise<void>;
  /** Throws RunCancelled when the run was cancelled. */
  throwIfCancelled(): void;
}

/** What a run's work returns when it succeeds. */
export type RunSuccess = Omit<RunCompletion, 'status' | 'error'>;

export interface RunTask {
  runId: string;
  /** `work` takes one of the runner's slots; `wait` only waits for something else (a Databricks job). */
  lane: 'work' | 'wait';
  steps: StepSpec[];
  execute(ctx: RunContext): Promise<RunSuccess>;
}

export interface LocalRunnerOptions {
  /** The rule store; default: the process's store. */
  db?: Kysely<Database>;
  /** Runs doing work at once (1 or 2 on a laptop). */
  concurrency: number;
  /** How often cancel flags are read and runs are reported as alive (ms). */
  pollMs?: number;
  /** A run nobody reported for this long is considered abandoned by a stopped process (ms). */
  staleAfterMs?: number;
  /** At start, runs not reported for this long are already abandoned (the process just started) (ms). */
  startupGraceMs?: number;
  /** How often abandoned runs are looked for (ms). */
  sweepEveryMs?: number;
  /**
   * A task that takes over an abandoned run instead of failing it (a Databricks job goes on without
   * the app); null fails it as interrupted.
   */
  adopt?: (run: RunDto) => RunTask | null | Promise<RunTask | null>;
}

interface Entry {
  task: RunTask;
  controller: AbortController;
  /** Set when the runner stopped it for a reason other than a cancel request. */
  lost?: string;
  cancelledBy?: string | null;
}

const DEFAULTS = { pollMs: 1000, staleAfterMs: 60_000, startupGraceMs: 5_000, sweepEveryMs: 30_000 };

export class LocalRunner {
  readonly #options: Required<Omit<LocalRunnerOptions, 'db' | 'adopt'>> & Pick<LocalRunnerOptions, 'db' | 'adopt'>;
  readonly #queued: Entry[] = [];
  readonly #active = new Map<string, Entry>();
  readonly #idleWaiters: (() => void)[] = [];
  #timer: ReturnType<typeof setInterval> | null = null;
  #ticking = false;
  #lastSweep = 0;
  #stopped = false;

  constructor(options: LocalRunnerOptions) {
    this.#options = { ...DEFAULTS, ...options, concurrency: Math.max(1, Math.floor(options.concurrency)) };
  }

  get #deps() {
    return { db: this.#options.db };
  }

  /** Start the poll timer and recover the runs a previous process left behind. */
  async start(): Promise<{ failed: string[]; adopted: string[] }> {
    this.#ensureTimer();
    const recovered = await this.recover(new Date(Date.now() - this.#options.startupGraceMs));
    this.#lastSweep = Date.now();
    return recovered;
  }

  /** Hand the runner a run that `createRun` recorded (queued). It starts when a slot is free. */
  enqueue(task: RunTask): void {
    if (this.#stopped) throw new Error('The runner has been stopped.');
    if (this.#active.has(task.runId) || this.#queued.some((e) => e.task.runId === task.runId)) return;
    this.#queued.push({ task, controller: new AbortController() });
    this.#ensureTimer();
    this.#pump();
  }

  /** A cancel request for `runId` was recorded in this process: act on it now instead of at the next poll. */
  notifyCancel(runId: string): void {
    const active = this.#active.get(runId);
    if (active) {
      active.controller.abort(new RunCancelled());
      return;
    }
    const index = this.#queued.findIndex((e) => e.task.runId === runId);
    if (index >= 0) {
      const [entry] = this.#queued.splice(index, 1);
      void this.#finishCancelled(entry!, 'Cancelled before it started.');
    }
  }

  /** Whether this runner holds the run (queued or running). */
  holds(runId: string): boolean {
    return this.#active.has(runId) || this.#queued.some((e) => e.task.runId === runId);
  }

  /** Resolves when nothing is queued or running (tests, shutdown). */
  idle(): Promise<void> {
    if (this.#queued.length === 0 && this.#active.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Stop polling and abort whatever runs (they are completed as failed: interrupted). */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    for (const entry of this.#queued.splice(0)) await this.#finish(entry, { status: 'failed', error: INTERRUPTED });
    for (const entry of this.#active.values()) {
      entry.lost = 'stopped';
      entry.controller.abort(new Error('The runner was stopped.'));
    }
    await this.idle();
  }

  /**
   * Fail (or adopt) unfinished runs not reported since `before`, except the ones this runner holds.
   * Returns their ids.
   */
  async recover(before: Date = new Date(Date.now() - this.#options.staleAfterMs)): Promise<{ failed: string[]; adopted: string[] }> {
    const failed: string[] = [];
    const adopted: string[] = [];
    const stale = await listStaleRuns(before, this.#deps);
    for (const run of stale) {
      if (this.holds(run.id)) continue;
      const claimed = await claimStaleRun(run.id, before, this.#deps);
      if (!claimed) continue;
      const task = (await this.#options.adopt?.(claimed)) ?? null;
      if (task && !this.#stopped) {
        adopted.push(run.id);
        this.#adoptRunning(task);
        continue;
      }
      try {
        await completeRun(run.id, { status: 'failed', error: INTERRUPTED, message: INTERRUPTED.message }, this.#deps);
        failed.push(run.id);
      } catch (error) {
        if (!(isAppError(error) && error.code === 'conflict')) throw error;
      }
    }
    if (failed.length || adopted.length) log.info('runs recovered after a restart', { failed, adopted });
    return { failed, adopted };
  }

  #ensureTimer(): void {
    if (this.#timer || this.#stopped) return;
    this.#timer = setInterval(() => void this.#tick(), this.#options.pollMs);
    this.#timer.unref?.();
  }

  /** A run that is already running elsewhere (a job): track it without marking it started again. */
  #adoptRunning(task: RunTask): void {
    const entry: Entry = { task, controller: new AbortController() };
    this.#active.set(task.runId, entry);
    this.#ensureTimer();
    void this.#execute(entry, { alreadyStarted: true });
  }

  #pump(): void {
    const working = [...this.#active.values()].filter((e) => e.task.lane === 'work').length;
    let free = this.#options.concurrency - working;
    for (let i = 0; i < this.#queued.length; ) {
      const entry = this.#queued[i]!;
      if (entry.task.lane === 'work') {
        if (free <= 0) {
          i++;
          continue;
        }
        free--;
      }
      this.#queued.splice(i, 1);
      this.#active.set(entry.task.runId, entry);
      void this.#execute(entry, { alreadyStarted: false });
    }
  }

  async #tick(): Promise<void> {
    if (this.#ticking) return;
    this.#ticking = true;
    try {
      for (const entry of [...this.#active.values(), ...this.#queued]) {
        if (entry.controller.signal.aborted) continue;
        try {
          const { cancelRequested } = await reportRunProgress(entry.task.runId, {}, this.#deps);
          if (cancelRequested) this.notifyCancel(entry.task.runId);
        } catch (error) {
          if (isAppError(error) && error.code === 'conflict') {
            // Finished by someone else (recovery in another process, say): stop working on it.
            entry.lost = 'finished elsewhere';
            const index = this.#queued.indexOf(entry);
            if (index >= 0) this.#queued.splice(index, 1);
            entry.controller.abort(new Error('The run was finished elsewhere.'));
            this.#settle();
          } else {
            log.warn('run heartbeat failed', { runId: entry.task.runId, error });
          }
        }
      }
      if (Date.now() - this.#lastSweep >= this.#options.sweepEveryMs) {
        this.#lastSweep = Date.now();
        await this.recover().catch((error: unknown) => log.warn('run recovery sweep failed', { error }));
      }
    } finally {
      this.#ticking = false;
    }
  }

  async #execute(entry: Entry, { alreadyStarted }: { alreadyStarted: boolean }): Promise<void> {
    const { task } = entry;
    const runId = task.runId;
    try {
      if (!alreadyStarted) {
        if (await isRunCancelRequested(runId, this.#deps)) {
          await this.#finishCancelled(entry, 'Cancelled before it started.');
          return;
        }
        const steps: RunProgressStep[] = task.steps.map((s) => ({ key: s.key, label: s.label, status: s.done ? 'done' : 'pending' }));
        try {
          await markRunStarted(runId, { percent: 0, message: 'Starting…', steps }, this.#deps);
        } catch (error) {
          if (isAppError(error) && error.code === 'conflict') return; // finished meanwhile (cancelled, recovered)
          throw error;
        }
      }
      const ctx = new TaskContext(task, entry.controller.signal, this.#deps);
      const result = await task.execute(ctx);
      if (entry.controller.signal.aborted) throw entry.controller.signal.reason ?? new RunCancelled();
      await this.#finish(entry, { status: 'succeeded', ...result, message: result.message ?? 'Finished.' });
    } catch (error) {
      if (entry.lost === 'finished elsewhere') return;
      if (entry.lost === 'stopped') {
        await this.#finish(entry, { status: 'failed', error: INTERRUPTED, message: INTERRUPTED.message });
      } else if (error instanceof RunCancelled || (entry.controller.signal.aborted && entry.controller.signal.reason instanceof RunCancelled)) {
        await this.#finishCancelled(entry, 'Cancelled while running.');
      } else {
        const runError: RunError = describeRunFailure(error, runId);
        if (runError.code === 'internal' || runError.code === 'warehouse_error') log.error('run failed', { runId, error });
        else log.info('run failed', { runId, code: runError.code, message: runError.message });
        await this.#finish(entry, { status: 'failed', error: runError, message: runError.message });
      }
    } finally {
      this.#active.delete(runId);
      this.#pump();
      this.#settle();
    }
  }

  async #finishCancelled(entry: Entry, message: string): Promise<void> {
    await this.#finish(entry, { status: 'cancelled', message });
    this.#settle();
  }

  async #finish(entry: Entry, completion: RunCompletion): Promise<void> {
    try {
      await completeRun(entry.task.runId, completion, this.#deps);
    } catch (error) {
      if (isAppError(error) && error.code === 'conflict') return; // already finished
      log.error('could not record the end of a run', { runId: entry.task.runId, status: completion.status, error });
      if (completion.status === 'succeeded') {
        // e.g. an output the store refuses: record the failure instead of leaving the run running
        await completeRun(
          entry.task.runId,
          { status: 'failed', error: describeRunFailure(error, entry.task.runId) },
          this.#deps,
        ).catch(() => undefined);
      }
    }
  }

  #settle(): void {
    if (this.#queued.length === 0 && this.#active.size === 0) {
      for (const resolve of this.#idleWaiters.splice(0)) resolve();
    }
  }
}

/** The RunContext of one run: step bookkeeping written to the store as it goes. */
class TaskContext implements RunContext {
  readonly #steps: (StepSpec & { status: RunProgressStep['status'] })[];
  readonly #total: number;
  #current: string | null = null;

  constructor(
    private readonly task: RunTask,
    readonly signal: AbortSignal,
    private readonly deps: { db?: Kysely<Database> },
  ) {
    this.#steps = task.steps.map((s) => ({ ...s, status: s.done ? 'done' : 'pending' }));
    this.#total = this.#steps.reduce((sum, s) => sum + (s.weight ?? 1), 0) || 1;
  }

  get runId(): string {
    return this.task.runId;
  }

  throwIfCancelled(): void {
    if (this.signal.aborted) throw this.signal.reason instanceof RunCancelled ? this.signal.reason : new RunCancelled();
  }

  #find(key: string) {
    const step = this.#steps.find((s) => s.key === key);
    if (!step) throw new Error(`Run step "${key}" was not declared.`);
    return step;
  }

  /** Percent of the work done: finished steps (done or skipped) plus `fraction` of the current one. */
  #percent(fraction = 0): number {
    let done = 0;
    for (const s of this.#steps) {
      if (s.status === 'done' || s.status === 'skipped') done += s.weight ?? 1;
      else if (s.key === this.#current) done += (s.weight ?? 1) * Math.min(1, Math.max(0, fraction));
    }
    return Math.min(99, Math.floor((100 * done) / this.#total));
  }

  async #report(message?: string, fraction = 0): Promise<void> {
    try {
      const { cancelRequested } = await reportRunProgress(
        this.runId,
        {
          percent: this.#percent(fraction),
          steps: this.#steps.map((s) => ({ key: s.key, label: s.label, status: s.status })),
          ...(message === undefined ? {} : { message }),
        },
        this.deps,
      );
      if (cancelRequested && !this.signal.aborted) throw new RunCancelled();
    } catch (error) {
      if (isAppError(error) && error.code === 'conflict') throw new RunCancelled();
      throw error;
    }
  }

  async step<T>(key: string, work: () => Promise<T>, message?: string): Promise<T> {
    this.throwIfCancelled();
    const step = this.#find(key);
    step.status = 'running';
    this.#current = key;
    await this.#report(message ?? `${step.label}…`);
    try {
      const result = await work();
      this.throwIfCancelled();
      step.status = 'done';
      this.#current = null;
      await this.#report();
      return result;
    } catch (error) {
      step.status = this.signal.aborted ? 'pending' : 'failed';
      // best effort: show which step failed (the completion carries the message)
      await reportRunProgress(
        this.runId,
        { steps: this.#steps.map((s) => ({ key: s.key, label: s.label, status: s.status })) },
        this.deps,
      ).catch(() => undefined);
      throw error;
    }
  }

  async skip(key: string, message?: string): Promise<void> {
    this.throwIfCancelled();
    this.#find(key).status = 'skipped';
    await this.#report(message);
  }

  async message(text: string): Promise<void> {
    this.throwIfCancelled();
    await this.#report(text);
  }

  async within(fraction: number, message?: string): Promise<void> {
    this.throwIfCancelled();
    await this.#report(message, fraction);
  }
}
