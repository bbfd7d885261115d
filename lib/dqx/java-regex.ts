/**
 * Java regular expressions (what Spark's RLIKE uses): a syntax check that follows
 * `java.util.regex.Pattern`'s rules, and a translation to RE2 (DuckDB's regex engine) for the
 * constructs RE2 can express. Look-arounds, back-references, atomic groups, possessive quantifiers,
 * `\G` and class intersections have no RE2 form; the translation reports them instead.
 */

export class JavaRegexError extends Error {
  constructor(
    readonly description: string,
    readonly index: number,
  ) {
    super(`${description} near index ${index}`);
    this.name = 'JavaRegexError';
  }
}

export interface Re2Translation {
  /** RE2 pattern with the same partial-match meaning, or null when RE2 cannot express it. */
  re2: string | null;
  /** Why there is no RE2 form. */
  unsupported: string[];
}

const LINE_TERMINATORS = '\\n\\r\\x{85}\\x{2028}\\x{2029}';
const JAVA_SPACE = '\\t\\n\\x0B\\f\\r ';
const H_SPACE = ' \\t\\x{A0}\\x{1680}\\x{180E}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}';
const V_SPACE = '\\n\\x0B\\f\\r\\x{85}\\x{2028}\\x{2029}';

const POSIX: Record<string, string> = {
  Lower: 'a-z',
  Upper: 'A-Z',
  ASCII: '\\x00-\\x7F',
  Alpha: 'a-zA-Z',
  Digit: '0-9',
  Alnum: 'a-zA-Z0-9',
  Punct: '!-\\/:-@\\[-`{-~',
  Graph: '!-~',
  Print: ' -~',
  Blank: ' \\t',
  Cntrl: '\\x00-\\x1F\\x7F',
  XDigit: '0-9a-fA-F',
  Space: ' \\t\\n\\x0B\\f\\r',
  javaLowerCase: '\\p{Ll}',
  javaUpperCase: '\\p{Lu}',
  javaWhitespace:
    '\\t\\n\\x0B\\f\\r\\x1C-\\x1F \\x{1680}\\x{2000}-\\x{2006}\\x{2008}-\\x{200A}\\x{2028}\\x{2029}\\x{205F}\\x{3000}',
  javaMirrored: '',
};

const UNICODE_CATEGORIES = new Set(
  'L Lu Ll Lt Lm Lo M Mn Mc Me N Nd Nl No P Pc Pd Ps Pe Pi Pf Po S Sm Sc Sk So Z Zs Zl Zp C Cc Cf Cs Co Cn'.split(
    ' ',
  ),
);

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
  x: boolean;
  d: boolean;
  u: boolean;
}

class Parser {
  pos = 0;
  out = '';
  unsupported = new Set<string>();
  groupCount = 0;
  flagsStack: Flags[] = [];
  flags: Flags = { i: false, m: false, s: false, x: false, d: false, u: false };

  constructor(readonly src: string) {}

  error(description: string, index = this.pos): never {
    throw new JavaRegexError(description, index);
  }

  peek(o = 0): string | undefined {
    return this.src[this.pos + o];
  }

  parse(): string {
    this.alternation();
    if (this.pos < this.src.length) {
      if (this.peek() === ')') this.error("Unmatched closing ')'", this.pos - 1 < 0 ? 0 : this.pos - 1);
      this.error('Unexpected character');
    }
    return this.out;
  }

  alternation() {
    this.sequence();
    while (this.peek() === '|') {
      this.pos++;
      this.out += '|';
      this.sequence();
    }
  }

  sequence() {
    let canQuantify = false;
    while (this.pos < this.src.length) {
      const ch = this.peek()!;
      if (ch === '|' || ch === ')') return;
      if (this.flags.x && /\s/.test(ch)) {
        this.pos++;
        continue;
      }
      if (this.flags.x && ch === '#') {
        while (this.pos < this.src.length && this.peek() !== '\n') this.pos++;
        continue;
      }
      if (ch === '*' || ch === '+' || ch === '?' || ch === '{') {
        if (!canQuantify) {
          if (ch === '{') this.error('Illegal repetition');
          this.error(`Dangling meta character '${ch}'`);
        }
        this.quantifier();
        canQuantify = false;
        continue;
      }
      canQuantify = this.atom();
    }
  }

  quantifier() {
    const ch = this.peek()!;
    const start = this.pos;
    if (ch === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.pos));
      if (!m) this.error('Illegal repetition', start);
      const min = Number(m[1]);
      const max = m[3] ? Number(m[3]) : undefined;
      if (max !== undefined && max < min) this.error('Illegal repetition range', start);
      if (min > 1000 || (max ?? 0) > 1000) this.unsupported.add('repetition counts above 1000');
      this.pos += m[0].length;
      this.out += m[0];
    } else {
      this.pos++;
      this.out += ch;
    }
    if (this.peek() === '?') {
      this.pos++;
      this.out += '?';
    } else if (this.peek() === '+') {
      this.pos++;
      this.unsupported.add('possessive quantifiers');
    }
  }

  /** Parses one atom; returns whether it can be quantified. */
  atom(): boolean {
    const ch = this.peek()!;
    if (ch === '(') return this.group();
    if (ch === '[') {
      this.out += this.charClass();
      return true;
    }
    if (ch === '\\') return this.escape();
    this.pos++;
    if (ch === '.') {
      this.out += this.flags.s ? '(?s:.)' : this.flags.d ? '[^\\n]' : `[^${LINE_TERMINATORS}]`;
      return true;
    }
    if (ch === '^') {
      this.out += this.flags.m ? '(?m:^)' : '^';
      return false;
    }
    if (ch === '$') {
      // Java: end of input, or before a final line terminator (consumed here; nothing can follow it)
      this.out += this.flags.m
        ? '(?m:$)'
        : this.flags.d
          ? '(?:\\n?\\z)'
          : `(?:(?:\\r\\n|[${LINE_TERMINATORS}])?\\z)`;
      return false;
    }
    this.out += this.literal(ch);
    return true;
  }

  literal(ch: string): string {
    if (/[\\^$.|?*+()[\]{}]/.test(ch)) return '\\' + ch;
    const cp = ch.codePointAt(0)!;
    if (cp < 0x20 || cp > 0x7e) return `\\x{${cp.toString(16)}}`;
    if (this.flags.i && !this.flags.u && /[A-Za-z]/.test(ch))
      return `[${ch.toLowerCase()}${ch.toUpperCase()}]`;
    return ch;
  }

  group(): boolean {
    const start = this.pos;
    this.pos++; // (
    let capturing = true;
    let prefix = '(';
    let restoreFlags = true;
    if (this.peek() === '?') {
      this.pos++;
      const c = this.peek();
      if (c === ':') {
        this.pos++;
        prefix = '(?:';
        capturing = false;
      } else if (c === '=' || c === '!') {
        this.pos++;
        this.unsupported.add('look-ahead');
        prefix = '(?:';
        capturing = false;
      } else if (c === '>') {
        this.pos++;
        this.unsupported.add('atomic groups');
        prefix = '(?:';
        capturing = false;
      } else if (c === '<' && (this.peek(1) === '=' || this.peek(1) === '!')) {
        this.pos += 2;
        this.unsupported.add('look-behind');
        prefix = '(?:';
        capturing = false;
      } else if (c === '<') {
        const m = /^<([a-zA-Z][a-zA-Z0-9]*)>/.exec(this.src.slice(this.pos));
        if (!m) this.error("named capturing group is missing trailing '>'");
        this.pos += m[0].length;
        prefix = `(?P<${m[1]}>`;
      } else {
        // inline flags (?idmsux-idmsux) or (?idmsux-idmsux:X)
        const m = /^([idmsuxU]*)(?:-([idmsuxU]*))?([:)])/.exec(this.src.slice(this.pos));
        if (!m) this.error('Unknown inline modifier');
        this.pos += m[0].length;
        const next = { ...this.flags };
        for (const f of m[1]!) if (f in next) next[f as keyof Flags] = true;
        for (const f of m[2] ?? '') if (f in next) next[f as keyof Flags] = false;
        if (m[3] === ')') {
          this.flags = next; // applies to the rest of the enclosing group
          return false;
        }
        this.flagsStack.push(this.flags);
        this.flags = next;
        prefix = '(?:';
        capturing = false;
        restoreFlags = false;
        this.out += prefix;
        this.alternation();
        if (this.peek() !== ')') this.error('Unclosed group', this.src.length);
        this.pos++;
        this.out += ')';
        this.flags = this.flagsStack.pop()!;
        return true;
      }
    }
    if (capturing) this.groupCount++;
    const saved = this.flags;
    this.out += prefix;
    this.alternation();
    if (this.peek() !== ')') this.error('Unclosed group', this.src.length);
    this.pos++;
    this.out += ')';
    if (restoreFlags) this.flags = saved;
    void start;
    return true;
  }

  escape(): boolean {
    const start = this.pos;
    this.pos++; // backslash
    const c = this.peek();
    if (c === undefined) this.error('Unexpected internal error', start + 1);
    this.pos++;
    switch (c) {
      case 'd':
        this.out += '[0-9]';
        return true;
      case 'D':
        this.out += '[^0-9]';
        return true;
      case 'w':
        this.out += '[a-zA-Z_0-9]';
        return true;
      case 'W':
        this.out += '[^a-zA-Z_0-9]';
        return true;
      case 's':
        this.out += `[${JAVA_SPACE}]`;
        return true;
      case 'S':
        this.out += `[^${JAVA_SPACE}]`;
        return true;
      case 'h':
        this.out += `[${H_SPACE}]`;
        return true;
      case 'H':
        this.out += `[^${H_SPACE}]`;
        return true;
      case 'v':
        this.out += `[${V_SPACE}]`;
        return true;
      case 'V':
        this.out += `[^${V_SPACE}]`;
        return true;
      case 'R':
        this.out += `(?:\\r\\n|[${V_SPACE}])`;
        return true;
      case 'X':
        this.unsupported.add('\\X grapheme clusters');
        this.out += '(?s:.)';
        return true;
      case 'b':
        if (this.peek() === '{') {
          this.unsupported.add('\\b{g}');
          this.pos = this.src.indexOf('}', this.pos) + 1;
          return false;
        }
        this.out += '\\b';
        return false;
      case 'B':
        this.out += '\\B';
        return false;
      case 'A':
        this.out += '\\A';
        return false;
      case 'z':
        this.out += '\\z';
        return false;
      case 'Z':
        this.out += `(?:(?:\\r\\n|[${LINE_TERMINATORS}])?\\z)`;
        return false;
      case 'G':
        this.unsupported.add('\\G');
        return false;
      case 'Q': {
        const end = this.src.indexOf('\\E', this.pos);
        const text = end < 0 ? this.src.slice(this.pos) : this.src.slice(this.pos, end);
        this.pos = end < 0 ? this.src.length : end + 2;
        this.out += [...text].map((ch) => this.literal(ch)).join('');
        return text.length > 0;
      }
      case 'E':
        return false;
      case 'k': {
        const m = /^<([a-zA-Z][a-zA-Z0-9]*)>/.exec(this.src.slice(this.pos));
        if (!m) this.error("\\k is not followed by '<' for named capturing group");
        this.pos += m[0].length;
        this.unsupported.add('back-references');
        return true;
      }
      case 'p':
      case 'P':
        this.out += this.property(c === 'P', false);
        return true;
      default: {
        if (/[1-9]/.test(c)) {
          this.unsupported.add('back-references');
          while (
            /[0-9]/.test(this.peek() ?? '') &&
            Number(this.src.slice(start + 1, this.pos + 1)) <= this.groupCount
          )
            this.pos++;
          return true;
        }
        const lit = this.escapedChar(c, start);
        this.out += this.literal(lit);
        return true;
      }
    }
  }

  /** An escape that stands for one character (shared by atoms and classes). */
  escapedChar(c: string, start: number): string {
    switch (c) {
      case 't':
        return '\t';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 'f':
        return '\f';
      case 'a':
        return '\x07';
      case 'e':
        return '\x1b';
      case '0': {
        const m = /^[0-7]{1,3}/.exec(this.src.slice(this.pos));
        if (!m) this.error('Illegal octal escape sequence', start);
        let digits = m[0];
        if (digits.length === 3 && Number(digits[0]) > 3) digits = digits.slice(0, 2);
        this.pos += digits.length;
        return String.fromCharCode(parseInt(digits, 8));
      }
      case 'x': {
        if (this.peek() === '{') {
          const m = /^\{([0-9a-fA-F]+)\}/.exec(this.src.slice(this.pos));
          if (!m) this.error('Unclosed hexadecimal escape sequence', start);
          this.pos += m[0].length;
          const cp = parseInt(m[1]!, 16);
          if (cp > 0x10ffff) this.error('Hexadecimal codepoint is too big', start);
          return String.fromCodePoint(cp);
        }
        const m = /^[0-9a-fA-F]{2}/.exec(this.src.slice(this.pos));
        if (!m) this.error('Illegal hexadecimal escape sequence', start);
        this.pos += 2;
        return String.fromCharCode(parseInt(m[0], 16));
      }
      case 'u': {
        const m = /^[0-9a-fA-F]{4}/.exec(this.src.slice(this.pos));
        if (!m) this.error('Illegal Unicode escape sequence', start);
        this.pos += 4;
        return String.fromCharCode(parseInt(m[0], 16));
      }
      case 'c': {
        const x = this.peek();
        if (x === undefined) this.error('Illegal control escape sequence', start);
        this.pos++;
        return String.fromCharCode(x.charCodeAt(0) ^ 64);
      }
      case 'N': {
        this.unsupported.add('\\N{name}');
        const end = this.src.indexOf('}', this.pos);
        this.pos = end < 0 ? this.src.length : end + 1;
        return '?';
      }
      default:
        if (/[a-zA-Z]/.test(c)) this.error('Illegal/unsupported escape sequence', start + 1);
        return c;
    }
  }

  property(negated: boolean, inClass: boolean): string {
    let name: string;
    if (this.peek() === '{') {
      const end = this.src.indexOf('}', this.pos);
      if (end < 0) this.error('Unclosed character family');
      name = this.src.slice(this.pos + 1, end);
      this.pos = end + 1;
    } else {
      name = this.peek() ?? '';
      if (!name) this.error('Illegal character family');
      this.pos++;
    }
    let body: string | null = null;
    let n = name;
    if (n.startsWith('Is')) n = n.slice(2);
    if (n.startsWith('general_category=') || n.startsWith('gc=')) n = n.split('=')[1]!;
    if (POSIX[n] !== undefined) body = POSIX[n]!;
    else if (UNICODE_CATEGORIES.has(n)) body = `\\p{${n}}`;
    else if (name.startsWith('In') || name.startsWith('block=') || name.startsWith('blk=')) {
      this.unsupported.add(`Unicode block \\p{${name}}`);
      body = '\\p{L}';
    } else if (/^(?:script=|sc=)?[A-Z][a-z]+(?:_[A-Z][a-z]+)*$/.test(n)) {
      body = `\\p{${n.replace(/^(?:script=|sc=)/, '')}}`;
    } else if (['Alphabetic', 'Letter'].includes(n)) body = '\\p{L}';
    else if (n === 'White_Space' || n === 'WhiteSpace') body = '\\s';
    else this.error(`Unknown character property name {${name}}`);
    if (inClass) return negated ? `&&NEG:${body}` : body;
    if (body.startsWith('\\p')) return negated ? body.replace('\\p', '\\P') : body;
    return negated ? `[^${body}]` : `[${body}]`;
  }

  /** A character class; returns its RE2 text. */
  charClass(): string {
    const start = this.pos;
    this.pos++; // [
    let negated = false;
    if (this.peek() === '^') {
      negated = true;
      this.pos++;
    }
    const parts: string[] = [];
    let first = true;
    let prevChar: string | null = null;
    while (true) {
      const ch = this.peek();
      if (ch === undefined) this.error('Unclosed character class', this.src.length - 1);
      if (ch === ']' && !first) {
        this.pos++;
        break;
      }
      first = false;
      if (ch === '[') {
        const nested = this.charClass();
        this.unsupported.add('nested character classes');
        parts.push(nested);
        prevChar = null;
        continue;
      }
      if (ch === '&' && this.peek(1) === '&') {
        this.pos += 2;
        this.unsupported.add('character class intersection');
        prevChar = null;
        continue;
      }
      let lit: string | null = null;
      if (ch === '\\') {
        const escStart = this.pos;
        this.pos++;
        const c = this.peek();
        if (c === undefined) this.error('Unclosed character class', this.src.length - 1);
        this.pos++;
        if ('dDwWsShHvV'.includes(c)) {
          const map: Record<string, string> = {
            d: '0-9',
            w: 'a-zA-Z_0-9',
            s: JAVA_SPACE,
            h: H_SPACE,
            v: V_SPACE,
          };
          const lower = c.toLowerCase();
          if (c === lower) parts.push(map[lower]!);
          else {
            this.unsupported.add(`\\${c} inside a character class`);
          }
          prevChar = null;
          continue;
        }
        if (c === 'p' || c === 'P') {
          const body = this.property(c === 'P', true);
          if (body.startsWith('&&NEG:')) {
            const inner = body.slice(6);
            if (inner.startsWith('\\p')) parts.push(inner.replace('\\p', '\\P'));
            else this.unsupported.add('negated POSIX class inside a character class');
          } else parts.push(body);
          prevChar = null;
          continue;
        }
        if (c === 'Q') {
          const end = this.src.indexOf('\\E', this.pos);
          const text = end < 0 ? this.src.slice(this.pos) : this.src.slice(this.pos, end);
          this.pos = end < 0 ? this.src.length : end + 2;
          for (const t of text) parts.push(classLiteral(t));
          prevChar = null;
          continue;
        }
        lit = this.escapedChar(c, escStart);
      } else {
        this.pos++;
        lit = ch;
      }
      // range?
      if (this.peek() === '-' && this.peek(1) !== ']' && this.peek(1) !== undefined && this.peek(1) !== '[') {
        this.pos++;
        let hi: string;
        if (this.peek() === '\\') {
          const escStart = this.pos;
          this.pos++;
          const c = this.peek()!;
          this.pos++;
          hi = this.escapedChar(c, escStart);
        } else {
          hi = this.peek()!;
          this.pos++;
        }
        if (hi.codePointAt(0)! < lit.codePointAt(0)!) this.error('Illegal character range', this.pos - 1);
        parts.push(`${classLiteral(lit)}-${classLiteral(hi)}`);
        prevChar = null;
        continue;
      }
      if (this.flags.i && !this.flags.u && /[A-Za-z]/.test(lit))
        parts.push(classLiteral(lit.toLowerCase()) + classLiteral(lit.toUpperCase()));
      else parts.push(classLiteral(lit));
      prevChar = lit;
    }
    void prevChar;
    void start;
    const body = parts.join('');
    if (!body) return negated ? '(?s:.)' : '[^\\x00-\\x{10FFFF}]';
    return `[${negated ? '^' : ''}${body}]`;
  }
}

function classLiteral(ch: string): string {
  if (/[\\\]^[-]/.test(ch)) return '\\' + ch;
  const cp = ch.codePointAt(0)!;
  if (cp < 0x20 || cp > 0x7e) return `\\x{${cp.toString(16)}}`;
  return ch;
}

/** The Java `PatternSyntaxException` description, or null when the pattern compiles. */
export function javaRegexProblem(pattern: string): string | null {
  try {
    new Parser(pattern).parse();
    return null;
  } catch (error) {
    if (error instanceof JavaRegexError) return error.message;
    throw error;
  }
}

/** Translate a Java regex to RE2. Throws JavaRegexError when the Java pattern itself is invalid. */
export function javaRegexToRe2(pattern: string): Re2Translation {
  const p = new Parser(pattern);
  const re2 = p.parse();
  const unsupported = [...p.unsupported];
  return { re2: unsupported.length ? null : re2, unsupported };
}
