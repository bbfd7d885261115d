/**
 * The profiler's `filter` option is a Spark SQL predicate written by the user (DQX semantics: it is
 * applied before sampling and copied into every generated rule). It is the one piece of user SQL the
 * profile plan contains, so it is checked before it is placed, in parentheses, in a WHERE clause:
 * one predicate, no statement separators, no comments, and none of the destructive keywords DQX's own
 * unsafe-SQL guard refuses (outside quoted literals and back-quoted identifiers).
 */

const FORBIDDEN = [
  'delete',
  'insert',
  'update',
  'drop',
  'truncate',
  'alter',
  'create',
  'replace',
  'grant',
  'revoke',
  'merge',
  'use',
  'refresh',
  'analyze',
  'optimize',
  'zorder',
];

export class UnsafeFilterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeFilterError';
  }
}

/** Replaces the contents of '...', "..." and `...` with blanks (keeping their length), honouring escapes. */
function blankQuoted(sql: string): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    if (ch === "'" || ch === '"' || ch === '`') {
      const quote = ch;
      out += ch;
      i++;
      let closed = false;
      while (i < sql.length) {
        const c = sql[i]!;
        if (quote !== '`' && c === '\\' && i + 1 < sql.length) {
          out += '  ';
          i += 2;
          continue;
        }
        if (c === quote) {
          if (sql[i + 1] === quote) {
            out += '  ';
            i += 2;
            continue;
          }
          out += c;
          i++;
          closed = true;
          break;
        }
        out += ' ';
        i++;
      }
      if (!closed) throw new UnsafeFilterError('The filter has an unterminated quoted string or identifier.');
      continue;
    }
    out += ch;
    i++;
  }
  return out;
}

/** Throws UnsafeFilterError when the filter is not a single, non-destructive predicate. */
export function assertSafeFilter(filter: string): void {
  const bare = blankQuoted(filter);
  if (bare.includes(';')) throw new UnsafeFilterError('The filter must be a single predicate (no ";").');
  if (bare.includes('--') || bare.includes('/*') || bare.includes('*/')) {
    throw new UnsafeFilterError('The filter must not contain SQL comments.');
  }
  let depth = 0;
  for (const ch of bare) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (depth < 0) throw new UnsafeFilterError('The filter has unbalanced parentheses.');
  }
  if (depth !== 0) throw new UnsafeFilterError('The filter has unbalanced parentheses.');
  const lower = bare.toLowerCase();
  for (const word of FORBIDDEN) {
    if (new RegExp(`\\b${word}\\b`).test(lower)) {
      throw new UnsafeFilterError(`The filter contains the keyword '${word.toUpperCase()}', which is not allowed.`);
    }
  }
}
