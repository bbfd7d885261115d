/**
 * Spark SQL fragments written by users in rules (filters, `sql_expression`, `message_expr`,
 * expression columns and limits): tokenizing, quick well-formedness checks for the editor, DQX's
 * own unsafe-SQL guard (reproduced for DQX's skip semantics, not as a defense), and a token-level
 * translation to DuckDB SQL of text the SQL sandbox (lib/dqx/sql-guard) has accepted. What a
 * fragment may contain, and what it refers to, is decided by the sandbox's parse tree.
 */

import { duckSparkLower, duckSparkUpper } from './compile/spark-case';

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
// Translation to DuckDB

const duckString = (s: string) => `'${s.replaceAll("'", "''")}'`;
const duckIdent = (s: string) => `"${s.replaceAll('"', '""')}"`;

interface Call {
  name: string;
  args: string[];
}

type FunctionRewrite = (call: Call) => string;

const rewrite: Record<string, FunctionRewrite> = {
  upper: ({ args }) => duckSparkUpper(`CAST((${args[0]}) AS VARCHAR)`),
  ucase: ({ args }) => duckSparkUpper(`CAST((${args[0]}) AS VARCHAR)`),
  lower: ({ args }) => duckSparkLower(`CAST((${args[0]}) AS VARCHAR)`),
  lcase: ({ args }) => duckSparkLower(`CAST((${args[0]}) AS VARCHAR)`),
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
