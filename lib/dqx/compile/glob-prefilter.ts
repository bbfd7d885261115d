/**
 * A cheap first test for simple anchored regexes on DuckDB.
 *
 * Many `regex_match` patterns are codes of fixed shape (`^[A-Z]{3}-\d{4}$`). DuckDB's GLOB matches
 * such a shape about twice as fast as RE2, whose cost per call dominates on short values. For a
 * pattern that is, from its start anchor to its end anchor, a sequence of ASCII literals, `\d` and
 * ASCII classes, each optionally repeated `{n}` times, the GLOB accepts exactly the values made of
 * those characters with no line terminator after them: a subset of what the regex accepts (Java's
 * `$` also matches before a final line terminator). The engine then writes
 * `CASE WHEN v GLOB g THEN TRUE ELSE <regex> END`: the regex runs only where the GLOB says no, and
 * the result is the regex's, NULL included.
 *
 * Anything else (flags, groups, alternation, quantifiers other than `{n}`, negated classes,
 * non-ASCII, unanchored patterns, whose `find()` means "contains") gets no prefilter.
 */

/** Characters that stand for themselves both in a Java regex and in a GLOB. */
const PLAIN = /[A-Za-z0-9 _\-:/,@#%&=~'";<>!]/;
/** Escaped regex metacharacters that are plain in a GLOB. */
const ESCAPED_PLAIN = /[.\-/+()|{}$^]/;
/** Above this many class ranges and literals to test per value, RE2 is as fast (e.g. a UUID). */
const MAX_WEIGHT = 24;
const MAX_REPEAT = 64;

interface Atom {
  glob: string;
  /** Ranges and literals the GLOB matcher tries for one character. */
  weight: number;
}

/** The GLOB pattern that prefilters `javaPattern`, or null when the pattern is not that simple. */
export function globPrefilter(javaPattern: string): string | null {
  let i = 0;
  const p = javaPattern;
  if (p.startsWith('^')) i = 1;
  else if (p.startsWith('\\A')) i = 2;
  else return null;

  let end: number;
  if (p.endsWith('\\z') || p.endsWith('\\Z')) end = p.length - 2;
  else if (p.endsWith('$') && !p.endsWith('\\$')) end = p.length - 1;
  else return null;

  const atoms: { atom: Atom; times: number }[] = [];
  while (i < end) {
    const parsed = atomAt(p, i, end);
    if (!parsed) return null;
    i = parsed.next;
    let times = 1;
    const rep = /^\{(\d{1,2})\}/.exec(p.slice(i, end));
    if (rep) {
      times = Number(rep[1]);
      if (times < 1 || times > MAX_REPEAT) return null;
      i += rep[0].length;
    }
    atoms.push({ atom: parsed.atom, times });
  }
  if (atoms.length === 0) return null;
  const weight = atoms.reduce((w, a) => w + a.atom.weight * a.times, 0);
  if (weight > MAX_WEIGHT) return null;
  return atoms.map((a) => a.atom.glob.repeat(a.times)).join('');
}

function atomAt(p: string, i: number, end: number): { atom: Atom; next: number } | null {
  const ch = p[i]!;
  if (ch === '\\') {
    const e = p[i + 1];
    if (e === undefined || i + 1 >= end) return null;
    if (e === 'd') return { atom: { glob: '[0-9]', weight: 1 }, next: i + 2 };
    if (ESCAPED_PLAIN.test(e)) return { atom: { glob: e, weight: 1 }, next: i + 2 };
    return null;
  }
  if (ch === '[') return classAt(p, i, end);
  if (PLAIN.test(ch)) return { atom: { glob: ch, weight: 1 }, next: i + 1 };
  return null;
}

/** `[A-Z]`, `[A-Za-z0-9_]`: ASCII alphanumeric ranges and literals, no negation or escapes. */
function classAt(p: string, i: number, end: number): { atom: Atom; next: number } | null {
  const close = p.indexOf(']', i + 1);
  if (close < 0 || close >= end) return null;
  const body = p.slice(i + 1, close);
  if (!body) return null;
  const item = /[A-Za-z0-9]-[A-Za-z0-9]|[A-Za-z0-9_]/y;
  let weight = 0;
  let k = 0;
  while (k < body.length) {
    item.lastIndex = k;
    const m = item.exec(body);
    if (!m) return null;
    if (m[0].length === 3) {
      const [lo, hi] = [m[0].charCodeAt(0), m[0].charCodeAt(2)];
      const sameKind = (re: RegExp) => re.test(m[0][0]!) && re.test(m[0][2]!);
      if (lo > hi || !(sameKind(/[0-9]/) || sameKind(/[A-Z]/) || sameKind(/[a-z]/))) return null;
    }
    weight++;
    k = item.lastIndex;
  }
  return { atom: { glob: `[${body}]`, weight }, next: close + 1 };
}
