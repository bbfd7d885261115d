/**
 * The warehouse of a caller: embedded DuckDB in local mode, the Databricks SQL warehouse with the
 * caller's own token in databricks mode.
 */
import 'server-only';

import type { Caller } from '@/lib/auth/caller';
import { getConfig } from '@/lib/config';
import { unauthorized } from '@/lib/errors';

import { createDatabricksWarehouse } from './databricks';
import { rehearsalClientFactory } from './databricks/rehearsal-driver';
import { getLocalWarehouse } from './duckdb';
import type { Warehouse } from './port';

export type { Warehouse } from './port';

export function getWarehouse(caller: Caller): Warehouse {
  switch (caller.mode) {
    case 'local':
      return getLocalWarehouse();
    case 'databricks':
      if (!caller.token) throw unauthorized();
      // Built per caller, with the caller's own token: Unity Catalog permissions apply to the user.
      return createDatabricksWarehouse(caller, getConfig(), rehearsalDeps());
  }
}

/** The rehearsal's driver stand-in, when configured (loopback only: see lib/config). */
function rehearsalDeps(): { clientFactory?: ReturnType<typeof rehearsalClientFactory> } {
  const url = getConfig().databricks.rehearsalWarehouseUrl;
  return url ? { clientFactory: rehearsalClientFactory(url) } : {};
}
