/**
 * Formatting and timing helpers of the run views: durations, percentages, counts, and the
 * polling schedule. Pure functions (tested in format.test.ts).
 */

import { formatPercent } from '@/lib/format/percent';

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export const TERMINAL_STATUSES: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled'];

/** Runs per page in the lists of runs. */
export const RUNS_PAGE_SIZE = 10;

export const isTerminal = (status: string): boolean => (TERMINAL_STATUSES as readonly string[]).includes(status);

const NUMBER = new Intl.NumberFormat('en-US');

/** 12,345 */
export const formatCount = (n: number | null | undefined): string => (n === null || n === undefined ? '–' : NUMBER.format(n));

/** Percentages: the app's one helper (lib/format/percent.ts). */
export { formatPercent, percentDecimals } from '@/lib/format/percent';

/**
 * A run's pass rate, marked when the run left rules not evaluated: "99.50% (incomplete)".
 * `decimals`: those of the figures shown beside it (percentDecimals), as for formatPercent.
 */
export function formatRunRate(rate: number | null | undefined, incomplete: boolean, decimals?: number): string {
  const text = formatPercent(rate, decimals);
  return incomplete && text !== '–' ? `${text} (incomplete)` : text;
}

/** Elapsed time as people read it: under 1 s, 4 s, 1 min 05 s, 2 h 03 min. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) ms = 0;
  if (ms < 1000) return 'under 1 s';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${String(m % 60).padStart(2, '0')} min`;
}

/** Time spent by a run so far (or in total, once finished); null before it started. */
export function elapsedMs(
  run: { started_at: string | null; finished_at: string | null; created_at: string },
  now: number,
): number | null {
  const start = run.started_at ?? null;
  if (!start) return null;
  const end = run.finished_at ? Date.parse(run.finished_at) : now;
  return Math.max(0, end - Date.parse(start));
}

/**
 * How long to wait before the next poll of a run: quick at first (runs in local mode take
 * seconds), then slower while nothing changes, up to 5 s. `attempt` counts polls since the run last
 * changed (or failed to answer).
 */
export function pollDelay(attempt: number): number {
  const base = 700 * Math.pow(1.5, Math.max(0, attempt));
  return Math.round(Math.min(5000, base));
}

/** `1 rule`, `2 rules` */
export const plural = (n: number, word: string, many = `${word}s`) => `${formatCount(n)} ${n === 1 ? word : many}`;

/** The dry-run sizes offered (the first N rows of the table in key order). */
export const DRY_RUN_SIZES = [1_000, 10_000, 100_000] as const;

export interface DryRunChoice {
  /** Rows the dry run is asked to validate. */
  rows: number;
  /** What the choice says, and what the run then validates: "first 1,000 rows" or "all 5,012 rows". */
  label: string;
}

/**
 * The dry-run choices for a table of `tableRows` rows (null: unknown): each offered size smaller
 * than the table, then the whole table when it is not larger than the largest size. Each choice
 * asks for exactly the rows its label names, so the label, the run and what is recorded agree.
 */
export function dryRunChoices(tableRows: number | null): DryRunChoice[] {
  const first = (n: number) => ({ rows: n, label: `first ${formatCount(n)} rows` });
  if (tableRows === null) return DRY_RUN_SIZES.map(first);
  const choices = DRY_RUN_SIZES.filter((n) => n < tableRows).map(first);
  const largest = DRY_RUN_SIZES[DRY_RUN_SIZES.length - 1]!;
  if (tableRows <= largest) {
    choices.push(
      tableRows === 0
        ? { rows: 1, label: 'the whole table (it is empty)' }
        : { rows: tableRows, label: `all ${plural(tableRows, 'row')}` },
    );
  }
  return choices;
}

/** The choice preselected: the largest that is at most 10,000 rows. */
export function defaultDryRunRows(choices: readonly DryRunChoice[]): number {
  const fitting = choices.filter((c) => c.rows <= 10_000);
  return (fitting[fitting.length - 1] ?? choices[0])?.rows ?? DRY_RUN_SIZES[0];
}

/**
 * What a finished dry run validated, from its own figures: "all 5,012 rows" when it covered the
 * whole table (it read fewer rows than asked, or as many as the table has), else "the first 1,000 rows".
 */
export function dryRunScope(
  validatedRows: number,
  askedRows: number | null,
  tableRows: number | null,
): string {
  const whole =
    (askedRows !== null && validatedRows < askedRows) || (tableRows !== null && validatedRows >= tableRows);
  return whole ? `all ${plural(validatedRows, 'row')}` : `the first ${plural(validatedRows, 'row')}`;
}
