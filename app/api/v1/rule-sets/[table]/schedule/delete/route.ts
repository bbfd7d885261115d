/**
 * POST /api/v1/rule-sets/{table}/schedule/delete   remove the table's schedule (databricks mode: its
 * job too). 404 when it has none. (The API answers GET and POST only, like run cancellation.)
 */
import { route } from '@/lib/http/route';
import { deleteSchedule } from '@/lib/services/schedules';

import { tableParam } from '../../../_lib/params';

export const dynamic = 'force-dynamic';

export const POST = route<{ table: string }>('deleteSchedule', async ({ params, caller }) => deleteSchedule(caller, tableParam(params)));
