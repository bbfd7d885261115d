import { describe, expect, it } from 'vitest';

import { localRightsOf, namedUsers, parseLocalRoles, tablePattern } from './local-roles';

const FILE = `
users:
  ada: { admin: true }
  nora: { admin: false }
tables:
  "main.sales.*":
    stewards: [sam]
    readers: [rita]
  "*.*.audit_log":
    readers: [ivy]
`;

describe('the local roles file', () => {
  it('gives admins every right, stewards read and steward, readers read, and others nothing', () => {
    const roles = parseLocalRoles(FILE);
    expect(localRightsOf(roles, 'ada', 'other.x.y')).toMatchObject({ read: true, steward: true, admin: true });
    expect(localRightsOf(roles, 'sam', 'main.sales.orders')).toMatchObject({ read: true, steward: true, admin: false, owner: 'sam' });
    expect(localRightsOf(roles, 'rita', 'main.sales.orders')).toMatchObject({ read: true, steward: false, owner: 'sam', steward_sources: [] });
    expect(localRightsOf(roles, 'rita', 'main.hr.people')).toMatchObject({ read: false, steward: false });
    expect(localRightsOf(roles, 'ivy', 'prod.logs.audit_log')).toMatchObject({ read: true, steward: false, owner: null });
    expect(localRightsOf(roles, 'nora', 'main.sales.orders')).toMatchObject({ read: false, steward: false, admin: false });
    expect([...namedUsers(roles)].sort()).toEqual(['ada', 'ivy', 'nora', 'rita', 'sam']);
  });

  it('matches * within one part of a name only, case-insensitively, and escapes everything else', () => {
    expect(tablePattern('main.sales.*').test('main.sales.orders')).toBe(true);
    expect(tablePattern('main.*').test('main.sales.orders')).toBe(false);
    expect(tablePattern('main.sales.orders').test('mainxsales.orders')).toBe(false);
    expect(tablePattern('Main.Sales.(x)+').test('main.sales.(x)+')).toBe(true);
  });

  it('refuses a file of another shape, naming the field, and a YAML bomb', () => {
    expect(() => parseLocalRoles('users:\n  ada: { admin: maybe }\n')).toThrow(/users\.ada\.admin/);
    expect(() => parseLocalRoles('tables:\n  "a.b.c":\n    owners: [x]\n')).toThrow(/tables/);
    expect(() => parseLocalRoles('users: [')).toThrow();
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`)].join('\n');
    expect(() => parseLocalRoles(bomb)).toThrow(/more than 20000 nodes/);
  });
});
