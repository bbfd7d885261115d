/** GET /api/v1/openapi.json: the OpenAPI 3.1 document of every /api/v1 route. */
import { route } from '@/lib/http/route';
import { openApiDocument } from '@/lib/openapi/document';

export const dynamic = 'force-dynamic';

export const GET = route('getOpenApiDocument', async () => openApiDocument());
