import { describe, expect, it } from 'vitest';

import { niceCeil, niceFloor } from './nice-numbers';

describe('limits as a person writes them', () => {
  it('rounds outward to 1, 5, 10, 50, ... steps of the value and the spread', () => {
    expect(niceCeil(216_384.17, 150_000)).toBe(250_000);
    expect(niceFloor(16_612.5, 150_000)).toBe(15_000);
    expect(niceFloor(-16.2, 50)).toBe(-20);
    expect(niceCeil(46.2, 50)).toBe(50);
    expect(niceFloor(2.74, 1.2)).toBe(2.5);
    expect(niceCeil(0.30000000000000004, 1)).toBe(0.3);
  });

  it('keeps the precision a narrow spread needs (years, coordinates)', () => {
    expect(niceFloor(2017.4, 6, true)).toBe(2017);
    expect(niceCeil(54.3, 6)).toBe(54.5);
  });

  it('never moves a limit inward', () => {
    for (const [x, spread] of [
      [123.456, 80],
      [-0.0123, 0.5],
      [987_654, 10],
      [7, 7],
    ] as const) {
      expect(niceFloor(x, spread)).toBeLessThanOrEqual(x);
      expect(niceCeil(x, spread)).toBeGreaterThanOrEqual(x);
    }
  });
});
