/** Which runs a caller may see: those that read no table the caller cannot read (`dq_runs.read_tables`). */
import { sql } from 'kysely';

/**
 * A condition on the runs of `alias`: none of its `read_tables` is in `hidden` (tables the caller
 * cannot read). True for every run when nothing is hidden.
 */
export function readsNoneOf(alias: string, hidden: readonly string[]) {
  if (hidden.length === 0) return sql<boolean>`TRUE`;
  return sql<boolean>`NOT EXISTS (
    SELECT 1 FROM jsonb_array_elements_text(coalesce(${sql.ref(`${alias}.read_tables`)}, '[]'::jsonb)) AS rt(name)
    WHERE rt.name IN (${sql.join(hidden.map((h) => sql.val(h)))}))`;
}
