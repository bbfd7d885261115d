/**
 * Every failing row of a validation run, read from the table when asked (never stored): of one
 * rule (by name, index or DQX fingerprint) or of every rule of the run, optionally only the rows
 * whose failing column holds a value. The run's rules (its version, or the draft it kept) are
 * applied again to the table (or the run's sample, for a dry run); access is checked again.
 *
 * Pages are keyset pages: ordered by the key columns (then every other orderable column), a page
 * continues from the key of the previous page's last row (`next_cursor`), so page 19,000 costs
 * what page 1 costs. A page number or a key is turned into such a position first (the key of the
 * row at that offset, read over the key columns alone). Rows come with the failing column(s) right
 * after the key, and every DQX result field of their `_errors` / `_warnings` entries.
 *
 * The export streams every failing row as CSV or Parquet from the warehouse a chunk at a time; it
 * is never held whole (Parquet goes through a temporary file, deleted once sent).
 */
import 'server-only';

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { fileWriter, ParquetWriter } from 'hyparquet-writer';

import type { Caller } from '@/lib/auth/caller';
import { compileApplyChecks, expandChecks, type DqxCheck, type ExpandedRule } from '@/lib/dqx';
import { badRequest, conflict, notFound } from '@/lib/errors';
import { quoteIdent, quoteString, type Dialect } from '@/lib/sql/quote';
import type { Cell, ColumnInfo, Warehouse } from '@/lib/warehouse/port';

import { cursorBinding, decodeCursor, encodeCursor, type FailingRowsPosition } from './failing-rows-cursor';
import { resolveRunDeps, type RunDeps } from './run-deps';
import { getRun, type RunDetail } from './runs';
import { schemaOf } from './table-schema';
import {
  displayColumns,
  keyColumns,
  orderable,
  referenceSchemas,
  rulesOfRun,
  sourceSql,
  validationRunOrRefuse,
  csvCell,
  type ValidationRuleOut,
} from './validation';
import {
  FAILING_ROWS_PAGE_MAX,
  type FailingRowsExportFormat,
  type FailingRowsInput,
  type FailingRowsSelector,
} from './validation-schemas';

export type { FailingRowsInput, FailingRowsSelector } from './validation-schemas';

/** One `_errors` / `_warnings` entry, every field DQX 0.17 writes, in DQX's field order. */
export interface DqxResultEntry {
  name: string;
  message: string | null;
  columns: string[] | null;
  filter: string | null;
  function: string;
  run_time: string | null;
  run_id: string | null;
  user_metadata: Record<string, string | null>;
  rule_fingerprint: string | null;
  rule_set_fingerprint: string | null;
  /** true for a check DQX skipped (it then fails every row); null otherwise. */
  skipped: boolean | null;
}

export interface FailingRow {
  /** The row's values, aligned with `columns`. */
  values: Cell[];
  /** The messages of the selected rule(s) for the row. */
  messages: string[];
  /** The row's DQX result entries of the selected rule(s): `_errors` and `_warnings` (null when none). */
  errors: DqxResultEntry[] | null;
  warnings: DqxResultEntry[] | null;
}

/** A rule whose failing rows are read, as the run's per-rule results name it. */
export type FailingRowsRule = Pick<ValidationRuleOut, 'index' | 'name' | 'function' | 'criticality' | 'columns' | 'filter' | 'fingerprint'>;

export interface FailingRowsPage {
  run_id: string;
  table_name: string;
  /** The selected rule (the first, when several share the name); null: every rule of the run. */
  rule: FailingRowsRule | null;
  /** Every selected rule. */
  rules: FailingRowsRule[];
  /** The columns that identify a row (the order of the rows); they come first in `columns`. */
  key_columns: string[];
  /** Table columns the selected rules check; they follow the key columns in `columns`. */
  failing_columns: string[];
  columns: { name: string; type: string }[];
  rows: FailingRow[];
  page: number;
  page_size: number;
  /** 1-based position of the page's first row among all `total` rows. */
  first_row: number;
  /** Every failing row (that matches `value`), over the run's sample for a dry run. */
  total: number;
  pages: number;
  /** Opaque: pass it as `cursor` for the next page; null on the last page. */
  next_cursor: string | null;
  value_filter: { value: string; match: 'contains' | 'equals' } | null;
  dry_run: boolean;
}

const ENTRY_FIELDS = [
  'name',
  'message',
  'columns',
  'filter',
  'function',
  'run_time',
  'run_id',
  'user_metadata',
  'rule_fingerprint',
  'rule_set_fingerprint',
  'skipped',
] as const;

/** An entry as the warehouse's JSON gives it, in DQX's field order whatever order it came in. */
function entryOf(raw: Record<string, unknown>): DqxResultEntry {
  const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
  const meta: Record<string, string | null> = {};
  if (raw.user_metadata && typeof raw.user_metadata === 'object') {
    for (const [k, v] of Object.entries(raw.user_metadata as Record<string, unknown>)) meta[k] = text(v);
  }
  const entry = {
    name: String(raw.name ?? ''),
    message: text(raw.message),
    columns: Array.isArray(raw.columns) ? raw.columns.map((c) => String(c)) : null,
    filter: text(raw.filter),
    function: String(raw.function ?? ''),
    run_time: text(raw.run_time),
    run_id: text(raw.run_id),
    user_metadata: meta,
    rule_fingerprint: text(raw.rule_fingerprint),
    rule_set_fingerprint: text(raw.rule_set_fingerprint),
    skipped: raw.skipped === true ? true : null,
  };
  return Object.fromEntries(ENTRY_FIELDS.map((f) => [f, entry[f]])) as unknown as DqxResultEntry;
}

function entriesOf(text: Cell): DqxResultEntry[] | null {
  if (text === null) return null;
  try {
    const parsed: unknown = typeof text === 'string' ? JSON.parse(text) : text;
    if (!Array.isArray(parsed) || parsed.length === 0) return null;
    return parsed.filter((e): e is Record<string, unknown> => !!e && typeof e === 'object').map(entryOf);
  } catch {
    return null;
  }
}

/** The rules a selector names (all of them without one); 404 when it names none. */
function selectRules(expanded: ExpandedRule[], s: FailingRowsSelector, runId: string): { rule: ExpandedRule; index: number }[] {
  const all = expanded.map((rule, index) => ({ rule, index }));
  if (s.ruleIndex !== undefined) {
    const hit = all.filter((r) => r.index === s.ruleIndex);
    if (hit.length === 0) throw notFound(`Run ${runId} has no rule at index ${s.ruleIndex} (it has ${all.length}, from 0).`);
    return hit;
  }
  if (s.ruleFingerprint !== undefined) {
    const hit = all.filter((r) => r.rule.fingerprint === s.ruleFingerprint);
    if (hit.length === 0) throw notFound(`Run ${runId} has no rule with fingerprint ${s.ruleFingerprint}.`);
    return hit.slice(0, 1);
  }
  if (s.rule !== undefined) {
    const hit = all.filter((r) => r.rule.name === s.rule);
    if (hit.length === 0) throw notFound(`Run ${runId} has no rule named "${s.rule.slice(0, 200)}".`);
    return hit;
  }
  return all;
}

/** The SQL type a key value is cast back to: the engine's own type name locally, Spark's on Databricks. */
function castType(dialect: Dialect, column: ColumnInfo): string | null {
  const type = dialect === 'duckdb' ? column.native_type : column.type;
  return /^[A-Za-z][A-Za-z0-9_ ]*(\(\s*\d+(\s*,\s*\d+)?\s*\))?$/.test(type) ? type : null;
}

interface Prepared {
  run: RunDetail;
  wh: Warehouse;
  rules: FailingRowsRule[];
  keys: ColumnInfo[];
  failingColumns: string[];
  shown: { name: string; type: string }[];
  /** `FROM (...) WHERE <failing and matching value>`, over the rules' results (entries built). */
  from: string;
  /** The same rows, over flags only (no entries built): for counting and positions. */
  flaggedFrom: string;
  /**
   * The SELECT of the rows of `where` (extra conditions), `order` and `limit` with `select`: over
   * flags, the entries built only for the rows of the page when every rule is a row rule (a dataset
   * rule needs every row for its entries).
   */
  pageSql: (where: string, limit: string) => string;
  /** The selected columns, the key texts and the entries as JSON text. */
  select: string;
  /** The entries as JSON text, `__dqx_e` and `__dqx_w`. */
  entriesJson: string;
  /** ORDER BY keys (nulls last) then the other orderable columns. */
  order: string;
  keyOrder: string;
  q: (name: string) => string;
  lit: (column: ColumnInfo, value: string | null) => string;
  dryRun: boolean;
}

async function prepare(caller: Caller, runId: string, selector: FailingRowsSelector, deps: RunDeps | undefined): Promise<Prepared> {
  const d = await resolveRunDeps(deps);
  const run = await getRun(caller, runId, d);
  validationRunOrRefuse(run);
  const checks: DqxCheck[] = await rulesOfRun(d, run);
  const readable = await d.access.assertCanReadTable(caller, run.table_name);
  const wh = d.warehouseOf(caller);
  const dialect = wh.dialect;
  const info = readable.description.columns;
  const columns = info.map((c: ColumnInfo) => ({ name: c.name, type: c.type }));
  const schema = schemaOf(run.table_name, info);

  let expanded: ExpandedRule[];
  try {
    expanded = expandChecks(checks);
  } catch {
    throw conflict(`The rules of run ${run.id} are not valid DQX checks any more.`);
  }
  const selected = selectRules(expanded, selector, run.id);
  const rules = selected.map(({ rule, index }) => ({
    index,
    name: rule.name,
    function: rule.function,
    criticality: rule.criticality,
    columns: rule.columns,
    filter: rule.filter,
    fingerprint: rule.fingerprint,
  }));

  const byLower = new Map(info.map((c) => [c.name.toLowerCase(), c]));
  const failingColumns = [
    ...new Set(selected.flatMap(({ rule }) => (rule.columns ?? []).map((c) => byLower.get(c.toLowerCase())?.name).filter((c): c is string => !!c))),
  ];
  const keyNames = keyColumns(checks, columns);
  const keys = keyNames.map((k) => info.find((c) => c.name === k)!).filter((c) => c && orderable(c.type) && castType(dialect, c) !== null);
  const keyed = displayColumns(columns, keyNames);
  const shown = [
    ...keyed.filter((c) => keyNames.includes(c.name)),
    ...keyed.filter((c) => !keyNames.includes(c.name) && failingColumns.includes(c.name)),
    ...keyed.filter((c) => !keyNames.includes(c.name) && !failingColumns.includes(c.name)),
  ];

  const params = run.parameters as { sample_rows?: number | null };
  const sampleRows = typeof params.sample_rows === 'number' && Number.isInteger(params.sample_rows) && params.sample_rows > 0 ? params.sample_rows : null;
  const source = sourceSql(dialect, readable.description, sampleRows === null ? null : { rows: sampleRows, columns, keys: keyNames });
  const options = {
    dialect,
    table: schema,
    referenceTables: await referenceSchemas(wh, checks),
    sourceIsSample: sampleRows !== null,
    runId: run.id,
    ...(run.started_at ? { runTime: run.started_at.replace(/(Z|[+-]\d\d:\d\d)$/, '') } : {}),
    ...(run.rule_set_fingerprint ? { ruleSetFingerprint: run.rule_set_fingerprint } : {}),
  };
  const selectedChecks = selected.map(({ rule }) => rule.check);
  // a rule that adds rows (compare_datasets with check_missing_records) changes the rows every
  // rule sees: the whole set is applied, with entries of the selected rules only
  const indexes = new Set(selected.map(({ index }) => index));
  const whole = compileApplyChecks(checks, source, { ...options, entriesOf: [...indexes] });
  const applied = whole.addsRows ? whole : compileApplyChecks(selectedChecks, source, options);
  const mine = <T extends { index: number }>(list: T[]) => (whole.addsRows ? list.filter((r) => indexes.has(r.index)) : list);
  if (mine(applied.rules).length === 0) {
    const reason = mine(applied.jobOnly)[0]?.reason ?? 'it runs only in a DQX job';
    throw conflict(`The failing rows of ${rules.length === 1 ? rules[0]!.name : 'this run'} cannot be listed here: ${reason}`);
  }

  const q = (name: string) => quoteIdent(dialect, name);
  const textType = dialect === 'duckdb' ? 'VARCHAR' : 'STRING';
  const asText = (expr: string) => `CAST(${expr} AS ${textType})`;
  const json = (expr: string) => (dialect === 'duckdb' ? `CAST(to_json(${expr}) AS VARCHAR)` : `to_json(${expr})`);
  const errorsCol = q(applied.resultColumns.errors);
  const warningsCol = q(applied.resultColumns.warnings);

  let valueSql = '';
  if (selector.value) {
    if (failingColumns.length === 0) {
      throw badRequest('value: the selected rule names no column of the table to filter on; choose a rule that checks a column.', { field: 'value' });
    }
    const needle = quoteString(dialect, selector.value.text);
    const test = (c: string) =>
      selector.value!.match === 'equals'
        ? `${asText(q(c))} = ${needle}`
        : `instr(lower(${asText(q(c))}), lower(${needle})) > 0`;
    valueSql = ` AND (${failingColumns.map(test).join(' OR ')})`;
  }
  const lit = (column: ColumnInfo, value: string | null) =>
    value === null ? 'NULL' : `CAST(${quoteString(dialect, value)} AS ${castType(dialect, column)!})`;
  const keyOrder = keys.map((k) => `${q(k.name)} ASC NULLS LAST`).join(', ');
  const rest = shown.filter((c) => orderable(c.type) && !keys.some((k) => k.name === c.name)).map((c) => `${q(c.name)} ASC NULLS LAST`);
  const order = [keyOrder, ...rest].filter(Boolean).join(', ');
  const orderSql = order ? `ORDER BY ${order}` : '';
  const select = [
    ...shown.map((c) => q(c.name)),
    ...keys.map((k, i) => `${asText(q(k.name))} AS __dqx_k${i}`),
    `${json(errorsCol)} AS __dqx_e`,
    `${json(warningsCol)} AS __dqx_w`,
  ].join(', ');
  const from = `FROM (${applied.sql}) AS __dqx_applied WHERE (${errorsCol} IS NOT NULL OR ${warningsCol} IS NOT NULL)${valueSql}`;
  const flaggedFrom = `FROM (${applied.flaggedSql}) AS __dqx_flagged WHERE __dqx_failed${valueSql}`;
  const rowRulesOnly = !applied.addsRows && applied.rules.every((r) => r.level === 'row');
  const pageSql = (where: string, limit: string) => {
    if (!rowRulesOnly) return `SELECT ${select} ${from}${where} ${orderSql} ${limit}`;
    const page = `(SELECT ${info.map((c) => q(c.name)).join(', ')} ${flaggedFrom}${where} ${orderSql} ${limit})`;
    return `SELECT ${select} FROM (${compileApplyChecks(selectedChecks, page, options).sql}) AS __dqx_applied ${orderSql}`;
  };
  return {
    run,
    wh,
    rules,
    keys,
    failingColumns,
    shown,
    from,
    flaggedFrom,
    pageSql,
    select,
    entriesJson: `${json(errorsCol)} AS __dqx_e, ${json(warningsCol)} AS __dqx_w`,
    order: orderSql,
    keyOrder: keyOrder ? `ORDER BY ${keyOrder}` : '',
    q,
    lit,
    dryRun: sampleRows !== null,
  };
}

/**
 * `(keys) >= (values)` (or `<` when `before`) in the order ORDER BY uses, NULLs last, written out
 * column by column so both dialects read it and a leading key column can use the table's ordering.
 * Fewer values than key columns compare a prefix of the key.
 */
function keyCompare(p: Prepared, values: (string | null)[], before: boolean): string {
  const alts: string[] = [];
  const eqs: string[] = [];
  p.keys.slice(0, values.length).forEach((k, i) => {
    const c = p.q(k.name);
    const v = values[i] ?? null;
    const beyond = before ? (v === null ? `${c} IS NOT NULL` : `${c} < ${p.lit(k, v)}`) : v === null ? 'FALSE' : `(${c} > ${p.lit(k, v)} OR ${c} IS NULL)`;
    alts.push([...eqs, beyond].join(' AND '));
    eqs.push(v === null ? `${c} IS NULL` : `${c} = ${p.lit(k, v)}`);
  });
  if (!before) alts.push(eqs.join(' AND '));
  return `(${alts.map((a) => `(${a})`).join(' OR ')})`;
}

const TEXT_KEY_TYPES = /^(string|varchar|char)/i;

/** A key value a user typed, checked against the column's type (400 naming `key` otherwise). */
function checkedKey(p: Prepared, key: (string | null)[]): (string | null)[] {
  if (p.keys.length === 0) throw badRequest('key: the rows of this table have no key columns to jump to.', { field: 'key' });
  if (key.length > p.keys.length) {
    throw badRequest(`key must hold at most ${p.keys.length} value(s), for ${p.keys.map((k) => k.name).join(', ')} in that order.`, { field: 'key' });
  }
  return key.map((v, i) => {
    const column = p.keys[i]!;
    if (v === null || TEXT_KEY_TYPES.test(column.type)) return v;
    const t = column.type.toLowerCase();
    const ok = /^(tinyint|smallint|int|bigint)/.test(t)
      ? /^-?\d{1,20}$/.test(v)
      : /^(decimal|double|float)/.test(t)
        ? /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(v)
        : t === 'date'
          ? /^\d{4}-\d{2}-\d{2}$/.test(v)
          : t.startsWith('timestamp')
            ? /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?$/.test(v)
            : t === 'boolean'
              ? /^(true|false)$/i.test(v)
              : true;
    if (!ok) throw badRequest(`key: "${v.slice(0, 100)}" is not a value of ${column.name} (${column.type}).`, { field: 'key' });
    return t.startsWith('timestamp') ? v.replace('T', ' ') : v;
  });
}

/** One page of failing rows; see the module comment. */
export async function getFailingRows(
  caller: Caller,
  runId: string,
  input: FailingRowsInput,
  deps?: RunDeps,
): Promise<FailingRowsPage> {
  const size = input.pageSize;
  if (!(Number.isInteger(size) && size >= 1 && size <= FAILING_ROWS_PAGE_MAX)) {
    throw badRequest(`page_size must be a whole number from 1 to ${FAILING_ROWS_PAGE_MAX}.`, { field: 'page_size' });
  }
  if (input.page !== undefined && !(Number.isInteger(input.page) && input.page >= 1)) {
    throw badRequest('page must be a whole number from 1.', { field: 'page' });
  }
  const p = await prepare(caller, runId, input, deps);
  const { wh } = p;
  const binding = cursorBinding([
    p.run.id,
    input.rule ?? null,
    input.ruleIndex ?? null,
    input.ruleFingerprint ?? null,
    input.value ?? null,
    size,
    p.keys.map((k) => k.name),
  ]);
  const count = async (extra = '') => Number((await wh.query(`SELECT count(*) AS n ${p.flaggedFrom}${extra}`)).rows[0]?.[0] ?? 0);

  // Where the page starts: a position (key + rows of that key to pass over, or an offset).
  let position: FailingRowsPosition;
  if (input.cursor !== undefined) {
    position = decodeCursor(input.cursor, binding, p.keys.length);
  } else if (input.key !== undefined) {
    const key = checkedKey(p, input.key);
    const [total, before] = await Promise.all([count(), count(` AND ${keyCompare(p, key, true)}`)]);
    position = { key, skip: 0, page: Math.floor(before / size) + 1, firstRow: before + 1, total };
  } else {
    const page = input.page ?? 1;
    const offset = (page - 1) * size;
    if (offset === 0 || p.keys.length === 0) {
      position = { key: null, skip: offset, page, firstRow: offset + 1, total: await count() };
    } else {
      // The first key column of the page's first row, read over that column alone (a narrow
      // sort), then how many rows with that value come before it: the page starts there.
      const first = p.keys[0]!;
      const [total, boundary] = await Promise.all([
        count(),
        wh.query(
          `SELECT CAST(${p.q(first.name)} AS ${wh.dialect === 'duckdb' ? 'VARCHAR' : 'STRING'}) AS __dqx_k0 ${p.flaggedFrom} ORDER BY ${p.q(first.name)} ASC NULLS LAST LIMIT 1 OFFSET ${offset}`,
          { maxRows: 1 },
        ),
      ]);
      const row = boundary.rows[0];
      if (!row) {
        position = { key: null, skip: offset, page, firstRow: offset + 1, total };
      } else {
        const key = row.map((v) => (v === null ? null : String(v)));
        const before = await count(` AND ${keyCompare(p, key, true)}`);
        position = { key, skip: offset - before, page, firstRow: offset + 1, total };
      }
    }
  }

  // The rows of the key already read are passed over by the warehouse (OFFSET), never sent here.
  const keyed = position.key !== null && p.keys.length > 0;
  const sql = p.pageSql(keyed ? ` AND ${keyCompare(p, position.key!, false)}` : '', `LIMIT ${size} OFFSET ${position.skip}`);
  const fetched = (await wh.query(sql, { maxRows: size })).rows;
  const n = p.shown.length;
  const nk = p.keys.length;
  const rows = fetched.map((row) => {
    const errors = entriesOf(row[n + nk] ?? null);
    const warnings = entriesOf(row[n + nk + 1] ?? null);
    return {
      values: row.slice(0, n),
      messages: [...(errors ?? []), ...(warnings ?? [])].map((e) => e.message ?? ''),
      errors,
      warnings,
    };
  });

  let next: FailingRowsPosition | null = null;
  const lastRow = fetched.at(-1);
  if (fetched.length === size && position.firstRow - 1 + size < position.total && lastRow) {
    const following = { page: position.page + 1, firstRow: position.firstRow + size, total: position.total };
    if (p.keys.length === 0) {
      next = { key: null, skip: position.skip + size, ...following };
    } else {
      const keyOf = (r: Cell[]) => r.slice(n, n + nk).map((v) => (v === null ? null : String(v)));
      const last = keyOf(lastRow);
      const same = (r: Cell[]) => JSON.stringify(keyOf(r)) === JSON.stringify(last);
      let trailing = 0;
      for (let i = fetched.length - 1; i >= 0 && same(fetched[i]!); i--) trailing++;
      // A whole page of one key: rows of it may come before the page too; count what precedes it.
      const skip = trailing < fetched.length ? trailing : position.firstRow - 1 + size - (await count(` AND ${keyCompare(p, last, true)}`));
      next = { key: last, skip, ...following };
    }
  }

  return {
    run_id: p.run.id,
    table_name: p.run.table_name,
    rule: hasRule(input) ? (p.rules[0] ?? null) : null,
    rules: p.rules,
    key_columns: p.keys.map((k) => k.name),
    failing_columns: p.failingColumns,
    columns: p.shown,
    rows,
    page: position.page,
    page_size: size,
    first_row: position.firstRow,
    total: position.total,
    pages: Math.max(1, Math.ceil(position.total / size)),
    next_cursor: next ? encodeCursor(binding, next) : null,
    value_filter: input.value ? { value: input.value.text, match: input.value.match } : null,
    dry_run: p.dryRun,
  };
}

const hasRule = (s: FailingRowsSelector) => s.rule !== undefined || s.ruleIndex !== undefined || s.ruleFingerprint !== undefined;

// ---- Export ----

export interface FailingRowsExport {
  filename: string;
  contentType: string;
  body: ReadableStream<Uint8Array>;
}

const cellText = (v: Cell): string | number | null =>
  v === null ? null : typeof v === 'number' || typeof v === 'string' ? v : typeof v === 'boolean' ? String(v) : JSON.stringify(v);

/** A byte stream that reads `source` only as fast as the receiver takes it, and stops it on cancel. */
function pullStream(source: AsyncIterator<Uint8Array>, done?: () => void): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await source.next();
        if (next.done) {
          controller.close();
          done?.();
        } else controller.enqueue(next.value);
      } catch (error) {
        done?.();
        controller.error(error);
      }
    },
    async cancel() {
      await source.return?.();
      done?.();
    },
  });
}

type ParquetColumnType = 'BOOLEAN' | 'INT32' | 'INT64' | 'DOUBLE' | 'STRING';

function parquetType(sparkType: string): ParquetColumnType {
  const t = sparkType.toLowerCase();
  if (t === 'boolean') return 'BOOLEAN';
  if (t === 'tinyint' || t === 'smallint' || t === 'int') return 'INT32';
  if (t === 'bigint') return 'INT64';
  if (t === 'double' || t === 'float') return 'DOUBLE';
  return 'STRING';
}

function parquetValue(type: ParquetColumnType, v: Cell): unknown {
  if (v === null) return null;
  switch (type) {
    case 'BOOLEAN':
      return v === true || v === 'true';
    case 'INT32':
    case 'DOUBLE':
      return Number(v);
    case 'INT64':
      return BigInt(String(v));
    default:
      return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
  }
}

const PARQUET_ROW_GROUP = 50_000;

/**
 * Every failing row of a rule (or of the run) as a CSV or Parquet download, in table order: the
 * columns in the page's order, then `_errors` and `_warnings` (the DQX entries, as JSON). Read from
 * the warehouse a chunk at a time; never held whole.
 */
export async function exportFailingRows(
  caller: Caller,
  runId: string,
  selector: FailingRowsSelector,
  format: FailingRowsExportFormat,
  deps?: RunDeps,
): Promise<FailingRowsExport> {
  const p = await prepare(caller, runId, selector, deps);
  const { wh } = p;
  const n = p.shown.length;
  const nk = p.keys.length;
  // Values go out as text (what CSV is), except the numbers and booleans Parquet types; the
  // warehouse renders them, far faster than converting each value here. In table order, not
  // sorted: sorting every failing row would hold them all in the warehouse's memory.
  const textType = wh.dialect === 'duckdb' ? 'VARCHAR' : 'STRING';
  const json = (expr: string) => (wh.dialect === 'duckdb' ? `CAST(to_json(${expr}) AS VARCHAR)` : `to_json(${expr})`);
  const exported = (c: { name: string; type: string }) => {
    const kind = parquetType(c.type);
    if (kind !== 'STRING' && kind !== 'INT64') return p.q(c.name);
    return /^(array|struct|map)</i.test(c.type) ? `${json(p.q(c.name))} AS ${p.q(c.name)}` : `CAST(${p.q(c.name)} AS ${textType}) AS ${p.q(c.name)}`;
  };
  const sql = `SELECT ${[...p.shown.map(exported), ...p.keys.map((_, i) => `NULL AS __dqx_k${i}`), '__dqx_e', '__dqx_w'].join(', ')} FROM (SELECT *, ${p.entriesJson} ${p.from}) AS __dqx_rows`;
  const part = hasRule(selector) && p.rules[0] ? `_${p.rules[0].name}` : '';
  const base = `dqx_failing_rows_${p.run.table_name}${part}_${p.run.id.slice(0, 8)}`.replace(/[^a-z0-9_-]+/gi, '_').slice(0, 180);
  const header = [...p.shown.map((c) => c.name), '_errors', '_warnings'];
  const rowOf = (row: Cell[]) => [...row.slice(0, n), row[n + nk] ?? null, row[n + nk + 1] ?? null];

  if (format === 'csv') {
    const encoder = new TextEncoder();
    async function* csv(): AsyncGenerator<Uint8Array> {
      yield encoder.encode(header.map(csvCell).join(',') + '\r\n');
      for await (const chunk of wh.stream(sql)) {
        if (chunk.rows.length === 0) continue;
        yield encoder.encode(chunk.rows.map((r) => rowOf(r).map((v) => csvCell(cellText(v))).join(',')).join('\r\n') + '\r\n');
      }
    }
    return { filename: `${base}.csv`, contentType: 'text/csv; charset=utf-8', body: pullStream(csv()) };
  }

  // Parquet's footer comes last: the rows go to a temporary file a row group at a time, which is
  // then streamed back and deleted.
  const types = [...p.shown.map((c) => parquetType(c.type)), 'STRING' as const, 'STRING' as const];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dqx-export-'));
  const file = path.join(dir, `${base}.parquet`);
  const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    const writer = new ParquetWriter({
      writer: fileWriter(file),
      schema: [
        { name: 'root', num_children: header.length },
        ...header.map((name, i) => ({
          name,
          repetition_type: 'OPTIONAL' as const,
          ...schemaOfType(types[i]!),
        })),
      ],
    });
    let batch: Cell[][] = [];
    const flush = () => {
      if (batch.length === 0) return;
      const rows = batch;
      writer.write({
        columnData: header.map((name, i) => ({ name, data: rows.map((r) => parquetValue(types[i]!, r[i] ?? null)) as never, type: types[i]!, nullable: true })),
        rowGroupSize: PARQUET_ROW_GROUP,
      });
      batch = [];
    };
    for await (const chunk of wh.stream(sql)) {
      for (const row of chunk.rows) batch.push(rowOf(row));
      if (batch.length >= PARQUET_ROW_GROUP) flush();
    }
    flush();
    writer.finish();
  } catch (error) {
    cleanup();
    throw error;
  }
  const bytes = fs.createReadStream(file)[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  return { filename: `${base}.parquet`, contentType: 'application/vnd.apache.parquet', body: pullStream(bytes, cleanup) };
}

function schemaOfType(type: ParquetColumnType) {
  switch (type) {
    case 'BOOLEAN':
      return { type: 'BOOLEAN' as const };
    case 'INT32':
      return { type: 'INT32' as const };
    case 'INT64':
      return { type: 'INT64' as const };
    case 'DOUBLE':
      return { type: 'DOUBLE' as const };
    default:
      return { type: 'BYTE_ARRAY' as const, converted_type: 'UTF8' as const };
  }
}
