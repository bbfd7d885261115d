import { route } from '@/lib/http/route';
import { listCatalogs } from '@/lib/services/catalog';

/** GET /api/v1/catalogs: the catalogs the caller can see. */
export const GET = route('listCatalogs', async ({ caller }) => ({ catalogs: await listCatalogs(caller) }));
