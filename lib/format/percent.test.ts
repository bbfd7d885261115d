import { describe, expect, it } from 'vitest';

import { formatPercent, percentDecimals } from './percent';

describe('formatPercent', () => {
  it('writes two decimals by default, so figures side by side line up', () => {
    expect(formatPercent(0.993)).toBe('99.30%');
    expect(formatPercent(0.9954)).toBe('99.54%');
    expect(formatPercent(0.5)).toBe('50.00%');
    expect(formatPercent(1)).toBe('100.00%');
    expect(formatPercent(0)).toBe('0.00%');
    expect(formatPercent(null)).toBe('–');
    expect(formatPercent(Number.NaN)).toBe('–');
  });

  it('never rounds a failure to 100%, and tells 6 from 17 failing rows of a million', () => {
    const six = formatPercent(1 - 6 / 1_000_000);
    const seventeen = formatPercent(1 - 17 / 1_000_000);
    expect(six).toBe('99.9994%');
    expect(seventeen).toBe('99.998%');
    expect(six).not.toBe(seventeen);
    for (const failing of [1, 2, 5, 9, 10, 11, 49, 50, 99, 100, 101]) {
      for (const total of [1_000, 1_000_000, 10_000_000, 123_456_789]) {
        if (failing >= total) continue;
        expect(formatPercent(1 - failing / total), `${failing} of ${total}`).not.toMatch(/^100(\.0+)?%$/);
        expect(formatPercent(failing / total), `${failing} of ${total}`).not.toMatch(/^0(\.0+)?%$/);
      }
    }
    // a share too small for the most decimals still reads apart from 100% and 0%
    expect(formatPercent(1 - 1e-12)).toBe('99.999999%');
    expect(formatPercent(1e-12)).toBe('0.000001%');
  });

  it('gives figures shown together one number of decimals', () => {
    const rates = [0.993, 0.9954, 1 - 17 / 1_000_000, 1];
    const d = percentDecimals(rates);
    expect(d).toBe(3);
    expect(rates.map((r) => formatPercent(r, d))).toEqual(['99.300%', '99.540%', '99.998%', '100.000%']);
    expect(percentDecimals([0.5, null, undefined, 1, 0])).toBe(2);
  });
});
