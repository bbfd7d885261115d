/**
 * The warehouse of a caller: embedded DuckDB in local mode, the Databricks SQL warehouse with the
 * caller's own token in databricks mode.
 */
import 'server-only';

import type { Caller } from '@/lib/auth/caller';
import { unauthorized, unavailable } from '@/lib/errors';

import { getLocalWarehouse } from './duckdb';
import type { Warehouse } from './port';

export type { Warehouse } from './port';

export function getWarehouse(caller: Caller): Warehouse {
  switch (caller.mode) {
    case 'local':
      return getLocalWarehouse();
    case 'databricks':
      if (!caller.token) throw unauthorized();
      // Seam: the Databricks SQL adapter (lib/warehouse/databricks) plugs in here, built per caller
      // with the caller's own token.
      throw unavailable('The Databricks SQL warehouse adapter is not available yet.');
  }
}
