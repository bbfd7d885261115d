/**
 * The recommended rules on real DuckDB tables with planted defects: what each rule catches, and
 * that clean rows pass. Tables are built with SQL from a deterministic hash, so every count here is
 * exact and the same on every machine.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { quoteIdent } from '@/lib/sql/quote';

import { compileApplyChecks } from '../compile/compiler';
import type { DqxCheck } from '../model';
import { compileRobustProfile } from '../profiler/robust-profile';
import { compileValueCounts } from '../profiler/value-counts';
import { followUpRequest, recommendRules, shapeRegex } from './recommend-rules';

let instance: DuckDBInstance;
let conn: DuckDBConnection;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  conn = await instance.connect();
  // h(i, s): a deterministic pseudo-random integer per row
  await conn.run(`CREATE MACRO h(i, s) AS CAST(hash(i * 7919 + s) % 1000003 AS BIGINT)`);
});
afterAll(() => {
  conn?.closeSync();
  instance?.closeSync();
});

const rows = async (sql: string) =>
  (await conn.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];

interface Column {
  name: string;
  type: string;
  comment?: string | null;
}

/** Profile `table`, recommend rules, and apply them: which rows does each rule flag? */
async function recommend(table: string, columns: Column[]) {
  const source = quoteIdent('duckdb', table);
  const profile = compileRobustProfile({ name: table, columns }, source, {
    dialect: 'duckdb',
    now: Date.UTC(2026, 0, 1),
  });
  const measured = profile.decode(await rows(profile.sql));
  const follow = compileValueCounts({ name: table, columns }, source, followUpRequest(measured), {
    dialect: 'duckdb',
    sampling: { kind: 'all' },
    filter: null,
  });
  const counts = follow ? follow.decode(await rows(follow.sql)) : null;
  const rec = recommendRules(measured, counts);
  return { profile: measured, ...rec, checks: rec.rules.map((r) => r.check) };
}

/** The ids of the rows failing any of `checks` (the table has an integer column `id`). */
async function flaggedIds(table: string, columns: Column[], checks: DqxCheck[]): Promise<number[]> {
  const apply = compileApplyChecks(checks, quoteIdent('duckdb', table), {
    dialect: 'duckdb',
    table: { name: table, columns },
  });
  const out = await rows(`SELECT id FROM (${apply.sql}) WHERE _errors IS NOT NULL ORDER BY id`);
  return out.map((r) => Number(r.id));
}

const byFunction = (checks: DqxCheck[], fn: string, column?: string) =>
  checks.filter(
    (c) =>
      c.check.function === fn &&
      (column === undefined || JSON.stringify(c.check.arguments).includes(`"${column}"`)),
  );

describe('recommended rules for numbers', () => {
  const columns: Column[] = [
    { name: 'id', type: 'bigint' },
    { name: 'age', type: 'int' },
    { name: 'income', type: 'double' },
    { name: 'rating', type: 'int' },
    { name: 'visits', type: 'int' },
    { name: 'customer_id', type: 'bigint' },
  ];
  beforeAll(async () => {
    // age: bell-shaped 18..90 (sum of uniforms), with -5 and 999 planted; income: log-normal-ish
    // (exp of a bell) with a negative and a typo x1000; rating 1..5 with 0 and 7 planted; visits:
    // a geometric tail (no defects); customer_id: a reference to another table (repeats).
    await conn.run(`CREATE TABLE people AS SELECT
        i AS id,
        CASE WHEN i = 17 THEN -5 WHEN i = 4242 THEN 999
             ELSE CAST(18 + ((h(i,1) % 1000) + (h(i,2) % 1000) + (h(i,3) % 1000)) * 72 / 2997 AS INTEGER) END AS age,
        CASE WHEN i = 99 THEN -1200.0 WHEN i = 5005 THEN 31000000.0
             ELSE round(exp(10 + ((h(i,4) % 1000) + (h(i,5) % 1000) + (h(i,6) % 1000) - 1500) / 500.0), 2) END AS income,
        CAST(CASE WHEN i IN (7, 700) THEN 0 WHEN i = 7000 THEN 7 ELSE 1 + h(i,7) % 5 END AS INTEGER) AS rating,
        CAST(floor(ln(1.0 - (h(i,8) % 100000) / 100001.0) / ln(0.7)) AS INTEGER) AS visits,
        1 + h(i,9) % 500 AS customer_id
      FROM range(1, 10001) t(i)`);
  });

  it('catches the planted values and flags no clean row', async () => {
    const { checks } = await recommend('people', columns);
    expect(await flaggedIds('people', columns, checks)).toEqual([7, 17, 99, 700, 4242, 5005, 7000]);
  });

  it('bounds ages where a person would, not at the planted -5', async () => {
    const { checks } = await recommend('people', columns);
    const [age] = byFunction(checks, 'is_in_range', 'age');
    expect(age!.check.arguments).toMatchObject({ column: 'age' });
    const { min_limit, max_limit } = age!.check.arguments as { min_limit: number; max_limit: number };
    expect(min_limit).toBeGreaterThan(-5);
    expect(min_limit).toBeLessThanOrEqual(18);
    expect(max_limit).toBeGreaterThanOrEqual(90);
    expect(max_limit).toBeLessThan(999);
  });

  it('keeps exact limits for a small scale, a non-negative right-skewed column non-negative, and rounds limits', async () => {
    const { checks, rules } = await recommend('people', columns);
    expect(byFunction(checks, 'is_in_range', 'rating')[0]!.check.arguments).toEqual({
      column: 'rating',
      min_limit: 1,
      max_limit: 5,
    });
    const income = byFunction(checks, 'is_in_range', 'income')[0]!.check.arguments as {
      min_limit: number;
      max_limit: number;
    };
    expect(income.min_limit).toBeGreaterThanOrEqual(0);
    // a round number: one or two significant digits
    expect(String(income.max_limit).replace(/0+$/, '').replace('.', '').length).toBeLessThanOrEqual(2);
    const evidence = rules.find((r) => r.check === byFunction(checks, 'is_in_range', 'income')[0])!.evidence;
    expect(evidence.description).toMatch(/log scale/);
  });

  it('proposes no range and no uniqueness on a reference, and is_unique on the key', async () => {
    const { checks, notes } = await recommend('people', columns);
    expect(byFunction(checks, 'is_in_range', 'customer_id')).toEqual([]);
    expect(byFunction(checks, 'is_in_range', 'id')).toEqual([]);
    expect(byFunction(checks, 'is_unique')).toEqual([
      expect.objectContaining({ check: { function: 'is_unique', arguments: { columns: ['id'] } } }),
    ]);
    expect(notes.find((n) => n.column === 'customer_id')?.note).toMatch(/identifier.*no range/);
  });
});

describe('recommended rules for text and dates', () => {
  const columns: Column[] = [
    { name: 'id', type: 'int' },
    { name: 'status', type: 'string' },
    { name: 'email', type: 'string' },
    { name: 'code', type: 'string' },
    { name: 'notes', type: 'string', comment: 'Free text by support; NULL when there is none.' },
    { name: 'country', type: 'string' },
    { name: 'created_at', type: 'timestamp' },
    { name: 'ends_on', type: 'date' },
  ];
  beforeAll(async () => {
    await conn.run(`CREATE TABLE orders AS SELECT
        CAST(i AS INTEGER) AS id,
        CASE WHEN i = 11 THEN 'PAID' WHEN i = 12 THEN 'unknown' WHEN i = 13 THEN ' paid'
             ELSE (['paid', 'open', 'shipped', 'returned'])[1 + h(i,1) % 4] END AS status,
        CASE WHEN i = 21 THEN 'ada.example.com' WHEN i = 22 THEN NULL
             ELSE 'user' || i || '@example.org' END AS email,
        CASE WHEN i = 31 THEN 'AB-12' ELSE 'X' || (['K', 'M', 'P'])[1 + h(i,2) % 3] || '-' || lpad(CAST(h(i,3) % 10000 AS VARCHAR), 4, '0') END AS code,
        CASE WHEN i = 41 THEN '<script>alert(1)</script>' WHEN h(i,4) % 3 = 0 THEN NULL
             ELSE (['Call before delivery', 'Prefers e-mail', 'Asked for an invoice'])[1 + h(i,5) % 3] END AS notes,
        CASE WHEN i = 51 THEN 'de' ELSE (['DE', 'FR', 'NL', 'SE', 'PL'])[1 + h(i,6) % 5] END AS country,
        CASE WHEN i = 61 THEN TIMESTAMP '2099-01-01 00:00:00' WHEN i = 62 THEN TIMESTAMP '1900-01-01 00:00:00'
             ELSE TIMESTAMP '2024-01-01 00:00:00' + to_seconds(h(i,7) % 40000000) END AS created_at,
        DATE '2025-01-01' + CAST(h(i,8) % 900 AS INTEGER) AS ends_on
      FROM range(1, 5001) t(i)`);
  });

  it('catches the planted values and flags no clean row', async () => {
    const { checks } = await recommend('orders', columns);
    expect(await flaggedIds('orders', columns, checks)).toEqual([11, 12, 13, 21, 22, 31, 41, 51, 61, 62]);
  });

  it('builds the allowed values from the bulk, not from the look-alikes', async () => {
    const { checks, rules } = await recommend('orders', columns);
    const [list] = byFunction(checks, 'is_in_list', 'status');
    expect((list!.check.arguments as { allowed: string[] }).allowed.sort()).toEqual([
      "'open'",
      "'paid'",
      "'returned'",
      "'shipped'",
    ]);
    const evidence = rules.find((r) => r.check === list)!.evidence;
    expect(String(evidence.statistics.suspects)).toMatch(/PAID.*case variant/);
  });

  it('recognises formats and shapes, and checks them with DQX functions', async () => {
    const { checks } = await recommend('orders', columns);
    expect(byFunction(checks, 'is_valid_email', 'email')).toHaveLength(1);
    expect(byFunction(checks, 'is_valid_country_code', 'country')).toHaveLength(1);
    expect(byFunction(checks, 'regex_match', 'code')[0]!.check.arguments).toEqual({
      column: 'code',
      regex: '^[A-Z]{2}\\-[0-9]{4}$',
    });
    // free text: no list, a no-markup rule (rare markup), and no not-null rule (the comment allows NULL)
    expect(byFunction(checks, 'is_in_list', 'notes')).toEqual([]);
    expect(byFunction(checks, 'regex_match', 'notes')[0]!.check.arguments).toMatchObject({ negate: true });
    expect(byFunction(checks, 'is_not_null', 'notes')).toEqual([]);
  });

  it('dates: not in the future instead of a learned maximum, except where the name says it may be', async () => {
    const { checks, notes } = await recommend('orders', columns);
    expect(byFunction(checks, 'is_not_in_future', 'created_at')).toHaveLength(1);
    expect(byFunction(checks, 'is_not_in_future', 'ends_on')).toEqual([]);
    expect(notes.find((n) => n.column === 'ends_on')?.note).toMatch(/future/);
    expect(byFunction(checks, 'is_not_less_than', 'created_at')[0]!.check.arguments).toMatchObject({
      limit: expect.stringMatching(/^20\d\d-01-01 00:00:00$/),
    });
  });
});

describe('shapeRegex', () => {
  it('keeps fixed run lengths and generalises varying ones', () => {
    expect(shapeRegex(['AAA-999999'])).toBe('^[A-Z]{3}\\-[0-9]{6}$');
    expect(shapeRegex(['aaa-999', 'aaa-99', 'aaa-9'])).toBe('^[a-z]{3}\\-[0-9]+$');
    expect(shapeRegex(['9.9.9'])).toBe('^[0-9]\\.[0-9]\\.[0-9]$');
  });
});
