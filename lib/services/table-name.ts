/**
 * Table names as the rule store keeps them: Unity Catalog three-part names `catalog.schema.table`
 * in lower case (Unity Catalog names are case-insensitive and stored in lower case), without
 * back-quotes. Parsing and validation are the warehouse's (`lib/warehouse/names.ts`); this only
 * adds the store's normal form.
 */
import { formatTableName, parseTableName as parseWarehouseName } from '@/lib/warehouse/names';
import type { TableRef } from '@/lib/warehouse/port';

export interface TableName {
  /** The normalised name, `catalog.schema.table`. */
  name: string;
  ref: TableRef;
}

/** Normalise a table name or throw 400 saying what is wrong. */
export function parseTableName(input: string): TableName {
  const parsed = parseWarehouseName(typeof input === 'string' ? input.trim() : input);
  const ref = {
    catalog: parsed.catalog.toLowerCase(),
    schema: parsed.schema.toLowerCase(),
    table: parsed.table.toLowerCase(),
  };
  return { name: formatTableName(ref), ref };
}
