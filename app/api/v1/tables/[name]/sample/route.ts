import { parseOr400, route, searchParamsObject } from '@/lib/http/route';
import { sampleTableInput } from '@/lib/services/catalog-schemas';
import { sampleTable } from '@/lib/services/catalog';
import { parseTableName } from '@/lib/warehouse/names';

/**
 * GET /api/v1/tables/{catalog.schema.table}/sample?limit=N: the first N rows (1 to 1000, default
 * DQX_PREVIEW_ROWS), every value as display text and SQL NULL as null.
 */
export const GET = route<{ name: string }>('sampleTable', async ({ caller, params, req }) => {
  const ref = parseTableName(params.name);
  const input = parseOr400(sampleTableInput, searchParamsObject(req), 'sample request');
  return sampleTable(caller, ref, input.limit);
});
