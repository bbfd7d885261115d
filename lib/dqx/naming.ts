/**
 * How DQX names things: the normalised column string used in default rule names (`norm`), the
 * display string used in messages and in the result `columns` field, and how a column string is
 * interpreted (a plain or dotted name, or a SQL expression).
 */

const NORMALIZE = /[^a-zA-Z0-9]+/g;
const SQL_EXPRESSION_STRUCTURE = /[()[\]{},;'"`*]/;
const SQL_EXPRESSION_OPERATOR = /[-+/%<>=!&|~^]\s|\s[-+/%<>=!&|~^]/;
const VALID_UNQUOTED_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** DQX `normalize_col_str`: first 255 characters, lower case, non-alphanumerics runs as `_`, no trailing `_`. */
export function normalizeColStr(s: string): string {
  const head = [...s].slice(0, 255).join('');
  return head.toLowerCase().replace(NORMALIZE, '_').replace(/_+$/, '');
}

/** DQX `unquote_column_name`: a single back-quoted identifier loses its quotes. */
export function unquoteColumnName(name: string): string {
  if (name.length >= 2 && name.startsWith('`') && name.endsWith('`')) {
    const inner = name.slice(1, -1);
    if (!inner.replaceAll('``', '').includes('`')) return inner.replaceAll('``', '`');
  }
  return name;
}

/** The column string as DQX shows it in messages and in the `columns` result field. */
export const columnDisplay = (column: string): string => unquoteColumnName(column);

/** `norm` of a column string, used in default rule names. */
export const columnNorm = (column: string): string => normalizeColStr(unquoteColumnName(column));

/** DQX `_cleanup_alias_name`: dots become underscores. */
export const cleanupAlias = (alias: string): string => alias.replaceAll('.', '_');

/** A column string resolved the way DQX's `normalize_column_expr` decides: a name path or an expression. */
export type ColumnRef = { kind: 'path'; segments: string[] } | { kind: 'expr'; text: string };

/**
 * DQX passes a string column through `normalize_column_expr` and then `F.expr`. Strings with
 * expression characters (parentheses, quotes, commas, `*`, operators between spaces) are SQL
 * expressions used as they are; everything else is a dotted path whose segments are column and
 * struct field names (back-quoted when they are not plain identifiers).
 */
export function parseColumnRef(column: string): ColumnRef {
  if (SQL_EXPRESSION_STRUCTURE.test(column) || SQL_EXPRESSION_OPERATOR.test(column)) {
    return { kind: 'expr', text: column };
  }
  return { kind: 'path', segments: column.split('.') };
}

export const isPlainIdentifier = (s: string): boolean => VALID_UNQUOTED_IDENTIFIER.test(s);

/** DQX `is_simple_column_expression`. */
export function isSimpleColumnExpression(name: string): boolean {
  return !/[\s,;{}()\n\t=]+/.test(name);
}

/** How DQX shows an unresolved column in a skip message (`_display_column_name`). */
export function skipDisplayColumnName(column: string): string {
  const name = unquoteColumnName(column);
  if (isSimpleColumnExpression(name) || (name.startsWith('`') && name.endsWith('`'))) return name;
  return '`' + name.replaceAll('`', '``') + '`';
}

/** Python's regex `\w+` (Unicode word characters), which DQX uses to read an alias back. */
export function isPythonWord(s: string): boolean {
  return s.length > 0 && /^[\p{L}\p{N}\p{Mn}\p{Mc}_]+$/u.test(s);
}
