/**
 * Input schema of a table's schedule (scheduled checks, issue 15 item 2). Shared by the route
 * handlers under /api/v1/rule-sets/{table}/schedule and the server actions. The cron expression and
 * the time zone are checked by the service (a maintained cron parser, the runtime's IANA zones).
 */
import { z } from 'zod';

import { cleanText } from './safe-input';

export const MAX_NOTIFY_EMAILS = 20;

const outputName = (field: string) =>
  cleanText(
    z
      .string({ error: `${field} must be a table name (catalog.schema.table), or null` })
      .trim()
      .max(500, { error: `${field} must be at most 500 characters` }),
    field,
  )
    .nullable()
    .optional()
    .describe(`catalog.schema.table; null: not written; omitted: the default (see docs/monitoring.md)`);

export const ScheduleBody = z.strictObject({
  cron: cleanText(
    z
      .string({ error: 'cron must be a 5-field cron expression, such as "0 6 * * *"' })
      .trim()
      .min(1, { error: 'cron must be a 5-field cron expression, such as "0 6 * * *"' })
      .max(200, { error: 'cron must be at most 200 characters' }),
    'cron',
  ).describe('5-field unix cron: minute hour day-of-month month day-of-week, read in `timezone`.'),
  timezone: cleanText(
    z
      .string({ error: 'timezone must be an IANA time zone, such as "Europe/Paris" or "UTC"' })
      .trim()
      .min(1, { error: 'timezone must be an IANA time zone, such as "Europe/Paris" or "UTC"' })
      .max(100, { error: 'timezone must be at most 100 characters' }),
    'timezone',
  ).default('UTC'),
  version: z
    .number({ error: 'version must be a version number, or null for the active version' })
    .int({ error: 'version must be a whole number' })
    .positive({ error: 'version must be at least 1' })
    .nullable()
    .default(null),
  paused: z.boolean({ error: 'paused must be true or false' }).default(false),
  outputs: z
    .strictObject({
      valid_table: outputName('outputs.valid_table'),
      quarantine_table: outputName('outputs.quarantine_table'),
      metrics_table: outputName('outputs.metrics_table'),
    })
    .default({}),
  notify_emails: z
    .array(z.email({ error: 'notify_emails must hold e-mail addresses' }).max(320), { error: 'notify_emails must be a list of e-mail addresses' })
    .max(MAX_NOTIFY_EMAILS, { error: `at most ${MAX_NOTIFY_EMAILS} addresses in notify_emails` })
    .default([]),
});
export type ScheduleInput = z.infer<typeof ScheduleBody>;
