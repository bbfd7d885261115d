import { describe, expect, it } from 'vitest';

import { elapsedMs, formatDuration, formatRate, isTerminal, plural, pollDelay } from './format';

describe('run formatting', () => {
  it('shows rates as percentages without rounding a failing run up to 100%', () => {
    expect(formatRate(1)).toBe('100%');
    expect(formatRate(0)).toBe('0%');
    expect(formatRate(0.5)).toBe('50%');
    expect(formatRate(0.99954)).toBe('99.95%');
    expect(formatRate(0.999999)).toBe('99.99%');
    expect(formatRate(0.0000001)).toBe('0.01%');
    expect(formatRate(null)).toBe('–');
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
