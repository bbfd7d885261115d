/**
 * The query of DQX's `sql_query` check: its `{{ placeholder }}` templates (DQX `replace_template`),
 * the tables it reads (FROM/JOIN targets and comma-joined tables, CTE names and the input
 * placeholder excluded, as the SQL sandbox reads them from the parse tree), and its rewriting for a
 * dialect: the text the sandbox accepted, with the input placeholder replaced by a subquery over the
 * checked rows and each table by the quoted name the caller resolves (on DuckDB only reference
 * tables the caller described, so a query cannot read files, the catalog or other local tables).
 */
import { sparkToDuckdb } from '../../spark-sql';

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

export interface RewrittenQuery {
  sql: string;
  /** Tables the query reads (names as written), besides its input. */
  tables: string[];
}

/**
 * The query in `dialect` with its input placeholder replaced by `input` (a parenthesised subquery)
 * and each table it reads replaced by `table(name)` (quoted SQL); `accept` is the SQL sandbox,
 * which refuses the query (throws) or returns its accepted text with table placeholders. Returns a problem text instead when
 * the query cannot run on the fast path of that dialect.
 */
export function rewriteQuery(
  query: string,
  placeholder: string,
  dialect: 'duckdb' | 'databricks',
  input: string,
  table: (name: string) => string,
  accept: (text: string, inputName: string) => { template: string; tables: string[] },
): RewrittenQuery | { problem: string } {
  if (query.includes('__dqx_q_'))
    return { problem: 'The query uses names reserved for the engine (__dqx_q_).' };
  const others = templatePlaceholders(query).filter((p) => p !== placeholder);
  if (others.length)
    return {
      problem: `The query refers to {{ ${others[0]} }}, a reference DataFrame passed to DQX in code; it runs in a DQX job.`,
    };
  const text = replaceTemplate(query, { [placeholder]: INPUT_SENTINEL });
  // the SQL sandbox (passed in by the compiler, lib/dqx/sql-guard): what runs is the text it
  // accepted, with the tables it found in the parse tree replaced
  const analysis = accept(text, INPUT_SENTINEL);
  let sql = analysis.template;
  if (dialect === 'duckdb') {
    try {
      sql = sparkToDuckdb(sql);
    } catch (error) {
      return { problem: `The query cannot be translated to DuckDB: ${(error as Error).message}` };
    }
  }
  const resolved = analysis.tables.map((name) => table(name));
  sql = sql.replace(/__dqx_q_(?:input|t\d+)\b/g, (m) =>
    m === INPUT_SENTINEL ? input : resolved[Number(m.slice('__dqx_q_t'.length))]!,
  );
  return { sql, tables: analysis.tables };
}
