/**
 * The embedded DuckDB warehouse of local mode. One per process, created on first use and kept on
 * `globalThis`, so that Next.js dev hot reloads reuse the open database instead of opening another.
 */
import { getConfig } from '@/lib/config';

import { createDuckDbWarehouse, type DuckDbWarehouse } from './warehouse';

export { createDuckDbWarehouse, DuckDbWarehouse } from './warehouse';
export type { DuckDbOptions } from './engine';

const KEY = Symbol.for('dqx.warehouse.duckdb');
type Holder = { [KEY]?: DuckDbWarehouse };

/** The process-wide local warehouse, configured from `lib/config`. */
export function getLocalWarehouse(): DuckDbWarehouse {
  const holder = globalThis as Holder;
  if (!holder[KEY]) {
    const { local } = getConfig();
    holder[KEY] = createDuckDbWarehouse({
      dataDir: local.dataDir,
      stateDir: local.stateDir,
      sampleCatalog: local.sampleCatalog,
      sampleBigRows: local.sampleBigRows,
    });
  }
  return holder[KEY];
}

/** Tests only: close and forget the process-wide warehouse (the next call opens a new one). */
export function resetLocalWarehouseForTests(): void {
  const holder = globalThis as Holder;
  holder[KEY]?.close();
  delete holder[KEY];
}
