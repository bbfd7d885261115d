/**
 * One embedded DuckDB database per warehouse: an in-memory instance with the sample catalog file
 * attached read-only as `samples` and an in-memory catalog `local` holding views over the data
 * folder's files. Created lazily on first use; if start-up fails, the next call tries again.
 */
import fs from 'node:fs';
import path from 'node:path';

import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

import { unavailable } from '@/lib/errors';
import { log } from '@/lib/log';
import { quoteIdent, quoteString } from '@/lib/sql/quote';

import { ensureSampleCatalogFile } from '../sample-catalog/build';
import { SAMPLE_CATALOG_NAME } from '../sample-catalog/tables';

import { LOCAL_CATALOG, LocalCatalog } from './local-files';

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
}

export class DuckDbEngine {
  readonly local: LocalCatalog;
  #instance: DuckDBInstance | null = null;
  #starting: Promise<DuckDBInstance> | null = null;
  #closed = false;

  constructor(readonly options: DuckDbOptions) {
    this.local = new LocalCatalog(options.dataDir, options.rescanIntervalMs ?? 1000);
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
    const { dataDir, stateDir, sampleCatalog, sampleBigRows } = this.options;
    // Spill files of large queries go to the state folder, not to the working directory.
    const instance = await DuckDBInstance.create(':memory:', { temp_directory: path.join(stateDir, 'tmp') });
    const conn = await instance.connect();
    try {
      await conn.run(`ATTACH ':memory:' AS ${quoteIdent('duckdb', LOCAL_CATALOG)}`);
      fs.mkdirSync(dataDir, { recursive: true });
      if (sampleCatalog) {
        let built;
        try {
          built = await ensureSampleCatalogFile(conn, { stateDir, bigRows: sampleBigRows });
        } catch (error) {
          throw unavailable(
            `Could not build the sample catalog in ${stateDir}. Check that the folder is writable (DQX_STATE_DIR), or set DQX_SAMPLE_CATALOG=false.`,
            error,
          );
        }
        if (built.built) {
          log.info('sample catalog built', {
            file: built.file,
            millis: built.millis,
            bigRows: sampleBigRows,
          });
        }
        await conn.run(
          `ATTACH ${quoteString('duckdb', built.file)} AS ${quoteIdent('duckdb', SAMPLE_CATALOG_NAME)} (READ_ONLY)`,
        );
      }
      await this.local.refresh((sql) => conn.run(sql), true);
    } catch (error) {
      conn.closeSync();
      instance.closeSync();
      throw error;
    }
    conn.closeSync();
    return instance;
  }

  /** Run `fn` with a connection of its own (DuckDB connections run one statement at a time). */
  async withConnection<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    const instance = await this.instance();
    const conn = await instance.connect();
    try {
      return await fn(conn);
    } finally {
      conn.closeSync();
    }
  }

  /** Rescan the data folder (throttled unless `force`). */
  async refreshLocal(force = false): Promise<void> {
    await this.instance();
    await this.local.refresh((sql) => this.withConnection((c) => c.run(sql)), force);
  }

  close(): void {
    this.#closed = true;
    this.#instance?.closeSync();
    this.#instance = null;
  }
}
