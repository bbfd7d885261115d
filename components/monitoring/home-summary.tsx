import { Activity } from 'lucide-react';
import Link from 'next/link';
import { unstable_rethrow } from 'next/navigation';

import { getCaller } from '@/lib/auth';
import { log } from '@/lib/log';
import { getMonitoringSummary } from '@/lib/services/monitoring';

import { summaryText } from './summary-text';

/**
 * One line on the home page (the Generator) with the Monitoring page's counts and a link to it.
 * The counts may be up to 30 seconds old (see getMonitoringSummary). Nothing when no table is
 * monitored, and nothing when it cannot be read (the Generator must not
 * break or wait for it: the page streams it in a Suspense boundary).
 */
export async function HomeMonitoringSummary() {
  let summary;
  try {
    summary = await getMonitoringSummary(await getCaller());
  } catch (error) {
    unstable_rethrow(error); // the framework's own signals (dynamic rendering) are not failures
    log.warn('the monitoring summary could not be read for the home page', { error });
    return null;
  }
  if (summary.total === 0) return null;
  const bad = summary.breach + summary.overdue + summary.failed;
  return (
    <aside aria-label="Monitoring summary" className="text-muted-foreground flex flex-wrap items-center gap-x-2 gap-y-1 text-sm">
      <Activity aria-hidden className={`size-4 ${bad > 0 ? 'text-destructive' : 'text-emerald-600'}`} />
      <span>
        Monitoring: <span className={bad > 0 ? 'text-foreground font-medium' : ''}>{summaryText(summary)}</span>
      </span>
      <Link className="text-primary underline" href="/monitoring">
        Open monitoring
      </Link>
    </aside>
  );
}
