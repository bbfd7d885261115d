/**
 * Limits as a person would write them: rounded outward (a lower limit down, an upper limit up) to a
 * step of 1, 5, 10, 50, ... times a power of ten, chosen from the size of the value and the spread
 * of the data, so 216,384.17 becomes 250,000, -16.2 becomes -20 and 2017.4 (years) becomes 2017.
 */

/** The rounding step for `x` given the data's spread: half a power of ten, the smaller of the two. */
export function niceStep(x: number, spread: number): number {
  const of = (v: number) => (v > 0 ? 10 ** Math.floor(Math.log10(v)) / 2 : Infinity);
  const step = Math.min(of(Math.abs(x)), of(Math.abs(spread)));
  return Number.isFinite(step) ? step : 1;
}

/** Rounds away from float noise: 0.30000000000000004 -> 0.3. */
function clean(x: number): number {
  return Number.parseFloat(x.toPrecision(12));
}

/** x / step without float noise (0.30000000000000004 / 0.05 is 6, not 6.000000000000001). */
const ratio = (x: number, step: number) => Number.parseFloat((x / step).toPrecision(10));

export function niceFloor(x: number, spread: number, integral = false): number {
  if (x === 0) return 0;
  const step = niceStep(x, spread);
  const v = clean(Math.floor(ratio(x, step)) * step);
  return integral ? Math.floor(v) : v;
}

export function niceCeil(x: number, spread: number, integral = false): number {
  if (x === 0) return 0;
  const step = niceStep(x, spread);
  const v = clean(Math.ceil(ratio(x, step)) * step);
  return integral ? Math.ceil(v) : v;
}

/** A number for a rule argument: integers as integers, others without float noise. */
export function plainNumber(x: number): number {
  return Number.isInteger(x) ? x : clean(x);
}
