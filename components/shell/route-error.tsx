'use client';

import { AlertTriangle } from 'lucide-react';

import { Button } from '@/components/ui/button';

/** The body of a route's error boundary: what happened, and what to do next. */
export function RouteError({
  error,
  reset,
  what,
}: {
  error: Error & { digest?: string };
  reset: () => void;
  what: string;
}) {
  return (
    <div
      role="alert"
      className="border-destructive/40 bg-destructive/5 max-w-2xl space-y-3 rounded-md border p-4"
    >
      <div className="flex items-center gap-2 font-medium">
        <AlertTriangle aria-hidden className="text-destructive size-5" />
        {what} could not be loaded.
      </div>
      <p className="text-muted-foreground text-sm">
        The server ran into a problem. Try again; if it keeps failing, reload the page or check that the
        app&apos;s warehouse is running (<code>/api/ready</code>).
        {error.digest && (
          <>
            {' '}
            Reference: <code>{error.digest}</code>.
          </>
        )}
      </p>
      <Button onClick={reset}>Try again</Button>
    </div>
  );
}
