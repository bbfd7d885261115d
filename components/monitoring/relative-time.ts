/** "5 minutes ago", "in 2 hours": a point in time said relative to `now` (English, rounded to the largest whole unit). */
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3_600_000],
  ['month', 30 * 24 * 3_600_000],
  ['week', 7 * 24 * 3_600_000],
  ['day', 24 * 3_600_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

const FORMAT = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

export function relativeTime(iso: string, now: Date): string {
  const ms = new Date(iso).getTime() - now.getTime();
  if (Number.isNaN(ms)) return iso;
  const abs = Math.abs(ms);
  if (abs < 60_000) return ms <= 0 ? 'just now' : 'in less than a minute';
  for (const [unit, size] of UNITS) {
    if (abs >= size) return FORMAT.format(Math.trunc(ms / size), unit);
  }
  return FORMAT.format(Math.trunc(ms / 60_000), 'minute');
}
