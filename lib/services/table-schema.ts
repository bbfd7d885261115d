/**
 * The checked table as a run sees it: the engine's schema (name and column types), and the
 * description read again when queued work starts, since access may have changed in between.
 */
import 'server-only';

import type { TableSchema } from '@/lib/dqx';
import { notFound } from '@/lib/errors';
import type { TableDescription, TableRef, Warehouse } from '@/lib/warehouse/port';

/**
 * The engine's schema of a table: its name and each column's name, Spark type and, when the
 * warehouse says, nullability (a strict `has_valid_schema` compares it).
 */
export function schemaOf(
  name: string,
  columns: readonly { name: string; type: string; nullable?: boolean }[],
): TableSchema {
  return {
    name,
    columns: columns.map((c) => ({
      name: c.name,
      type: c.type,
      ...(typeof c.nullable === 'boolean' ? { nullable: c.nullable } : {}),
    })),
  };
}

/** The table's description through the caller's warehouse; 404 when it is gone or no longer readable. */
export async function describeOrFail(wh: Warehouse, ref: TableRef, tableName: string): Promise<TableDescription> {
  const found = await wh.describeTable(ref);
  if (!found) throw notFound(`Table ${tableName} was not found, or you do not have permission to read it any more.`);
  return found;
}
