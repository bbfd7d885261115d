/**
 * The local scheduler (local mode; issue 15 item 2): in-process, started from instrumentation.ts,
 * durable in the store (`dq_schedules`). On every tick (DQX_SCHEDULER_TICK_MS) it:
 *
 * 1. looks for schedules not paused whose `next_run_at` has come, and for each takes the LATEST
 *    slot at or before now: a slot missed while the app was down runs once when it is back, and
 *    older missed slots are skipped, never run one after another;
 * 2. claims that slot with one conditional UPDATE (`last_slot < slot`), so of two processes on one
 *    store (or two ticks) exactly one starts a run for it; then starts the run (`startRun`, an
 *    ordinary validation run) and records it with the schedule;
 * 3. writes the outputs of finished scheduled runs (`writeOutputs`), claimed the same way, so
 *    outputs are written once, by whichever process sees the run finished first.
 *
 * A restart in the middle of a run: the run is failed as interrupted by the runner's recovery
 * (lib/jobs/local/recovery.ts, only runs whose owning process is gone); its outputs are then
 * skipped, and the next slot runs as usual. A process that stops between claiming a slot and
 * starting its run loses that slot (never runs it twice): the next slot runs.
 *
 * The clock and the tick are injectable: tests call `tick()` with a clock they move, no sleeps.
 * No 'server-only' marker: plain store access through the repository and the injected functions.
 */
import type { Kysely } from 'kysely';

import type { Database, RunStatus, Schedule, ScheduleOutputsStatus } from '@/db';
import * as runs from '@/db/repositories/runs';
import * as repo from '@/db/repositories/schedules';
import { log } from '@/lib/log';

import { latestSlot, nextSlot } from '../cron';

export interface LocalSchedulerOptions {
  db: Kysely<Database>;
  /** The clock (tests move it); default: the system clock. */
  now?: () => Date;
  /** How often `tick` runs by itself after `start()` (ms). */
  tickMs?: number;
  /** Start the run of a claimed slot; returns the run id. */
  startRun(schedule: Schedule, slot: Date): Promise<string>;
  /** Write the outputs of a succeeded run; a text result is kept as the message (anything else as JSON). */
  writeOutputs(schedule: Schedule, runId: string): Promise<unknown>;
}

export interface TickReport {
  started: { table: string; slot: string; runId: string }[];
  /** Slots claimed whose run could not start (why). */
  failedToStart: { table: string; slot: string; error: string }[];
  outputs: { table: string; runId: string; status: ScheduleOutputsStatus; message: string | null }[];
}

const UNFINISHED = new Set<RunStatus>(['queued', 'running']);

function safeNext(schedule: Pick<Schedule, 'cron' | 'timezone'>, after: Date): Date | null {
  try {
    return nextSlot(schedule.cron, schedule.timezone, after);
  } catch {
    return null;
  }
}

export class LocalScheduler {
  readonly #options: LocalSchedulerOptions;
  #timer: ReturnType<typeof setInterval> | null = null;
  #ticking: Promise<TickReport> | null = null;

  constructor(options: LocalSchedulerOptions) {
    this.#options = options;
  }

  #now(): Date {
    return this.#options.now ? this.#options.now() : new Date();
  }

  /** Tick now and then every `tickMs`. */
  start(): void {
    if (this.#timer) return;
    void this.tick().catch((error: unknown) => log.warn('scheduler tick failed', { error }));
    this.#timer = setInterval(() => {
      void this.tick().catch((error: unknown) => log.warn('scheduler tick failed', { error }));
    }, this.#options.tickMs ?? 15_000);
    this.#timer.unref?.();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** One pass: start due slots, write finished runs' outputs. Ticks of one scheduler never overlap. */
  tick(): Promise<TickReport> {
    this.#ticking ??= this.#tick().finally(() => {
      this.#ticking = null;
    });
    return this.#ticking;
  }

  async #tick(): Promise<TickReport> {
    const { db } = this.#options;
    const now = this.#now();
    const report: TickReport = { started: [], failedToStart: [], outputs: [] };
    for (const schedule of await repo.listDue(db, now)) {
      let slot: Date | null;
      try {
        slot = latestSlot(schedule.cron, schedule.timezone, now);
      } catch (error) {
        log.warn('a schedule has an expression that no longer parses; it is not run', { table: schedule.table_name, error });
        await repo.setNextRun(db, schedule.table_name, null);
        continue;
      }
      const next = safeNext(schedule, now);
      if (!slot || (schedule.last_slot && slot.getTime() <= new Date(schedule.last_slot).getTime())) {
        // nothing new to run (claimed already, here or elsewhere): only move the next run on
        await repo.setNextRun(db, schedule.table_name, next);
        continue;
      }
      const claimed = await repo.claimSlot(db, schedule.table_name, slot, next);
      if (!claimed) continue; // another process (or tick) took it
      try {
        const runId = await this.#options.startRun(claimed, slot);
        const withOutputs = !!(claimed.quarantine_table || claimed.valid_table || claimed.metrics_table);
        await repo.recordRun(db, claimed.table_name, runId, now, withOutputs);
        report.started.push({ table: claimed.table_name, slot: slot.toISOString(), runId });
        log.info('scheduled run started', { table: claimed.table_name, slot: slot.toISOString(), runId });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        await repo.recordStartFailure(db, claimed.table_name, now, `The scheduled run could not start: ${message}`);
        report.failedToStart.push({ table: claimed.table_name, slot: slot.toISOString(), error: message });
        log.warn('scheduled run could not start', { table: claimed.table_name, slot: slot.toISOString(), error });
      }
    }
    for (const schedule of await repo.listPendingOutputs(db)) {
      const runId = schedule.outputs_run_id!;
      const run = await runs.findRun(db, runId);
      if (run && UNFINISHED.has(run.status)) continue;
      if (!(await repo.claimOutputs(db, schedule.table_name, runId))) continue;
      let status: ScheduleOutputsStatus;
      let message: string | null;
      if (run?.status !== 'succeeded') {
        status = 'skipped';
        message = `No outputs: the run ${run ? run.status : 'is no longer recorded'}.`;
      } else {
        try {
          const result = await this.#options.writeOutputs(schedule, runId);
          status = 'written';
          message = result === undefined ? null : typeof result === 'string' ? result : JSON.stringify(result);
        } catch (error) {
          status = 'failed';
          message = `The outputs could not be written: ${error instanceof Error ? error.message : String(error)}`;
          log.warn('scheduled run outputs not written', { table: schedule.table_name, runId, error });
        }
      }
      await repo.recordOutputs(db, schedule.table_name, runId, status, message);
      report.outputs.push({ table: schedule.table_name, runId, status, message });
    }
    return report;
  }
}
