'use client';

import { Ban, Check, CircleAlert, Circle, Loader2, MinusCircle, RotateCcw, X } from 'lucide-react';
import { useEffect, useState } from 'react';

import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { cancelRunAction } from '@/lib/actions/runs';
import type { RunDetail } from '@/lib/services/runs';
import { cn } from '@/lib/utils';

import { elapsedMs, formatDuration, isTerminal, type RunStatus } from './format';
import { RunStatusBadge } from './run-status';

type Step = RunDetail['progress']['steps'][number];

const STEP_ICON: Record<Step['status'], { Icon: typeof Check; label: string; className?: string }> = {
  pending: { Icon: Circle, label: 'to do', className: 'text-muted-foreground' },
  running: { Icon: Loader2, label: 'in progress', className: 'animate-spin text-primary' },
  done: { Icon: Check, label: 'done', className: 'text-emerald-600 dark:text-emerald-400' },
  failed: { Icon: X, label: 'failed', className: 'text-destructive' },
  skipped: { Icon: MinusCircle, label: 'skipped', className: 'text-muted-foreground' },
};

function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

/**
 * A run while it runs and once it ended: status, steps, percentage, elapsed time and a cancel
 * button; a failure with its cause and what to do; a cancellation. `what` names the work
 * ("Generation", "Validation", "Dry run").
 */
export function RunProgress({
  run,
  what,
  onCancelled,
  onRetry,
  retrying,
}: {
  run: RunDetail;
  what: string;
  /** Called with the answer of the cancel request (poll again to see the run end). */
  onCancelled?: () => void;
  /** Offered when the run failed or was cancelled. */
  onRetry?: () => void;
  /** The last poll failed; polling goes on. */
  retrying?: string | null;
}) {
  const status = run.status as RunStatus;
  const active = !isTerminal(status);
  const now = useNow(active);
  const [cancelling, setCancelling] = useState(false);
  const [cancelError, setCancelError] = useState<string | null>(null);
  const elapsed = elapsedMs(run, now);
  const percent = Math.max(0, Math.min(100, Math.round(run.progress.percent)));
  const steps = run.progress.steps;

  const cancel = async () => {
    setCancelling(true);
    setCancelError(null);
    const result = await cancelRunAction({ run_id: run.id }).catch(() => ({ ok: false as const, message: 'The server could not be reached.' }));
    if (!result.ok) setCancelError(`The run could not be cancelled: ${result.message}`);
    onCancelled?.();
  };
  const stopping = active && (run.cancel_requested || cancelling);

  return (
    <section
      aria-label={`${what} run`}
      className="bg-card grid gap-3 rounded-lg border p-4"
      data-testid="run-progress"
      data-run-status={status}
    >
      <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
        <h3 className="font-medium">{what}</h3>
        <RunStatusBadge status={status} incomplete={run.evaluation === 'incomplete'} />
        <span className="text-muted-foreground text-sm tabular-nums" aria-label="Elapsed time">
          {elapsed === null ? (status === 'queued' ? 'waiting to start' : '') : `${active ? 'running for' : 'took'} ${formatDuration(elapsed)}`}
        </span>
        {active && (
          <Button type="button" variant="outline" size="sm" className="ml-auto" onClick={() => void cancel()} disabled={stopping}>
            {stopping ? <Loader2 className="animate-spin" /> : <Ban />}
            {stopping ? 'Cancelling…' : 'Cancel run'}
          </Button>
        )}
      </div>

      {active && (
        <div className="grid gap-1">
          <div
            role="progressbar"
            aria-label={`${what} progress`}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={percent}
            aria-valuetext={`${percent}%${run.progress.message ? `: ${run.progress.message}` : ''}`}
            className="bg-muted h-2 w-full overflow-hidden rounded-full"
          >
            <div className="bg-primary h-full rounded-full transition-[width] duration-500" style={{ width: `${percent}%` }} />
          </div>
          <p className="text-muted-foreground text-sm" aria-live="polite">
            <span className="tabular-nums">{percent}%</span>
            {run.progress.message ? ` · ${run.progress.message}` : ''}
          </p>
        </div>
      )}

      {steps.length > 0 && status !== 'succeeded' && (
        <ol aria-label="Steps" className="grid gap-1 text-sm">
          {steps.map((step) => {
            const s = STEP_ICON[step.status] ?? STEP_ICON.pending;
            return (
              <li key={step.key} className="flex items-center gap-2" data-step-status={step.status}>
                <s.Icon aria-hidden className={cn('size-4 shrink-0', s.className)} />
                <span className={step.status === 'pending' || step.status === 'skipped' ? 'text-muted-foreground' : undefined}>
                  {step.label}
                </span>
                <span className="sr-only">({s.label})</span>
                {step.status === 'skipped' && <span className="text-muted-foreground text-xs">(skipped)</span>}
                {step.status === 'failed' && <span className="text-destructive text-xs">(failed)</span>}
              </li>
            );
          })}
        </ol>
      )}

      {retrying && active && (
        <p role="status" className="text-muted-foreground text-sm">
          {retrying}
        </p>
      )}
      {cancelError && (
        <p role="alert" className="text-destructive text-sm">
          {cancelError}
        </p>
      )}

      {status === 'failed' && (
        <Alert variant="destructive">
          <CircleAlert aria-hidden />
          <AlertTitle>{what} failed</AlertTitle>
          <AlertDescription>
            <p>{run.error?.message ?? 'The run failed without saying why.'}</p>
            <p>
              <strong>What to do:</strong> {run.error?.action ?? 'Start it again; if it fails again, check the server log.'}
            </p>
            {onRetry && (
              <Button type="button" size="sm" variant="outline" onClick={onRetry}>
                <RotateCcw /> Try again
              </Button>
            )}
          </AlertDescription>
        </Alert>
      )}
      {status === 'cancelled' && (
        <Alert>
          <Ban aria-hidden />
          <AlertTitle>{what} was cancelled</AlertTitle>
          <AlertDescription>
            <p>
              {run.cancel_requested_by ? `Cancelled by ${run.cancel_requested_by}. ` : ''}Nothing was kept from this run; start it again when
              you are ready.
            </p>
            {onRetry && (
              <Button type="button" size="sm" variant="outline" onClick={onRetry}>
                <RotateCcw /> Start again
              </Button>
            )}
          </AlertDescription>
        </Alert>
      )}
    </section>
  );
}
