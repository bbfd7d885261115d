/** GET /api/v1/runs/{id}: a run with its status, progress, summary, per-rule results and output. 404 unless the caller can read its table. */
import { route } from '@/lib/http/route';
import { getRun } from '@/lib/services/runs';

export const dynamic = 'force-dynamic';

export const GET = route<{ id: string }>('getRun', async ({ params, caller }) => getRun(caller, params.id));
