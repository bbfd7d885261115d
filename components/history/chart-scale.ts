/**
 * The y range of a pass-rate chart: pass rates cluster near 100%, so the axis starts at a round
 * value just below the lowest rate instead of at 0 (a 99.2% and a 99.9% run must look different).
 */
const STEPS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 25];

export interface PercentRange {
  /** Lowest value of the axis, in percent. */
  min: number;
  max: 100;
  /** Gridline values, in percent, lowest first. */
  ticks: number[];
}

export function percentRange(ratesPct: number[]): PercentRange {
  const lowest = ratesPct.length ? Math.max(0, Math.min(...ratesPct)) : 0;
  if (lowest >= 100) return { min: 99, max: 100, ticks: [99, 99.25, 99.5, 99.75, 100] };
  const span = 100 - lowest;
  const step = STEPS.find((s) => span / s <= 4) ?? 25;
  let min = Math.floor(lowest / step) * step;
  if (min === lowest) min -= step;
  min = Math.max(0, Math.round(min * 1000) / 1000);
  const ticks: number[] = [];
  for (let t = min; t <= 100 + 1e-9; t += step) ticks.push(Math.round(t * 1000) / 1000);
  if (ticks[ticks.length - 1] !== 100) ticks.push(100);
  return { min, max: 100, ticks };
}

/** Axis label: 99.5%, 100%, 0.05% */
export const tickLabel = (pct: number) => `${Number(pct.toFixed(2))}%`;

/**
 * Indexes of the points where the version validated differs from the one before (the first point
 * is no change). Draft runs (null) are skipped: a draft between two runs of version 2 is no change,
 * and the first saved version after drafts is compared with the last saved one before them.
 */
export function versionChanges(versions: readonly (number | null)[]): number[] {
  const out: number[] = [];
  let previous: number | null = null;
  versions.forEach((v, i) => {
    if (v === null) return;
    if (previous !== null && v !== previous) out.push(i);
    previous = v;
  });
  return out;
}
