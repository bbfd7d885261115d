import Link from 'next/link';
import { Suspense } from 'react';

import { MonitoringTable } from '@/components/monitoring/monitoring-table';
import { summaryText } from '@/components/monitoring/summary-text';
import { Button } from '@/components/ui/button';
import { getCaller } from '@/lib/auth';
import { getMonitoringOverview } from '@/lib/services/monitoring';

import MonitoringLoading from './loading';

export const metadata = { title: 'Monitoring' };

async function Overview() {
  const overview = await getMonitoringOverview(await getCaller());
  if (overview.items.length === 0) {
    return (
      <div className="grid justify-items-start gap-3 rounded-lg border border-dashed p-6">
        <p className="font-medium">No table is monitored yet.</p>
        <p className="text-muted-foreground max-w-2xl text-sm">
          A table is monitored once it has thresholds (a minimum pass rate, or &ldquo;any error row&rdquo;, for the table or a rule) or a schedule. Open a
          table in History and set them in its <span className="font-medium">Thresholds and alerts</span> section: every validation run is then held to
          them, and the table shows up here with its status, its last runs and the rules that fail.
        </p>
        <Button asChild>
          <Link href="/history">Open History</Link>
        </Button>
      </div>
    );
  }
  return (
    <div className="grid gap-3">
      <p className="text-sm" role="status">
        {summaryText(overview.summary)}.
      </p>
      <MonitoringTable items={overview.items} now={new Date(overview.generated_at)} />
      <p className="text-muted-foreground text-xs">
        Status is judged on each table&apos;s latest validation run with its thresholds as they are now (the same as{' '}
        <code>GET /api/v1/tables/&#123;name&#125;/health</code>); the whole list is at <code>GET /api/v1/monitoring</code>.
      </p>
    </div>
  );
}

export default function MonitoringPage() {
  return (
    <section className="space-y-6">
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold">Monitoring</h1>
        <p className="text-muted-foreground">
          Every monitored table, worst first: whether it meets its thresholds, its last and next run, its pass rate over the last runs and the rules that
          fail.
        </p>
      </div>
      <Suspense fallback={<MonitoringLoading />}>
        <Overview />
      </Suspense>
    </section>
  );
}
