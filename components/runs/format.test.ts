import { describe, expect, it } from 'vitest';

import { defaultDryRunRows, dryRunChoices, dryRunScope, elapsedMs, formatDuration, formatRunRate, isTerminal, plural, pollDelay } from './format';

describe('run formatting', () => {
  it('marks the pass rate of a run that left rules not evaluated', () => {
    expect(formatRunRate(1, true)).toBe('100.00% (incomplete)');
    expect(formatRunRate(0.995, true)).toBe('99.50% (incomplete)');
    expect(formatRunRate(0.995, false)).toBe('99.50%');
    expect(formatRunRate(0.999994, true, 4)).toBe('99.9994% (incomplete)');
    expect(formatRunRate(null, true)).toBe('–');
  });

  it('shows durations in seconds, minutes and hours', () => {
    expect(formatDuration(4_400)).toBe('4 s');
    expect(formatDuration(65_000)).toBe('1 min 05 s');
    expect(formatDuration(2 * 3_600_000 + 3 * 60_000)).toBe('2 h 03 min');
    expect(formatDuration(-5)).toBe('under 1 s');
    expect(formatDuration(999)).toBe('under 1 s');
  });

  it('measures elapsed time from the start to the end, or to now while running', () => {
    const run = { created_at: '2025-01-01T00:00:00Z', started_at: '2025-01-01T00:00:10Z', finished_at: null };
    expect(elapsedMs(run, Date.parse('2025-01-01T00:00:15Z'))).toBe(5000);
    expect(elapsedMs({ ...run, finished_at: '2025-01-01T00:01:10Z' }, Date.parse('2030-01-01T00:00:00Z'))).toBe(60_000);
    expect(elapsedMs({ ...run, started_at: null }, Date.now())).toBeNull();
  });

  it('polls quickly at first and backs off to at most 5 s', () => {
    expect(pollDelay(0)).toBe(700);
    expect(pollDelay(1)).toBe(1050);
    expect(pollDelay(3)).toBeGreaterThan(pollDelay(2));
    expect(pollDelay(50)).toBe(5000);
  });

  it('knows which statuses are final', () => {
    expect(isTerminal('succeeded')).toBe(true);
    expect(isTerminal('cancelled')).toBe(true);
    expect(isTerminal('running')).toBe(false);
    expect(isTerminal('queued')).toBe(false);
  });

  it('pluralises counts', () => {
    expect(plural(1, 'rule')).toBe('1 rule');
    expect(plural(12000, 'row')).toBe('12,000 rows');
  });
});

describe('dry-run sizes', () => {
  it('offers only sizes smaller than the table, then the whole table, each asking for what it says', () => {
    expect(dryRunChoices(5_012)).toEqual([
      { rows: 1_000, label: 'first 1,000 rows' },
      { rows: 5_012, label: 'all 5,012 rows' },
    ]);
    expect(dryRunChoices(800)).toEqual([{ rows: 800, label: 'all 800 rows' }]);
    expect(dryRunChoices(1_000_000).map((c) => c.label)).toEqual([
      'first 1,000 rows',
      'first 10,000 rows',
      'first 100,000 rows',
    ]);
    expect(dryRunChoices(null).map((c) => c.rows)).toEqual([1_000, 10_000, 100_000]);
    expect(dryRunChoices(0)).toEqual([{ rows: 1, label: 'the whole table (it is empty)' }]);
  });

  it('preselects the largest choice up to 10,000 rows, which is always one of the choices', () => {
    expect(defaultDryRunRows(dryRunChoices(5_012))).toBe(5_012);
    expect(defaultDryRunRows(dryRunChoices(1_000_000))).toBe(10_000);
    expect(defaultDryRunRows(dryRunChoices(800))).toBe(800);
    expect(defaultDryRunRows(dryRunChoices(50_000))).toBe(10_000);
  });

  it('names what a finished dry run covered from its own figures', () => {
    expect(dryRunScope(1_000, 1_000, 5_012)).toBe('the first 1,000 rows');
    expect(dryRunScope(5_012, 5_012, 5_012)).toBe('all 5,012 rows');
    expect(dryRunScope(5_012, 10_000, null)).toBe('all 5,012 rows');
    expect(dryRunScope(10_000, 10_000, null)).toBe('the first 10,000 rows');
  });
});
