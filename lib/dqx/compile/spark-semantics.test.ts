/**
 * Spark's upper()/lower() and string-to-timestamp reading reproduced on DuckDB: the values a case
 * check, a case-insensitive list or a string-vs-timestamp comparison sees are Spark's (where DuckDB's
 * own functions differ). Recorded DQX results: the conformance vectors *-special-casing, *-clock-edges,
 * *-string-zones and is_in_range-string-timestamp-limits.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { quoteString } from '@/lib/sql/quote';

import { duckSparkLower, duckSparkUpper } from './spark-case';
import { duckSparkCastTimestamp, duckTryToTimestamp } from './spark-datetime';

let conn: DuckDBConnection;
beforeAll(async () => {
  conn = await (await DuckDBInstance.create(':memory:')).connect();
});
afterAll(() => conn?.closeSync());

async function one(sql: string): Promise<unknown> {
  return (await conn.runAndReadAll(`SELECT ${sql}`)).getRowsJson()[0]![0];
}
const str = (s: string) => quoteString('duckdb', s);

describe('upper and lower as Spark computes them', () => {
  it.each([
    ['straße', 'STRASSE', 'straße'],
    ['ﬁne ﬂow', 'FINE FLOW', 'ﬁne ﬂow'],
    ['İT', 'İT', 'i̇t'],
    ['ΟΔΟΣ ΑΣ1 ΣΑ', 'ΟΔΟΣ ΑΣ1 ΣΑ', 'οδος ας1 σα'],
    ['ᾳ', 'ΑΙ', 'ᾳ'],
    ['a\ufeffß', 'A\ufeffSS', 'a\ufeffß'],
    ['Hello World', 'HELLO WORLD', 'hello world'],
    ['Zoë', 'ZOË', 'zoë'],
  ])('%s', async (input, upper, lower) => {
    expect(await one(duckSparkUpper(str(input)))).toBe(upper);
    expect(await one(duckSparkLower(str(input)))).toBe(lower);
  });

  it('keeps NULL', async () => {
    expect(await one(duckSparkUpper('CAST(NULL AS VARCHAR)'))).toBeNull();
    expect(await one(duckSparkLower('CAST(NULL AS VARCHAR)'))).toBeNull();
  });
});

describe('strings read as Spark reads timestamps', () => {
  it.each(['2024-02-29 24:00:00', '2024-02-29 23:59:60', '2024-02-29 23:60:00', '24:00', '2024-02-30 10:00:00'])(
    'is_valid_timestamp refuses %s, which DuckDB would roll over',
    async (s) => {
      expect(await one(duckTryToTimestamp(str(s), { kind: 'string' }))).toBeNull();
    },
  );

  it.each([
    ['2024-03-01T00:59:00+01:00', '2024-02-29 23:59:00'],
    ['2024-02-29 23:00:00 Europe/Paris', '2024-02-29 22:00:00'],
    ['  2024-02-29 12:00:00  ', '2024-02-29 12:00:00'],
    ['+2024-02-29 12:00:00.5', '2024-02-29 12:00:00.5'],
    ['2024', '2024-01-01 00:00:00'],
  ])('compares %s as %s', async (s, utc) => {
    expect(await one(`CAST(${duckSparkCastTimestamp(str(s), { kind: 'string' })} AS VARCHAR)`)).toBe(utc);
  });

  it('applies each row its own zone (DuckDB’s TIMESTAMPTZ cast carries one row’s zone to the next)', async () => {
    const rows = (
      await conn.runAndReadAll(
        `SELECT CAST(${duckSparkCastTimestamp('s', { kind: 'string' })} AS VARCHAR) FROM (VALUES (1, '2024-01-01 10:00:00 Europe/Paris'), (2, '2024-01-01 10:00:00')) v(i, s) ORDER BY i`,
      )
    ).getRowsJson();
    expect(rows.map((r) => r[0])).toEqual(['2024-01-01 09:00:00', '2024-01-01 10:00:00']);
  });

  it('fails the query with Spark’s error on a string Spark cannot read, as DQX’s run fails', async () => {
    await expect(one(duckSparkCastTimestamp(str('2024-02-29 24:00:00'), { kind: 'string' }))).rejects.toThrow(
      /\[CAST_INVALID_INPUT\] The value '2024-02-29 24:00:00' of the type "STRING" cannot be cast to "TIMESTAMP"/,
    );
  });
});
