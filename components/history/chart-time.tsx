'use client';

/**
 * The times of the pass-rate chart in the reader's own time zone: an x-axis label (day, then time
 * of day on a second line) and a point's tooltip. The server renders them in its zone and the
 * browser re-renders them in the reader's (as LocalTime does).
 */

const DAY: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short' };
const TIME: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit' };
const FULL: Intl.DateTimeFormatOptions = { ...DAY, year: 'numeric', ...TIME };

const valid = (iso: string) => !Number.isNaN(new Date(iso).getTime());

/** `withSeconds` when runs of the chart finished within the same minute, so that their labels differ. */
export function ChartTimeLabel({
  iso,
  x,
  y,
  anchor,
  withSeconds = false,
}: {
  iso: string;
  x: number;
  y: number;
  anchor: 'start' | 'middle' | 'end';
  withSeconds?: boolean;
}) {
  const date = new Date(iso);
  return (
    <text x={x} y={y} textAnchor={anchor} className="fill-muted-foreground text-[11px]" data-testid="chart-time" suppressHydrationWarning>
      <tspan x={x} suppressHydrationWarning>
        {valid(iso) ? date.toLocaleDateString('en-GB', DAY) : iso}
      </tspan>
      <tspan x={x} dy="1.2em" suppressHydrationWarning>
        {valid(iso) ? date.toLocaleTimeString('en-GB', withSeconds ? { ...TIME, second: '2-digit' } : TIME) : ''}
      </tspan>
    </text>
  );
}

/** A point's tooltip: when, then the lines given (pass rate, failing rows, version). */
export function ChartPointTitle({ iso, lines }: { iso: string; lines: string[] }) {
  const when = valid(iso) ? new Date(iso).toLocaleString('en-GB', FULL) : iso;
  return <title suppressHydrationWarning>{[when, ...lines].join('\n')}</title>;
}
