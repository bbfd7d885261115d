/**
 * The one way the app writes a share (0 to 1) as a percentage, in pages, messages and reports.
 *
 * - Two decimals by default, always written out (99.30%, not 99.3%), so figures side by side line up.
 * - More decimals when two would hide a difference from 0% or 100%: a rate below 1 never reads
 *   100% and one above 0 never reads 0%. 6 failing rows of 1,000,000 read 99.9994%, 17 read 99.998%.
 * - Figures shown together (a column, a chart) share one number of decimals: `percentDecimals`
 *   of all of them, passed to each `formatPercent`.
 */

/** Decimals of an ordinary percentage. */
export const PERCENT_DECIMALS = 2;
/** The most decimals a percentage gets (a share of one row in 10^8 still reads apart from 0 or 100). */
export const PERCENT_DECIMALS_MAX = 6;

/** Decimals needed so that the smallest non-zero distance (in percentage points) still shows its first digit. */
function decimalsFor(points: number): number {
  if (!(points > 0)) return PERCENT_DECIMALS;
  return Math.min(PERCENT_DECIMALS_MAX, Math.max(PERCENT_DECIMALS, Math.ceil(-Math.log10(points) - 1e-9)));
}

/** The decimals that write every rate given apart from 0% and 100% (at least PERCENT_DECIMALS). */
export function percentDecimals(rates: Iterable<number | null | undefined>): number {
  let decimals = PERCENT_DECIMALS;
  for (const rate of rates) {
    if (rate === null || rate === undefined || !Number.isFinite(rate) || rate <= 0 || rate >= 1) continue;
    decimals = Math.max(decimals, decimalsFor(rate * 100), decimalsFor((1 - rate) * 100));
  }
  return decimals;
}

/** A share 0 to 1 as a percentage: `99.54%`, `100.00%`, `99.9994%`; `–` for no figure. */
export function formatPercent(rate: number | null | undefined, decimals?: number): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '–';
  const d = decimals ?? percentDecimals([rate]);
  const clamped = Math.min(1, Math.max(0, rate));
  const text = (clamped * 100).toFixed(d);
  const step = 10 ** -d;
  // past PERCENT_DECIMALS_MAX (or with fewer decimals asked for): the nearest figure that is not 100% or 0%
  if (clamped < 1 && Number(text) >= 100) return `${(100 - step).toFixed(d)}%`;
  if (clamped > 0 && Number(text) <= 0) return `${step.toFixed(d)}%`;
  return `${text}%`;
}
