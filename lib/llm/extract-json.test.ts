import { describe, expect, it } from 'vitest';

import { extractJsonArray, extractJsonObject } from './extract-json';

describe('extractJsonArray', () => {
  it('reads a fenced block inside prose', () => {
    expect(extractJsonArray('Sure!\n```json\n[{"a": 1}]\n```\nDone.')).toEqual([{ a: 1 }]);
  });

  it('reads a bare array after text, skipping brackets that are not JSON', () => {
    expect(extractJsonArray('Use [this] format: [1, "x]", {"k": [2]}] ok')).toEqual([1, 'x]', { k: [2] }]);
  });

  it('returns undefined when there is no array', () => {
    expect(extractJsonArray('no rules today')).toBeUndefined();
    expect(extractJsonArray('[1, 2')).toBeUndefined();
  });
});

describe('extractJsonObject', () => {
  it('reads the first object, with braces inside strings', () => {
    expect(extractJsonObject('Result: {"summary": "a {b} c", "n": 2} trailing }')).toEqual({ summary: 'a {b} c', n: 2 });
  });
});
