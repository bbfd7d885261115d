import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { SaveRuleSetBody } from './rule-set-schemas';
import { cleanText, jsonProblem, MAX_JSON_DEPTH, queryInt } from './safe-input';

const nested = (depth: number): unknown => {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = { next: value };
  return value;
};

describe('cleanText', () => {
  const schema = cleanText(z.string().max(50), 'name');
  it.each([
    ['a NUL', 'a\u0000b', /NUL/],
    ['a lone high surrogate', 'a\ud800b', /lone surrogate/],
    ['a lone low surrogate at the end', 'ab\udc00', /lone surrogate/],
  ])('refuses %s', (_what, text, message) => {
    const parsed = schema.safeParse(text);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(message);
  });

  it('accepts real text, emoji (surrogate pairs) included', () => {
    expect(schema.parse('Ünïcødé 😀 ok')).toBe('Ünïcødé 😀 ok');
  });
});

describe('jsonProblem', () => {
  it('refuses nesting beyond the limit, at any depth, without a stack overflow', () => {
    expect(jsonProblem(nested(MAX_JSON_DEPTH))).toBeNull();
    expect(jsonProblem(nested(MAX_JSON_DEPTH + 1))?.message).toMatch(/nested too deeply/);
    expect(jsonProblem(nested(200_000))?.message).toMatch(/nested too deeply/);
  });

  it('names where a bad string or key is', () => {
    expect(jsonProblem({ check: { arguments: { column: 'a\u0000' } } })).toEqual({
      path: ['check', 'arguments', 'column'],
      message: expect.stringMatching(/NUL/),
    });
    expect(jsonProblem({ user_metadata: { ['k\ud800']: 1 } })?.path).toEqual(['user_metadata', 'k\ud800']);
  });

  it('refuses what is not plain JSON', () => {
    expect(jsonProblem({ n: 10n })?.message).toMatch(/bigint/);
    expect(jsonProblem({ m: new Map() })?.message).toMatch(/plain JSON/);
    expect(jsonProblem({ d: new Date() })?.message).toMatch(/plain JSON/);
    expect(jsonProblem([Number.NaN])?.message).toMatch(/finite/);
    expect(jsonProblem([1, 'x', null, true, { a: [] }])).toBeNull();
  });

  it('refuses values with too many parts', () => {
    expect(jsonProblem(new Array(300_000).fill(0))?.message).toMatch(/too large/);
  });
});

describe('queryInt', () => {
  const limit = queryInt('limit', 1, 1000);
  it.each(['1e3', '0x10', ' 1', '1 ', '1.0', '+1', '-1', '01', '', '1_000', '１'])('refuses %j', (text) => {
    expect(limit.safeParse(text).success).toBe(false);
  });
  it.each([
    ['1', 1],
    ['1000', 1000],
  ])('accepts %j', (text, value) => {
    expect(limit.parse(text)).toBe(value);
  });
  it('refuses numbers out of range', () => {
    expect(limit.safeParse('1001').success).toBe(false);
    expect(limit.safeParse('0').success).toBe(false);
  });
});

describe('the input schemas use them', () => {
  it('a 5,000-deep user_metadata is a 400-style issue, not a crash', () => {
    const rule = {
      criticality: 'error',
      check: { function: 'is_not_null', arguments: { column: 'a' } },
      user_metadata: nested(5000),
    };
    const parsed = SaveRuleSetBody.safeParse({ rules: [rule] });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/nested too deeply/);
  });

  it('metadata deeper than the limit is refused before anything stringifies it', () => {
    const parsed = SaveRuleSetBody.safeParse({
      rules: [],
      metadata: nested(100_000) as Record<string, unknown>,
    });
    expect(parsed.success).toBe(false);
  });
});
