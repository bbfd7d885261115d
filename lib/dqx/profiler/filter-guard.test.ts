import { describe, expect, it } from 'vitest';

import { assertSafeFilter, UnsafeFilterError } from './filter-guard';

describe('profiler filter guard', () => {
  it('accepts ordinary predicates, keywords inside literals and quoted names included', () => {
    for (const f of ["status = 'drop'", '`update` > 3', "a IN (SELECT x FROM t) AND b LIKE 'it''s%'", 'amount > 10']) {
      expect(() => assertSafeFilter(f), f).not.toThrow();
    }
  });

  it('refuses statements, comments, destructive keywords and broken quoting', () => {
    for (const f of ['1=1; DROP TABLE t', 'a = 1 -- x', 'a /* c */ = 1', 'a = 1 OR Delete FROM t', 'x = 1) OR (1=1', "a = 'open", 'truncate']) {
      expect(() => assertSafeFilter(f), f).toThrow(UnsafeFilterError);
    }
  });
});
