/**
 * New rules arriving in an editor that already holds rules (a new generation, a saved version
 * opened over a draft): what the user's own work is, and the two ways to take the new rules in.
 */
import { summarizeRule, type RuleItem } from './rule-model';
import { ruleIdentity } from './rules-text';

/** Work the user would lose if the rules were replaced: rules written by hand, imported, or edited. */
export function isUserWork(item: RuleItem): boolean {
  const a = item.annotation;
  return !a || a.origin === 'manual' || a.origin === 'imported' || Boolean(a.edited);
}

/** What a rule checks: its function and the columns it reads (after for_each_column). */
function targetOf(item: RuleItem): string {
  const s = summarizeRule(item.rule);
  return `${s.functionName}\u0000${[...s.columns].sort().join('\u0000')}`;
}

export interface MergeOutcome {
  items: RuleItem[];
  /** The user's rules kept. */
  kept: number;
  /** New rules added. */
  added: number;
  /** New rules left out because one of the user's rules is the very same rule. */
  duplicates: number;
  /** New rules that check what one of the user's rules checks, added and marked. */
  conflicts: number;
  /** Unedited rules of the earlier generation, replaced by the new ones. */
  dropped: number;
}

/**
 * Merge: keep the user's rules (written by hand, imported, edited) first, in their order; then the
 * new rules, except those identical to a kept one. A new rule that checks the same function on the
 * same columns as a kept one is added and marked as conflicting with it, for the user to decide.
 * Unedited rules of an earlier generation are replaced by the new ones.
 */
export function mergeRules(current: readonly RuleItem[], incoming: readonly RuleItem[]): MergeOutcome {
  const kept = current.filter(isUserWork);
  const identities = new Set(kept.map((i) => ruleIdentity(i.rule)));
  const targets = new Map<string, RuleItem>();
  for (const item of kept) if (!targets.has(targetOf(item))) targets.set(targetOf(item), item);
  const added: RuleItem[] = [];
  let duplicates = 0;
  let conflicts = 0;
  for (const item of incoming) {
    if (identities.has(ruleIdentity(item.rule))) {
      duplicates += 1;
      continue;
    }
    const rival = targets.get(targetOf(item));
    if (rival) {
      conflicts += 1;
      added.push({
        ...item,
        annotation: { ...(item.annotation ?? { origin: 'manual' }), conflictWith: rival.key },
      });
    } else {
      added.push(item);
    }
  }
  return {
    items: [...kept, ...added],
    kept: kept.length,
    added: added.length,
    duplicates,
    conflicts,
    dropped: current.length - kept.length,
  };
}

/** A sentence on a merge, for the undo bar. */
export function mergeSummary(m: MergeOutcome): string {
  const n = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;
  const parts = [`kept ${n(m.kept, 'rule')} of yours`, `added ${n(m.added, 'new rule')}`];
  if (m.conflicts)
    parts.push(
      `${n(m.conflicts, 'new rule checks', 'new rules check')} the same as one of yours (marked “conflict”)`,
    );
  if (m.duplicates) parts.push(`left out ${n(m.duplicates, 'new rule')} identical to yours`);
  if (m.dropped) parts.push(`replaced ${n(m.dropped, 'unedited generated rule')}`);
  return `Merged: ${parts.join('; ')}.`;
}
