/**
 * The profiler's `filter` option is a Spark SQL predicate written by the user (DQX semantics: it is
 * applied before sampling and copied into every generated rule). It is the one piece of user SQL the
 * profile plan contains, so it passes the rules' SQL sandbox (lib/dqx/sql-guard) before it is placed,
 * in parentheses, in a WHERE clause: one expression, allow-listed functions only, no subquery, and
 * (when the columns are known) only columns of the table. What is placed is the text the sandbox
 * accepted, comments removed.
 */
import { guardExpression, shadowedColumn } from '../sql-guard/guard';

export class UnsafeFilterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeFilterError';
  }
}

/**
 * The filter as the sandbox accepted it; throws UnsafeFilterError naming the refused construct.
 * `columns`: the table's column names, to refuse references to columns it does not have.
 */
export function assertSafeFilter(filter: string, columns?: readonly string[]): string {
  const r = guardExpression(filter);
  if (!r.ok) {
    const { rule, message, construct } = r.refusal;
    throw new UnsafeFilterError(
      `The filter is refused (${rule}): ${message} Offending construct: "${construct}".`,
    );
  }
  if (columns) {
    const known = new Set(columns.map((c) => c.toLowerCase()));
    const has = (name: string) => known.has(name.toLowerCase());
    const shadow = shadowedColumn(r, has);
    if (shadow) throw new UnsafeFilterError(`The filter is refused (${shadow.rule}): ${shadow.message}`);
    const missing = r.columns.find((path) => !has(path[0]!));
    if (missing)
      throw new UnsafeFilterError(
        `The filter refers to column '${missing[0]}', which the table does not have.`,
      );
  }
  return r.canonical;
}
