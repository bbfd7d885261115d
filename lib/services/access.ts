/**
 * Access to a table's rule sets and runs: allowed when the caller can read the table itself, as the
 * caller's own warehouse (the caller's token in databricks mode) says. The rule store connects as
 * the app's service principal, so this check is what keeps one user from reading or changing the
 * rules of a table they cannot see. A table the caller cannot read is reported exactly like a
 * table that does not exist (404), so its existence is not revealed.
 */
import 'server-only';

import type { Caller } from '@/lib/auth/caller';
import { loadLocalRoles, localRightsOf } from '@/lib/auth/local-roles';
import { getConfig } from '@/lib/config';
import { isAppError, notFound } from '@/lib/errors';
import { getWarehouse } from '@/lib/warehouse';
import type { TableDescription, Warehouse } from '@/lib/warehouse/port';

import { parseTableName, type TableName } from './table-name';

export interface ReadableTable extends TableName {
  description: TableDescription;
}

export interface TableAccess {
  /** The table's description when the caller can read it; 400 for a malformed name, 404 otherwise. */
  assertCanReadTable(caller: Caller, tableName: string): Promise<ReadableTable>;
  /** Like assertCanReadTable, as a yes/no (malformed names are a no). */
  canReadTable(caller: Caller, tableName: string): Promise<boolean>;
}

/** Access decided by the warehouse each caller gets from `warehouseOf`. */
export function tableAccessVia(warehouseOf: (caller: Caller) => Warehouse): TableAccess {
  const assertCanReadTable = async (caller: Caller, tableName: string): Promise<ReadableTable> => {
    const table = parseTableName(tableName);
    // Local mode with a roles file: those it does not let read the table cannot (docs/governance.md).
    const roles = caller.mode === 'local' ? loadLocalRoles(getConfig()) : undefined;
    if (roles && !localRightsOf(roles, caller.id, table.name).read) {
      throw notFound(`Table ${table.name} was not found, or you do not have permission to read it.`);
    }
    const description = await warehouseOf(caller).describeTable(table.ref);
    if (!description) {
      throw notFound(`Table ${table.name} was not found, or you do not have permission to read it.`);
    }
    return { ...table, description };
  };
  return {
    assertCanReadTable,
    async canReadTable(caller, tableName) {
      try {
        await assertCanReadTable(caller, tableName);
        return true;
      } catch (error) {
        if (isAppError(error) && ['not_found', 'bad_request', 'forbidden'].includes(error.code)) {
          return false;
        }
        throw error;
      }
    },
  };
}

/** The production access check: the caller's own warehouse. */
export const warehouseTableAccess: TableAccess = tableAccessVia(getWarehouse);

export function assertCanReadTable(caller: Caller, tableName: string): Promise<ReadableTable> {
  return warehouseTableAccess.assertCanReadTable(caller, tableName);
}
