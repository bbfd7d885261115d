import { describe, expect, it } from 'vitest';

import { summaryText } from './summary-text';

describe('summaryText', () => {
  it('counts the statuses that have tables, worst first', () => {
    expect(summaryText({ breach: 2, overdue: 1, failed: 0, no_run: 0, ok: 5, total: 8 })).toBe('2 tables breaching, 1 overdue, 5 OK');
    expect(summaryText({ breach: 0, overdue: 0, failed: 1, no_run: 2, ok: 0, total: 3 })).toBe('1 table with a failed run, 2 not run yet');
    expect(summaryText({ breach: 0, overdue: 0, failed: 0, no_run: 0, ok: 1, total: 1 })).toBe('1 table OK');
    expect(summaryText({ breach: 0, overdue: 0, failed: 0, no_run: 0, ok: 0, total: 0 })).toBe('no table monitored');
  });
});
