/**
 * `is_unique`: the count DQX computes with a window over the key. Rows taking part are those
 * passing the row filter and, when NULLs are distinct, with every key column set; each such row
 * whose key occurs more than once among them fails.
 */
import { columnDisplay } from '../../naming';
import type { SparkType } from '../../spark-types';
import { keyRendering } from '../dataset-checks-keys';
import { truthy } from '../helpers';
import type { DatasetBuilder } from './index';

const isString = (t: SparkType | null) => t?.kind === 'string' || t?.kind === 'varchar' || t?.kind === 'char';

export const UNIQUE_SQL: Record<string, DatasetBuilder> = {
  is_unique(ctx, args) {
    const raw = Array.isArray(args.columns) ? args.columns : [];
    const cols = raw.map((c) => ctx.column(c));
    const expression = cols.find((c) => c.sql.startsWith('('));
    if (expression)
      ctx.unsupported(
        `DQX reads is_unique key columns by name (F.col), so '${expression.raw}' fails in DQX too; use a column name.`,
      );
    const nullsDistinct = args.nulls_distinct === undefined ? true : truthy(args.nulls_distinct);
    const trim = truthy(args.trim_strings);
    const parts = [ctx.rowFilter ?? 'TRUE', ...(nullsDistinct ? cols.map((c) => `${c.sql} IS NOT NULL`) : [])];
    const taking = parts.length === 1 ? parts[0]! : `(${parts.join(' AND ')})`;
    const keys = cols.map((c) => (trim && isString(c.type) ? `trim(${c.sql})` : c.sql));
    const count = ctx.id('count');
    // DQX counts with a window over the key; a grouped count of the duplicated keys joined back
    // null-safely gives every row the same count and is cheaper on both engines (a hash aggregate
    // over the key instead of partitioning whole rows), at the price of a second read of the source.
    const dup = ctx.id('dup');
    const n = ctx.id('n');
    const keyAlias = keys.map((_, i) => ctx.id(`k${i}`));
    // only the rows taking part are grouped (WHERE, not a sum of a CASE over every row): the other
    // rows' keys get no count, and the condition needs `taking` anyway
    const where = taking === 'TRUE' ? '' : ` WHERE ${taking}`;
    const grouped =
      `SELECT ${keys.map((k, i) => `${k} AS ${keyAlias[i]}`).join(', ')}, CAST(count(*) AS BIGINT) AS ${n}` +
      ` FROM ${ctx.source} AS ${ctx.id('src')}${where} GROUP BY ${keys.join(', ')} HAVING count(*) > 1`;
    const on = keys.map((k, i) => `${k} IS NOT DISTINCT FROM ${dup}.${keyAlias[i]}`).join(' AND ');
    // the key as DQX renders it: the column, or a struct of the key columns
    const key =
      cols.length === 1
        ? cols[0]!
        : {
            sql:
              ctx.dialect === 'duckdb'
                ? `struct_pack(${cols.map((c, i) => `f${i} := ${c.sql}`).join(', ')})`
                : `struct(${cols.map((c) => c.sql).join(', ')})`,
            type: {
              kind: 'struct',
              fields: cols.map((c, i) => ({ name: `f${i}`, type: c.type ?? { kind: 'string' }, nullable: true })),
            } as SparkType,
          };
    const keyText = nullsDistinct
      ? ctx.str(key)
      : `CASE WHEN ${key.sql} IS NULL THEN 'null' ELSE ${ctx.str(key)} END`;
    return {
      columns: [{ name: count, sql: `${dup}.${n}`, type: 'bigint' }],
      joins: [`LEFT JOIN (${grouped}) AS ${dup} ON ${on}`],
      condition: `(${taking} AND ${count} > 1)`,
      message: ctx.concat(
        ctx.lit("Value '"),
        keyText,
        ctx.lit(`' in column '${columnDisplay(keyRendering(raw))}' is not unique, found `),
        ctx.str({ sql: count, type: { kind: 'bigint' } }),
        ctx.lit(' duplicates'),
      ),
    };
  },
};
