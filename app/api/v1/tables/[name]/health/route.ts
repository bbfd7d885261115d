/**
 * GET /api/v1/tables/{catalog.schema.table}/health: 200 when the table's latest run meets its
 * thresholds, 503 when it breaches them (or thresholds are set and no run exists yet), with the
 * figures; for uptime monitors (docs/monitoring.md).
 */
import { json, route } from '@/lib/http/route';
import { getTableHealth } from '@/lib/services/table-health';

import { tableParam } from '../../../rule-sets/_lib/params';

export const dynamic = 'force-dynamic';

export const GET = route<{ name: string }>('getTableHealth', async ({ caller, params }) => {
  const { status, health } = await getTableHealth(caller, tableParam({ table: params.name }));
  return json(health, status);
});
