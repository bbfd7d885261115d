/**
 * What changed between an audit event's before and after: the leaves (paths such as
 * `active_version.version`) whose values differ, as text. Pure, for the Audit page.
 */

export interface ChangedField {
  path: string;
  before: string;
  after: string;
}

const MAX_DEPTH = 4;
const MAX_TEXT = 200;

const text = (value: unknown): string => {
  if (value === undefined) return '–';
  const out = JSON.stringify(value) ?? String(value);
  return out.length > MAX_TEXT ? `${out.slice(0, MAX_TEXT - 1)}…` : out;
};

function leaves(value: unknown, path: string, depth: number, out: Map<string, unknown>): void {
  if (value && typeof value === 'object' && depth < MAX_DEPTH) {
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    if (entries.length > 0) {
      for (const [key, v] of entries) leaves(v, path ? `${path}.${key}` : key, depth + 1, out);
      return;
    }
  }
  out.set(path || '(value)', value);
}

/** The fields that differ, in the order they first appear (after's order for new ones). */
export function changedFields(before: unknown, after: unknown): ChangedField[] {
  const a = new Map<string, unknown>();
  const b = new Map<string, unknown>();
  if (before !== null && before !== undefined) leaves(before, '', 0, a);
  if (after !== null && after !== undefined) leaves(after, '', 0, b);
  const paths = [...new Set([...a.keys(), ...b.keys()])];
  return paths
    .filter((p) => JSON.stringify(a.get(p)) !== JSON.stringify(b.get(p)))
    .map((p) => ({ path: p, before: a.has(p) ? text(a.get(p)) : '–', after: b.has(p) ? text(b.get(p)) : '–' }));
}
