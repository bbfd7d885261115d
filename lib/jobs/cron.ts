/**
 * Slots of a 5-field unix cron expression in an IANA time zone, computed by `croner` (pinned):
 * minute hour day-of-month month day-of-week; day of month OR day of week as unix cron does. Pure:
 * used by the schedules service (validation, next run) and the local scheduler (due slots).
 */
import { Cron } from 'croner';

export class CronError extends Error {
  constructor(
    readonly field: 'cron' | 'timezone',
    message: string,
  ) {
    super(message);
    this.name = 'CronError';
  }
}

/** Whether the runtime knows this IANA time zone (aliases such as `UTC` included). */
export function isTimeZone(zone: string): boolean {
  if (!zone) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A parsed expression; throws CronError naming `cron` or `timezone`. */
export function parseCron(cron: string, timezone: string): Cron {
  if (!isTimeZone(timezone)) throw new CronError('timezone', `${JSON.stringify(timezone)} is not a known IANA time zone (such as "Europe/Paris" or "UTC").`);
  try {
    return new Cron(cron, { timezone, paused: true, mode: '5-part' });
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^CronPattern:\s*/, '') : String(error);
    throw new CronError('cron', `${JSON.stringify(cron)} is not a 5-field cron expression (minute hour day-of-month month day-of-week): ${reason}`);
  }
}

/** The first slot strictly after `after`, or null when the expression has none. */
export function nextSlot(cron: string, timezone: string, after: Date): Date | null {
  return parseCron(cron, timezone).nextRun(after);
}

/** The latest slot at or before `at`, or null when there is none. */
export function latestSlot(cron: string, timezone: string, at: Date): Date | null {
  // previousRuns looks strictly before its reference: a slot exactly at `at` counts too
  return parseCron(cron, timezone).previousRuns(1, new Date(at.getTime() + 1))[0] ?? null;
}
