/**
 * A 5-field unix cron expression (what a schedule is written in) as the Quartz expression a
 * Databricks job's `schedule.quartz_cron_expression` takes. Pure; no time zone involved (the job
 * carries `timezone_id`).
 *
 *   unix:    minute hour day-of-month month day-of-week        (day of week 0-7, 0 and 7 = Sunday)
 *   Quartz:  second minute hour day-of-month month day-of-week  (day of week 1-7, 1 = Sunday)
 *
 * - a seconds field `0` is put in front;
 * - Quartz needs `?` in exactly one of day-of-month and day-of-week: `*` in unix day-of-week becomes
 *   `?` there; a restricted day-of-week with `*` day-of-month puts the `?` in day-of-month;
 * - day-of-week is rewritten as day NAMES (`MON-FRI`, `SUN,WED`), so the two numberings can never
 *   be confused; steps and ranges are expanded first (`*\/2` = SUN,TUE,THU,SAT);
 * - minute, hour, day-of-month and month are checked (values in range, steps at least 1) and kept:
 *   both dialects read `*`, `a`, `a-b`, `a-b/n`, `*\/n` and lists alike (month names too).
 *
 * Refused, with a message saying why: unix cron's "day-of-month OR day-of-week" (both restricted:
 * Quartz cannot express it), `@reboot`, Quartz-only or non-standard syntax (`?`, `L`, `W`, `#`),
 * anything that is not five fields.
 */

export class CronConversionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CronConversionError';
  }
}

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
/** Unix numbering: index 0 = Sunday. Quartz names are the same words. */
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface FieldSpec {
  label: string;
  min: number;
  max: number;
  names?: string[];
  /** The value a name stands for is its index plus this. */
  nameBase?: number;
}

const MINUTE: FieldSpec = { label: 'minute', min: 0, max: 59 };
const HOUR: FieldSpec = { label: 'hour', min: 0, max: 23 };
const DAY_OF_MONTH: FieldSpec = { label: 'day of month', min: 1, max: 31 };
const MONTH: FieldSpec = { label: 'month', min: 1, max: 12, names: MONTHS, nameBase: 1 };
// 7 is Sunday too in unix cron
const DAY_OF_WEEK: FieldSpec = { label: 'day of week', min: 0, max: 7, names: DAYS, nameBase: 0 };

function value(text: string, spec: FieldSpec): number {
  const upper = text.toUpperCase();
  const named = spec.names?.indexOf(upper) ?? -1;
  if (named >= 0) return named + (spec.nameBase ?? 0);
  if (!/^\d{1,2}$/.test(text)) {
    if (/[?LW#]/i.test(text)) {
      throw new CronConversionError(
        `The ${spec.label} field uses "${text}", which is not 5-field unix cron (no ?, L, W or #).`,
      );
    }
    throw new CronConversionError(
      `The ${spec.label} field has "${text}", which is not a number${spec.names ? ' or a name' : ''}.`,
    );
  }
  const n = Number(text);
  if (n < spec.min || n > spec.max) {
    throw new CronConversionError(
      `The ${spec.label} field has ${n}; it must be between ${spec.min} and ${spec.max}.`,
    );
  }
  return n;
}

/** Every value one list item of a field stands for (checking it on the way). */
function expand(item: string, spec: FieldSpec): number[] {
  const [range, stepText, extra] = item.split('/');
  if (extra !== undefined || range === undefined || range === '')
    throw new CronConversionError(`The ${spec.label} field has "${item}", which is not valid.`);
  let step = 1;
  if (stepText !== undefined) {
    if (!/^\d{1,2}$/.test(stepText) || Number(stepText) < 1) {
      throw new CronConversionError(
        `The ${spec.label} field has the step "/${stepText}"; a step must be a whole number of at least 1.`,
      );
    }
    step = Number(stepText);
  }
  let from: number;
  let to: number;
  if (range === '*') {
    from = spec.min;
    to = spec === DAY_OF_WEEK ? 6 : spec.max;
  } else if (range.includes('-')) {
    const parts = range.split('-');
    if (parts.length !== 2)
      throw new CronConversionError(`The ${spec.label} field has "${item}", which is not valid.`);
    from = value(parts[0]!, spec);
    to = value(parts[1]!, spec);
    if (from > to)
      throw new CronConversionError(`The ${spec.label} field has the range ${range}, which runs backwards.`);
  } else {
    from = value(range, spec);
    // unix `a/n` means a, a+n, ... up to the end of the field
    to = stepText !== undefined ? (spec === DAY_OF_WEEK ? 6 : spec.max) : from;
  }
  const out: number[] = [];
  for (let n = from; n <= to; n += step) out.push(n);
  return out;
}

function checkField(text: string, spec: FieldSpec): string {
  if (text === '') throw new CronConversionError(`The ${spec.label} field is empty.`);
  for (const item of text.split(',')) expand(item, spec);
  return text.toUpperCase();
}

/** Quartz day-of-week as names, consecutive days as ranges: {1,2,3,4,5} -> MON-FRI. */
function daysOfWeek(text: string): string {
  const days = new Set<number>();
  for (const item of text.split(',')) for (const d of expand(item, DAY_OF_WEEK)) days.add(d % 7);
  const sorted = [...days].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(
      j - i >= 2
        ? `${DAYS[sorted[i]!]}-${DAYS[sorted[j]!]}`
        : sorted
            .slice(i, j + 1)
            .map((d) => DAYS[d])
            .join(','),
    );
    i = j + 1;
  }
  return parts.join(',');
}

/** `0 6 * * 1-5` -> `0 0 6 ? * MON-FRI`; throws CronConversionError with a message a user can act on. */
export function unixCronToQuartz(cron: string): string {
  const trimmed = cron.trim();
  if (trimmed.startsWith('@')) {
    const expanded = MACROS[trimmed.toLowerCase()];
    if (!expanded)
      throw new CronConversionError(
        `"${trimmed}" cannot run as a Databricks schedule; write the five cron fields instead.`,
      );
    return unixCronToQuartz(expanded);
  }
  const fields = trimmed.split(/\s+/);
  if (fields.length !== 5) {
    throw new CronConversionError(
      `A schedule needs five cron fields (minute hour day-of-month month day-of-week); "${trimmed}" has ${fields.length}.`,
    );
  }
  const [minute, hour, dom, month, dow] = fields as [string, string, string, string, string];
  const q = [checkField(minute, MINUTE), checkField(hour, HOUR)];
  const domRestricted = dom !== '*';
  const dowRestricted = dow !== '*';
  if (domRestricted && dowRestricted) {
    checkField(dom, DAY_OF_MONTH);
    daysOfWeek(dow);
    throw new CronConversionError(
      `"${trimmed}" restricts both the day of month and the day of week, which unix cron reads as "either one"; Databricks (Quartz) schedules cannot express that. Use one of the two, or two schedules.`,
    );
  }
  const monthField = checkField(month, MONTH);
  if (dowRestricted) return ['0', ...q, '?', monthField, daysOfWeek(dow)].join(' ');
  return ['0', ...q, checkField(dom, DAY_OF_MONTH), monthField, '?'].join(' ');
}
