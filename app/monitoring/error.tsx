'use client';

import { RouteError } from '@/components/shell/route-error';

export default function PageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <RouteError error={error} reset={reset} what="The monitoring overview" />;
}
