/**
 * One embedded DuckDB database per warehouse: an in-memory instance with the sample catalog file
 * attached read-only as `samples` and an in-memory catalog `local` holding views over the data
 * folder's files. Created lazily on first use; if start-up fails, the next call tries again.
 *
 * The first start does not wait for the big sample table. Building `samples.sales.orders` (a
 * million rows by default) takes tens of seconds on a small machine, and nothing else needs it, so:
 *
 * 1. every other sample table is written to a small file (about a second) and the serving instance
 *    starts with that file attached: the app answers at once;
 * 2. the full catalog file (every table, the big one included) is written in the background by a
 *    separate DuckDB instance on one thread, with its progress kept here (`sampleStatus()`) for the
 *    table picker and for every page or request that asks for the table in the meantime;
 * 3. when the file is complete, a new serving instance is opened on it, set up exactly like the
 *    first, and takes over: new queries go to it, queries still running on the old one finish there,
 *    and the old instance is closed when its last connection is.
 *
 * Why a new instance rather than attaching the file to the running one: the serving instance's
 * configuration is locked once it is set up (`lockDown()`: external access off, `lock_configuration`),
 * after which DuckDB refuses ATTACH of a file ("file system operations are disabled by
 * configuration", checked on DuckDB 1.5.6), and a writable attachment would let the serving instance
 * write to the sample catalog. Opening a fresh instance repeats the same locked set-up, so the
 * serving instance never has to change a setting after it is locked, and the builder never runs in
 * it. Later starts find the full file and attach it directly.
 *
 * The same goes for the data folder: a locked instance may open exactly the files that were in the
 * folder when it was set up (their real paths, DuckDB's `allowed_paths`) and nothing else, not even
 * other files of the folder. When a rescan finds a new file, a new serving instance is opened for
 * the new list of files and takes over in the same way. So rule SQL that reaches DuckDB, even past
 * the SQL checks, can read no file but the user's own tables, write none, attach no database, load
 * no extension and change no setting.
 */
import fs from 'node:fs';
import path from 'node:path';

import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

import { unavailable } from '@/lib/errors';
import { log } from '@/lib/log';
import { quoteIdent, quoteString } from '@/lib/sql/quote';

import {
  buildFullSampleCatalogFile,
  ensureSampleCatalogFile,
  sampleCatalogFile,
} from '../sample-catalog/build';
import { BACKGROUND_BUILD_MIN_ROWS, BIG_SAMPLE_TABLE, SAMPLE_CATALOG_NAME } from '../sample-catalog/tables';

import { LOCAL_CATALOG, LocalCatalog, readablePaths } from './local-files';

export { BACKGROUND_BUILD_MIN_ROWS };

export interface DuckDbOptions {
  /** The folder whose files appear in catalog `local`. */
  dataDir: string;
  /** Where the sample catalog file is kept. */
  stateDir: string;
  /** Build and attach the sample catalog. */
  sampleCatalog: boolean;
  /** Rows of the big sample table. */
  sampleBigRows: number;
  /** Rescan the data folder at most this often when listing (ms). */
  rescanIntervalMs?: number;
  /** Build the big table in the background from this many rows on (default BACKGROUND_BUILD_MIN_ROWS). */
  backgroundBuildMinRows?: number;
}

/** Where the sample catalog's big table stands. */
export type SampleCatalogStatus =
  | { state: 'ready' | 'off' }
  | { state: 'preparing'; table: string; rowsDone: number; rowsTotal: number; startedAt: number }
  | { state: 'failed'; table: string; message: string };

const BIG_TABLE_NAME = `${SAMPLE_CATALOG_NAME}.${BIG_SAMPLE_TABLE.schema}.${BIG_SAMPLE_TABLE.name}`;

/**
 * Lock a serving instance down once its catalogs are attached: it may open only `files` (and
 * DuckDB's own spill folder, which DuckDB always allows), install or load no extension, keep no
 * secret on disk, and no statement may change any of this (or any other setting) afterwards.
 */
export async function lockDown(conn: DuckDBConnection, files: readonly string[]): Promise<void> {
  const list = `[${files.map((f) => quoteString('duckdb', f)).join(', ')}]`;
  await conn.run(`SET allowed_paths = ${list}`);
  await conn.run(`SET allowed_directories = []`);
  await conn.run(`SET autoinstall_known_extensions = false`);
  await conn.run(`SET autoload_known_extensions = false`);
  await conn.run(`SET allow_community_extensions = false`);
  await conn.run(`SET allow_persistent_secrets = false`);
  await conn.run(`SET enable_external_access = false`);
  await conn.run(`SET lock_configuration = true`);
}

let writerQueue: Promise<unknown> = Promise.resolve();

export class DuckDbEngine {
  #local: LocalCatalog;
  #instance: DuckDBInstance | null = null;
  #starting: Promise<DuckDBInstance> | null = null;
  #closed = false;
  /** Open connections per instance, so a replaced instance is closed only when it is idle. */
  #users = new Map<DuckDBInstance, number>();
  #retired = new Set<DuckDBInstance>();
  /** Changes when a new instance takes over (listings may differ). */
  #generation = 0;
  #sample: SampleCatalogStatus;
  #background: Promise<void> | null = null;
  #abortBuild = new AbortController();
  /** The sample catalog file the serving instance attaches (null: none). */
  #samplesFile: string | null = null;
  /** A replacement instance being opened because the data folder gained files. */
  #reopening: Promise<void> | null = null;

  constructor(readonly options: DuckDbOptions) {
    this.#local = new LocalCatalog(options.dataDir, options.rescanIntervalMs ?? 1000);
    this.#sample = { state: options.sampleCatalog ? 'ready' : 'off' };
  }

  /** The `local` catalog of the instance that currently serves queries. */
  get local(): LocalCatalog {
    return this.#local;
  }

  get generation(): number {
    return this.#generation;
  }

  /** Whether the big sample table is there, being prepared (with progress), or failed to build. */
  sampleStatus(): SampleCatalogStatus {
    return this.#sample;
  }

  /** Resolves when the background build (if any) has finished or failed; for tests and tools. */
  async whenSampleCatalogSettled(): Promise<void> {
    await this.instance();
    await this.#background;
  }

  /** The started instance (starting it on first call). */
  async instance(): Promise<DuckDBInstance> {
    if (this.#instance) return this.#instance;
    if (this.#closed) throw unavailable('The local warehouse has been shut down.');
    this.#starting ??= this.#start().then(
      (instance) => {
        this.#instance = instance;
        return instance;
      },
      (error: unknown) => {
        this.#starting = null;
        throw error;
      },
    );
    return this.#starting;
  }

  async #start(): Promise<DuckDBInstance> {
    const { stateDir, sampleCatalog, sampleBigRows } = this.options;
    let file: string | null = null;
    let buildLater = false;
    if (sampleCatalog) {
      try {
        const full = sampleCatalogFile({ stateDir, bigRows: sampleBigRows, part: 'full' });
        if (fs.existsSync(full)) {
          file = full;
        } else if (sampleBigRows < (this.options.backgroundBuildMinRows ?? BACKGROUND_BUILD_MIN_ROWS)) {
          const built = await buildFullSampleCatalogFile({ stateDir, bigRows: sampleBigRows });
          this.#logBuilt(built, 'sample catalog built');
          file = built.file;
        } else {
          const built = await this.#withBuilder((conn) =>
            ensureSampleCatalogFile(conn, { stateDir, bigRows: sampleBigRows, part: 'small' }),
          );
          this.#logBuilt(built, 'sample catalog: small tables built');
          file = built.file;
          buildLater = true;
        }
      } catch (error) {
        throw unavailable(
          `Could not build the sample catalog in ${stateDir}. Check that the folder is writable (DQX_STATE_DIR), or set DQX_SAMPLE_CATALOG=false.`,
          error,
        );
      }
    }
    this.#samplesFile = file;
    const { instance, local } = await this.#open(file);
    this.#local = local;
    if (buildLater) this.#buildInBackground();
    return instance;
  }

  #logBuilt(built: { file: string; built: boolean; millis: number }, message: string) {
    if (built.built)
      log.info(message, { file: built.file, millis: built.millis, bigRows: this.options.sampleBigRows });
  }

  async #withBuilder<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    try {
      const conn = await instance.connect();
      try {
        return await fn(conn);
      } finally {
        conn.closeSync();
      }
    } finally {
      instance.closeSync();
    }
  }

  /**
   * A serving instance: the sample catalog file (if any) attached read-only as `samples`, then the
   * configuration locked to the data folder's current files (`lockDown()`), then the views of
   * `local` over them. Every serving instance is set up here, the first one and any that replaces
   * it, so they are configured alike.
   */
  async #open(
    samplesFile: string | null,
    writable: readonly { file: string; alias: string }[] = [],
  ): Promise<{ instance: DuckDBInstance; local: LocalCatalog }> {
    const { dataDir, stateDir } = this.options;
    // Spill files of large queries go to the state folder, not to the working directory.
    const instance = await DuckDBInstance.create(':memory:', { temp_directory: path.join(stateDir, 'tmp') });
    const conn = await instance.connect();
    let local: LocalCatalog;
    try {
      await conn.run(`ATTACH ':memory:' AS ${quoteIdent('duckdb', LOCAL_CATALOG)}`);
      fs.mkdirSync(dataDir, { recursive: true });
      if (samplesFile) {
        await conn.run(
          `ATTACH ${quoteString('duckdb', samplesFile)} AS ${quoteIdent('duckdb', SAMPLE_CATALOG_NAME)} (READ_ONLY)`,
        );
      }
      // Output databases (scheduled checks), attached before the lock; nothing else is writable.
      for (const w of writable) {
        fs.mkdirSync(path.dirname(w.file), { recursive: true });
        await conn.run(`ATTACH ${quoteString('duckdb', w.file)} AS ${quoteIdent('duckdb', w.alias)}`);
      }
      const files = readablePaths(dataDir);
      await lockDown(conn, files);
      local = new LocalCatalog(dataDir, this.options.rescanIntervalMs ?? 1000, new Set(files));
      await local.refresh((sql) => conn.run(sql), true);
    } catch (error) {
      conn.closeSync();
      instance.closeSync();
      throw error;
    }
    conn.closeSync();
    return { instance, local };
  }

  /** Make `next` the serving instance; the old one closes when its last query is done. */
  #takeOver(next: { instance: DuckDBInstance; local: LocalCatalog }): void {
    const old = this.#instance;
    this.#instance = next.instance;
    this.#local = next.local;
    this.#generation++;
    if (old) this.#retire(old);
  }

  /** A new serving instance for the data folder's current files (one at a time). */
  async #reopen(): Promise<void> {
    this.#reopening ??= (async () => {
      try {
        for (;;) {
          const file = this.#samplesFile;
          const next = await this.#open(file);
          // Closed meanwhile, or the background build took over with the full sample file: this
          // instance has the old one; open again unless closed.
          if (this.#closed) {
            next.instance.closeSync();
            return;
          }
          if (file !== this.#samplesFile) {
            next.instance.closeSync();
            continue;
          }
          this.#takeOver(next);
          return;
        }
      } finally {
        this.#reopening = null;
      }
    })();
    return this.#reopening;
  }

  #buildInBackground(): void {
    const { stateDir, sampleBigRows } = this.options;
    const startedAt = Date.now();
    this.#sample = {
      state: 'preparing',
      table: BIG_TABLE_NAME,
      rowsDone: 0,
      rowsTotal: sampleBigRows,
      startedAt,
    };
    log.info('sample catalog: building the big table in the background', {
      table: BIG_TABLE_NAME,
      rows: sampleBigRows,
    });
    this.#background = buildFullSampleCatalogFile({
      stateDir,
      bigRows: sampleBigRows,
      signal: this.#abortBuild.signal,
      onProgress: (p) => {
        if (this.#sample.state === 'preparing')
          this.#sample = { ...this.#sample, rowsDone: p.rowsDone, rowsTotal: p.rowsTotal };
      },
    })
      .then(async (built) => {
        if (this.#closed) return;
        // Set first, so a replacement opened meanwhile for new data files gives way to this one.
        this.#samplesFile = built.file;
        await this.#reopening;
        const next = await this.#open(built.file);
        if (this.#closed) {
          next.instance.closeSync();
          return;
        }
        this.#takeOver(next);
        this.#sample = { state: 'ready' };
        log.info('sample catalog: big table ready', {
          table: BIG_TABLE_NAME,
          millis: Date.now() - startedAt,
          file: built.file,
        });
      })
      .catch((error: unknown) => {
        if (this.#closed) return;
        const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
        this.#sample = {
          state: 'failed',
          table: BIG_TABLE_NAME,
          message: `${BIG_TABLE_NAME} could not be prepared (${reason}). Check the free space and permissions of the state folder (DQX_STATE_DIR) and restart the app.`,
        };
        log.error('sample catalog: the big table could not be built', { table: BIG_TABLE_NAME, error });
      });
  }

  #retire(instance: DuckDBInstance): void {
    if ((this.#users.get(instance) ?? 0) === 0) {
      this.#users.delete(instance);
      instance.closeSync();
    } else {
      this.#retired.add(instance);
    }
  }

  #release(instance: DuckDBInstance): void {
    const left = (this.#users.get(instance) ?? 1) - 1;
    if (left > 0) {
      this.#users.set(instance, left);
      return;
    }
    this.#users.delete(instance);
    if (this.#retired.delete(instance)) instance.closeSync();
  }

  /** The serving instance, taken and counted in one step so a take-over cannot close it under its user. */
  async #take(): Promise<DuckDBInstance> {
    if (!this.#instance) await this.instance();
    const instance = this.#instance;
    if (!instance) throw unavailable('The local warehouse has been shut down.');
    this.#users.set(instance, (this.#users.get(instance) ?? 0) + 1);
    return instance;
  }

  /** Run `fn` with a connection of its own (DuckDB connections run one statement at a time). */
  async withConnection<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    const instance = await this.#take();
    try {
      const conn = await instance.connect();
      try {
        return await fn(conn);
      } finally {
        conn.closeSync();
      }
    } finally {
      this.#release(instance);
    }
  }

  /**
   * `withConnection` for a generator: the connection stays taken while the consumer iterates, and is
   * closed when the iteration ends, fails or is stopped.
   */
  async *streamWithConnection<T>(fn: (conn: DuckDBConnection) => AsyncGenerator<T>): AsyncGenerator<T> {
    const instance = await this.#take();
    try {
      const conn = await instance.connect();
      try {
        yield* fn(conn);
      } finally {
        conn.closeSync();
      }
    } finally {
      this.#release(instance);
    }
  }

  /**
   * Run `fn` on an instance of its own, set up exactly like a serving instance (the same catalogs,
   * locked down the same way) with, in addition, the database `files` attached WRITABLE as
   * `aliases[i]` before the lock: the only place anything is written to. Used to write the outputs
   * of scheduled checks (lib/jobs/local/check-outputs.ts) with INSERT ... SELECT inside DuckDB.
   * Calls are serialised in this process (a database file is opened by one instance at a time).
   */
  async withWritableDatabases<T>(files: readonly string[], fn: (conn: DuckDBConnection, aliases: string[]) => Promise<T>): Promise<T> {
    const run = writerQueue.then(async () => {
      await this.instance();
      const attached = files.map((file, i) => ({ file, alias: `__dqx_out_${i}` }));
      const { instance } = await this.#open(this.#samplesFile, attached);
      try {
        const conn = await instance.connect();
        try {
          return await fn(conn, attached.map((a) => a.alias));
        } finally {
          conn.closeSync();
        }
      } finally {
        instance.closeSync();
      }
    });
    writerQueue = run.catch(() => undefined);
    return run;
  }

  /** Rescan the data folder (throttled unless `force`). */
  async refreshLocal(force = false): Promise<void> {
    await this.instance();
    const local = this.#local;
    await local.refresh(
      (sql) =>
        this.withConnection((c) =>
          // The instance may have been replaced since: its own views are made by its own scan.
          local === this.#local ? c.run(sql) : Promise.resolve(undefined),
        ),
      force,
    );
    // A new file: the locked instance may not open it, a new one is set up for it.
    if (local.stale && local === this.#local && !this.#closed) await this.#reopen();
  }

  close(): void {
    this.#closed = true;
    this.#abortBuild.abort();
    this.#instance?.closeSync();
    this.#instance = null;
    for (const instance of this.#retired) instance.closeSync();
    this.#retired.clear();
    this.#users.clear();
  }
}
