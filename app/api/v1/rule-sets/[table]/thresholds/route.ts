/**
 * GET  /api/v1/rule-sets/{table}/thresholds   what the table's finished validation runs are held
 *                                             to, and where its alerts go (the webhook's origin only).
 * POST /api/v1/rule-sets/{table}/thresholds   replace them: `{min_pass_rate, fail_on_error_rows,
 *                                             rules: [...], webhook_url?}` (docs/monitoring.md).
 */
import { jsonBody, parseOr400, route } from '@/lib/http/route';
import { getThresholds, saveThresholds } from '@/lib/services/alerting';
import { ThresholdsBody } from '@/lib/services/alerting-schemas';

import { tableParam } from '../../_lib/params';

export const dynamic = 'force-dynamic';

export const GET = route<{ table: string }>('getThresholds', async ({ params, caller }) => getThresholds(caller, tableParam(params)));

export const POST = route<{ table: string }>('saveThresholds', async ({ body, params, caller }) => {
  const table = tableParam(params);
  const input = parseOr400(ThresholdsBody, body ? jsonBody(body) : undefined, 'thresholds');
  return saveThresholds(caller, table, input);
});
