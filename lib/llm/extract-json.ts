/**
 * Models wrap JSON in prose and code fences. These find the first JSON value of the wanted kind in
 * a reply, preferring fenced blocks, and parse it. They never evaluate anything.
 */
function candidates(text: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(/```(?:json|JSON|yaml)?\s*\n([\s\S]*?)```/g)) {
    if (match[1]) out.push(match[1]);
  }
  out.push(text);
  return out;
}

/** The balanced JSON value starting at `start` (an opening bracket), or null. */
function balancedFrom(text: string, start: number): string | null {
  const open = text[start];
  const close = open === '[' ? ']' : '}';
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '[' || ch === '{') depth++;
    else if (ch === ']' || ch === '}') {
      depth--;
      if (depth === 0) return ch === close ? text.slice(start, i + 1) : null;
    }
  }
  return null;
}

function firstJson(text: string, opener: '[' | '{'): unknown {
  for (const candidate of candidates(text)) {
    for (let i = candidate.indexOf(opener); i !== -1; i = candidate.indexOf(opener, i + 1)) {
      const slice = balancedFrom(candidate, i);
      if (!slice) continue;
      try {
        return JSON.parse(slice);
      } catch {
        // not JSON from here: keep looking
      }
    }
  }
  return undefined;
}

/** The first JSON array in the reply, or undefined. */
export function extractJsonArray(text: string): unknown[] | undefined {
  const value = firstJson(text, '[');
  return Array.isArray(value) ? value : undefined;
}

/** The first JSON object in the reply, or undefined. */
export function extractJsonObject(text: string): Record<string, unknown> | undefined {
  const value = firstJson(text, '{');
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
