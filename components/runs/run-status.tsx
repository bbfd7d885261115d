import { Ban, CircleAlert, CircleCheck, CircleX, Clock, Loader2 } from 'lucide-react';

import { Badge } from '@/components/ui/badge';

import type { RunStatus } from './format';

const STATUS: Record<RunStatus, { label: string; variant: 'secondary' | 'success' | 'destructive' | 'outline'; Icon: typeof Clock }> = {
  queued: { label: 'Queued', variant: 'secondary', Icon: Clock },
  running: { label: 'Running', variant: 'secondary', Icon: Loader2 },
  succeeded: { label: 'Succeeded', variant: 'success', Icon: CircleCheck },
  failed: { label: 'Failed', variant: 'destructive', Icon: CircleX },
  cancelled: { label: 'Cancelled', variant: 'outline', Icon: Ban },
};

const INCOMPLETE = { label: 'Incomplete', variant: 'outline' as const, Icon: CircleAlert };

/**
 * A run's status as an icon and a word (never colour alone). A succeeded run that left rules not
 * evaluated reads "Incomplete", never "Succeeded".
 */
export function RunStatusBadge({ status, incomplete = false }: { status: RunStatus; incomplete?: boolean }) {
  const s = status === 'succeeded' && incomplete ? INCOMPLETE : (STATUS[status] ?? STATUS.queued);
  return (
    <Badge
      variant={s.variant}
      data-status={status}
      data-evaluation={status === 'succeeded' ? (incomplete ? 'incomplete' : 'complete') : undefined}
      title={s === INCOMPLETE ? 'The run finished, but some rules were not evaluated' : undefined}
    >
      <s.Icon aria-hidden className={status === 'running' ? 'animate-spin' : undefined} />
      {s.label}
    </Badge>
  );
}

export const runStatusLabel = (status: RunStatus) => (STATUS[status] ?? STATUS.queued).label;
