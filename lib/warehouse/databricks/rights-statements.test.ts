import { describe, expect, it } from 'vitest';

import { rightsStatements } from './rights-statements';

describe('the rights statements', () => {
  it('quote the catalog and bind every value, so hostile names stay names', () => {
    const hostile = { catalog: 'no`such catalog', schema: "x' OR '1'='1", table: 'or`ders; DROP TABLE x; --' };
    const s = rightsStatements.tableStewardship(hostile);
    expect(s.sql).toContain('`no``such catalog`.information_schema.tables');
    expect(s.sql).not.toContain(hostile.schema);
    expect(s.sql).not.toContain('DROP TABLE');
    expect(s.params).toEqual(hostile);
    expect(s.sql.match(/is_account_group_member\(/g)).toHaveLength(6);
    for (const view of ['tables', 'schemata', 'catalogs', 'table_privileges', 'schema_privileges', 'catalog_privileges']) {
      expect(s.sql).toContain(`information_schema.${view} WHERE`);
    }
  });

  it('ask for each group by a bound name, at most 8', () => {
    const s = rightsStatements.callerGroups(["dq'stewards", 'admins']);
    expect(s.sql).toContain('is_account_group_member(:g0)');
    expect(s.sql).toContain('is_account_group_member(:g1)');
    expect(s.sql).not.toContain("dq'stewards");
    expect(s.params).toEqual({ g0: "dq'stewards", g1: 'admins' });
    expect(() => rightsStatements.callerGroups(Array.from({ length: 9 }, (_, i) => `g${i}`))).toThrow(RangeError);
  });
});
