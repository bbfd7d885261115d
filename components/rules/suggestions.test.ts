import { describe, expect, it } from 'vitest';

import type { EditorIssue } from './rule-issues';
import { closest, editDistance, suggestionFor } from './suggestions';

const issue = (code: string, field: string): EditorIssue => ({
  severity: 'error',
  ruleIndex: 0,
  ruleKey: 'k',
  field,
  code,
  message: '',
  detail: '',
});

describe('did you mean', () => {
  it('measures typos, transpositions included', () => {
    expect(editDistance('is_not_nul', 'is_not_null')).toBe(1);
    expect(editDistance('clomun', 'column')).toBe(2);
    expect(editDistance('MAX_limit', 'max_limit')).toBe(0);
  });

  it('finds close names and names that contain the word, best first, and nothing for far ones', () => {
    expect(closest('is_not_nul', ['is_not_null', 'is_null', 'is_not_empty'])[0]).toBe('is_not_null');
    expect(closest('not_null', ['is_not_null', 'is_not_null_and_not_empty', 'is_unique'])).toEqual([
      'is_not_null',
      'is_not_null_and_not_empty',
    ]);
    expect(closest('zzz', ['is_not_null'])).toEqual([]);
  });

  it('suggests check functions from the catalog', () => {
    const rule = { check: { function: 'is_not_nul', arguments: { column: 'a' } } };
    const s = suggestionFor(issue('unknown_function', 'check.function'), rule, []);
    expect(s?.replacements[0]).toBe('is_not_null');
    expect(s?.target).toBe('value');
    expect(s?.message).toMatch(/^Did you mean 'is_not_null'/);
  });

  it('suggests the arguments the function takes and the rule does not have yet', () => {
    const rule = {
      check: { function: 'is_in_range', arguments: { column: 'a', min_limit: 1, max_limt: 2 } },
    };
    const s = suggestionFor(issue('unexpected_argument', 'check.arguments.max_limt'), rule, []);
    expect(s).toEqual({ replacements: ['max_limit'], target: 'key', message: "Did you mean 'max_limit'?" });
  });

  it('suggests columns of the table', () => {
    const rule = { check: { function: 'is_not_null', arguments: { column: 'balanse' } } };
    const s = suggestionFor(issue('unknown_column', 'check.arguments.column'), rule, [
      'account_id',
      'balance',
      'status',
    ]);
    expect(s?.replacements).toEqual(['balance']);
    expect(suggestionFor(issue('missing_argument', 'check.arguments.column'), rule, ['balance'])).toBeNull();
  });
});
