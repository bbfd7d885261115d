import { formatPercent } from '@/lib/format/percent';

const W = 96;
const H = 24;
const PAD = 2;

/**
 * The pass rate of the last runs as a small inline line (oldest on the left), scaled to the range
 * of the points so small changes near 100 % show. For screen readers it is an image whose label
 * carries the figures: how many runs, the latest, the lowest and the highest.
 */
export function Sparkline({ rates, label }: { rates: number[]; label: string }) {
  if (rates.length === 0) return null;
  const min = Math.min(...rates);
  const max = Math.max(...rates);
  const span = max - min || 1;
  const x = (i: number) => (rates.length === 1 ? W / 2 : PAD + (i * (W - 2 * PAD)) / (rates.length - 1));
  const y = (r: number) => (max === min ? H / 2 : PAD + ((max - r) / span) * (H - 2 * PAD));
  const path = rates.map((r, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(r).toFixed(1)}`).join(' ');
  const last = rates[rates.length - 1]!;
  const summary =
    rates.length === 1
      ? `${label}: 1 run, ${formatPercent(last)}`
      : `${label}: last ${rates.length} runs, latest ${formatPercent(last)}, lowest ${formatPercent(min)}, highest ${formatPercent(max)}`;
  return (
    <svg role="img" aria-label={summary} viewBox={`0 0 ${W} ${H}`} width={W} height={H} className="shrink-0 overflow-visible">
      <title>{summary}</title>
      <path d={path} fill="none" className="stroke-primary" strokeWidth={1.5} strokeLinejoin="round" strokeLinecap="round" />
      <circle cx={x(rates.length - 1)} cy={y(last)} r={2.25} className="fill-primary" />
    </svg>
  );
}
