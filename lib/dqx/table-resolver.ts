/**
 * Resolving rule references against a table's columns the way Spark does (case-insensitive names,
 * struct fields by dotted paths). DQX skips a check whose column, filter, message expression or
 * SQL expression does not resolve; the compiler and the validator both ask this resolver.
 */
import type { TableSchema } from './model';
import { parseColumnRef, unquoteColumnName } from './naming';
import { fragmentProblem, tokenize } from './spark-sql';
import { guardExpression } from './sql-guard/guard';
import { fieldType, parseSparkType, type SparkType } from './spark-types';

export interface ResolvedPath {
  /** The column's actual name followed by the struct field names as the schema spells them. */
  path: string[];
  type: SparkType | null;
}

export class TableResolver {
  private readonly columns: { name: string; type: SparkType }[];

  constructor(readonly table: TableSchema) {
    this.columns = table.columns.map((c) => ({ name: c.name, type: parseSparkType(c.type) }));
  }

  columnNames(): string[] {
    return this.columns.map((c) => c.name);
  }

  /** A column by name (case-insensitive). */
  column(name: string): { name: string; type: SparkType } | undefined {
    const lower = name.toLowerCase();
    return (
      this.columns.find((c) => c.name === name) ?? this.columns.find((c) => c.name.toLowerCase() === lower)
    );
  }

  /** Resolve a dotted path (column then struct fields), or null. */
  resolvePath(segments: string[]): ResolvedPath | null {
    const [first, ...rest] = segments;
    if (first === undefined) return null;
    const col = this.column(first);
    if (!col) return null;
    const path = [col.name];
    let type: SparkType | null = col.type;
    for (const seg of rest) {
      if (type?.kind === 'struct') {
        const fields: { name: string; type: SparkType }[] = type.fields;
        const f =
          fields.find((x) => x.name === seg) ??
          fields.find((x) => x.name.toLowerCase() === seg.toLowerCase());
        if (!f) return null;
        path.push(f.name);
        type = f.type;
      } else if (type?.kind === 'map') {
        path.push(seg);
        type = type.value;
      } else if (type?.kind === 'unknown' || type?.kind === 'variant') {
        path.push(seg);
        type = null;
      } else {
        return null;
      }
    }
    return { path, type };
  }

  /**
   * Resolve a column argument. A plain or dotted name must exist; an expression resolves when
   * every column it refers to exists (its type is then unknown).
   */
  resolveColumnArgument(
    column: string,
  ): { ok: true; resolved: ResolvedPath | null } | { ok: false; missing: string[] } {
    const ref = parseColumnRef(column);
    if (ref.kind === 'path') {
      const resolved = this.resolvePath(ref.segments);
      return resolved ? { ok: true, resolved } : { ok: false, missing: [column] };
    }
    // a single back-quoted name is a name
    const unquoted = unquoteColumnName(column);
    if (unquoted !== column && this.column(unquoted)) {
      const c = this.column(unquoted)!;
      return { ok: true, resolved: { path: [c.name], type: c.type } };
    }
    if (column.trim() === '*') return { ok: true, resolved: null }; // every column (count(*))
    if (fragmentProblem(column)) return { ok: false, missing: [column] };
    const missing = this.unknownReferences(column);
    if (missing === null) return { ok: false, missing: [column] };
    if (missing.length) return { ok: false, missing };
    const single = singlePathExpression(column);
    if (single) {
      const resolved = this.resolvePath(single);
      if (resolved) return { ok: true, resolved };
    }
    return { ok: true, resolved: null };
  }

  /**
   * Columns (or struct fields) an expression refers to that the table does not have. Null when the
   * SQL sandbox refuses the expression (lib/dqx/sql-guard).
   */
  unknownReferences(expression: string): string[] | null {
    // the column references of the parse tree (lambda parameters excluded in their lambda only)
    const refs = guardExpression(expression);
    if (!refs.ok) return null;
    const missing: string[] = [];
    for (const path of refs.columns) {
      const col = this.column(path[0]!);
      if (!col) {
        missing.push(path[0]!);
        continue;
      }
      // struct fields: a path longer than one segment must resolve up to its last struct level
      let type: SparkType | null = col.type;
      for (let i = 1; i < path.length; i++) {
        if (type?.kind !== 'struct') break;
        const next = fieldType(type, [path[i]!]);
        if (!next) {
          missing.push(path.slice(0, i + 1).join('.'));
          break;
        }
        type = next;
      }
    }
    return missing;
  }
}

/** The segments of an expression that is just one (possibly back-quoted) dotted name. */
export function singlePathExpression(text: string): string[] | null {
  let tokens;
  try {
    tokens = tokenize(text).filter((t) => t.kind !== 'ws');
  } catch {
    return null;
  }
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (i % 2 === 0) {
      if (t.kind === 'ident') out.push(t.text);
      else if (t.kind === 'quoted_ident') out.push(t.value!);
      else return null;
    } else if (!(t.kind === 'op' && t.text === '.')) return null;
  }
  return out.length && tokens.length % 2 === 1 ? out : null;
}
