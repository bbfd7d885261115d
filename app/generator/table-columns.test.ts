import { describe, expect, it } from 'vitest';

import { splitTableName } from './table-columns';

describe('splitTableName', () => {
  it('splits a three-part name', () => {
    expect(splitTableName(' samples.sales.customers ')).toEqual({
      catalog: 'samples',
      schema: 'sales',
      table: 'customers',
    });
  });

  it('refuses names that are not three plain parts', () => {
    for (const bad of ['sales.customers', 'a.b.c.d', 'a..c', 'a.b.c d', 'a.`b`.c', ''])
      expect(splitTableName(bad)).toBeNull();
  });
});
