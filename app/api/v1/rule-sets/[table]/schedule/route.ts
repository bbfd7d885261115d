/**
 * GET  /api/v1/rule-sets/{table}/schedule   the table's schedule of checks (`schedule: null` until
 *                                           set), its next and last scheduled run, default outputs.
 * POST /api/v1/rule-sets/{table}/schedule   create or replace it: `{cron, timezone, version,
 *                                           paused, outputs, notify_emails}` (docs/monitoring.md).
 */
import { jsonBody, parseOr400, route } from '@/lib/http/route';
import { ScheduleBody } from '@/lib/services/schedule-schemas';
import { getSchedule, saveSchedule } from '@/lib/services/schedules';

import { tableParam } from '../../_lib/params';

export const dynamic = 'force-dynamic';

export const GET = route<{ table: string }>('getSchedule', async ({ params, caller }) => getSchedule(caller, tableParam(params)));

export const POST = route<{ table: string }>('saveSchedule', async ({ body, params, caller }) => {
  const table = tableParam(params);
  const input = parseOr400(ScheduleBody, body ? jsonBody(body) : undefined, 'schedule');
  return saveSchedule(caller, table, input);
});
