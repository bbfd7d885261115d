/**
 * POST /api/v1/runs/{id}/cancel: ask a queued or running run to stop. 202 with the run
 * (`cancel_requested: true`); it ends as `cancelled` shortly. 409 when it has already finished.
 */
import { json, route } from '@/lib/http/route';
import { getRunRunner } from '@/lib/services/run-runner';
import { requestRunCancel } from '@/lib/services/runs';

export const dynamic = 'force-dynamic';

export const POST = route<{ id: string }>('cancelRun', async ({ params, caller }) => {
  const run = await requestRunCancel(caller, params.id);
  (await getRunRunner()).notifyCancel(run.id);
  return json(run, { status: 202 });
});
