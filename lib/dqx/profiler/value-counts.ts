/**
 * The recommended profile's optional second statement: exact counts of every value of a few
 * low-cardinality text fields (to tell the values that make up the bulk of a column from rare
 * look-alikes), and how many values each candidate check fails (value shapes such as
 * `^[A-Z]{3}-[0-9]{6}$`, measured with the compiler's own condition). One scan: the value counts
 * are GROUPING SETS of the same rows, the check counts are the grand-total set.
 */
import type { DqxCheck, TableSchema } from '@/lib/dqx/model';
import { quoteIdent, type Dialect } from '@/lib/sql/quote';

import { rowCheckFailureSql } from '../compile/row-condition';
import type { ResultRow } from './decode-profile';
import { robustSampleSql, type RobustSampling } from './robust-profile';
import type { ProfiledField } from './spark-type';

export interface ValueCountsRequest {
  /** Text fields whose values are counted. */
  fields: ProfiledField[];
  /** Row checks whose failing values are counted (over non-null values). */
  probes: { key: string; check: DqxCheck }[];
}

export interface ValueCounts {
  /** Field name -> [value, count], most frequent first (NULL not included). */
  values: Record<string, { value: string; count: number }[]>;
  /** Probe key -> rows the check fails. */
  failing: Record<string, number>;
}

export interface CompiledValueCounts {
  sql: string;
  decode(rows: ResultRow[]): ValueCounts;
}

export function compileValueCounts(
  schema: TableSchema,
  source: string,
  request: ValueCountsRequest,
  input: { dialect: Dialect; sampling: RobustSampling; filter: string | null },
): CompiledValueCounts | null {
  const { dialect } = input;
  const id = (name: string) => quoteIdent(dialect, name);
  const probes = request.probes
    .map((p) => ({ key: p.key, sql: rowCheckFailureSql(p.check, { dialect, table: schema }) }))
    .filter((p): p is { key: string; sql: string } => p.sql !== null);
  if (request.fields.length === 0 && probes.length === 0) return null;

  const inner: string[] = [];
  request.fields.forEach((f, i) => {
    const ref = ['_dqx_s', ...f.path.map(id)].join('.');
    inner.push(`${dialect === 'duckdb' ? `CAST(${ref} AS VARCHAR)` : `CAST(${ref} AS STRING)`} AS v${i}`);
  });
  probes.forEach((p, i) => inner.push(`CASE WHEN coalesce((${p.sql}), FALSE) THEN 1 ELSE 0 END AS b${i}`));
  const sums = probes.map((_, i) => `sum(b${i}) AS s${i}`);
  const projection = [...new Set(schema.columns.map((c) => c.name))].map(id);
  const sample = robustSampleSql(dialect, source, projection, input.sampling, input.filter);
  const rows = `SELECT ${inner.join(', ')} FROM _dqx_sample AS _dqx_s`;
  let sql: string;
  if (request.fields.length === 0) {
    sql = `WITH _dqx_sample AS (${sample}) SELECT count(*) AS cnt, ${sums.join(', ')} FROM (${rows}) AS _dqx_v`;
  } else {
    const vs = request.fields.map((_, i) => `v${i}`);
    const flags = vs.map((v, i) => `grouping(${v}) AS g${i}`);
    const sets = [...vs.map((v) => `(${v})`), '()'].join(', ');
    sql =
      `WITH _dqx_sample AS (${sample}) SELECT ${[...flags, ...vs, 'count(*) AS cnt', ...sums].join(', ')} ` +
      `FROM (${rows}) AS _dqx_v GROUP BY GROUPING SETS (${sets})`;
  }

  return {
    sql,
    decode(result) {
      const values: ValueCounts['values'] = {};
      const failing: ValueCounts['failing'] = {};
      for (const f of request.fields) values[f.name] = [];
      for (const row of result) {
        const flags = request.fields.map((_, i) => Number(row[`g${i}`] ?? 1));
        const grand = flags.every((g) => g === 1);
        if (grand) {
          probes.forEach((p, i) => (failing[p.key] = Number(row[`s${i}`] ?? 0)));
          continue;
        }
        const which = flags.findIndex((g) => g === 0);
        const field = request.fields[which];
        const value = row[`v${which}`];
        if (!field || value === null || value === undefined) continue;
        values[field.name]!.push({ value: String(value), count: Number(row.cnt ?? 0) });
      }
      for (const list of Object.values(values))
        list.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
      return { values, failing };
    },
  };
}
