/**
 * Reading a DQX checks file sent to the server (import of a YAML or JSON file), off the request
 * thread: the engine's reader (lib/dqx/checks-file.ts, with its own limits on size, nesting and
 * aliases) runs in a worker thread with a time limit and a memory limit of its own, so no file,
 * however it is built, holds the event loop or the process's memory: past READ_TIME_LIMIT_MS the
 * worker is stopped and the file refused (400); a worker that runs out of its heap is stopped and
 * the file refused; the next file gets a fresh worker.
 *
 * One worker, started on first use and kept; files queue for it (at most QUEUE_MAX, then 503).
 */
import 'server-only';

import { fileURLToPath } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';

import { ChecksFormatError } from '@/lib/dqx';
import { badRequest, unavailable } from '@/lib/errors';
import { log } from '@/lib/log';

import type { ParseReply, ParseRequest } from './worker';

/**
 * Longest a file may take to read (the worker's start-up is not counted). An ordinary file of 1,000
 * rules takes about 0.1 s on an idle machine and 1-2 s on a saturated one; the limit only has to end
 * what would otherwise hold the reader for good.
 */
export const READ_TIME_LIMIT_MS = 10_000;
/** Heap of the reader's worker. */
export const READ_MEMORY_LIMIT_MB = 256;
const QUEUE_MAX = 16;
const LIMITS: ResourceLimits = {
  maxOldGenerationSizeMb: READ_MEMORY_LIMIT_MB,
  maxYoungGenerationSizeMb: 32,
  stackSizeMb: 4,
};

interface Job {
  request: ParseRequest;
  timeLimitMs: number;
  resolve: (checks: unknown[]) => void;
  reject: (error: unknown) => void;
}

/** The worker: bundled by Next.js from ./worker.ts; from the TypeScript sources (tests, tsx) through tsx. */
function spawnWorker(): Worker {
  if (import.meta.url.endsWith('.ts')) {
    const entry = fileURLToPath(import.meta.url).replace(/reader\.ts$/, 'worker.ts');
    return new Worker(`require('tsx/cjs'); require(${JSON.stringify(entry)});`, {
      eval: true,
      resourceLimits: LIMITS,
    });
  }
  return new Worker(new URL('./worker.ts', import.meta.url), { resourceLimits: LIMITS });
}

class ChecksFileReader {
  #worker: Worker | undefined;
  #online = false;
  #queue: Job[] = [];
  #current: { job: Job; timer: ReturnType<typeof setTimeout> | undefined } | undefined;
  #nextId = 1;

  read(text: string, format: 'yaml' | 'json' | undefined, timeLimitMs: number): Promise<unknown[]> {
    if (this.#queue.length >= QUEUE_MAX) {
      return Promise.reject(
        unavailable('Too many checks files are being read right now; try again in a moment.', undefined, 2),
      );
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({ request: { id: this.#nextId++, text, format }, timeLimitMs, resolve, reject });
      this.#pump();
    });
  }

  #ensureWorker(): Worker {
    if (this.#worker) return this.#worker;
    const worker = spawnWorker();
    worker.unref();
    this.#worker = worker;
    this.#online = false;
    worker.on('online', () => {
      this.#online = true;
      this.#startTimer();
    });
    worker.on('message', (reply: ParseReply) => this.#settle(reply));
    worker.on('error', (error: Error & { code?: string }) => {
      const outOfMemory = error.code === 'ERR_WORKER_OUT_OF_MEMORY';
      if (!outOfMemory) log.warn('checks-file reader failed', { error });
      if (this.#worker === worker) this.#worker = undefined;
      this.#fail(
        outOfMemory
          ? badRequest(`The checks file is refused: reading it needs more than ${READ_MEMORY_LIMIT_MB} MB.`)
          : new Error('The checks-file reader stopped.', { cause: error }),
      );
    });
    worker.on('exit', () => {
      if (this.#worker === worker) {
        this.#worker = undefined;
        this.#fail(new Error('The checks-file reader stopped.'));
      }
    });
    return worker;
  }

  #pump(): void {
    if (this.#current || this.#queue.length === 0) return;
    const job = this.#queue.shift()!;
    this.#current = { job, timer: undefined };
    const worker = this.#ensureWorker();
    worker.postMessage(job.request);
    if (this.#online) this.#startTimer();
  }

  #startTimer(): void {
    const current = this.#current;
    if (!current || current.timer) return;
    current.timer = setTimeout(() => {
      const worker = this.#worker;
      this.#worker = undefined;
      this.#fail(
        badRequest(
          `The checks file is refused: reading it took longer than ${current.job.timeLimitMs / 1000} s.`,
        ),
      );
      void worker?.terminate();
    }, current.job.timeLimitMs);
    current.timer.unref?.();
  }

  #settle(reply: ParseReply): void {
    const current = this.#current;
    if (!current || current.job.request.id !== reply.id) return;
    this.#finish();
    if (reply.ok) current.job.resolve(reply.checks);
    else if (reply.kind === 'format')
      current.job.reject(new ChecksFormatError(reply.message, reply.line, reply.column));
    else current.job.reject(new Error(`The checks file could not be read: ${reply.message}`));
    this.#pump();
  }

  #fail(error: unknown): void {
    const current = this.#current;
    if (!current) return;
    this.#finish();
    current.job.reject(error);
    this.#pump();
  }

  #finish(): void {
    if (this.#current?.timer) clearTimeout(this.#current.timer);
    this.#current = undefined;
  }
}

const KEY = Symbol.for('dqx.checksFileReader');
type Holder = { [KEY]?: ChecksFileReader };

/**
 * The checks of a DQX checks file, read in the reader's worker. Throws ChecksFormatError for a file
 * that is not valid or exceeds the engine's limits, a 400 AppError past the time or memory limit.
 */
export function readChecksFile(
  text: string,
  format?: 'yaml' | 'json',
  options: { timeLimitMs?: number } = {},
): Promise<unknown[]> {
  const holder = globalThis as Holder;
  holder[KEY] ??= new ChecksFileReader();
  return holder[KEY].read(text, format, options.timeLimitMs ?? READ_TIME_LIMIT_MS);
}

/**
 * The checks of a DQX checks file sent by a caller, with a file that cannot be read refused as a
 * 400 that says where (`what`: how the message names the text, e.g. "The checks file" or
 * "rules_yaml"). The same reader, limits and messages for an imported file and for draft rules
 * sent as YAML.
 */
export async function readChecksOr400(text: string, format: 'yaml' | 'json' | undefined, what: string, field?: string): Promise<unknown[]> {
  try {
    return await readChecksFile(text, format);
  } catch (error) {
    if (error instanceof ChecksFormatError) {
      const at = error.line ? ` (line ${error.line}${error.column ? `, column ${error.column}` : ''})` : '';
      const message = `${what} cannot be read${at}: ${error.message}`;
      throw badRequest(message, field ? { issues: [{ path: field, message }] } : undefined);
    }
    throw error;
  }
}
