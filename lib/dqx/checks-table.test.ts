import { describe, expect, it } from 'vitest';

import { checksTableRows, ChecksTableError } from './checks-table';
import { ruleSetFingerprint, storedRuleFingerprint } from './fingerprint';
import type { DqxCheck } from './model';

describe('checksTableRows (DQX table checks storage)', () => {
  const checks: DqxCheck[] = [
    { check: { function: 'is_not_null', arguments: { column: 'id' } } },
    {
      name: 'window',
      criticality: 'warn',
      check: { function: 'is_in_range', arguments: { column: 'd', min_limit: { __date__: '2024-01-31' }, max_limit: { __float__: '1e+16' }, nested: { b: [1, 'é'], a: null } } },
      user_metadata: { team: 'ops', weight: { __decimal__: '1.50' } },
      message_expr: "concat('d=', d)",
    },
    { check: { function: 'is_not_null', for_each_column: ['a', 'b'] }, filter: 'a > 0' },
  ];

  it('writes one row per check as saved, with DQX names, Python JSON text and both fingerprints', () => {
    const rows = checksTableRows(checks, 'main.sales.orders');
    expect(rows.map((r) => [r.name, r.criticality, r.check.for_each_column, r.filter])).toEqual([
      ['id_is_null', 'error', [], null],
      ['window', 'warn', [], null],
      [null, 'error', ['a', 'b'], 'a > 0'],
    ]);
    // key order kept, ", " and ": " separators, non-ASCII escaped, dates as text, floats as Python writes them
    expect(rows[1]!.check.arguments).toEqual({
      column: '"d"',
      min_limit: '"2024-01-31"',
      max_limit: '1e+16',
      nested: '{"b": [1, "\\u00e9"], "a": null}',
    });
    expect(rows[1]!.user_metadata).toEqual({ team: '"ops"', weight: '{"__decimal__": "1.50"}' });
    expect(rows[1]!.message_expr).toBe("concat('d=', d)");
    expect(rows[0]!.user_metadata).toBeNull();
    expect(rows.map((r) => r.rule_fingerprint)).toEqual(checks.map((c) => storedRuleFingerprint(c)));
    expect(new Set(rows.map((r) => r.rule_set_fingerprint))).toEqual(new Set([ruleSetFingerprint(checks)]));
    expect(new Set(rows.map((r) => r.run_config_name))).toEqual(new Set(['main.sales.orders']));
  });

  it('refuses column groups in for_each_column, which the table cannot hold, naming the check', () => {
    const grouped: DqxCheck[] = [checks[0]!, { name: 'pair_unique', check: { function: 'is_unique', for_each_column: [['a', 'b']] } }];
    expect(() => checksTableRows(grouped, 'main.sales.orders')).toThrow(ChecksTableError);
    expect(() => checksTableRows(grouped, 'main.sales.orders')).toThrow(/Check 2 \(pair_unique\)/);
  });
});
