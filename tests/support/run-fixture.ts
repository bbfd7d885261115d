/**
 * A real environment for the run services in tests: the embedded DuckDB warehouse with the sample
 * catalog (in a temporary folder), an in-memory PGlite store, and an in-process runner that polls
 * fast. A table can be hidden from chosen callers, as a real warehouse hides what a user cannot read.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { Caller } from '@/lib/auth/caller';
import { pgliteTestStore, type TestStore } from '@/db/testing/test-stores';
import { LocalRunner } from '@/lib/jobs/local/local-runner';
import type { ChatModel } from '@/lib/llm';
import { tableAccessVia } from '@/lib/services/access';
import type { RunDeps } from '@/lib/services/run-deps';
import { getRun, type RunDetail } from '@/lib/services/runs';
import { createDuckDbWarehouse, type DuckDbWarehouse } from '@/lib/warehouse/duckdb';
import type { Warehouse } from '@/lib/warehouse/port';

export type Hide = (callerId: string, tableName: string) => boolean;

/** The warehouse as `caller` sees it: tables hidden for them do not exist (describe answers null). */
export function hidingWarehouse(base: Warehouse, caller: Caller, hide: Hide): Warehouse {
  const hidden = (ref: { catalog: string; schema: string; table: string }) =>
    hide(caller.id, `${ref.catalog}.${ref.schema}.${ref.table}`.toLowerCase());
  return {
    dialect: base.dialect,
    listCatalogs: () => base.listCatalogs(),
    listSchemas: (c) => base.listSchemas(c),
    listTables: async (c, s) => (await base.listTables(c, s)).filter((t) => !hidden(t)),
    searchTables: async (q, l) => (await base.searchTables(q, l)).filter((t) => !hidden(t)),
    describeTable: async (ref) => (hidden(ref) ? null : base.describeTable(ref)),
    sampleRows: async (ref, limit) => {
      if (hidden(ref)) throw new Error('hidden');
      return base.sampleRows(ref, limit);
    },
    query: (sql, options) => base.query(sql, options),
    stream: (sql, options) => base.stream(sql, options),
    ping: () => base.ping(),
  };
}

export interface RunFixture {
  warehouse: DuckDbWarehouse;
  /** The warehouse's data folder: files put here become tables of catalog `local`. */
  dataDir: string;
  store: TestStore;
  runner: LocalRunner;
  deps: RunDeps;
  /** Change which tables are hidden from whom. */
  hide: (rule: Hide) => void;
  close(): Promise<void>;
}

export async function openRunFixture(
  options: {
    bigRows?: number;
    model?: ChatModel | null;
    concurrency?: number;
    pollMs?: number;
    warehouse?: (base: Warehouse) => Warehouse;
  } = {},
): Promise<RunFixture> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dqx-runs-'));
  const warehouse = createDuckDbWarehouse({
    dataDir: path.join(root, 'data'),
    stateDir: path.join(root, 'state'),
    sampleCatalog: true,
    sampleBigRows: options.bigRows ?? 1000,
    rescanIntervalMs: 0,
  });
  await warehouse.ping();
  const store = await pgliteTestStore();
  let hideRule: Hide = () => false;
  const base: Warehouse = options.warehouse ? options.warehouse(warehouse) : warehouse;
  const warehouseOf = (caller: Caller) => hidingWarehouse(base, caller, (c, t) => hideRule(c, t));
  const runner = new LocalRunner({
    db: store.db,
    concurrency: options.concurrency ?? 2,
    pollMs: options.pollMs ?? 50,
  });
  const deps: RunDeps = {
    db: store.db,
    access: tableAccessVia(warehouseOf),
    warehouseOf,
    runner,
    chatModel: options.model ?? null,
    mode: 'local',
    jobPollMs: 10,
  };
  return {
    warehouse,
    dataDir: path.join(root, 'data'),
    store,
    runner,
    deps,
    hide: (rule) => {
      hideRule = rule;
    },
    async close() {
      await runner.stop();
      await store.close();
      warehouse.close();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);

/** Poll a run (as `caller`, access-checked like the page does) until it has finished. */
export async function waitForRun(
  caller: Caller,
  runId: string,
  deps: RunDeps,
  timeoutMs = 60_000,
): Promise<RunDetail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await getRun(caller, runId, deps);
    if (FINISHED.has(run.status)) return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${run.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
