import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { quoteString } from '@/lib/sql/quote';

import { javaRegexToRe2 } from '../java-regex';
import { globPrefilter } from './glob-prefilter';

describe('globPrefilter', () => {
  it('turns fixed-shape anchored patterns into a GLOB', () => {
    expect(globPrefilter('^[A-Z]{3}-\\d{4}$')).toBe('[A-Z][A-Z][A-Z]-[0-9][0-9][0-9][0-9]');
    expect(globPrefilter('\\A[A-Z]{3}[ABCFGHJLPT][A-Z]\\d{4}[A-Z]\\z')).toBe(
      '[A-Z][A-Z][A-Z][ABCFGHJLPT][A-Z][0-9][0-9][0-9][0-9][A-Z]',
    );
    expect(globPrefilter('^ORD\\.[0-9]{2}\\Z')).toBe('ORD.[0-9][0-9]');
  });

  it('leaves everything else to the regex', () => {
    for (const p of [
      '[A-Z]{3}', // find(): contains, not equals
      '^[A-Z]{3}', // no end anchor
      '[A-Z]{3}$',
      '^(?i)abc$', // flags
      '^a|b$', // alternation
      '^(ab)$', // groups
      '^a+$', // quantifiers other than {n}
      '^a?$',
      '^a*$',
      '^a{2,3}$',
      '^a{0}$',
      '^.$', // any character
      '^[^a]$', // negated class
      '^[a\\]]$', // escapes in a class
      '^[a-]$',
      '^[z-a]$',
      '^[0-z]$', // a range across kinds of characters
      '^é$', // non-ASCII
      '^\\w$', // classes other than \d
      '^\\s$',
      '^a\\$', // an escaped dollar is not an anchor
      '^\\A$',
      '^$',
      '^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}$', // too many ranges to test: RE2 is as fast
    ]) {
      expect(globPrefilter(p), p).toBeNull();
    }
  });
});

describe('the GLOB accepts only what the regex accepts', () => {
  let conn: Awaited<ReturnType<Awaited<ReturnType<typeof DuckDBInstance.create>>['connect']>>;
  beforeAll(async () => {
    conn = await (await DuckDBInstance.create(':memory:')).connect();
  });
  afterAll(() => conn.closeSync());

  const values = [
    'ABC-1234',
    'ABC-1234\n',
    'ABC-1234\r\n',
    'abc-1234',
    'ABC-123',
    'ABC-12345',
    'ÀBC-1234',
    'AB_-1234',
    '',
    'ABCDE1234F',
    'ABCPE1234F',
    'ORD.12',
    'ORDx12',
    'a_9',
    'a-9',
  ];

  for (const pattern of [
    '^[A-Z]{3}-\\d{4}$',
    '\\A[A-Z]{3}[ABCFGHJLPT][A-Z]\\d{4}[A-Z]\\z',
    '^ORD\\.[0-9]{2}\\Z',
    '^[a-z_][A-Za-z0-9_][0-9]$',
  ]) {
    it(pattern, async () => {
      const glob = globPrefilter(pattern)!;
      const re2 = javaRegexToRe2(pattern).re2!;
      const rows = (
        await conn.runAndReadAll(
          `SELECT v, v GLOB ${quoteString('duckdb', glob)}, regexp_matches(v, ${quoteString('duckdb', re2)})
           FROM unnest([${values.map((v) => quoteString('duckdb', v)).join(', ')}]) AS t(v)`,
        )
      ).getRows() as [string, boolean, boolean][];
      // never accepted by the GLOB and refused by the regex; and the GLOB does accept something
      expect(rows.filter(([, g, r]) => g && !r)).toEqual([]);
      expect(rows.some(([, g]) => g)).toBe(true);
    });
  }
});
