import 'server-only';

import { availabilityOf } from '@/components/catalog/availability';
import type { TableColumn } from '@/components/rules/rule-model';
import type { Caller } from '@/lib/auth';
import { isAppError } from '@/lib/errors';
import { log } from '@/lib/log';
import type { Dialect } from '@/lib/sql/quote';
import { getWarehouse } from '@/lib/warehouse';
import type { TableAvailability } from '@/lib/warehouse/port';

/** What the rule editor needs to know of the table, or why it cannot know it. */
export type TableColumnsResult =
  | { status: 'ok'; name: string; columns: TableColumn[]; dialect: Dialect; rowCount: number | null }
  | { status: 'invalid_name' | 'not_found' | 'forbidden' | 'unavailable'; name: string; message: string }
  /** Listed but not readable yet (the big sample table while it is built), with its progress. */
  | { status: 'preparing'; name: string; message: string; availability: TableAvailability };

const PART = /^[^.\s`]{1,255}$/;

/** `catalog.schema.table` split in three, or null. */
export function splitTableName(name: string): { catalog: string; schema: string; table: string } | null {
  const parts = name.trim().split('.');
  if (parts.length !== 3 || !parts.every((p) => PART.test(p))) return null;
  const [catalog, schema, table] = parts as [string, string, string];
  return { catalog, schema, table };
}

/**
 * The columns of a table as the caller's warehouse describes them (the caller's own rights), for
 * the column pickers and the column checks of the rule editor. Never throws: a table that cannot
 * be described still gets an editor, without column checks, and the reason is shown.
 */
export async function describeTableColumns(caller: Caller, name: string): Promise<TableColumnsResult> {
  const ref = splitTableName(name);
  if (!ref) {
    return {
      status: 'invalid_name',
      name,
      message: `'${name}' is not a table name: expected catalog.schema.table.`,
    };
  }
  try {
    const warehouse = getWarehouse(caller);
    const described = await warehouse.describeTable(ref);
    if (!described) {
      return { status: 'not_found', name, message: `Table '${name}' was not found, or you cannot read it.` };
    }
    return {
      status: 'ok',
      name: described.full_name || name,
      dialect: warehouse.dialect,
      rowCount: described.row_count,
      columns: described.columns.map((c) => ({ name: c.name, type: c.type, comment: c.comment })),
    };
  } catch (error) {
    if (isAppError(error)) {
      const availability = availabilityOf(error.details);
      if (availability) return { status: 'preparing', name, message: error.message, availability };
      if (error.code === 'not_found') return { status: 'not_found', name, message: error.message };
      if (error.code === 'forbidden' || error.code === 'unauthorized')
        return { status: 'forbidden', name, message: error.message };
      if (error.code === 'bad_request') return { status: 'invalid_name', name, message: error.message };
      return { status: 'unavailable', name, message: error.message };
    }
    log.error('describing a table for the rule editor failed', {
      requestId: caller.requestId,
      callerId: caller.id,
      table: name,
      error: error instanceof Error ? error.message : String(error),
    });
    return {
      status: 'unavailable',
      name,
      message: 'The table could not be described right now; try again later.',
    };
  }
}
