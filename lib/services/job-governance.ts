/**
 * Unity Catalog governance and the job path. A Databricks job reads a table as the job's own
 * principal (its `run_as`), so the table's row filters, column masks and ABAC policies do not
 * restrict it as they restrict the user who asked. Before any run goes to a job, the table's
 * governance is read AS THE USER on the SQL warehouse (information_schema.row_filters,
 * column_masks, abac_policy_definitions); a governed table, or one whose governance cannot be read,
 * never goes to a job.
 */
import 'server-only';

import { governanceReason, isGoverned, type TableRef, type Warehouse } from '@/lib/warehouse/port';

/** Null when the table may go to a Databricks job; else why not, in the user's words. */
export async function jobPathRefusal(wh: Warehouse, ref: TableRef, tableName: string): Promise<string | null> {
  if (!wh.tableGovernance) return null;
  const governance = await wh.tableGovernance(ref);
  if (!isGoverned(governance)) return null;
  return (
    `${tableName} cannot go to a Databricks job: ${governanceReason(governance)}. The job reads the table as its own ` +
    'principal, so Unity Catalog would not filter or mask what it reads as it does for you.'
  );
}
