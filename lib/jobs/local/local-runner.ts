/**
 * The in-process runner: executes runs recorded in the rule store (generation, validation, and the
 * tracking of Databricks job runs) in the server process, independent of the request that started
 * them, so a run survives closing the page.
 *
 * - A small queue: at most `concurrency` runs do work in this process at once (lane `work`: DuckDB
 *   in local mode); runs that only wait for something else, a Databricks job or a SQL warehouse
 *   (lane `wait`), do not take a slot. A free slot goes to the queued run whose owner has the
 *   fewest runs working, so one user's queue does not hold everyone else's runs back. (How many
 *   runs a user may have at all is limited when they are created: DQX_RUNS_PER_USER.)
 * - Progress: each run declares its steps (key, label, weight); the run's work reports them through
 *   its RunContext and the runner writes them, with a percentage and a message, to the store.
 * - Cancellation: every `pollMs` the runner reports each of its runs to the store (a heartbeat that
 *   also returns the cancel flag). A cancel request aborts the run's AbortSignal, which interrupts
 *   the running warehouse query; the run is completed as `cancelled`. Queued runs are cancelled
 *   without starting. `notifyCancel` shortcuts the poll for cancel requests made in this process.
 * - Failures: completed as `failed` with a cause and what to do (`describeRunFailure`), never a stack.
 * - Owners: the runner registers as an owner (./run-owners.ts: instance id, host, process id) and
 *   refreshes its heartbeat every `heartbeatMs`; each run it is handed records it as its owner.
 * - Recovery: runs whose owner is gone (heartbeat older than `staleAfterMs`, or a process on this
 *   host that is no longer there) are failed as interrupted, or, for runs that a Databricks job
 *   executes, taken over by `adopt` (the job goes on without us). Runs of a live owner, in this
 *   process or another, are left alone.
 *
 * Callers must have created the run with the caller-checked `createRun` (see lib/services/runs.ts);
 * the runner only runs what it is handed.
 */
import 'server-only';

import type { Kysely } from 'kysely';

import { getStore, type Database, type RunError, type RunProgressStep } from '@/db';
import * as owners from '@/db/repositories/run-owners';
import { isAppError } from '@/lib/errors';
import { log } from '@/lib/log';
import {
  completeRun,
  isRunCancelRequested,
  markRunStarted,
  reportRunProgress,
  runDto,
  type RunCompletion,
  type RunDto,
} from '@/lib/services/runs';

import { describeRunFailure, INTERRUPTED, RunCancelled } from './run-failure';
import { newOwnerIdentity, ownerIsGone, processExists, type OwnerIdentity } from './run-owners';

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

/** A run needs at least this much of its user's token left to start. */
const TOKEN_MARGIN_MS = 30_000;
const SIGN_IN_EXPIRED: RunError = {
  code: 'sign_in_expired',
  message: 'Your sign-in expired while the run was waiting to start, so it was not started.',
  action: 'Reload the page to sign in again, then start the run again.',
};

export interface RunTask {
  runId: string;
  /** `work` takes one of the runner's slots; `wait` only waits for something else (a Databricks job, a SQL warehouse). */
  lane: 'work' | 'wait';
  /** Who started the run: free slots are shared fairly between owners. */
  owner?: string;
  /**
   * When the token of the user whose permissions the run works with stops being accepted (ms):
   * a run still queued by then fails at once, saying to sign in again, instead of starting work
   * that the warehouse would refuse halfway.
   */
  tokenExpiresAt?: number;
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
  /** An owner whose heartbeat is older than this is gone, and its runs abandoned (ms): DQX_RUN_OWNER_GRACE_SECONDS. */
  staleAfterMs?: number;
  /** At start, runs without an owner not updated for this long are abandoned (ms); later, `staleAfterMs`. */
  startupGraceMs?: number;
  /** How often the runner refreshes its heartbeat as an owner (ms); default a quarter of `staleAfterMs`, at most 5 s. */
  heartbeatMs?: number;
  /** This runner as an owner; default: a new instance of this process (tests stand for other processes). */
  owner?: Partial<OwnerIdentity>;
  /** Whether a process id exists on this host (tests). */
  processExists?: (pid: number) => boolean;
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
/** Owners that stopped this long ago and own no unfinished run are forgotten. */
const FORGET_OWNERS_AFTER_MS = 24 * 3600 * 1000;

type Options = Required<Omit<LocalRunnerOptions, 'db' | 'adopt' | 'owner' | 'processExists' | 'heartbeatMs'>> &
  Pick<LocalRunnerOptions, 'db' | 'adopt'> & { heartbeatMs: number };

export class LocalRunner {
  readonly #options: Options;
  readonly #owner: OwnerIdentity;
  readonly #exists: (pid: number) => boolean;
  readonly #queued: Entry[] = [];
  readonly #active = new Map<string, Entry>();
  readonly #idleWaiters: (() => void)[] = [];
  /** When each owner last got a slot (a counter), for taking turns. */
  readonly #lastTurn = new Map<string, number>();
  #turns = 0;
  #timer: ReturnType<typeof setInterval> | null = null;
  #ticking = false;
  #lastSweep = 0;
  #lastHeartbeat = 0;
  #registered: Promise<void> | undefined;
  #stopped = false;

  constructor(options: LocalRunnerOptions) {
    const staleAfterMs = options.staleAfterMs ?? DEFAULTS.staleAfterMs;
    this.#options = {
      ...DEFAULTS,
      ...options,
      concurrency: Math.max(1, Math.floor(options.concurrency)),
      heartbeatMs: options.heartbeatMs ?? Math.min(5_000, Math.max(10, Math.floor(staleAfterMs / 4))),
    };
    this.#owner = newOwnerIdentity(options.owner);
    this.#exists = options.processExists ?? processExists;
  }

  get #deps() {
    return { db: this.#options.db };
  }

  /** This runner's owner id (recorded with every run it executes). */
  get ownerId(): string {
    return this.#owner.id;
  }

  async #db(): Promise<Kysely<Database>> {
    return this.#options.db ?? (await getStore());
  }

  /** Register as an owner once (the row every run this runner takes refers to). */
  #ensureRegistered(): Promise<void> {
    this.#registered ??= (async () => {
      await owners.registerOwner(await this.#db(), this.#owner);
      this.#lastHeartbeat = Date.now();
    })().catch((error: unknown) => {
      this.#registered = undefined;
      throw error;
    });
    return this.#registered;
  }

  /** Register as an owner, start the poll timer, and recover the runs whose owner is gone. */
  async start(): Promise<{ failed: string[]; adopted: string[] }> {
    await this.#ensureRegistered();
    this.#ensureTimer();
    const recovered = await this.recover({ unownedGraceMs: this.#options.startupGraceMs });
    this.#lastSweep = Date.now();
    return recovered;
  }

  /** Hand the runner a run that `createRun` recorded (queued). It starts when a slot is free. */
  enqueue(task: RunTask): void {
    if (this.#stopped) throw new Error('The runner has been stopped.');
    if (this.#active.has(task.runId) || this.#queued.some((e) => e.task.runId === task.runId)) return;
    this.#queued.push({ task, controller: new AbortController() });
    this.#take(task.runId);
    this.#ensureTimer();
    this.#pump();
  }

  /** Record this runner as the owner of a run it was handed. */
  #take(runId: string): void {
    void this.#ensureRegistered()
      .then(async () => owners.takeRun(await this.#db(), runId, this.#owner.id))
      .catch((error: unknown) => log.warn('could not record the owner of a run', { runId, error }));
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
    if (this.#registered) await owners.removeOwner(await this.#db(), this.#owner.id).catch(() => undefined);
  }

  /** Tests only: stop as a killed process would, without a word to the store (no heartbeat from now on). */
  async crashForTests(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#stopped = true;
    // a tick already under way could still write a heartbeat after this returns: let it end first
    while (this.#ticking) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  /**
   * Fail (or adopt) the unfinished runs whose owner is gone (see ./run-owners.ts), except the ones
   * this runner holds; the runs of live owners, here or in another process, are left alone. Runs
   * without an owner count as abandoned when not updated for `unownedGraceMs` (default
   * `staleAfterMs`). Returns their ids.
   */
  async recover(options: { unownedGraceMs?: number } = {}): Promise<{ failed: string[]; adopted: string[] }> {
    const failed: string[] = [];
    const adopted: string[] = [];
    const db = await this.#db();
    const candidates = await owners.listOrphanCandidates(db, {
      me: this.#owner.id,
      graceMs: this.#options.staleAfterMs,
      unownedGraceMs: options.unownedGraceMs ?? this.#options.staleAfterMs,
    });
    for (const candidate of candidates) {
      const run = candidate.run;
      if (this.holds(run.id) || !ownerIsGone(candidate, this.#owner, this.#exists)) continue;
      await this.#ensureRegistered();
      const taken = await owners.claimRun(db, run.id, candidate.owner?.id ?? null, this.#owner.id);
      if (!taken) continue;
      const claimed = runDto(taken);
      let task: RunTask | null = null;
      try {
        task = (await this.#options.adopt?.(claimed)) ?? null;
      } catch (error) {
        log.warn('could not take over an abandoned run; failing it', { runId: run.id, error });
      }
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
    // runs that only wait start at once
    for (let i = 0; i < this.#queued.length; ) {
      const entry = this.#queued[i]!;
      if (entry.task.lane === 'work') {
        i++;
        continue;
      }
      this.#queued.splice(i, 1);
      this.#start(entry);
    }
    // free slots go, one at a time, to the queued run whose owner has the fewest runs working, and
    // among those to the owner whose last run started longest ago (turns, not first come first served)
    const owner = (e: Entry) => e.task.owner ?? '';
    const working = new Map<string, number>();
    let busy = 0;
    for (const e of this.#active.values()) {
      if (e.task.lane !== 'work') continue;
      busy++;
      working.set(owner(e), (working.get(owner(e)) ?? 0) + 1);
    }
    const rank = (e: Entry): [number, number] => [working.get(owner(e)) ?? 0, this.#lastTurn.get(owner(e)) ?? -1];
    while (busy < this.#options.concurrency && this.#queued.length > 0) {
      let best = 0;
      for (let i = 1; i < this.#queued.length; i++) {
        const [load, turn] = rank(this.#queued[i]!);
        const [bestLoad, bestTurn] = rank(this.#queued[best]!);
        if (load < bestLoad || (load === bestLoad && turn < bestTurn)) best = i;
      }
      const [entry] = this.#queued.splice(best, 1);
      working.set(owner(entry!), (working.get(owner(entry!)) ?? 0) + 1);
      this.#lastTurn.set(owner(entry!), this.#turns++);
      busy++;
      this.#start(entry!);
    }
  }

  #start(entry: Entry): void {
    this.#active.set(entry.task.runId, entry);
    void this.#execute(entry, { alreadyStarted: false });
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
      if (this.#registered && Date.now() - this.#lastHeartbeat >= this.#options.heartbeatMs) {
        try {
          const db = await this.#db();
          if (!(await owners.heartbeatOwner(db, this.#owner.id))) await owners.registerOwner(db, this.#owner);
          this.#lastHeartbeat = Date.now();
        } catch (error) {
          log.warn('runner heartbeat failed', { error });
        }
      }
      if (Date.now() - this.#lastSweep >= this.#options.sweepEveryMs) {
        this.#lastSweep = Date.now();
        await this.recover().catch((error: unknown) => log.warn('run recovery sweep failed', { error }));
        await owners
          .removeGoneOwners(await this.#db(), FORGET_OWNERS_AFTER_MS)
          .catch((error: unknown) => log.warn('could not forget stopped runners', { error }));
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
        if (task.tokenExpiresAt !== undefined && Date.now() >= task.tokenExpiresAt - TOKEN_MARGIN_MS) {
          await this.#finish(entry, { status: 'failed', error: SIGN_IN_EXPIRED, message: SIGN_IN_EXPIRED.message });
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
