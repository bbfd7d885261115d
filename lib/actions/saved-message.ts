import type { SavedRuleSetVersion } from '@/lib/services/rule-sets';

/** What a save did, in words: the active version, or a proposal waiting for a steward. */
export function savedMessage(saved: SavedRuleSetVersion): string {
  if (saved.proposal) {
    return `Proposed as version ${saved.version} of ${saved.table_name}: a steward of the table reviews it before it becomes active.`;
  }
  return `Saved as version ${saved.version} of ${saved.table_name}; it is now the active version.`;
}
