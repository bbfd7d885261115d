import { route } from '@/lib/http/route';
import { listSchemas } from '@/lib/services/catalog';

/** GET /api/v1/catalogs/{catalog}/schemas: 400 for an invalid name, 404 for an unknown catalog. */
export const GET = route<{ catalog: string }>('listSchemas', async ({ caller, params }) => ({
  schemas: await listSchemas(caller, params.catalog),
}));
