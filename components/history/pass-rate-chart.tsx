import Link from 'next/link';

import { formatCount, formatRunRate, percentDecimals } from '@/components/runs/format';
import { LocalTime } from '@/components/runs/local-time';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';

import { percentRange, tickLabel, versionChanges } from './chart-scale';
import { ChartPointTitle, ChartTimeLabel } from './chart-time';

export interface PassRatePoint {
  run_id: string;
  finished_at: string;
  rule_set_version: number | null;
  /** 0..1 */
  pass_rate: number;
  /** The run left rules not evaluated: its pass rate covers the others only. */
  incomplete?: boolean;
  /** For a rule: rows evaluated and failing. */
  rows_evaluated?: number;
  failing_rows?: number;
}

const W = 640;
const H = 220;
const PAD = { top: 22, right: 16, bottom: 44, left: 56 };


/**
 * Pass rate per run over time, as a small SVG line chart (runs evenly spaced, oldest on the left,
 * labelled with the day and time they finished; the y axis zooms in near 100%), a dashed marker
 * where the version validated changes, a tooltip per run (time, pass rate, failing rows,
 * version), and the same numbers as a table, which also links every run. The drawing is hidden
 * from screen readers: the summary line and the table carry the data.
 */
export function PassRateChart({
  points,
  title,
  runHref,
}: {
  points: PassRatePoint[];
  title: string;
  runHref: (runId: string) => string;
}) {
  if (points.length === 0) {
    return <p className="text-muted-foreground text-sm">No finished validation run yet. Validate the table to start its history.</p>;
  }
  const range = percentRange(points.map((p) => p.pass_rate * 100));
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (points.length === 1 ? innerW / 2 : (i * innerW) / (points.length - 1));
  const y = (pct: number) => PAD.top + ((100 - Math.max(range.min, pct)) / (100 - range.min)) * innerH;
  const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(p.pass_rate * 100).toFixed(1)}`).join(' ');
  const last = points[points.length - 1]!;
  const lowest = points.reduce((a, b) => (b.pass_rate < a.pass_rate ? b : a));
  const labelEvery = Math.max(1, Math.ceil(points.length / 6));
  const decimals = percentDecimals(points.map((p) => p.pass_rate));
  const pctText = (rate: number, incomplete?: boolean) => formatRunRate(rate, incomplete ?? false, decimals);
  const markers = versionChanges(points.map((p) => p.rule_set_version));
  const minutes = points.map((p) => p.finished_at.slice(0, 16));
  const withSeconds = new Set(minutes).size < minutes.length;
  const versionText = (v: number | null) => (v !== null ? `version ${v}` : 'draft');

  return (
    <figure className="grid max-w-3xl gap-2">
      <figcaption className="text-sm">
        <span className="font-medium">{title}</span>
        <span className="text-muted-foreground">
          {' '}
          · {formatCount(points.length)} run{points.length === 1 ? '' : 's'}; latest {pctText(last.pass_rate, last.incomplete)}, lowest{' '}
          {pctText(lowest.pass_rate, lowest.incomplete)}
          {markers.length > 0 && `; the version changed ${markers.length === 1 ? 'once' : `${markers.length} times`} (dashed lines)`}.
          {points.some((p) => p.incomplete) && ' Hollow dashed points are incomplete runs (some rules not evaluated).'}
        </span>
      </figcaption>
      <div className="bg-card overflow-x-auto rounded-lg border p-2">
        <svg viewBox={`0 0 ${W} ${H}`} className="h-auto w-full min-w-[22rem]" aria-hidden="true" focusable="false">
          {range.ticks.map((t) => (
            <g key={t}>
              <line x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} className="stroke-border" strokeWidth={1} />
              <text x={PAD.left - 6} y={y(t)} dy="0.32em" textAnchor="end" className="fill-muted-foreground text-[11px]">
                {tickLabel(t)}
              </text>
            </g>
          ))}
          {markers.map((i) => (
            <g key={`v${i}`} data-testid="version-marker">
              <line x1={x(i)} x2={x(i)} y1={PAD.top - 4} y2={H - PAD.bottom} className="stroke-muted-foreground" strokeWidth={1} strokeDasharray="3 3" />
              <text x={x(i)} y={PAD.top - 8} textAnchor={i === points.length - 1 && points.length > 1 ? 'end' : 'middle'} className="fill-muted-foreground text-[10px]">
                {points[i]!.rule_set_version !== null ? `v${points[i]!.rule_set_version}` : 'draft'}
              </text>
            </g>
          ))}
          {points.map((p, i) =>
            i % labelEvery === 0 || i === points.length - 1 ? (
              <ChartTimeLabel
                key={p.run_id}
                iso={p.finished_at}
                withSeconds={withSeconds}
                x={x(i)}
                y={H - 26}
                anchor={points.length === 1 ? 'middle' : i === 0 ? 'start' : i === points.length - 1 ? 'end' : 'middle'}
              />
            ) : null,
          )}
          <path d={path} fill="none" className="stroke-primary" strokeWidth={2} strokeLinejoin="round" />
          {points.map((p, i) => (
            <g key={p.run_id} data-testid="chart-point">
              <circle
                cx={x(i)}
                cy={y(p.pass_rate * 100)}
                r={4}
                className={p.incomplete ? 'fill-background stroke-amber-600' : 'fill-background stroke-primary'}
                strokeDasharray={p.incomplete ? '2 2' : undefined}
                strokeWidth={2}
                data-incomplete={p.incomplete ? 'true' : undefined}
              />
              {/* a wider, invisible target so the tooltip is easy to reach */}
              <circle cx={x(i)} cy={y(p.pass_rate * 100)} r={12} fill="transparent">
                <ChartPointTitle
                  iso={p.finished_at}
                  lines={[
                    `Pass rate ${pctText(p.pass_rate, p.incomplete)}`,
                    ...(p.failing_rows !== undefined ? [`${formatCount(p.failing_rows)} failing of ${formatCount(p.rows_evaluated ?? null)} rows`] : []),
                    `Rules: ${versionText(p.rule_set_version)}`,
                  ]}
                />
              </circle>
            </g>
          ))}
        </svg>
      </div>
      <details className="text-sm">
        <summary className="cursor-pointer">Show the numbers as a table</summary>
        <div className="mt-2 max-h-80 overflow-auto rounded-md border">
          <Table aria-label={`${title}: pass rate per run`}>
            <TableHeader>
              <TableRow>
                <TableHead>Finished</TableHead>
                <TableHead>Rules</TableHead>
                <TableHead className="text-right">Pass rate</TableHead>
                {points.some((p) => p.failing_rows !== undefined) && <TableHead className="text-right">Failing rows</TableHead>}
                <TableHead>
                  <span className="sr-only">Open</span>
                </TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {[...points].reverse().map((p) => (
                <TableRow key={p.run_id}>
                  <TableCell className="text-xs">
                    <LocalTime iso={p.finished_at} />
                  </TableCell>
                  <TableCell className="text-xs">{versionText(p.rule_set_version)}</TableCell>
                  <TableCell className="text-right tabular-nums">{pctText(p.pass_rate, p.incomplete)}</TableCell>
                  {points.some((q) => q.failing_rows !== undefined) && (
                    <TableCell className="text-right tabular-nums">
                      {formatCount(p.failing_rows ?? null)} of {formatCount(p.rows_evaluated ?? null)}
                    </TableCell>
                  )}
                  <TableCell>
                    <Link className="text-primary text-xs underline" href={runHref(p.run_id)}>
                      Open in the Validator
                    </Link>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      </details>
    </figure>
  );
}
