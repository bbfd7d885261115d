import { Badge } from '@/components/ui/badge';
import type { MonitorStatus } from '@/lib/services/monitoring';

const LOOK: Record<MonitorStatus, { label: string; variant: 'destructive' | 'warning' | 'secondary' | 'success' | 'outline' }> = {
  breach: { label: 'Breach', variant: 'destructive' },
  overdue: { label: 'Overdue', variant: 'warning' },
  failed: { label: 'Run failed', variant: 'warning' },
  no_run: { label: 'No run yet', variant: 'secondary' },
  ok: { label: 'OK', variant: 'success' },
};

export const statusLabel = (status: MonitorStatus) => LOOK[status].label;

export function MonitorStatusBadge({ status }: { status: MonitorStatus }) {
  return <Badge variant={LOOK[status].variant}>{LOOK[status].label}</Badge>;
}
