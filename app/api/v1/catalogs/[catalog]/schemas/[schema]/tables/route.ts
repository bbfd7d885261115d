import { route } from '@/lib/http/route';
import { listTables } from '@/lib/services/catalog';

/** GET /api/v1/catalogs/{catalog}/schemas/{schema}/tables: 400 for invalid names, 404 for unknown ones. */
export const GET = route<{ catalog: string; schema: string }>('listTables', async ({ caller, params }) => ({
  tables: await listTables(caller, params.catalog, params.schema),
}));
