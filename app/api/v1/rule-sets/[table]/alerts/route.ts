/** GET /api/v1/rule-sets/{table}/alerts: the table's alert state and its breaches and recoveries, newest first. */
import { route } from '@/lib/http/route';
import { listAlerts } from '@/lib/services/alerting';

import { tableParam } from '../../_lib/params';

export const dynamic = 'force-dynamic';

export const GET = route<{ table: string }>('listAlerts', async ({ params, caller }) => listAlerts(caller, tableParam(params)));
