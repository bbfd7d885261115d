import { describe, expect, it } from 'vitest';

import { changedFields } from './audit-change';

describe('changedFields', () => {
  it('lists the leaves that differ between before and after, as text', () => {
    expect(
      changedFields(
        { active_version: { version: 3, rule_set_fingerprint: 'aaa', rule_count: 2 } },
        { active_version: { version: 1, rule_set_fingerprint: 'bbb', rule_count: 2 } },
      ),
    ).toEqual([
      { path: 'active_version.version', before: '3', after: '1' },
      { path: 'active_version.rule_set_fingerprint', before: '"aaa"', after: '"bbb"' },
    ]);
  });

  it('shows fields that appear or disappear, and a first change from nothing', () => {
    expect(changedFields({ min_pass_rate: 0.9 }, { min_pass_rate: 0.9, webhook_url: 'https://hooks.example.com' })).toEqual([
      { path: 'webhook_url', before: '–', after: '"https://hooks.example.com"' },
    ]);
    expect(changedFields(null, { auto_publish: true })).toEqual([{ path: 'auto_publish', before: '–', after: 'true' }]);
    expect(changedFields({ a: 1 }, { a: 1 })).toEqual([]);
  });

  it('cuts long values and deep structures short', () => {
    const long = 'x'.repeat(500);
    const [field] = changedFields({ detail: long }, { detail: 'y' });
    expect(field!.before.length).toBe(200);
    expect(field!.before.endsWith('…')).toBe(true);
    const deep = changedFields({ a: { b: { c: { d: { e: 1 } } } } }, { a: { b: { c: { d: { e: 2 } } } } });
    expect(deep).toEqual([{ path: 'a.b.c.d', before: '{"e":1}', after: '{"e":2}' }]);
  });
});
