import type { MonitoringOverview } from '@/lib/services/monitoring';

const PHRASES: [keyof Omit<MonitoringOverview['summary'], 'total'>, string, string][] = [
  ['breach', 'breaching', 'breaching'],
  ['overdue', 'overdue', 'overdue'],
  ['failed', 'with a failed run', 'with a failed run'],
  ['no_run', 'not run yet', 'not run yet'],
  ['ok', 'OK', 'OK'],
];

/** "2 tables breaching, 1 overdue, 5 OK": the statuses that have tables, worst first. */
export function summaryText(summary: MonitoringOverview['summary']): string {
  const parts = PHRASES.filter(([key]) => summary[key] > 0).map(([key, one, many], i) => {
    const n = summary[key];
    const noun = i === 0 ? (n === 1 ? ' table' : ' tables') : '';
    return `${n}${noun} ${n === 1 ? one : many}`;
  });
  return parts.length > 0 ? parts.join(', ') : 'no table monitored';
}
