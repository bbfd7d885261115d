/**
 * Spark SQL fragments written by users in rules (filters, `sql_expression`, `message_expr`,
 * expression columns and limits): tokenizing, the checks that keep a fragment a single
 * expression when it is embedded in a statement, DQX's unsafe-SQL guard, the columns and tables a
 * fragment refers to, and a token-level translation to DuckDB SQL.
 */

export type TokenKind = 'ws' | 'comment' | 'string' | 'quoted_ident' | 'number' | 'ident' | 'op' | 'other';

export interface Token {
  kind: TokenKind;
  text: string;
  /** Decoded value of string literals and quoted identifiers. */
  value?: string;
  start: number;
}

export class SparkSqlError extends Error {
  constructor(
    message: string,
    readonly position?: number,
  ) {
    super(message);
    this.name = 'SparkSqlError';
  }
}

const OPERATORS = [
  '<=>',
  '<>',
  '!=',
  '<=',
  '>=',
  '==',
  '&&',
  '||',
  '::',
  '->',
  '=>',
  '<',
  '>',
  '=',
  '+',
  '-',
  '*',
  '/',
  '%',
  '!',
  '~',
  '&',
  '|',
  '^',
  '(',
  ')',
  '[',
  ']',
  ',',
  '.',
  ';',
  ':',
  '?',
  '{',
  '}',
];

function decodeSparkString(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = body[i + 1];
    i++;
    if (next === undefined) break;
    if (/[0-7]/.test(next) && /[0-7]{3}/.test(body.slice(i, i + 3))) {
      out += String.fromCharCode(parseInt(body.slice(i, i + 3), 8));
      i += 2;
      continue;
    }
    if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(body.slice(i + 1, i + 5))) {
      out += String.fromCharCode(parseInt(body.slice(i + 1, i + 5), 16));
      i += 4;
      continue;
    }
    if (next === 'U' && /^[0-9a-fA-F]{8}$/.test(body.slice(i + 1, i + 9))) {
      out += String.fromCodePoint(parseInt(body.slice(i + 1, i + 9), 16));
      i += 8;
      continue;
    }
    const map: Record<string, string> = {
      '0': '\0',
      b: '\b',
      n: '\n',
      r: '\r',
      t: '\t',
      Z: '\x1a',
      '%': '\\%',
      _: '\\_',
    };
    out += map[next] ?? next;
  }
  return out;
}

/** Split Spark SQL text into tokens. Throws SparkSqlError on an unterminated quote or comment. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    const start = i;
    if (/\s/.test(ch)) {
      while (i < text.length && /\s/.test(text[i]!)) i++;
      tokens.push({ kind: 'ws', text: text.slice(start, i), start });
      continue;
    }
    if (ch === '-' && text[i + 1] === '-') {
      while (i < text.length && text[i] !== '\n') i++;
      tokens.push({ kind: 'comment', text: text.slice(start, i), start });
      continue;
    }
    if (ch === '/' && text[i + 1] === '*') {
      // Spark block comments nest
      let depth = 0;
      while (i < text.length) {
        if (text[i] === '/' && text[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (text[i] === '*' && text[i + 1] === '/') {
          depth--;
          i += 2;
          if (depth === 0) break;
        } else i++;
      }
      if (depth !== 0) throw new SparkSqlError('Unclosed comment', start);
      tokens.push({ kind: 'comment', text: text.slice(start, i), start });
      continue;
    }
    if (ch === "'" || ch === '"') {
      i++;
      while (i < text.length && text[i] !== ch) i += text[i] === '\\' ? 2 : 1;
      if (i >= text.length) throw new SparkSqlError('Unclosed string literal', start);
      i++;
      const raw = text.slice(start, i);
      tokens.push({ kind: 'string', text: raw, value: decodeSparkString(raw.slice(1, -1)), start });
      continue;
    }
    if (ch === '`') {
      i++;
      let value = '';
      for (;;) {
        if (i >= text.length) throw new SparkSqlError('Unclosed back-quoted identifier', start);
        if (text[i] === '`') {
          if (text[i + 1] === '`') {
            value += '`';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i];
        i++;
      }
      tokens.push({ kind: 'quoted_ident', text: text.slice(start, i), value, start });
      continue;
    }
    const num = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?(?:BD|bd|[LlSsYyDdFf])?(?![A-Za-z0-9_])/.exec(
      text.slice(i),
    );
    if (num && (/\d/.test(ch) || (ch === '.' && /\d/.test(text[i + 1] ?? '')))) {
      // `1.field` is not a number; Spark lexes digits then identifier. Keep it simple: numbers.
      i += num[0].length;
      tokens.push({ kind: 'number', text: num[0], start });
      continue;
    }
    const ident = /^[A-Za-z_\p{L}][A-Za-z0-9_\p{L}\p{N}]*/u.exec(text.slice(i));
    if (ident) {
      i += ident[0].length;
      tokens.push({ kind: 'ident', text: ident[0], start });
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op) {
      i += op.length;
      tokens.push({ kind: 'op', text: op, start });
      continue;
    }
    i++;
    tokens.push({ kind: 'other', text: ch, start });
  }
  return tokens;
}

const significant = (tokens: Token[]) => tokens.filter((t) => t.kind !== 'ws' && t.kind !== 'comment');

/**
 * Checks that keep a fragment a single expression inside the statement the compiler builds:
 * quotes and comments closed, parentheses/brackets balanced, no statement separator.
 * Returns a problem description, or null when the fragment is well formed.
 */
export function fragmentProblem(text: string): string | null {
  let tokens: Token[];
  try {
    tokens = tokenize(text);
  } catch (error) {
    return (error as Error).message;
  }
  const sig = significant(tokens);
  if (sig.length === 0) return 'The expression is empty';
  const stack: string[] = [];
  for (const t of sig) {
    if (t.kind === 'op' && t.text === ';') return "A ';' is not allowed in an expression";
    if (t.kind === 'other') return `Unexpected character '${t.text}'`;
    if (t.kind === 'op' && (t.text === '(' || t.text === '[')) stack.push(t.text);
    if (t.kind === 'op' && (t.text === ')' || t.text === ']')) {
      const open = stack.pop();
      if ((t.text === ')' && open !== '(') || (t.text === ']' && open !== '['))
        return `Unbalanced '${t.text}'`;
    }
  }
  if (stack.length > 0) return `Unclosed '${stack[stack.length - 1]}'`;
  return null;
}

// ---------------------------------------------------------------------------------------------
// DQX's unsafe-SQL guard (utils.is_sql_query_safe), reproduced exactly.

const FORBIDDEN =
  /\b(?:delete|insert|update|drop|truncate|alter|create|replace|grant|revoke|merge|use|refresh|analyze|optimize|zorder)\b/;
const COMMENT_OR_LITERAL =
  /(?<comment>--[^\n]*|\/\*[\s\S]*?\*\/)|'(?:[^'\\]|''|\\[\s\S])*'|"(?:[^"\\]|""|\\[\s\S])*"|`(?:[^`]|``)*`/g;

/** Python `str.lower()` close enough for keyword scanning. */
const pyLower = (s: string) => s.toLowerCase();

export function isSqlQuerySafe(query: string): boolean {
  const withComments = pyLower(
    query.replace(COMMENT_OR_LITERAL, (m, comment) => (comment !== undefined ? m : ' ')),
  );
  if (FORBIDDEN.test(withComments)) return false;
  if (!withComments.includes('--') && !withComments.includes('/*')) return true;
  const withoutComments = pyLower(
    query.replace(COMMENT_OR_LITERAL, (_m, comment) => (comment !== undefined ? '' : ' ')),
  );
  return !FORBIDDEN.test(withoutComments);
}

/** DQX `sanitize_for_logging`. */
export const sanitizeForLogging = (value: string) => value.replaceAll('\r', '\\r').replaceAll('\n', '\\n');

// ---------------------------------------------------------------------------------------------
// References

const KEYWORDS = new Set(
  (
    'and or not is null true false in like ilike rlike regexp between case when then else end cast try_cast as ' +
    'distinct from exists interval select where group by order having limit join on left right inner outer full ' +
    'cross semi anti union all any some escape div over partition rows range preceding following current row ' +
    'unbounded asc desc nulls first last with filter within lateral view explode using natural ' +
    'year years month months day days hour hours minute minutes second seconds week weeks millisecond ' +
    'milliseconds microsecond microseconds to unknown collate'
  ).split(' '),
);

const TYPE_NAMES = new Set(
  (
    'string varchar char int integer bigint smallint tinyint byte short long float real double decimal dec numeric ' +
    'boolean bool date timestamp timestamp_ntz timestamp_ltz binary array map struct interval variant void'
  ).split(' '),
);

export interface FragmentReferences {
  /** Column paths referenced at the top level (first element is the column, the rest struct fields). */
  columns: string[][];
  /** Names of functions called. */
  functions: string[];
  /** Tables read by subqueries (`FROM x`, `JOIN x`), as dotted names. */
  tables: string[];
  /** The fragment contains a subquery (columns inside it are not resolved against the table). */
  hasSubquery: boolean;
}

/** Columns, functions and tables a Spark SQL fragment refers to (best effort, token based). */
export function fragmentReferences(text: string): FragmentReferences {
  const sig = significant(tokenize(text));
  const columns: string[][] = [];
  const functions: string[] = [];
  const tables: string[] = [];
  let hasSubquery = false;
  const lambdaVars = new Set<string>();
  // lambda parameters: `x -> ...` and `(x, y) -> ...`
  sig.forEach((t, i) => {
    if (t.kind === 'op' && t.text === '->') {
      const prev = sig[i - 1];
      if (prev?.kind === 'ident') lambdaVars.add(prev.text.toLowerCase());
      if (prev?.kind === 'op' && prev.text === ')') {
        for (let j = i - 2; j >= 0 && !(sig[j]!.kind === 'op' && sig[j]!.text === '('); j--) {
          if (sig[j]!.kind === 'ident') lambdaVars.add(sig[j]!.text.toLowerCase());
        }
      }
    }
  });
  const nameAt = (i: number): string | null => {
    const t = sig[i];
    if (!t) return null;
    if (t.kind === 'ident') return t.text;
    if (t.kind === 'quoted_ident') return t.value!;
    return null;
  };
  let castDepth: number[] = [];
  let depth = 0;
  for (let i = 0; i < sig.length; i++) {
    const t = sig[i]!;
    if (t.kind === 'op' && t.text === '(') depth++;
    if (t.kind === 'op' && t.text === ')') {
      depth--;
      castDepth = castDepth.filter((d) => d <= depth);
    }
    if (t.kind === 'ident' && t.text.toLowerCase() === 'select') hasSubquery = true;
    if (t.kind === 'ident' && ['from', 'join'].includes(t.text.toLowerCase()) && hasSubquery) {
      const parts: string[] = [];
      let j = i + 1;
      while (nameAt(j) !== null) {
        parts.push(nameAt(j)!);
        if (sig[j + 1]?.kind === 'op' && sig[j + 1]!.text === '.') j += 2;
        else break;
      }
      if (parts.length) tables.push(parts.join('.'));
      i = j;
      continue;
    }
    const name = nameAt(i);
    if (name === null) continue;
    const prev = sig[i - 1];
    const next = sig[i + 1];
    if (prev?.kind === 'op' && (prev.text === '.' || prev.text === '::')) continue;
    if (t.kind === 'ident' && next?.kind === 'op' && next.text === '(') {
      functions.push(t.text.toLowerCase());
      if (['cast', 'try_cast'].includes(t.text.toLowerCase())) castDepth.push(depth + 1);
      continue;
    }
    if (t.kind === 'ident') {
      const lower = t.text.toLowerCase();
      if (prev?.kind === 'ident' && prev.text.toLowerCase() === 'as') continue; // alias or cast target type
      if (castDepth.length && TYPE_NAMES.has(lower)) continue;
      if (KEYWORDS.has(lower)) continue;
      if (
        ['date', 'timestamp', 'timestamp_ntz', 'timestamp_ltz', 'x'].includes(lower) &&
        next?.kind === 'string'
      )
        continue;
      if (lambdaVars.has(lower)) continue;
      if (next?.kind === 'op' && next.text === '->') continue;
    }
    if (hasSubquery) continue;
    const path = [name];
    let j = i;
    while (sig[j + 1]?.kind === 'op' && sig[j + 1]!.text === '.' && nameAt(j + 2) !== null) {
      path.push(nameAt(j + 2)!);
      j += 2;
    }
    columns.push(path);
    i = j;
  }
  return { columns, functions, tables, hasSubquery };
}

// ---------------------------------------------------------------------------------------------
// Translation to DuckDB

const duckString = (s: string) => `'${s.replaceAll("'", "''")}'`;
const duckIdent = (s: string) => `"${s.replaceAll('"', '""')}"`;

interface Call {
  name: string;
  args: string[];
}

type FunctionRewrite = (call: Call) => string;

const rewrite: Record<string, FunctionRewrite> = {
  size: ({ args }) => `len(${args.join(', ')})`,
  cardinality: ({ args }) => `len(${args.join(', ')})`,
  nvl: ({ args }) => `coalesce(${args.join(', ')})`,
  isnull: ({ args }) => `((${args[0]}) IS NULL)`,
  isnotnull: ({ args }) => `((${args[0]}) IS NOT NULL)`,
  current_date: () => 'current_date',
  current_timestamp: () => 'current_timestamp',
  now: () => 'current_timestamp',
  date_add: ({ args }) => `CAST((${args[0]}) AS DATE) + CAST((${args[1]}) AS INTEGER)`,
  date_sub: ({ args }) => `CAST((${args[0]}) AS DATE) - CAST((${args[1]}) AS INTEGER)`,
  datediff: ({ args }) => `datediff('day', CAST((${args[1]}) AS DATE), CAST((${args[0]}) AS DATE))`,
  rlike: ({ args }) => `regexp_matches(${args[0]}, ${args[1]})`,
  regexp: ({ args }) => `regexp_matches(${args[0]}, ${args[1]})`,
  regexp_like: ({ args }) => `regexp_matches(${args[0]}, ${args[1]})`,
  regexp_replace: ({ args }) => `regexp_replace(${args[0]}, ${args[1]}, ${args[2] ?? "''"}, 'g')`,
  split: ({ args }) => `regexp_split_to_array(${args[0]}, ${args[1]})`,
  concat: ({ args }) => `(${args.map((a) => `(${a})`).join(' || ')})`,
  array: ({ args }) => `[${args.join(', ')}]`,
  element_at: ({ args }) => `(${args[0]})[${args[1]}]`,
  try_element_at: ({ args }) => `(${args[0]})[${args[1]}]`,
  array_contains: ({ args }) => `list_contains(${args.join(', ')})`,
  instr: ({ args }) => `instr(${args.join(', ')})`,
  char_length: ({ args }) => `length(${args.join(', ')})`,
  character_length: ({ args }) => `length(${args.join(', ')})`,
  string: ({ args }) => `CAST((${args[0]}) AS VARCHAR)`,
  int: ({ args }) => `CAST((${args[0]}) AS INTEGER)`,
  bigint: ({ args }) => `CAST((${args[0]}) AS BIGINT)`,
  double: ({ args }) => `CAST((${args[0]}) AS DOUBLE)`,
  date: ({ args }) => `CAST((${args[0]}) AS DATE)`,
  timestamp: ({ args }) => `CAST((${args[0]}) AS TIMESTAMP)`,
  ifnull: ({ args }) => `coalesce(${args.join(', ')})`,
  len: ({ args }) => `length(${args.join(', ')})`,
};

const TYPE_TRANSLATION: Record<string, string> = {
  string: 'VARCHAR',
  binary: 'BLOB',
  long: 'BIGINT',
  short: 'SMALLINT',
  byte: 'TINYINT',
  timestamp_ntz: 'TIMESTAMP',
  timestamp_ltz: 'TIMESTAMPTZ',
};

function splitArgs(tokens: Token[]): Token[][] {
  const out: Token[][] = [[]];
  let depth = 0;
  for (const t of tokens) {
    if (t.kind === 'op' && (t.text === '(' || t.text === '[')) depth++;
    if (t.kind === 'op' && (t.text === ')' || t.text === ']')) depth--;
    if (depth === 0 && t.kind === 'op' && t.text === ',') out.push([]);
    else out[out.length - 1]!.push(t);
  }
  return out.length === 1 && out[0]!.every((t) => t.kind === 'ws') ? [] : out;
}

function matchingClose(tokens: Token[], openIndex: number): number {
  let depth = 0;
  for (let i = openIndex; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'op' && (t.text === '(' || t.text === '[')) depth++;
    if (t.kind === 'op' && (t.text === ')' || t.text === ']')) {
      depth--;
      if (depth === 0) return i;
    }
  }
  throw new SparkSqlError('Unbalanced parentheses');
}

function translateTokens(tokens: Token[]): string {
  let out = '';
  const nextSig = (i: number) => {
    for (let j = i + 1; j < tokens.length; j++)
      if (tokens[j]!.kind !== 'ws' && tokens[j]!.kind !== 'comment') return j;
    return -1;
  };
  let inCastAs = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    switch (t.kind) {
      case 'comment':
        out += t.text.startsWith('--') ? '' : ' ';
        break;
      case 'ws':
        out += t.text;
        break;
      case 'string': {
        // adjacent Spark literals concatenate
        let value = t.value!;
        let j = nextSig(i);
        while (j >= 0 && tokens[j]!.kind === 'string') {
          value += tokens[j]!.value!;
          i = j;
          j = nextSig(i);
        }
        out += duckString(value);
        break;
      }
      case 'quoted_ident':
        out += duckIdent(t.value!);
        break;
      case 'number': {
        const m = /^(.*?)(BD|bd|[LlSsYyDdFf])?$/.exec(t.text)!;
        const suffix = (m[2] ?? '').toUpperCase();
        const body = m[1]!;
        if (suffix === 'L') out += `CAST(${body} AS BIGINT)`;
        else if (suffix === 'S') out += `CAST(${body} AS SMALLINT)`;
        else if (suffix === 'Y') out += `CAST(${body} AS TINYINT)`;
        else if (suffix === 'D') out += `CAST(${body} AS DOUBLE)`;
        else if (suffix === 'F') out += `CAST(${body} AS FLOAT)`;
        else if (suffix === 'BD')
          out += `CAST('${body}' AS DECIMAL(38,${(body.split('.')[1] ?? '').length}))`;
        else out += body;
        break;
      }
      case 'ident': {
        const lower = t.text.toLowerCase();
        const j = nextSig(i);
        const next = j >= 0 ? tokens[j]! : undefined;
        if (next?.kind === 'op' && next.text === '(' && lower in rewrite) {
          const close = matchingClose(tokens, j);
          const args = splitArgs(tokens.slice(j + 1, close)).map((a) => translateTokens(a).trim());
          out += rewrite[lower]!({ name: lower, args });
          i = close;
          break;
        }
        if ((lower === 'rlike' || lower === 'regexp') && !(next?.kind === 'op' && next.text === '(')) {
          out += '~';
          break;
        }
        if (inCastAs && lower in TYPE_TRANSLATION) {
          out += TYPE_TRANSLATION[lower];
          inCastAs = false;
          break;
        }
        if (lower === 'as') inCastAs = true;
        else inCastAs = false;
        out += t.text;
        break;
      }
      case 'op':
        if (t.text === '==') out += '=';
        else if (t.text === '<=>') out += ' IS NOT DISTINCT FROM ';
        else if (t.text === '&&') out += ' AND ';
        else if (t.text === '!') out += ' NOT ';
        else out += t.text;
        if (t.text !== '(') inCastAs = inCastAs && false;
        break;
      default:
        out += t.text;
    }
  }
  return out;
}

/**
 * Translate a Spark SQL expression to DuckDB: quoting (back-quoted identifiers, double-quoted
 * strings, backslash escapes), operators (`==`, `<=>`, `&&`, `!`, `RLIKE`), literal suffixes, type
 * names in casts, and the functions listed in `rewrite`. Other functions pass through unchanged.
 */
export function sparkToDuckdb(text: string): string {
  return translateTokens(tokenize(text)).trim();
}
