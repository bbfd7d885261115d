'use client';

import { useSearchParams } from 'next/navigation';
import { useCallback } from 'react';

/**
 * Write view state (the run shown, the selected rule, a page) into the URL without a server round
 * trip: Next.js keeps `useSearchParams` in step with `history.pushState` / `replaceState`, and a
 * reload or a shared link then reproduces the view.
 */
export function useUrlState(): {
  params: URLSearchParams;
  set: (updates: Record<string, string | number | null | undefined>, options?: { push?: boolean }) => void;
} {
  const searchParams = useSearchParams();
  const set = useCallback(
    (updates: Record<string, string | number | null | undefined>, options: { push?: boolean } = {}) => {
      const next = new URLSearchParams(window.location.search);
      for (const [key, value] of Object.entries(updates)) {
        if (value === null || value === undefined || value === '') next.delete(key);
        else next.set(key, String(value));
      }
      const query = next.toString();
      const url = `${window.location.pathname}${query ? `?${query}` : ''}`;
      if (options.push) window.history.pushState(null, '', url);
      else window.history.replaceState(null, '', url);
    },
    [],
  );
  return { params: new URLSearchParams(searchParams.toString()), set };
}
