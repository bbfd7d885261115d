/**
 * Local mode's publishing targets, under the state folder (DQX_STATE_DIR):
 *
 * - `published/files/<table>.yml|json`: the active version as a DQX checks file, exactly what
 *   the export writes (`DQEngine.load_checks(FileChecksStorageConfig(location=...))` reads it);
 * - `published/checks.duckdb`: DQX's checks table (`schema.table`, default `dqx.checks`) in its
 *   table-storage format, one `run_config_name` per table, batches appended. It is its own DuckDB
 *   file, opened only for the write: the warehouse's serving instance is locked against writes
 *   and file access by design (lib/warehouse/duckdb/engine.ts), and stays so.
 *
 * Files are written to a temporary name and renamed, so a reader never sees half a file.
 * Table writes in this process are serialised (one DuckDB instance on the file at a time).
 */
import 'server-only';

import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

import { DuckDBInstance } from '@duckdb/node-api';

import { serializeChecks } from '@/lib/dqx';
import { quoteIdent } from '@/lib/sql/quote';

import { writeChecksTable } from '../checks-table-writer';
import type { PublishOutcome, PublishRequest, PublishTarget, Publisher } from '../port';

export const LOCAL_CHECKS_DB = 'checks.duckdb';

/** `main.sales.orders` -> `main.sales.orders`; other characters -> `_`, plus a short hash so names never collide. */
export function localFileStem(tableName: string): string {
  const safe = tableName.replace(/[^a-z0-9._-]+/g, '_');
  if (safe === tableName) return safe;
  return `${safe}-${createHash('sha256').update(tableName, 'utf8').digest('hex').slice(0, 8)}`;
}

export function localPublishPaths(stateDir: string): { root: string; files: string; database: string } {
  const root = path.join(stateDir, 'published');
  return { root, files: path.join(root, 'files'), database: path.join(root, LOCAL_CHECKS_DB) };
}

let tableQueue: Promise<unknown> = Promise.resolve();

export class LocalPublisher implements Publisher {
  constructor(private readonly stateDir: string) {}

  async publish(target: PublishTarget, request: PublishRequest): Promise<PublishOutcome> {
    switch (target.kind) {
      case 'local_file':
        return this.writeFile(target.format, request);
      case 'local_table': {
        const run = tableQueue.then(() => this.writeTable(target.table, request));
        tableQueue = run.catch(() => undefined);
        return run;
      }
      default:
        throw new Error(`${target.kind} is not a local publishing target`);
    }
  }

  private async writeFile(format: 'yaml' | 'json', request: PublishRequest): Promise<PublishOutcome> {
    const { files } = localPublishPaths(this.stateDir);
    await fs.mkdir(files, { recursive: true });
    const file = path.join(files, `${localFileStem(request.tableName)}.${format === 'yaml' ? 'yml' : 'json'}`);
    const text = serializeChecks(request.checks, format);
    const current = await fs.readFile(file, 'utf8').catch(() => null);
    if (current === text) return { status: 'unchanged', location: file };
    const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
    await fs.writeFile(temp, text, 'utf8');
    await fs.rename(temp, file);
    return { status: 'published', location: file };
  }

  private async writeTable(table: string, request: PublishRequest): Promise<PublishOutcome> {
    const [schema, name] = table.split('.') as [string, string];
    const { root, database } = localPublishPaths(this.stateDir);
    await fs.mkdir(root, { recursive: true });
    const instance = await DuckDBInstance.create(database);
    const conn = await instance.connect();
    try {
      await conn.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent('duckdb', schema)}`);
      const status = await writeChecksTable(
        async (statement) => (await conn.runAndReadAll(statement.sql, statement.params)).getRowsJS() as unknown[][],
        'duckdb',
        { catalog: 'checks', schema, table: name },
        request,
      );
      return { status, location: `${database}:${table}` };
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  }
}
