'use server';
/**
 * Server actions of scheduled checks (History page). Every action returns `ActionResult<T>`.
 *
 * saveScheduleAction(input: { table, cron, timezone, version, paused, outputs, notify_emails })
 *   data: ScheduleDto (as saved, with the next run); field errors name `cron`, `timezone`,
 *   `version`, `outputs.<name>`, `notify_emails.<i>`.
 * deleteScheduleAction(input: { table })
 *   data: ScheduleDto without a schedule.
 */
import { z } from 'zod';

import { ScheduleBody } from '@/lib/services/schedule-schemas';
import { deleteSchedule, saveSchedule, type ScheduleDto } from '@/lib/services/schedules';
import { TableNameField } from '@/lib/services/generation-schemas';

import { runAction, type ActionResult } from './action-result';

const Schedule = ScheduleBody.extend({ table: TableNameField });
const TableOnly = z.strictObject({ table: TableNameField });

const when = (d: ScheduleDto) =>
  d.schedule?.paused ? 'paused' : d.schedule?.next_run_at ? `next run ${d.schedule.next_run_at.replace('T', ' ').slice(0, 16)} UTC` : 'no next run';

export async function saveScheduleAction(input: z.input<typeof Schedule>): Promise<ActionResult<ScheduleDto>> {
  return runAction(Schedule, input, (caller, { table, ...schedule }) => saveSchedule(caller, table, schedule), {
    revalidate: ['/history'],
    message: (d) => `Schedule of ${d.table_name} saved (${when(d)}).`,
  });
}

export async function deleteScheduleAction(input: z.input<typeof TableOnly>): Promise<ActionResult<ScheduleDto>> {
  return runAction(TableOnly, input, (caller, { table }) => deleteSchedule(caller, table), {
    revalidate: ['/history'],
    message: (d) => `Schedule of ${d.table_name} removed.`,
  });
}
