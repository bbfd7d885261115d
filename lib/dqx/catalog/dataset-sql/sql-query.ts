/**
 * The query of DQX's `sql_query` check: its `{{ placeholder }}` templates (DQX `replace_template`),
 * the tables it reads (FROM/JOIN targets and comma-joined tables, CTE names and the input
 * placeholder excluded), and its rewriting for a dialect: the input placeholder becomes a subquery
 * over the checked rows, and on DuckDB every table it reads must be a reference table the caller
 * described (so a query cannot read files, the catalog or other local tables).
 */
import { sparkToDuckdb, tokenize, fragmentProblem, type Token } from '../../spark-sql';
import { duckdbFunctionProblem } from '../../compile/row-context';

const PLACEHOLDER = /\{\{[^}]*\}\}/g;

/** Python's `s.strip("{} \t")`. */
const stripKey = (s: string) => s.replace(/^[{} \t]+|[{} \t]+$/g, '');

/** The placeholder names in `text` (DQX `get_template_placeholders`). */
export function templatePlaceholders(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => stripKey(m[0])))];
}

/** DQX `replace_template`: one pass, unknown placeholders kept as written. */
export function replaceTemplate(text: string, variables: Record<string, string>): string {
  return text.replace(PLACEHOLDER, (m) => {
    const key = stripKey(m);
    return Object.prototype.hasOwnProperty.call(variables, key) ? variables[key]! : m;
  });
}

/** Where the rewritten query has its input: an identifier the translation keeps as it is. */
export const INPUT_SENTINEL = '__dqx_q_input';
const TABLE_SENTINEL = '__dqx_q_table';

export interface QueryTable {
  /** The name as written (parts joined with dots, back-quotes removed). */
  name: string;
  /** Its parts. */
  parts: string[];
  /** Character span in the scanned text. */
  start: number;
  end: number;
}

export interface QueryScan {
  tables: QueryTable[];
  /** Table functions in FROM/JOIN (e.g. `range(10)`). */
  tableFunctions: string[];
  /** Functions called anywhere. */
  functions: string[];
  /** A FROM/JOIN target is a string literal (DuckDB reads such a path as a file). */
  literalSource: boolean;
}

const FROM_SYNTAX_FUNCTIONS = new Set(['extract', 'substring', 'substr', 'trim', 'overlay', 'position']);
const CLAUSE_END = new Set([
  'where',
  'group',
  'having',
  'order',
  'limit',
  'offset',
  'union',
  'intersect',
  'except',
  'minus',
  'window',
  'qualify',
  'select',
  'lateral',
  'sort',
  'cluster',
  'distribute',
  'pivot',
  'unpivot',
  'tablesample',
]);

/** Tables, table functions and functions a Spark SQL query refers to. Throws on a malformed query. */
export function scanQuery(text: string): QueryScan {
  const sig = tokenize(text).filter((t) => t.kind !== 'ws' && t.kind !== 'comment');
  const lower = (t: Token | undefined) => (t && t.kind === 'ident' ? t.text.toLowerCase() : null);
  const isOp = (t: Token | undefined, op: string) => t?.kind === 'op' && t.text === op;
  const nameOf = (t: Token | undefined) =>
    t?.kind === 'ident' ? t.text : t?.kind === 'quoted_ident' ? t.value! : null;

  // CTE names are not tables
  const ctes = new Set<string>();
  const skipParens = (i: number): number => {
    let depth = 0;
    for (let j = i; j < sig.length; j++) {
      if (isOp(sig[j], '(')) depth++;
      if (isOp(sig[j], ')') && --depth === 0) return j;
    }
    return sig.length;
  };
  sig.forEach((t, i) => {
    if (lower(t) !== 'with') return;
    let j = i + 1;
    if (lower(sig[j]) === 'recursive') j++;
    for (;;) {
      const name = nameOf(sig[j]);
      if (name === null) return;
      if (isOp(sig[j + 1], '(')) j = skipParens(j + 1);
      if (lower(sig[j + 1]) !== 'as' || !isOp(sig[j + 2], '(')) return;
      ctes.add(name.toLowerCase());
      j = skipParens(j + 2);
      if (!isOp(sig[j + 1], ',')) return;
      j += 2;
    }
  });

  const tables: QueryTable[] = [];
  const tableFunctions: string[] = [];
  const functions: string[] = [];
  let literalSource = false;
  // per open parenthesis: whether it belongs to a function with FROM in its syntax (extract(x FROM y))
  const parens: boolean[] = [];
  const fromDepths = new Set<number>();
  let expectTable = false;
  for (let i = 0; i < sig.length; i++) {
    const t = sig[i]!;
    const depth = parens.length;
    if (expectTable) {
      expectTable = false;
      if (lower(t) === 'lateral') {
        expectTable = true;
        continue;
      }
      if (t.kind === 'string') {
        literalSource = true;
        continue;
      }
      const first = nameOf(t);
      if (first !== null && !isOp(t, '(')) {
        const parts = [first];
        let j = i;
        while (isOp(sig[j + 1], '.') && nameOf(sig[j + 2]) !== null) {
          parts.push(nameOf(sig[j + 2])!);
          j += 2;
        }
        if (isOp(sig[j + 1], '(')) {
          tableFunctions.push(parts.join('.').toLowerCase());
          i = j; // the arguments are scanned as usual
          continue;
        }
        if (!(parts.length === 1 && ctes.has(first.toLowerCase())))
          tables.push({
            name: parts.join('.'),
            parts,
            start: t.start,
            end: sig[j]!.start + sig[j]!.text.length,
          });
        i = j;
        continue;
      }
    }
    if (isOp(t, '(')) {
      parens.push(FROM_SYNTAX_FUNCTIONS.has(lower(sig[i - 1]) ?? ''));
      continue;
    }
    if (isOp(t, ')')) {
      parens.pop();
      for (const d of [...fromDepths]) if (d > parens.length) fromDepths.delete(d);
      continue;
    }
    const word = lower(t);
    if (word !== null && isOp(sig[i + 1], '(')) functions.push(word);
    if (word === 'from' && !parens[depth - 1]) {
      fromDepths.add(depth);
      expectTable = true;
      continue;
    }
    if (word === 'join') {
      expectTable = true;
      continue;
    }
    if (word !== null && CLAUSE_END.has(word)) fromDepths.delete(depth);
    if (isOp(t, ',') && fromDepths.has(depth)) expectTable = true;
  }
  return { tables, tableFunctions, functions, literalSource };
}

export interface RewrittenQuery {
  sql: string;
  /** Tables the query reads (names as written), besides its input. */
  tables: string[];
}

/**
 * The query in `dialect` with its input placeholder replaced by `input` (a parenthesised subquery)
 * and each table it reads replaced by `table(name)` (quoted SQL). Returns a problem text instead when
 * the query cannot run on the fast path of that dialect.
 */
export function rewriteQuery(
  query: string,
  placeholder: string,
  dialect: 'duckdb' | 'databricks',
  input: string,
  table: (name: string) => string,
): RewrittenQuery | { problem: string } {
  if (query.includes('__dqx_q_'))
    return { problem: 'The query uses names reserved for the engine (__dqx_q_).' };
  const others = templatePlaceholders(query).filter((p) => p !== placeholder);
  if (others.length)
    return {
      problem: `The query refers to {{ ${others[0]} }}, a reference DataFrame passed to DQX in code; it runs in a DQX job.`,
    };
  const text = replaceTemplate(query, { [placeholder]: INPUT_SENTINEL });
  const malformed = fragmentProblem(text);
  if (malformed)
    return { problem: `The query is not a single SQL statement the fast path can embed: ${malformed}.` };
  let scan: QueryScan;
  try {
    scan = scanQuery(text);
  } catch (error) {
    return { problem: (error as Error).message };
  }
  const read = scan.tables.filter((t) => !(t.parts.length === 1 && t.name === INPUT_SENTINEL));
  if (dialect === 'duckdb') {
    if (scan.literalSource)
      return {
        problem:
          'The query reads a path given as a string; files are not read on the local DuckDB fast path.',
      };
    const fn = scan.tableFunctions.find((f) => !['range', 'generate_series', 'unnest'].includes(f));
    if (fn) return { problem: `The table function ${fn}() is not run on the local DuckDB fast path.` };
    const bad = duckdbFunctionProblem(scan.functions);
    if (bad) return { problem: bad };
    const words = tokenize(text)
      .filter((t) => t.kind === 'ident')
      .map((t) => t.text.toLowerCase());
    const statement = words.find((w) =>
      [
        'summarize',
        'describe',
        'show',
        'pragma',
        'attach',
        'detach',
        'copy',
        'install',
        'load',
        'call',
        'export',
        'import',
        'set',
      ].includes(w),
    );
    if (statement)
      return {
        problem: `The query uses ${statement.toUpperCase()}, which is not run on the local DuckDB fast path.`,
      };
  }
  // splice: tables (and the input) become sentinels, translated with the rest, then replaced
  const spans = [...scan.tables].sort((a, b) => a.start - b.start);
  let rebuilt = '';
  let at = 0;
  const replacements = new Map<string, string>();
  spans.forEach((t, i) => {
    rebuilt += text.slice(at, t.start);
    if (t.parts.length === 1 && t.name === INPUT_SENTINEL) rebuilt += INPUT_SENTINEL;
    else {
      const sentinel = `${TABLE_SENTINEL}${i}`;
      replacements.set(sentinel, table(t.name));
      rebuilt += sentinel;
    }
    at = t.end;
  });
  rebuilt += text.slice(at);
  let sql = rebuilt;
  if (dialect === 'duckdb') {
    try {
      sql = sparkToDuckdb(rebuilt);
    } catch (error) {
      return { problem: `The query cannot be translated to DuckDB: ${(error as Error).message}` };
    }
  }
  sql = sql.replace(/__dqx_q_(?:input|table\d+)\b/g, (m) =>
    m === INPUT_SENTINEL ? input : replacements.get(m)!,
  );
  return { sql, tables: [...new Set(read.map((t) => t.name))] };
}

/** Tables a `sql_query` rule reads besides its input (for access checks); [] when unparsable. */
export function sqlQueryTables(args: Record<string, unknown>): string[] {
  if (typeof args.query !== 'string') return [];
  const placeholder = typeof args.input_placeholder === 'string' ? args.input_placeholder : 'input_view';
  const text = replaceTemplate(args.query, { [placeholder]: INPUT_SENTINEL }).replace(
    PLACEHOLDER,
    INPUT_SENTINEL,
  );
  try {
    return [
      ...new Set(
        scanQuery(text)
          .tables.filter((t) => !(t.parts.length === 1 && t.name === INPUT_SENTINEL))
          .map((t) => t.name),
      ),
    ];
  } catch {
    return [];
  }
}
