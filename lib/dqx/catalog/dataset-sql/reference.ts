/**
 * SQL of DQX's reference dataset-level checks (see index.ts):
 *
 * - `foreign_key`: a LEFT JOIN to the DISTINCT reference keys (a struct of the key columns for
 *   composite or null-safe keys, whose parts compare NULL-safely as Spark's struct equality does).
 * - `compare_datasets`: DQX pairs the n-th source row of a key with the n-th reference row of that
 *   key, both ordered by the compared values. The reference rows of each key are gathered into an
 *   array ordered that way and joined on the key; each source row takes the element at its own
 *   row number, so rows are paired without multiplying the input. With a filter, DQX first pairs
 *   in-scope rows with identical reference rows and then the rest by position (see the builder);
 *   with raise_on_duplicate_keys it pairs 1:1 and the statement fails on duplicate keys as DQX
 *   raises. With check_missing_records the reference rows no source row takes are added to the
 *   output (`addsRows`, see the planner): per key, the source takes as many reference rows (in
 *   pairing order) as DQX's FULL OUTER join pairs, and the rest are missing.
 * - `sql_query`: the user's query over the (row-filtered) input, joined back on the merge columns
 *   (grouped, max(condition)), or reduced to one row for the whole dataset.
 * - `has_valid_schema`: the schema comparison is done here, at compile time, from the checked
 *   table's and the expected (or reference) schema; the statement only carries its constant result.
 */
import type { Dialect } from '@/lib/sql/quote';

import { columnDisplay } from '../../naming';
import { isMarker, javaDoubleToString, parsePyFloat, pyKind } from '../../py-values';
import { isSqlQuerySafe } from '../../spark-sql';
import {
  parseSchemaDdl,
  parseSparkType,
  simpleString,
  type SparkField,
  type SparkType,
} from '../../spark-types';
import type { DatasetSqlContext } from '../../compile/dataset-context';
import type { AddedRows, DatasetColumn } from '../types';
import { truthy } from '../helpers';
import type { DatasetBuilder } from './index';
import { replaceTemplate, rewriteQuery } from './sql-query';

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const strings = (v: unknown): string[] | null => {
  const items = list(v);
  return items.every((i) => typeof i === 'string') ? (items as string[]) : null;
};

/** Spark `a <=> b` in the dialect. */
const nullSafeEq = (d: Dialect, a: string, b: string) =>
  d === 'duckdb' ? `(${a} IS NOT DISTINCT FROM ${b})` : `(${a} <=> ${b})`;

/** A struct field of an internal struct column. */
const field = (d: Dialect, struct: string, name: string) =>
  d === 'duckdb' ? `struct_extract(${struct}, '${name}')` : `${struct}.${name}`;

const NUMERIC = new Set(['tinyint', 'smallint', 'int', 'bigint', 'float', 'double', 'decimal']);
const isNumeric = (t: SparkType | null) => t !== null && NUMERIC.has(t.kind);

/** A Python number argument as a Spark literal (`F.lit(x)`: int stays int, float is DOUBLE). */
function numberLiteral(v: unknown): { sql: string; value: number } {
  if (isMarker(v) && '__float__' in v) {
    const n = parsePyFloat(String((v as { __float__: string }).__float__));
    return { sql: `CAST('${javaDoubleToString(n)}' AS DOUBLE)`, value: n };
  }
  if (pyKind(v) === 'int') return { sql: String(v), value: Number(v) };
  const n = typeof v === 'number' ? v : 0;
  return { sql: `CAST('${javaDoubleToString(n)}' AS DOUBLE)`, value: n };
}

// ---------------------------------------------------------------------------------------------
// foreign_key

function foreignKey(ctx: DatasetSqlContext, args: Record<string, unknown>) {
  const d = ctx.dialect;
  if (truthy(args.ref_df_name))
    ctx.unsupported(
      "foreign_key with 'ref_df_name' compares with a DataFrame handed to DQX in code (ref_dfs); the SQL fast path reads tables only ('ref_table'), so the rule runs in a DQX job.",
    );
  const rawCols = list(args.columns);
  const refCols = strings(args.ref_columns);
  if (!refCols || rawCols.length === 0 || rawCols.length !== refCols.length)
    ctx.unsupported("'columns' and 'ref_columns' must be lists of the same length.");
  const cols = rawCols.map((c) => ctx.column(c));
  const ref = ctx.refTable(args.ref_table);
  const nullSafe = truthy(args.null_safe);
  const negate = truthy(args.negate);
  const single = cols.length === 1 && !nullSafe;
  const alias = ctx.id('fk');
  const keys = cols.map((_, i) => ctx.id(`k${i}`));
  const marker = ctx.id('m');
  const refExprs = refCols!.map((c) => ctx.expr(c));
  const subquery = `SELECT DISTINCT ${refExprs.map((e, i) => `${e} AS ${keys[i]}`).join(', ')}, TRUE AS ${marker} FROM ${ref.sql}`;
  const on = single
    ? `${cols[0]!.sql} = ${alias}.${keys[0]}`
    : cols.map((c, i) => nullSafeEq(d, c.sql, `${alias}.${keys[i]}`)).join(' AND ');
  const found = ctx.id('found');
  const base = [
    ...(nullSafe ? [] : cols.map((c) => `${c.sql} IS NOT NULL`)),
    ...(ctx.rowFilter ? [ctx.rowFilter] : []),
  ];
  const violation = negate ? found : `NOT ${found}`;
  const condition = base.length ? `(${[...base, violation].join(' AND ')})` : `(${violation})`;
  // the message shows the key: the column, or the struct of the key columns named as `columns`
  const names = rawCols.map((c) => String(c));
  let value: string;
  let display: string;
  let refDisplay: string;
  if (cols.length === 1) {
    value = `CASE WHEN ${cols[0]!.sql} IS NULL THEN 'null' ELSE ${ctx.str(cols[0]!)} END`;
    display = cols[0]!.display;
    refDisplay = columnDisplay(refCols![0]!);
  } else {
    const type: SparkType = {
      kind: 'struct',
      fields: cols.map((c, i) => ({ name: names[i]!, type: c.type ?? { kind: 'string' }, nullable: true })),
    };
    const sql =
      d === 'duckdb'
        ? `struct_pack(${cols.map((c, i) => `${quoteDuckField(names[i]!)} := ${c.sql}`).join(', ')})`
        : `named_struct(${cols.map((c, i) => `${ctx.lit(names[i]!)}, ${c.sql}`).join(', ')})`;
    value = ctx.str({ sql, type });
    display = `struct(${names.map((n) => `${n} AS ${n}`).join(', ')})`;
    refDisplay = `struct(${refCols!.map((r, i) => `${r} AS ${names[i]}`).join(', ')})`;
  }
  // DuckDB, one key column named plainly and found in the reference table's described columns: a
  // membership test (a mark join, which carries no column of the reference side; about 0.15 s of
  // CPU less per 2M rows than the LEFT JOIN). Same result: a NULL key or no match is FALSE, and
  // NULL reference keys match nothing either way. The column is qualified with the reference
  // table's alias, so it can never bind to a column of the checked table.
  const refColumn =
    d === 'duckdb' && single && /^[A-Za-z_][A-Za-z0-9_]*$/.test(refCols![0]!.trim())
      ? ref.schema?.columns.find((c) => c.name.toLowerCase() === refCols![0]!.trim().toLowerCase())
      : undefined;
  if (refColumn) {
    const r = ctx.id('r');
    const key = `${r}.${quoteDuckField(refColumn.name)}`;
    return {
      columns: [
        {
          name: found,
          sql: `coalesce((${cols[0]!.sql}) IN (SELECT ${key} FROM ${ref.sql} AS ${r} WHERE ${key} IS NOT NULL), FALSE)`,
          type: 'boolean',
        },
      ],
      joins: [],
      condition,
      message: foreignKeyMessage(),
    };
  }
  return {
    columns: [{ name: found, sql: `(${alias}.${marker} IS NOT NULL)`, type: 'boolean' }],
    joins: [`LEFT JOIN (${subquery}) AS ${alias} ON ${on}`],
    condition,
    message: foreignKeyMessage(),
  };
  function foreignKeyMessage() {
    return ctx.concat(
      ctx.lit("Value '"),
      value,
      ctx.lit(`' in column '${display}' ${negate ? '' : 'not '}found in reference column '${refDisplay}'`),
    );
  }
}

/** The input column a key argument names (DQX's keys are plain column names). */
function inputColumnName(ctx: DatasetSqlContext, name: string): string {
  const col =
    ctx.table.columns.find((c) => c.name === name) ??
    ctx.table.columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
  if (!col) return ctx.unsupported(`The key column '${name}' is not a column of the table.`);
  return col.name;
}

const quoteDuckField = (name: string) => `"${name.replaceAll('"', '""')}"`;

// ---------------------------------------------------------------------------------------------
// compare_datasets

function compareDatasets(ctx: DatasetSqlContext, args: Record<string, unknown>) {
  const d = ctx.dialect;
  if (truthy(args.ref_df_name))
    ctx.unsupported(
      "compare_datasets with 'ref_df_name' compares with a DataFrame handed to DQX in code (ref_dfs); the SQL fast path reads tables only ('ref_table'), so the rule runs in a DQX job.",
    );
  const checkMissing = truthy(args.check_missing_records);
  if (checkMissing && ctx.sourceIsSample)
    ctx.unsupported(
      'compare_datasets with check_missing_records compares the whole reference table with the input: on a sample of the input every reference row outside the sample would read missing, so the rule is evaluated only when the whole table is validated.',
    );
  if (checkMissing && !ctx.addedRow)
    ctx.unsupported(
      'An earlier compare_datasets of the set already adds the reference rows missing from the input (check_missing_records); the SQL fast path models one such rule per rule set, so this one runs in a DQX job.',
    );
  const pk = strings(args.columns);
  const refPk = strings(args.ref_columns);
  const exclude =
    args.exclude_columns === undefined || args.exclude_columns === null ? [] : strings(args.exclude_columns);
  if (!pk || !refPk || !exclude || pk.length === 0 || pk.length !== refPk.length)
    ctx.unsupported(
      "compare_datasets needs 'columns' and 'ref_columns' as lists of column names of the same length.",
    );
  const ref = ctx.refTable(args.ref_table);
  if (!ref.schema)
    ctx.unsupported(
      `compare_datasets compares the columns both tables have, so it needs the columns of ${ref.name}, which were not provided; the rule runs in a DQX job.`,
    );
  const refColumns = ref.schema!.columns.map((c) => ({ name: c.name, type: parseSparkType(c.type) }));
  const refColumn = (name: string) =>
    refColumns.find((c) => c.name === name) ??
    refColumns.find((c) => c.name.toLowerCase() === name.toLowerCase()) ??
    null;
  const missingRef = refPk!.find((c) => !refColumn(c));
  if (missingRef)
    ctx.unsupported(
      `The reference column '${missingRef}' is not a column of ${ref.name}; DQX fails on it too.`,
    );
  const tableColumns = ctx.table.columns.map((c) => ({ name: c.name, type: parseSparkType(c.type) }));
  const maps = new Set(
    [...tableColumns, ...refColumns].filter((c) => c.type.kind === 'map').map((c) => c.name),
  );
  // compared: in both tables (exact name), not a key, not excluded, not a map on either side
  const compared = tableColumns.filter(
    (c) =>
      refColumns.some((r) => r.name === c.name) &&
      !pk!.includes(c.name) &&
      !exclude!.includes(c.name) &&
      !maps.has(c.name),
  );
  const src = compared.map((c) => ctx.column(c.name));
  const refs = compared.map((c) => refColumns.find((r) => r.name === c.name)!);
  const q = (name: string) => (d === 'duckdb' ? quoteDuckField(name) : `\`${name.replaceAll('`', '``')}\``);
  // pairing order: numeric on both sides by value, anything else by its string form; NULLs first
  const orderBy = (values: { sql: string; type: SparkType | null }[]) => {
    const items = values.map((v, j) => {
      const both = isNumeric(compared[j]!.type) && isNumeric(refs[j]!.type);
      return `${both ? v.sql : ctx.str(v)} ASC NULLS FIRST`;
    });
    return items.length ? items.join(', ') : '1';
  };
  const srcKeys = pk!.map((c) => ctx.column(c));
  const srcVals = compared.map((c, j) => ({ sql: src[j]!.sql, type: c.type }));
  const refKeySql = refPk!.map((c) => q(refColumn(c)!.name));
  const alias = ctx.id('cmp');
  const keyNames = pk!.map((_, i) => ctx.id(`k${i}`));
  const rn = ctx.id('rn');
  const arr = ctx.id('rows');
  const nullSafeRows = args.null_safe_row_matching === undefined ? true : truthy(args.null_safe_row_matching);
  const nullSafeValues =
    args.null_safe_column_value_matching === undefined ? true : truthy(args.null_safe_column_value_matching);
  const raiseOnDuplicates = truthy(args.raise_on_duplicate_keys);
  const valueFields = refs.map((r, j) => ({ name: `__dqx_v${j}`, sql: q(r.name), type: r.type }));
  const element =
    d === 'duckdb'
      ? `struct_pack(rn := ${rn}${valueFields.map((f) => `, ${f.name} := ${f.name}`).join('')})`
      : `named_struct('rn', ${rn}${valueFields.map((f) => `, '${f.name}', ${f.name}`).join('')})`;
  const gathered =
    d === 'duckdb' ? `list(${element} ORDER BY ${rn})` : `array_sort(collect_list(${element}))`;
  const dupError = (which: 'source' | 'reference', names: string[]) =>
    `${d === 'duckdb' ? 'error' : 'raise_error'}(${ctx.lit(`The ${which} dataset contains duplicate matching keys for columns: ${names.join(', ')}.`)})`;
  const all = (parts: string[]) => (parts.length ? parts.join(' AND ') : 'TRUE');
  const notNull = (exprs: string[]) => exprs.map((e) => `${e} IS NOT NULL`);
  const keyMatch = (a: string, b: string) => (nullSafeRows ? nullSafeEq(d, a, b) : `${a} = ${b}`);
  const at = (index: string) =>
    d === 'duckdb'
      ? `${alias}.${arr}[CAST(${index} AS BIGINT)]`
      : `try_element_at(${alias}.${arr}, CAST(${index} AS INT))`;
  const scope = ctx.rowFilter ? `coalesce(${ctx.rowFilter}, FALSE)` : null;
  const partition = srcKeys.map((k) => k.sql).join(', ');
  const p = ctx.id('pair');
  const columns: DatasetColumn[] = [];
  const joins: string[] = [];
  let refRows: string; // reference rows (keys, rn, values) gathered per key into the array
  let gate: string | null = null;
  // check_missing_records: per key, how many of its reference rows (numbered rn) a source row takes
  const st = ctx.id('st');
  const sk = pk!.map((_, i) => ctx.id(`sk${i}`));
  const nTotal = ctx.id('ntotal');
  const nIn = ctx.id('nin');
  const sourceStats =
    `SELECT ${[...srcKeys.map((k, i) => `${k.sql} AS ${sk[i]}`), `count(*) AS ${nTotal}`, `sum(CASE WHEN ${scope ?? 'TRUE'} THEN 1 ELSE 0 END) AS ${nIn}`].join(', ')} ` +
    `FROM ${ctx.source} AS ${ctx.id('ss')} GROUP BY ${srcKeys.map((k) => k.sql).join(', ')}`;
  let pairedPerKey = `${st}.${nTotal}`;
  let pairedJoin = '';

  if (scope === null || raiseOnDuplicates) {
    refRows = `SELECT ${[
      ...refKeySql.map((k, i) => `${k} AS ${keyNames[i]}`),
      `row_number() OVER (PARTITION BY ${refKeySql.join(', ')} ORDER BY ${orderBy(valueFields)}) AS ${rn}`,
      ...valueFields.map((f) => `${f.sql} AS ${f.name}`),
    ].join(', ')} FROM ${ref.sql}`;
    let paired: string;
    if (raiseOnDuplicates) {
      // DQX requires unique keys (in-scope source rows, all reference rows) and pairs them 1:1
      const matchable = all([
        ...(scope ? [scope] : []),
        ...(nullSafeRows ? [] : notNull(srcKeys.map((k) => k.sql))),
      ]);
      const dup = `sum(CASE WHEN ${matchable} THEN 1 ELSE 0 END) OVER (PARTITION BY ${partition}) > 1 AND ${matchable}`;
      paired = `CASE WHEN ${dup} THEN ${dupError('source', pk!)} ELSE ${at('1')} END`;
    } else {
      paired = at(`row_number() OVER (PARTITION BY ${partition} ORDER BY ${orderBy(srcVals)})`);
    }
    columns.push({ name: p, sql: paired, type: '' });
  } else {
    /*
     * DQX with a filter: in-scope rows first take reference rows with the same key and identical
     * compared values (those rows pass); the other in-scope rows of a key are then paired by
     * position, in value order, with the reference rows of the key not taken that way. A row's
     * position is the number of such rows in the (key, values) groups before its own plus its rank
     * within its group; both come from grouped subqueries, so no window reads another window.
     */
    const gk = pk!.map((_, i) => ctx.id(`gk${i}`));
    const gv = compared.map((_, j) => ctx.id(`gv${j}`));
    const gn = ctx.id('gn');
    const rk = pk!.map((_, i) => ctx.id(`rk${i}`));
    const rv = compared.map((_, j) => ctx.id(`rv${j}`));
    const rc = ctx.id('rc');
    const groupBy = [...srcKeys.map((k) => k.sql), ...srcVals.map((v) => v.sql)];
    const sourceCounts =
      `SELECT ${[...srcKeys.map((k, i) => `${k.sql} AS ${gk[i]}`), ...srcVals.map((v, j) => `${v.sql} AS ${gv[j]}`), `count(*) AS ${gn}`].join(', ')} ` +
      `FROM ${ctx.source} AS ${ctx.id('s')} WHERE ${all([scope, ...(nullSafeRows ? [] : notNull(srcKeys.map((k) => k.sql)))])} ` +
      `GROUP BY ${groupBy.join(', ')}`;
    const refCounts =
      `SELECT ${[...refKeySql.map((k, i) => `${k} AS ${rk[i]}`), ...valueFields.map((f, j) => `${f.sql} AS ${rv[j]}`), `count(*) AS ${rc}`].join(', ')} ` +
      `FROM ${ref.sql}${nullSafeRows ? '' : ` WHERE ${all(notNull(refKeySql))}`} ` +
      `GROUP BY ${[...refKeySql, ...valueFields.map((f) => f.sql)].join(', ')}`;
    const sameGroup = (a: string, ak: string[], av: string[], b: string, bk: string[], bv: string[]) =>
      all([
        ...ak.map((k, i) => keyMatch(`${a}.${k}`, `${b}.${bk[i]}`)),
        ...av.map((v, j) => nullSafeEq(d, `${a}.${v}`, `${b}.${bv[j]}`)),
      ]);
    // reference rows not taken by an exact match, numbered in value order within their key
    const x = ctx.id('x');
    const c = ctx.id('c');
    const er = ctx.id('er');
    const refNumbered = `SELECT ${[
      ...refKeySql.map((k, i) => `${k} AS ${keyNames[i]}`),
      ...valueFields.map((f) => `${f.sql} AS ${f.name}`),
      `row_number() OVER (PARTITION BY ${[...refKeySql, ...valueFields.map((f) => f.sql)].join(', ')} ORDER BY ${refKeySql[0]}) AS ${er}`,
    ].join(', ')} FROM ${ref.sql}`;
    const fieldNames = valueFields.map((f) => f.name);
    refRows =
      `SELECT ${[
        ...keyNames.map((k) => `${x}.${k} AS ${k}`),
        `row_number() OVER (PARTITION BY ${keyNames.map((k) => `${x}.${k}`).join(', ')} ORDER BY ${orderBy(valueFields.map((f, j) => ({ sql: `${x}.${f.name}`, type: refs[j]!.type })))}) AS ${rn}`,
        ...fieldNames.map((f) => `${x}.${f} AS ${f}`),
      ].join(', ')} FROM (${refNumbered}) AS ${x} LEFT JOIN (${sourceCounts}) AS ${c} ` +
      `ON ${sameGroup(x, keyNames, fieldNames, c, gk, gv)} ` +
      `WHERE NOT (${x}.${er} <= coalesce(${c}.${gn}, 0))`;
    // per in-scope group: reference rows with the same values, and rows paired by position before it
    const sc = ctx.id('sc');
    const ra = ctx.id('ra');
    const cnt = ctx.id('cnt');
    const before = ctx.id('before');
    const g = ctx.id('g');
    const taken = `coalesce(${ra}.${rc}, 0)`;
    const groupStats =
      `SELECT ${[...gk.map((k) => `${sc}.${k} AS ${k}`), ...gv.map((v) => `${sc}.${v} AS ${v}`), `${taken} AS ${cnt}`].join(', ')}, ` +
      `coalesce(sum(greatest(${sc}.${gn} - ${taken}, 0)) OVER (PARTITION BY ${gk.map((k) => `${sc}.${k}`).join(', ')} ` +
      `ORDER BY ${orderBy(gv.map((v, j) => ({ sql: `${sc}.${v}`, type: compared[j]!.type })))} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS ${before} ` +
      `FROM (${sourceCounts}) AS ${sc} LEFT JOIN (${refCounts}) AS ${ra} ON ${sameGroup(sc, gk, gv, ra, rk, rv)}`;
    joins.push(
      `LEFT JOIN (${groupStats}) AS ${g} ON ${all([
        ...srcKeys.map((k, i) => keyMatch(k.sql, `${g}.${gk[i]}`)),
        ...srcVals.map((v, j) => nullSafeEq(d, v.sql, `${g}.${gv[j]}`)),
      ])}`,
    );
    const rank = `row_number() OVER (PARTITION BY ${groupBy.join(', ')} ORDER BY ${scope} DESC)`;
    const exact = `(${scope} AND ${rank} <= coalesce(${g}.${cnt}, 0))`;
    const ex = ctx.id('exact');
    columns.push({ name: ex, sql: exact, type: 'boolean' });
    columns.push({
      name: p,
      sql: `CASE WHEN ${scope} AND NOT ${exact} THEN ${at(`${g}.${before} + ${rank} - coalesce(${g}.${cnt}, 0)`)} END`,
      type: '',
    });
    gate = `NOT ${ex}`;
    // in-scope keys pair their exactly matching rows, then their other in-scope rows by position;
    // keys without in-scope rows pair every source row by position
    const exs = ctx.id('exs');
    const exn = ctx.id('exn');
    pairedJoin =
      ` LEFT JOIN (SELECT ${gk.map((k) => `${sc}.${k} AS ${k}`).join(', ')}, sum(least(${sc}.${gn}, coalesce(${ra}.${rc}, 0))) AS ${exn} ` +
      `FROM (${sourceCounts}) AS ${sc} LEFT JOIN (${refCounts}) AS ${ra} ON ${sameGroup(sc, gk, gv, ra, rk, rv)} ` +
      `GROUP BY ${gk.map((k) => `${sc}.${k}`).join(', ')}) AS ${exs} ON ${gk.map((k, i) => nullSafeEq(d, `${st}.${sk[i]}`, `${exs}.${k}`)).join(' AND ')}`;
    pairedPerKey = `CASE WHEN ${st}.${nIn} > 0 THEN ${st}.${nIn} - coalesce(${exs}.${exn}, 0) ELSE ${st}.${nTotal} END`;
  }
  const refGathered = raiseOnDuplicates
    ? `CASE WHEN count(*) > 1${nullSafeRows ? '' : ` AND ${all(notNull(keyNames))}`} THEN ${dupError('reference', refPk!)} ELSE ${gathered} END`
    : gathered;
  joins.push(
    `LEFT JOIN (SELECT ${keyNames.join(', ')}, ${refGathered} AS ${arr} FROM (${refRows}) AS ${ctx.id('r')} GROUP BY ${keyNames.join(', ')}) AS ${alias} ` +
      `ON ${srcKeys.map((k, i) => keyMatch(k.sql, `${alias}.${keyNames[i]}`)).join(' AND ')}`,
  );
  if (raiseOnDuplicates) pairedPerKey = `CASE WHEN ${st}.${nTotal} > 0 THEN 1 ELSE 0 END`;
  let addsRows: AddedRows | undefined;
  if (checkMissing) {
    // DQX's FULL OUTER join: a reference row no source row takes becomes an output row with its key
    // (under the source key's name) and the pair it would have been compared with
    const r = ctx.id('mr');
    addsRows = {
      sql:
        `SELECT ${[...keyNames.map((k) => `${r}.${k} AS ${k}`), `${element} AS ${p}`].join(', ')} ` +
        `FROM (${refRows}) AS ${r} LEFT JOIN (${sourceStats}) AS ${st} ON ${keyNames.map((k, i) => keyMatch(`${r}.${k}`, `${st}.${sk[i]}`)).join(' AND ')}${pairedJoin} ` +
        `WHERE ${r}.${rn} > coalesce(${pairedPerKey}, 0)`,
      keys: pk!.map((c, i) => ({ column: inputColumnName(ctx, c), sql: keyNames[i]! })),
      columns: [{ name: p, sql: p }],
    };
  }
  const pairType = `struct<rn:int${valueFields.map((f) => `,${f.name}:${simpleString(f.type)}`).join('')}>`;
  for (const col of columns) if (col.type === '') col.type = pairType;

  const abs =
    args.abs_tolerance === undefined || args.abs_tolerance === null
      ? null
      : numberLiteral(args.abs_tolerance);
  const rel =
    args.rel_tolerance === undefined || args.rel_tolerance === null
      ? null
      : numberLiteral(args.rel_tolerance);
  const tolerant = (abs?.value ?? 0) > 0 || (rel?.value ?? 0) > 0;
  const absSql = abs?.sql ?? `CAST('0.0' AS DOUBLE)`;
  const relSql = rel?.sql ?? `CAST('0.0' AS DOUBLE)`;
  const extra = `(${p} IS NULL)`;
  const changes = compared.map((c, j) => {
    const a = src[j]!.sql;
    const b = field(d, p, `__dqx_v${j}`);
    let changed: string;
    if (tolerant && isNumeric(c.type)) {
      const diff = `abs(${a} - ${b})`;
      const within = `(${diff} <= ${absSql} OR ${diff} <= ${relSql} * greatest(abs(${a}), abs(${b})))`;
      changed = nullSafeValues
        ? `NOT ((${a} IS NULL AND ${b} IS NULL) OR (NOT (${a} IS NULL OR ${b} IS NULL) AND ${within}))`
        : `NOT ((${a} IS NULL OR ${b} IS NULL) OR ${within})`;
    } else {
      changed = nullSafeValues ? `NOT ${nullSafeEq(d, a, b)}` : `(${a} <> ${b})`;
    }
    return {
      name: c.name,
      changed: `(${changed})`,
      df: ctx.str({ sql: a, type: c.type }),
      ref: ctx.str({ sql: b, type: refs[j]!.type }),
    };
  });
  const differs = `(${[extra, ...changes.map((c) => `coalesce(${c.changed}, FALSE)`)].join(' OR ')})`;
  const verdict = `(${all([...(ctx.rowFilter ? [ctx.rowFilter] : []), ...(gate ? [gate] : []), differs])})`;
  // an added row always fails: DQX reports missing rows whatever the row_filter says
  const added = addsRows ? ctx.addedRow! : null;
  const condition = added ? `(CASE WHEN ${added} THEN TRUE ELSE ${verdict} END)` : verdict;
  const missing = added ? `coalesce(${added}, FALSE)` : 'FALSE';
  let message: string;
  if (d === 'databricks') {
    const map = changes.length
      ? `map_from_entries(array_compact(array(${changes
          .map(
            (c) =>
              `CASE WHEN ${c.changed} THEN named_struct('key', ${ctx.lit(c.name)}, 'value', named_struct('df', ${c.df}, 'ref', ${c.ref})) END`,
          )
          .join(', ')})))`
      : 'map()';
    message = `to_json(named_struct('row_missing', ${missing}, 'row_extra', ${extra}, 'changed', ${map}))`;
  } else {
    const json = (s: string) => `CAST(to_json(${s}) AS VARCHAR)`;
    const entries = changes.map(
      (c) =>
        `CASE WHEN ${c.changed} THEN ${ctx.lit(JSON.stringify(c.name) + ':{')} || concat_ws(',', CASE WHEN ${c.df} IS NOT NULL THEN '"df":' || ${json(c.df)} END, CASE WHEN ${c.ref} IS NOT NULL THEN '"ref":' || ${json(c.ref)} END) || '}' END`,
    );
    const changed = entries.length ? `concat_ws(',', ${entries.join(', ')})` : `''`;
    message = `('{"row_missing":' || CASE WHEN ${missing} THEN 'true' ELSE 'false' END || ',"row_extra":' || CASE WHEN ${extra} THEN 'true' ELSE 'false' END || ',"changed":{' || ${changed} || '}}')`;
  }
  return {
    columns,
    joins,
    condition,
    message,
    ...(addsRows ? { addsRows } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// sql_query

function sqlQuery(ctx: DatasetSqlContext, args: Record<string, unknown>) {
  const d = ctx.dialect;
  const query = typeof args.query === 'string' ? args.query : '';
  const placeholder = typeof args.input_placeholder === 'string' ? args.input_placeholder : 'input_view';
  const conditionColumn = typeof args.condition_column === 'string' ? args.condition_column : 'condition';
  const merge = strings(args.merge_columns);
  const mergeColumns = merge && merge.length ? merge : null;
  const negate = truthy(args.negate);
  const name = typeof args.name === 'string' && args.name ? args.name : null;
  const aliasName =
    name ??
    (mergeColumns
      ? `${mergeColumns.join('_')}_query_${conditionColumn}_violation`
      : `query_${conditionColumn}_violation`);
  // DQX checks the query again once the placeholder names its temporary view (a random suffix)
  const resolved = replaceTemplate(query, { [placeholder]: `${aliasName}_${placeholder}_${'0'.repeat(32)}` });
  if (!isSqlQuerySafe(resolved))
    ctx.unsupported(
      'DQX refuses this query when it applies the checks: once {{ ' +
        placeholder +
        " }} is replaced by the view name (built from the rule name), the query contains a destructive SQL keyword ('Resolved SQL query is not safe for execution').",
    );
  const inputAlias = ctx.id('in');
  const input = `(SELECT * FROM ${ctx.source} AS ${inputAlias}${ctx.rowFilter ? ` WHERE ${ctx.rowFilter}` : ''})`;
  const rewritten = rewriteQuery(
    query,
    placeholder,
    d,
    input,
    (table) => {
      const ref = ctx.refTable(table);
      if (d === 'duckdb' && !ref.schema)
        ctx.unsupported(
          `The query reads ${table}; on the local DuckDB fast path a query may read only its input and the reference tables the caller described.`,
        );
      return ref.sql;
    },
    ctx.sqlQuery,
  );
  if ('problem' in rewritten) ctx.unsupported(rewritten.problem);
  const { sql } = rewritten as { sql: string };
  const quote = (n: string) => (d === 'duckdb' ? quoteDuckField(n) : `\`${n.replaceAll('`', '``')}\``);
  const alias = ctx.id('sq');
  const qa = ctx.id('q');
  const c = ctx.id('c');
  const cond = `${qa}.${quote(conditionColumn)}`;
  let join: string;
  let value: string;
  if (mergeColumns) {
    const keys = mergeColumns.map((_, i) => ctx.id(`k${i}`));
    const srcKeys = mergeColumns.map((m) => ctx.column(m));
    join =
      `LEFT JOIN (SELECT ${mergeColumns.map((m, i) => `${qa}.${quote(m)} AS ${keys[i]}`).join(', ')}, max(${cond}) AS ${c} ` +
      `FROM (${sql}) AS ${qa} GROUP BY ${mergeColumns.map((m) => `${qa}.${quote(m)}`).join(', ')}) AS ${alias} ` +
      `ON ${srcKeys.map((k, i) => nullSafeEq(d, k.sql, `${alias}.${keys[i]}`)).join(' AND ')}`;
    value = `${alias}.${c}`;
  } else {
    const error = ctx.lit(
      'Dataset-level sql_query without merge_columns must return exactly one row. Provide merge_columns for row-level checks or aggregate the query to a single row.',
    );
    const reduced =
      `CASE WHEN count(1) = 0 THEN FALSE WHEN count(1) = 1 THEN first(${cond}) ` +
      `ELSE ${d === 'duckdb' ? 'error' : 'raise_error'}(${error}) END`;
    join = `LEFT JOIN (SELECT ${reduced} AS ${c} FROM (${sql}) AS ${qa}) AS ${alias} ON TRUE`;
    value = `${alias}.${c}`;
  }
  const col = ctx.id('cond');
  const failing = negate ? `NOT ${col}` : col;
  const condition = !mergeColumns && ctx.rowFilter ? `(${ctx.rowFilter} AND ${failing})` : `(${failing})`;
  const message = ctx.lit(
    typeof args.msg === 'string' && args.msg
      ? args.msg
      : `Value is ${negate ? '' : 'not '}matching query: '${query}'`,
  );
  return {
    columns: [{ name: col, sql: value, type: 'boolean' }],
    joins: [join],
    condition,
    message,
  };
}

// ---------------------------------------------------------------------------------------------
// has_valid_schema

/** PySpark's `DataType.typeName()`. */
function typeName(t: SparkType): string | null {
  switch (t.kind) {
    case 'tinyint':
      return 'byte';
    case 'smallint':
      return 'short';
    case 'int':
      return 'integer';
    case 'bigint':
      return 'long';
    case 'interval':
      return /year|month/i.test(t.text) ? 'yearmonthinterval' : 'daytimeinterval';
    case 'unknown':
      return null;
    default:
      return t.kind;
  }
}

/** PySpark DataType equality (nested nullability included). */
function sameType(a: SparkType, b: SparkType): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'decimal':
      return b.kind === 'decimal' && a.precision === b.precision && a.scale === b.scale;
    case 'varchar':
    case 'char':
      return (b as { length: number }).length === a.length;
    case 'interval':
      return (
        (b as { text: string }).text.toLowerCase().replace(/\s+/g, ' ') ===
        a.text.toLowerCase().replace(/\s+/g, ' ')
      );
    case 'array':
      return b.kind === 'array' && a.containsNull === b.containsNull && sameType(a.element, b.element);
    case 'map':
      return b.kind === 'map' && sameType(a.key, b.key) && sameType(a.value, b.value);
    case 'struct':
      return (
        b.kind === 'struct' &&
        a.fields.length === b.fields.length &&
        a.fields.every(
          (f, i) =>
            f.name === b.fields[i]!.name &&
            f.nullable === b.fields[i]!.nullable &&
            sameType(f.type, b.fields[i]!.type),
        )
      );
    default:
      return true;
  }
}

const ATOMIC = new Set([
  'string',
  'varchar',
  'char',
  'tinyint',
  'smallint',
  'int',
  'bigint',
  'float',
  'double',
  'decimal',
  'boolean',
  'date',
  'timestamp',
  'timestamp_ntz',
  'binary',
  'variant',
  'interval',
]);
const NUMERIC_FAMILY = new Set(['tinyint', 'smallint', 'int', 'bigint', 'decimal', 'float', 'double']);
const STRING_FAMILY = new Set(['char', 'varchar', 'string']);
const DATETIME_FAMILY = new Set(['date', 'timestamp_ntz', 'timestamp']);

/** DQX `_is_compatible_type` (permissive: type widening within a family). */
function compatible(actual: SparkType, expected: SparkType): boolean {
  if (sameType(actual, expected)) return true;
  if (ATOMIC.has(actual.kind) && ATOMIC.has(expected.kind)) {
    for (const family of [NUMERIC_FAMILY, STRING_FAMILY, DATETIME_FAMILY])
      if (family.has(actual.kind) && family.has(expected.kind)) return true;
    return false;
  }
  if (actual.kind === 'array' && expected.kind === 'array')
    return compatible(actual.element, expected.element);
  if (actual.kind === 'map' && expected.kind === 'map')
    return compatible(actual.key, expected.key) && compatible(actual.value, expected.value);
  if (actual.kind === 'struct' && expected.kind === 'struct')
    return (
      actual.fields.length === expected.fields.length &&
      actual.fields.every(
        (f, i) => f.name === expected.fields[i]!.name && compatible(f.type, expected.fields[i]!.type),
      )
    );
  return actual.kind === 'variant';
}

const hasUnknown = (t: SparkType): boolean =>
  t.kind === 'unknown' ||
  (t.kind === 'array' && hasUnknown(t.element)) ||
  (t.kind === 'map' && (hasUnknown(t.key) || hasUnknown(t.value))) ||
  (t.kind === 'struct' && t.fields.some((f) => hasUnknown(f.type)));

interface SchemaField {
  name: string;
  type: SparkType;
  nullable: boolean | undefined;
}

function schemaErrors(
  actual: SchemaField[],
  expected: SchemaField[],
  strict: boolean,
  fail: (r: string) => never,
) {
  const errors: string[] = [];
  const tn = (t: SparkType) =>
    typeName(t) ?? fail(`The type ${simpleString(t)} is not known to the fast path.`);
  if (strict) {
    const n = Math.max(actual.length, expected.length);
    for (let i = 0; i < n; i++) {
      const a = actual[i];
      const e = expected[i];
      if (!a) {
        errors.push(`Column '${e!.name}' in expected schema not present in checked data`);
        continue;
      }
      if (!e) {
        errors.push(`Column '${a.name}' in checked data not present in expected schema`);
        continue;
      }
      if (a.name !== e.name)
        errors.push(`Column with index ${i} has incorrect name, expected '${e.name}', got '${a.name}'`);
      if (!sameType(a.type, e.type))
        errors.push(`Column '${a.name}' has incorrect type, expected '${tn(e.type)}', got '${tn(a.type)}'`);
      if (a.nullable === undefined || e.nullable === undefined)
        fail(
          'A strict schema comparison includes nullability, which is not known for these columns; the rule runs in a DQX job.',
        );
      if (a.nullable !== e.nullable)
        errors.push(
          `Column '${a.name}' has incorrect nullability, expected '${e.nullable ? 'True' : 'False'}', got '${a.nullable ? 'True' : 'False'}'`,
        );
    }
    return errors;
  }
  const byName = new Map<string, SchemaField>();
  for (const a of actual) byName.set(a.name, a);
  for (const e of expected) {
    const a = byName.get(e.name);
    if (!a) {
      errors.push(`Column '${e.name}' in expected schema not present in checked data`);
      continue;
    }
    if (!compatible(a.type, e.type))
      errors.push(`Column '${e.name}' has incompatible type, expected '${tn(e.type)}', got '${tn(a.type)}'`);
  }
  return errors;
}

function hasValidSchema(ctx: DatasetSqlContext, args: Record<string, unknown>) {
  const fail = (reason: string): never => ctx.unsupported(reason);
  if (truthy(args.ref_df_name))
    fail(
      "has_valid_schema with 'ref_df_name' reads the schema of a DataFrame handed to DQX in code; the SQL fast path reads tables only ('ref_table'), so the rule runs in a DQX job.",
    );
  let expected: SchemaField[];
  if (typeof args.ref_table === 'string' && args.ref_table) {
    const ref = ctx.refTable(args.ref_table);
    if (!ref.schema)
      fail(
        `has_valid_schema needs the columns of ${ref.name}, which were not provided; the rule runs in a DQX job.`,
      );
    expected = ref.schema!.columns.map((c) => ({
      name: c.name,
      type: parseSparkType(c.type),
      nullable: c.nullable,
    }));
  } else {
    let parsed: SparkType;
    try {
      parsed = parseSchemaDdl(String(args.expected_schema ?? ''));
    } catch (error) {
      return fail(`The expected schema cannot be parsed: ${(error as Error).message}`);
    }
    if (parsed.kind !== 'struct') return fail('The expected schema is not a list of columns.');
    expected = parsed.fields.map((f: SparkField) => ({ name: f.name, type: f.type, nullable: f.nullable }));
  }
  const given = strings(args.columns);
  if (!given) fail("has_valid_schema reads 'columns' as column names.");
  const selected = given!.length ? [...given!] : ctx.table.columns.map((c) => c.name);
  const exclude = args.exclude_columns ? strings(args.exclude_columns) : [];
  if (!exclude) fail("has_valid_schema reads 'exclude_columns' as column names.");
  const kept = selected.filter((c) => !exclude!.includes(c));
  const actual: SchemaField[] = kept.map((name) => {
    if (name.includes('.') || name.includes('`'))
      fail(
        `The column '${name}' is a path or a quoted name; DQX selects it as an expression, which the fast path does not reproduce.`,
      );
    const col =
      ctx.table.columns.find((c) => c.name === name) ??
      ctx.table.columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
    if (!col) return fail(`The column '${name}' is not a column of the table.`);
    return { name, type: parseSparkType(col.type), nullable: col.nullable };
  });
  if ([...actual, ...expected].some((f) => hasUnknown(f.type)))
    fail('A column type is not known to the fast path; the rule runs in a DQX job.');
  const errors = schemaErrors(actual, expected, truthy(args.strict), fail);
  return {
    condition: errors.length ? 'TRUE' : 'FALSE',
    message: errors.length
      ? ctx.lit(`Schema validation failed: ${errors.join('; ')}`)
      : ctx.lit('Schema validation failed: '),
    columnsOverride: selected,
  };
}

export const REFERENCE_SQL: Record<string, DatasetBuilder> = {
  foreign_key: foreignKey,
  compare_datasets: compareDatasets,
  sql_query: sqlQuery,
  has_valid_schema: hasValidSchema,
};
