import { route } from '@/lib/http/route';
import { describeTable } from '@/lib/services/catalog';
import { parseTableName } from '@/lib/warehouse/names';

/** GET /api/v1/tables/{catalog.schema.table}: columns (Spark types, comments) and row count. */
export const GET = route<{ name: string }>('describeTable', async ({ caller, params }) =>
  describeTable(caller, parseTableName(params.name)),
);
