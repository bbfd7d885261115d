import { describe, expect, it } from 'vitest';

import { assertSafeFilter, UnsafeFilterError } from './filter-guard';

const columns = ['status', 'update', 'a', 'b', 'amount', 'x'];

describe('profiler filter guard (the rules SQL sandbox)', () => {
  it('accepts ordinary predicates, keywords inside literals and quoted names included, and returns the accepted text', () => {
    for (const f of ["status = 'drop'", '`update` > 3', "a IN (1, 2) AND b LIKE 'it''s%'", 'amount > 10']) {
      expect(assertSafeFilter(f, columns), f).toBe(f);
    }
    expect(assertSafeFilter('a = 1 -- x', columns)).toBe('a = 1');
    expect(assertSafeFilter('a /* c */ = 1', columns)).toBe('a = 1');
  });

  it('refuses statements, subqueries, unlisted functions, unknown columns and broken quoting', () => {
    for (const f of [
      '1=1; DROP TABLE t',
      'a = 1 OR Delete FROM t',
      'x = 1) OR (1=1',
      "a = 'open",
      'truncate',
      'a IN (SELECT x FROM t)',
      "length(read_text('/etc/passwd')) > 0",
      "main.read_csv('/etc/passwd') IS NULL",
      "secret('scope', 'key') = a",
      'nope > 1',
    ]) {
      expect(() => assertSafeFilter(f, columns), f).toThrow(UnsafeFilterError);
    }
    expect(() => assertSafeFilter('a IN (SELECT x FROM t)')).toThrow(/Subqueries/);
  });
});
