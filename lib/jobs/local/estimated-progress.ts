/**
 * Progress of one long query that cannot report its own (a validation scan is a single statement):
 * the time it has taken against an estimate from the rows and rules it covers. The share moves
 * every second, approaches the step's end without reaching it while the query runs, and the
 * message says the time so far and the estimate, so the bar never sits still and never lies about
 * being done.
 */
import type { RunContext } from './local-runner';

/** Cells (rows x (rules + 1)) a scan evaluates per millisecond, for the estimate; deliberately modest. */
export const SCAN_CELLS_PER_MS = 3_000;
/** Fixed cost of a scan (planning, reading the first block). */
export const SCAN_BASE_MS = 500;
/** The most of its step's share the estimate claims before the query ends. */
export const ESTIMATE_CAP = 0.95;

/** Estimated milliseconds of a scan of `rows` rows with `rules` rules (null rows: a default of 1,000,000). */
export function scanEstimateMs(rows: number | null, rules: number): number {
  const n = rows ?? 1_000_000;
  return Math.round(SCAN_BASE_MS + (Math.max(0, n) * (Math.max(0, rules) + 1)) / SCAN_CELLS_PER_MS);
}

/** Share of the work to show after `elapsedMs` of an estimated `estimateMs`: 63% at the estimate, then slower, never past the cap. */
export function estimatedFraction(elapsedMs: number, estimateMs: number): number {
  if (!(elapsedMs > 0)) return 0;
  return Math.min(ESTIMATE_CAP, 1 - Math.exp(-elapsedMs / Math.max(1, estimateMs)));
}

const seconds = (ms: number) => `${Math.max(1, Math.round(ms / 1000))} s`;

/** "12 s so far, about 20 s expected" / "40 s so far, longer than the 20 s expected" */
export function estimateText(elapsedMs: number, estimateMs: number): string {
  return elapsedMs <= estimateMs
    ? `${seconds(elapsedMs)} so far, about ${seconds(estimateMs)} expected`
    : `${seconds(elapsedMs)} so far, longer than the ${seconds(estimateMs)} expected`;
}

/**
 * Run `work` (the current step's one long query) and, every `everyMs` while it runs, report the
 * estimated share of the step and `label` with the time so far. A report that fails (the store is
 * busy, the run was cancelled) is left to the step itself, which sees the cancellation through its signal.
 */
export async function withEstimatedProgress<T>(
  ctx: Pick<RunContext, 'within'>,
  options: { estimateMs: number; label: string; everyMs?: number; now?: () => number },
  work: () => Promise<T>,
): Promise<T> {
  const now = options.now ?? Date.now;
  const start = now();
  let reporting = false;
  const timer = setInterval(() => {
    if (reporting) return;
    reporting = true;
    const elapsed = now() - start;
    ctx
      .within(estimatedFraction(elapsed, options.estimateMs), `${options.label} (${estimateText(elapsed, options.estimateMs)})`)
      .catch(() => undefined)
      .finally(() => {
        reporting = false;
      });
  }, options.everyMs ?? 1000);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
