/**
 * GET /api/v1/monitoring: every monitored table the caller can read (thresholds set or a schedule),
 * worst first, with a count per status (docs/monitoring.md, "Monitoring page").
 */
import { route } from '@/lib/http/route';
import { getMonitoringOverview } from '@/lib/services/monitoring';

export const dynamic = 'force-dynamic';

export const GET = route('getMonitoringOverview', async ({ caller }) => getMonitoringOverview(caller));
