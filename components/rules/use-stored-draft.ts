'use client';

import { useSyncExternalStore } from 'react';

import { readDraft, type StoredDraft } from './draft-storage';

const subscribe = (onChange: () => void) => {
  window.addEventListener('storage', onChange);
  return () => window.removeEventListener('storage', onChange);
};

/**
 * The unsaved draft kept in this browser for `scope`, if any (for a page that shows the editor only
 * on request, to say there is one). Read from storage after hydration; null on the server.
 */
export function useUnsavedDraft(scope: string): (Pick<StoredDraft, 'savedAt'> & { rules: number }) | null {
  const key = useSyncExternalStore(
    subscribe,
    () => {
      const draft = readDraft(scope);
      return draft?.dirty ? `${draft.items.length}\u0000${draft.savedAt}` : '';
    },
    () => '',
  );
  if (!key) return null;
  const [rules, savedAt] = key.split('\u0000');
  return { rules: Number(rules), savedAt: savedAt ?? '' };
}
