'use client';

import { CircleAlert, Loader2 } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';

import { cn } from '@/lib/utils';
import type { TableAvailability } from '@/lib/warehouse/port';

const POLL_MS = 1000;

function ProgressBar({ value, label, className }: { value: number; label: string; className?: string }) {
  const percent = Math.floor(Math.max(0, Math.min(1, value)) * 100);
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      aria-valuetext={`${percent}%`}
      className={cn('bg-muted h-1.5 w-full overflow-hidden rounded-full', className)}
    >
      <div className="bg-primary h-full transition-[width] duration-500" style={{ width: `${percent}%` }} />
    </div>
  );
}

/** A table's state in a listing (the table picker) while it cannot be read yet. */
export function TableAvailabilityNote({ availability }: { availability: TableAvailability }) {
  if (availability.state === 'failed') {
    return (
      <span className="text-destructive block text-xs" data-testid="table-availability">
        Could not be prepared; see the message when you open it.
      </span>
    );
  }
  const percent = Math.floor((availability.progress ?? 0) * 100);
  return (
    <span className="grid gap-1 pt-0.5" data-testid="table-availability">
      <span className="text-muted-foreground block text-xs">
        Being prepared: {percent}% · ready without a restart
      </span>
      <ProgressBar value={availability.progress ?? 0} label="Preparing the table" className="max-w-48" />
    </span>
  );
}

interface ErrorBody {
  error?: { message?: string; details?: { availability?: TableAvailability } };
}

/**
 * The availability of a table that is being prepared, kept up to date: its progress is read again
 * every second from the table's API (which answers 503 with the progress until the table is
 * there), and the page is refreshed as soon as the table can be read.
 */
export function useTableAvailability(
  table: string,
  initial: TableAvailability | null,
): TableAvailability | null {
  const router = useRouter();
  const [availability, setAvailability] = useState(initial);
  const watching = initial?.state === 'preparing';
  useEffect(() => {
    if (!watching) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const res = await fetch(`/api/v1/tables/${encodeURIComponent(table)}`, {
          headers: { accept: 'application/json' },
        });
        if (!live) return;
        if (res.ok) {
          setAvailability(null);
          router.refresh();
          return;
        }
        const body = (await res.json().catch(() => null)) as ErrorBody | null;
        const next = body?.error?.details?.availability;
        if (live && next) setAvailability(next);
        if (next?.state === 'failed') return;
      } catch {
        // the server is busy or restarting: ask again
      }
      if (live) timer = setTimeout(() => void poll(), POLL_MS);
    };
    timer = setTimeout(() => void poll(), POLL_MS);
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, [table, watching, router]);
  return availability;
}

/** The panel shown instead of a table (its preview, or an action on it) while it is being prepared. */
export function TablePreparing({
  table,
  availability: initial,
  what,
}: {
  table: string;
  availability: TableAvailability;
  /** What becomes possible once it is ready, e.g. "Its columns and sample rows appear here". */
  what?: string;
}) {
  const availability = useTableAvailability(table, initial);
  if (!availability) {
    return (
      <p role="status" className="text-muted-foreground flex items-center gap-2 text-sm">
        <Loader2 aria-hidden className="size-4 animate-spin" /> {table} is ready; loading it…
      </p>
    );
  }
  if (availability.state === 'failed') {
    return (
      <div
        role="alert"
        className="border-destructive/40 bg-destructive/5 flex gap-3 rounded-md border p-4 text-sm"
      >
        <CircleAlert aria-hidden className="text-destructive mt-0.5 size-5 shrink-0" />
        <div className="space-y-1">
          <p className="font-medium">{table} could not be prepared</p>
          <p className="text-muted-foreground">{availability.message}</p>
        </div>
      </div>
    );
  }
  return (
    <section
      aria-label={`Preparing ${table}`}
      className="bg-card grid gap-2 rounded-md border p-4 text-sm"
      data-testid="table-preparing"
    >
      <p className="flex items-center gap-2 font-medium">
        <Loader2 aria-hidden className="size-4 animate-spin" /> {table} is being prepared
      </p>
      <ProgressBar value={availability.progress ?? 0} label={`Preparing ${table}`} />
      <p role="status" aria-live="polite" className="text-muted-foreground">
        {availability.message}
      </p>
      {what && <p className="text-muted-foreground">{what}</p>}
    </section>
  );
}
