/**
 * The warehouse of a caller: embedded DuckDB in local mode, the Databricks SQL warehouse with the
 * caller's own token in databricks mode. (Adapters land with the catalog and platform work.)
 */
import 'server-only';

import type { Caller } from '@/lib/auth/caller';
import { unavailable } from '@/lib/errors';

import type { Warehouse } from './port';

export type { Warehouse } from './port';

export function getWarehouse(_caller: Caller): Warehouse {
  throw unavailable('No warehouse adapter is available yet.');
}
