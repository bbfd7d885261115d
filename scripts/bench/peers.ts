/**
 * `--with-peers`: the bench's rules through Soda Core (soda-core-duckdb) and Great Expectations
 * (GX Core on DuckDB through SQLAlchemy) on the same rows, in the Python environment of
 * scripts/bench/peers/ (made by scripts/python-env.sh). This file translates each DQX rule into the
 * nearest form each peer offers, SodaCL and GX expectation configurations that
 * scripts/bench/peers/peers_bench.py reads as JSON, and runs that script.
 *
 * Translation, per rule, in order of preference: the peer's own check (Soda missing/invalid
 * metrics, GX column expectations), else a user-written SQL condition or query (Soda failed rows,
 * GX UnexpectedRowsExpectation), else "cannot express" with the reason. The output says which.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import type { DuckDBConnection } from '@duckdb/node-api';

import type { DqxCheck } from '../../lib/dqx';
import isoCodes from '../../lib/dqx/data/iso-codes.json';
import { quoteIdent, quoteString } from '../../lib/sql/quote';

import { REF_SQL, TABLE_SQL } from './database';
import type { Timing } from './dqx';
import { IPV4, SKU, UUID } from './floors';
import { log } from './log';
import { runPythonJson } from './python';

/** Table names inside the peers' DuckDB file (its main schema). */
export const PEER_TABLE = 'orders';
export const PEER_REF_TABLE = 'country_ref';

/** How a rule was expressed for a peer: its own check, user-written SQL, or not at all. */
export type PeerForm = 'native' | 'custom_sql' | 'unsupported';

export interface SodaTranslation {
  form: PeerForm;
  /** One SodaCL check: `{ "<check line>": { name, ...configuration } }`; null when unsupported. */
  check: Record<string, Record<string, unknown>> | null;
  note?: string;
}

export interface GxTranslation {
  form: PeerForm;
  /** A GX Core expectation class (great_expectations.expectations) and its arguments. */
  expectation: { type: string; kwargs: Record<string, unknown> } | null;
  note?: string;
}

export interface PeerRule {
  name: string;
  level: 'row' | 'dataset';
  soda: SodaTranslation;
  gx: GxTranslation;
}

const id = (s: string) => quoteIdent('duckdb', s);
const lit = (s: string) => quoteString('duckdb', s);
const text = (v: unknown, what: string): string => {
  if (typeof v !== 'string' || v === '')
    throw new Error(`peer translation: ${what} must be a non-empty string`);
  return v;
};
const num = (v: unknown): number | undefined => (v === undefined || v === null ? undefined : Number(v));
/** DQX list items are column expressions; the bench quotes its literals ('x'). */
const unquote = (v: unknown): string => {
  const s = String(v);
  return s.length >= 2 && s.startsWith("'") && s.endsWith("'") ? s.slice(1, -1).replaceAll("''", "'") : s;
};

/** GX fills `{batch}` in with Python's str.format: other braces (regex quantifiers) are doubled. */
const gxBraces = (sql: string) => sql.replaceAll('{', '{{').replaceAll('}', '}}');

function customSql(
  name: string,
  failing: string,
  note: string,
  filter?: string,
): Pick<PeerRule, 'soda' | 'gx'> {
  const where = filter ? `(${filter}) AND (${failing})` : failing;
  return {
    soda: { form: 'custom_sql', check: { 'failed rows': { name, 'fail condition': where } }, note },
    gx: {
      form: 'custom_sql',
      expectation: {
        type: 'UnexpectedRowsExpectation',
        kwargs: {
          unexpected_rows_query: `SELECT * FROM {batch} WHERE ${gxBraces(where)}`,
          description: name,
        },
      },
      note,
    },
  };
}

/**
 * Translates one row-level DQX rule. `failing` is the hand-written predicate that is TRUE on the
 * rule's failing rows (scripts/bench/floors.ts), used where a peer has no check of its own.
 */
export function translateRowRule(rule: DqxCheck, name: string, failing: string): PeerRule {
  const fn = rule.check.function;
  const a = (rule.check.arguments ?? {}) as Record<string, unknown>;
  const filter = rule.filter ?? undefined;
  const soda = (line: string, config: Record<string, unknown> = {}): SodaTranslation => ({
    form: 'native',
    check: { [line]: { name, ...config, ...(filter ? { filter } : {}) } },
  });
  const gxNative = (type: string, kwargs: Record<string, unknown>): GxTranslation =>
    filter
      ? customSql(name, failing, 'GX row_condition needs its own condition syntax; written as SQL', filter).gx
      : { form: 'native', expectation: { type, kwargs } };
  const row = (s: SodaTranslation, g: GxTranslation): PeerRule => ({ name, level: 'row', soda: s, gx: g });
  const column = () => text(a.column, `${fn} column`);
  const inSet = (values: string[]) =>
    row(
      soda(`invalid_count(${column()}) = 0`, { 'valid values': values }),
      gxNative('ExpectColumnValuesToBeInSet', { column: column(), value_set: values }),
    );
  const byRegex = (regex: string) => {
    const sql = customSql(name, failing, 'GX regex expectations do not run on DuckDB; written as SQL');
    return row(soda(`invalid_count(${column()}) = 0`, { 'valid regex': regex }), sql.gx);
  };
  const between = (min: number | undefined, max: number | undefined) =>
    row(
      soda(`invalid_count(${column()}) = 0`, {
        ...(min === undefined ? {} : { 'valid min': min }),
        ...(max === undefined ? {} : { 'valid max': max }),
      }),
      gxNative('ExpectColumnValuesToBeBetween', {
        column: column(),
        ...(min === undefined ? {} : { min_value: min }),
        ...(max === undefined ? {} : { max_value: max }),
      }),
    );
  switch (fn) {
    case 'is_not_null':
      return row(
        soda(`missing_count(${column()}) = 0`),
        gxNative('ExpectColumnValuesToNotBeNull', { column: column() }),
      );
    case 'is_not_null_and_not_empty':
      return row(
        soda(`missing_count(${column()}) = 0`, { 'missing values': [''] }),
        customSql(name, failing, 'GX has no null-or-empty expectation; written as SQL', filter).gx,
      );
    case 'is_in_list':
      return inSet((a.allowed as unknown[]).map(unquote));
    case 'is_valid_country_code':
      return inSet(isoCodes.iso3166_1_alpha2);
    case 'is_valid_currency_code':
      return inSet(isoCodes.iso4217_alphabetic);
    case 'is_in_range':
      return between(num(a.min_limit), num(a.max_limit));
    case 'is_not_less_than':
      return between(num(a.limit), undefined);
    case 'is_not_greater_than':
      return between(undefined, num(a.limit));
    case 'is_valid_ipv4_address':
      return byRegex(`^${IPV4}$`);
    case 'is_valid_uuid':
      return byRegex(`^${UUID}$`);
    case 'regex_match':
      // Java's find() semantics of DQX, in RE2 form (floors.ts)
      return byRegex(SKU);
    case 'is_valid_email':
      return {
        name,
        level: 'row',
        ...customSql(
          name,
          failing,
          "DQX's e-mail check bounds lengths and its pattern has a quote; neither fits Soda's valid regex (embedded unescaped) nor GX on DuckDB",
        ),
      };
    case 'is_not_in_future':
      return {
        name,
        level: 'row',
        ...customSql(name, failing, 'neither peer compares with the current time', filter),
      };
    case 'sql_expression':
      return {
        name,
        level: 'row',
        ...customSql(name, failing, 'a SQL expression is SQL in every tool', filter),
      };
    default:
      return {
        name,
        level: 'row',
        soda: { form: 'unsupported', check: null, note: `no translation for ${fn}` },
        gx: { form: 'unsupported', expectation: null, note: `no translation for ${fn}` },
      };
  }
}

/** Translates one dataset-level DQX rule; `table`/`ref` are the peers' names of the two tables. */
export function translateDatasetRule(rule: DqxCheck, name: string, table: string, ref: string): PeerRule {
  const fn = rule.check.function;
  const a = (rule.check.arguments ?? {}) as Record<string, unknown>;
  const cols = (v: unknown, what: string) => {
    if (!Array.isArray(v) || v.length !== 1)
      throw new Error(`peer translation: ${what} must list one column`);
    return text(v[0], what);
  };
  const failedRows = (query: string, note: string): SodaTranslation => ({
    form: 'custom_sql',
    check: { 'failed rows': { name, 'fail query': query } },
    note,
  });
  const unexpectedRows = (query: string, note: string): GxTranslation => ({
    form: 'custom_sql',
    expectation: {
      type: 'UnexpectedRowsExpectation',
      kwargs: { unexpected_rows_query: query, description: name },
    },
    note,
  });
  const dataset = (soda: SodaTranslation, gx: GxTranslation): PeerRule => ({
    name,
    level: 'dataset',
    soda,
    gx,
  });
  switch (fn) {
    case 'is_unique': {
      const c = id(cols(a.columns, 'is_unique columns'));
      // rows whose key occurs more than once; NULL keys never fail (DQX's nulls_distinct)
      const dups = (t: string) =>
        `SELECT * FROM ${t} WHERE ${c} IN (SELECT ${c} FROM ${t} WHERE ${c} IS NOT NULL GROUP BY ${c} HAVING count(*) > 1)`;
      return dataset(
        failedRows(
          dups(table),
          "Soda's duplicate_count counts duplicated values, not rows; written as a query",
        ),
        {
          form: 'native',
          expectation: {
            type: 'ExpectColumnValuesToBeUnique',
            kwargs: { column: cols(a.columns, 'is_unique columns') },
          },
        },
      );
    }
    case 'is_aggr_not_greater_than': {
      if (a.aggr_type !== 'count' || a.column !== '*')
        throw new Error('peer translation: only count(*) aggregates');
      const g = id(cols(a.group_by, 'group_by'));
      const limit = Number(a.limit);
      // NULL keys form one group, as in DQX (IS NOT DISTINCT FROM)
      const q = (t: string) =>
        `SELECT t.* FROM ${t} AS t JOIN (SELECT ${g} AS k FROM ${t} GROUP BY ${g} HAVING count(*) > ${limit}) AS g ON t.${g} IS NOT DISTINCT FROM g.k`;
      const note = 'no per-group aggregate limit in either peer; written as a query';
      return dataset(failedRows(q(table), note), unexpectedRows(q('{batch}'), note));
    }
    case 'foreign_key': {
      const c = cols(a.columns, 'foreign_key columns');
      const r = cols(a.ref_columns, 'foreign_key ref_columns');
      const q = (t: string) =>
        `SELECT * FROM ${t} WHERE ${id(c)} IS NOT NULL AND ${id(c)} NOT IN (SELECT ${id(r)} FROM ${ref})`;
      return dataset(
        { form: 'native', check: { [`values in (${c}) must exist in ${ref} (${r})`]: { name } } },
        unexpectedRows(q('{batch}'), 'GX has no cross-table expectation; written as a query'),
      );
    }
    default:
      return dataset(
        { form: 'unsupported', check: null, note: `no translation for ${fn}` },
        { form: 'unsupported', expectation: null, note: `no translation for ${fn}` },
      );
  }
}

/** The SodaCL document for a set of translated rules (JSON is YAML; Soda reads it as such). */
export function sodaChecks(rules: PeerRule[], table: string): Record<string, unknown> {
  return {
    [`checks for ${table}`]: rules.flatMap((r) => (r.soda.check ? [r.soda.check] : [])),
  };
}

export interface PeerToolResult {
  version: string;
  timings_s: Record<string, Timing>;
  /** SQL statements the tool sent to DuckDB in one run of each suite. */
  statements: Record<string, number>;
  /** Soda only: the queries the scan logs itself (a cross-check of `statements`). */
  logged_queries?: Record<string, number>;
  /** Failing rows per rule name, as the tool reported them. */
  counts: Record<string, Record<string, number | null>>;
  errors: Record<string, string[]>;
}

export interface PeersOutput {
  rows: number;
  duckdb_python: string;
  python: string;
  tools: { soda: PeerToolResult; gx: PeerToolResult };
}

/**
 * Writes the first `rows` rows of the bench table and the reference table into a DuckDB file of
 * their own (main schema), once per source file and row count: the file every tool reads.
 */
export async function peerDatabase(
  conn: DuckDBConnection,
  cacheDir: string,
  sourceFile: string,
  rows: number,
): Promise<string> {
  const file = path.resolve(cacheDir, `${path.basename(sourceFile, '.duckdb')}-peers-first${rows}.duckdb`);
  if (fs.existsSync(file)) return file;
  const partial = `${file}.partial`;
  fs.rmSync(partial, { force: true });
  log(`writing the first ${rows.toLocaleString('en-US')} rows to ${path.relative(process.cwd(), file)} ...`);
  await conn.run(`ATTACH ${lit(partial)} AS peers_build`);
  try {
    await conn.run(
      `CREATE TABLE peers_build.main.${id(PEER_TABLE)} AS SELECT * FROM ${TABLE_SQL} WHERE rowid < ${rows}`,
    );
    await conn.run(`CREATE TABLE peers_build.main.${id(PEER_REF_TABLE)} AS SELECT * FROM ${REF_SQL}`);
  } finally {
    await conn.run('DETACH peers_build');
  }
  fs.renameSync(partial, file);
  return file;
}

function peersPython(): string {
  const out = execFileSync(
    'bash',
    ['scripts/python-env.sh', 'scripts/bench/peers', 'peers', 'soda-core + great-expectations'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const venv = out.trim().split('\n').pop();
  if (!venv) throw new Error('scripts/python-env.sh printed no environment');
  return path.join(venv, 'bin', 'python');
}

export interface PeersRunInput {
  cacheDir: string;
  databaseFile: string;
  rows: number;
  runs: number;
  suites: Record<string, PeerRule[]>;
}

export async function runPeers(input: PeersRunInput): Promise<PeersOutput> {
  const python = peersPython();
  const spec = {
    database: input.databaseFile,
    table: PEER_TABLE,
    rows: input.rows,
    runs: input.runs,
    suites: Object.fromEntries(
      Object.entries(input.suites).map(([k, rules]) => [
        k,
        {
          rule_names: rules.map((r) => r.name),
          soda_checks: sodaChecks(rules, PEER_TABLE),
          gx_expectations: rules.flatMap((r) =>
            r.gx.expectation ? [{ rule: r.name, ...r.gx.expectation }] : [],
          ),
        },
      ]),
    ),
  };
  log('running Soda Core and Great Expectations on the same rows; progress below');
  return runPythonJson<PeersOutput>(
    python,
    'scripts/bench/peers/peers_bench.py',
    input.cacheDir,
    'peers',
    spec,
  );
}
