import { parseOr400, route, searchParamsObject } from '@/lib/http/route';
import { searchTablesInput } from '@/lib/services/catalog-schemas';
import { searchTables } from '@/lib/services/catalog';

/**
 * GET /api/v1/tables?q=&limit=: tables whose `catalog.schema.table` contains every word of `q`
 * (case-insensitive), best matches first. `limit` is 1 to 100 (default 20).
 */
export const GET = route('searchTables', async ({ caller, req }) => {
  const input = parseOr400(searchTablesInput, searchParamsObject(req), 'search');
  return { query: input.q, tables: await searchTables(caller, input.q, input.limit) };
});
