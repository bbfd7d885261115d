import { describe, expect, it } from 'vitest';

import { percentRange, tickLabel, versionChanges } from './chart-scale';

describe('pass-rate chart scale', () => {
  it('zooms in on rates close to 100%', () => {
    const r = percentRange([99.95, 99.2, 99.9]);
    expect(r.min).toBeLessThan(99.2);
    expect(r.min).toBeGreaterThanOrEqual(98.5);
    expect(r.ticks[r.ticks.length - 1]).toBe(100);
    expect(r.ticks.length).toBeLessThanOrEqual(6);
  });

  it('uses the whole range when rates are low', () => {
    const r = percentRange([12, 80]);
    expect(r.min).toBe(0);
    expect(r.ticks).toEqual([0, 25, 50, 75, 100]);
  });

  it('keeps room below a run that passed completely', () => {
    expect(percentRange([100]).min).toBe(99);
    expect(percentRange([]).min).toBe(0);
  });

  it('never puts the lowest rate on the axis itself', () => {
    const r = percentRange([99]);
    expect(r.min).toBeLessThan(99);
  });

  it('labels ticks as percentages', () => {
    expect(tickLabel(99.5)).toBe('99.5%');
    expect(tickLabel(100)).toBe('100%');
  });
});

describe('version markers', () => {
  it('marks each run whose version differs from the last saved version before it', () => {
    expect(versionChanges([1, 1, 2, 2, 3])).toEqual([2, 4]);
    expect(versionChanges([1, null, 1, null, 2])).toEqual([4]);
    expect(versionChanges([null, null, 1])).toEqual([]);
    expect(versionChanges([2, 1])).toEqual([1]);
    expect(versionChanges([])).toEqual([]);
  });
});
