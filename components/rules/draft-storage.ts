/**
 * The rules being worked on, kept in the browser (localStorage) per page and table, so a reload,
 * a closed tab or a visit to another page never loses them. Nothing leaves the browser; a browser
 * without storage (private mode, full quota) simply keeps nothing.
 */
import type { ChecksFormat } from './engine';
import { isRecord, type RawRule, type RuleAnnotation, type RuleItem } from './rule-model';

const PREFIX = 'dqx.rules-draft.v1:';
/** A draft larger than this is not kept (the storage of one site is about 5 MB). */
const MAX_CHARS = 2_000_000;

export interface StoredDraft {
  /** The seed the rules were based on (a generation run, a saved version), or null. */
  basis: string | null;
  /** When the draft was last written (ISO). */
  savedAt: string;
  items: { key?: string; rule: RawRule; annotation?: RuleAnnotation }[];
  /** True while the rules differ from what was generated, opened or last saved. */
  dirty: boolean;
  /** The version the rules were last saved as, when they were. */
  savedVersion: number | null;
  /** YAML or JSON text typed in the editor that does not read yet. */
  text: { format: ChecksFormat; text: string } | null;
}

const keyOf = (scope: string) => `${PREFIX}${scope.toLowerCase()}`;

function storage(): Storage | null {
  try {
    return typeof window === 'undefined' ? null : window.localStorage;
  } catch {
    return null;
  }
}

/** The draft kept for `scope` (e.g. `generator:samples.sales.orders`), or null. */
export function readDraft(scope: string): StoredDraft | null {
  try {
    const raw = storage()?.getItem(keyOf(scope));
    if (!raw) return null;
    const value = JSON.parse(raw) as unknown;
    if (!isRecord(value) || !Array.isArray(value.items)) return null;
    const items = value.items.filter(
      (i): i is StoredDraft['items'][number] => isRecord(i) && isRecord(i.rule),
    );
    const t = isRecord(value.text) ? value.text : null;
    const format: ChecksFormat | null = t?.format === 'yaml' || t?.format === 'json' ? t.format : null;
    const text = format && typeof t?.text === 'string' ? { format, text: t.text } : null;
    return {
      basis: typeof value.basis === 'string' ? value.basis : null,
      savedAt: typeof value.savedAt === 'string' ? value.savedAt : new Date(0).toISOString(),
      items,
      dirty: value.dirty === true,
      savedVersion: typeof value.savedVersion === 'number' ? value.savedVersion : null,
      text,
    };
  } catch {
    return null;
  }
}

export function writeDraft(scope: string, draft: Omit<StoredDraft, 'savedAt'>): boolean {
  try {
    const text = JSON.stringify({ ...draft, savedAt: new Date().toISOString() });
    if (text.length > MAX_CHARS) return false;
    storage()?.setItem(keyOf(scope), text);
    return true;
  } catch {
    return false;
  }
}

export function clearDraft(scope: string): void {
  try {
    storage()?.removeItem(keyOf(scope));
  } catch {
    // nothing kept then
  }
}

/** Stored entries as editor items, with their keys (conflict marks refer to them) and annotations. */
export function draftItems(draft: StoredDraft, newKey: () => string): RuleItem[] {
  const seen = new Set<string>();
  return draft.items.map((i) => {
    const key = typeof i.key === 'string' && i.key && !seen.has(i.key) ? i.key : newKey();
    seen.add(key);
    return { key, rule: i.rule, ...(i.annotation ? { annotation: i.annotation } : {}) };
  });
}

/** Editor items as stored entries. */
export function storedItems(items: readonly RuleItem[]): StoredDraft['items'] {
  return items.map((i) => ({
    key: i.key,
    rule: i.rule,
    ...(i.annotation ? { annotation: i.annotation } : {}),
  }));
}
