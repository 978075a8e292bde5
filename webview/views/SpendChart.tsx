import { formatUsd } from '../../extension/protocol/pricing';
import { memo, useRef, useState } from 'react';
import { formatOffset, formatTokens } from '../format';
import type { AgentSpendSeries } from '../../extension/protocol/views/spendSeries';
import { useElementWidth } from './useElementWidth';

/** Theme chart colours, cycled; a series past the sixth is dashed so it stays distinguishable. */
export const SERIES_TONES = ['blue', 'green', 'orange', 'purple', 'red', 'yellow'] as const;

const HEIGHT = 260;
const PAD = { top: 12, right: 16, bottom: 28, left: 56 };

/** Cumulative tokens or cost per agent over the run, as step lines: no chart library needed. */
export const SpendChart = memo(function SpendChart({ series, metric, spanMs }: { series: readonly AgentSpendSeries[]; metric: 'tokens' | 'cost'; spanMs: number }) {
  const ref = useRef<HTMLDivElement>(null);
  const width = useElementWidth(ref);
  const [hovered, setHovered] = useState<string | null>(null);
  const value = (p: AgentSpendSeries['points'][number]) => (metric === 'tokens' ? p.tokens : (p.cost ?? 0));
  const shown = series.filter((s) => s.points.length > 1 && (metric === 'tokens' || s.points[s.points.length - 1].cost !== null));
  const hidden = series.filter((s) => s.points.length > 1 && !shown.includes(s));
  const maxY = niceMax(Math.max(0, ...shown.map((s) => value(s.points[s.points.length - 1]))), metric);
  const maxX = Math.max(1000, spanMs);
  const plotW = Math.max(100, width - PAD.left - PAD.right);
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const x = (t: number) => PAD.left + (t / maxX) * plotW;
  const y = (v: number) => PAD.top + plotH - (v / maxY) * plotH;
  const format = (v: number) => (metric === 'tokens' ? formatTokens(v) : formatUsd(v));
  const intervals = tickIntervals(maxY);
  const yTicks = Array.from({ length: intervals + 1 }, (_, k) => (k / intervals) * maxY);
  const xTicks = timeTicks(maxX, plotW);

  return (
    <div className="spend-chart" ref={ref}>
      <svg width={width} height={HEIGHT} role="img" aria-label={`Cumulative ${metric} per agent over time`}>
        {yTicks.map((v) => (
          <g key={v}>
            <line className="grid-line" x1={PAD.left} x2={PAD.left + plotW} y1={y(v)} y2={y(v)} />
            <text className="axis-label" x={PAD.left - 8} y={y(v) + 4} textAnchor="end">
              {format(v)}
            </text>
          </g>
        ))}
        {xTicks.map((t) => (
          <text key={t} className="axis-label" x={x(t)} y={HEIGHT - 8} textAnchor="middle">
            {formatOffset(t)}
          </text>
        ))}
        <line className="axis-line" x1={PAD.left} x2={PAD.left + plotW} y1={y(0)} y2={y(0)} />
        {shown.map((s) => {
          const i = series.indexOf(s);
          const tone = SERIES_TONES[i % SERIES_TONES.length];
          const dashed = i >= SERIES_TONES.length;
          const d = stepPath(s.points, (p) => x(p.t), (p) => y(value(p)));
          const last = s.points[s.points.length - 1];
          const dim = hovered !== null && hovered !== s.agentId;
          return (
            <g key={s.agentId} className={`series tone-${tone}${dashed ? ' dashed' : ''}${dim ? ' dim' : ''}`} data-agent={s.agentId}>
              <path className="series-line" d={d} />
              <circle className="series-end" cx={x(last.t)} cy={y(value(last))} r={3}>
                <title>{`${s.agentId}: ${format(value(last))}`}</title>
              </circle>
            </g>
          );
        })}
      </svg>
      <ul className="legend-list">
        {series.map((s, i) => (
          <li
            key={s.agentId}
            className={`legend-item tone-${SERIES_TONES[i % SERIES_TONES.length]}${i >= SERIES_TONES.length ? ' dashed' : ''}${hidden.includes(s) ? ' unpriced' : ''}`}
            onMouseEnter={() => setHovered(s.agentId)}
            onMouseLeave={() => setHovered(null)}
            title={hidden.includes(s) ? `${s.model} has no price` : s.model}
          >
            <span className="legend-swatch" aria-hidden="true" />
            {s.agentId}
          </li>
        ))}
      </ul>
      {hidden.length > 0 && <p className="muted chart-note">Not drawn: {hidden.map((s) => `${s.agentId} (${s.model}, no price)`).join(', ')}.</p>}
    </div>
  );
});

/** Pixels between two corners of a line at least: a long run makes far more calls than the chart has room for. */
const CORNER_PX = 3;

/** The step line through the points, one corner per CORNER_PX columns at most (the last point of each). */
function stepPath<P>(points: readonly P[], px: (p: P) => number, py: (p: P) => number): string {
  const parts: string[] = [];
  for (let k = 0; k < points.length; k++) {
    const at = px(points[k]);
    if (k > 0 && k < points.length - 1 && Math.floor(px(points[k + 1]) / CORNER_PX) === Math.floor(at / CORNER_PX)) continue;
    parts.push(k === 0 ? `M ${at.toFixed(1)} ${py(points[k]).toFixed(1)}` : `H ${at.toFixed(1)} V ${py(points[k]).toFixed(1)}`);
  }
  return parts.join(' ');
}

function niceMax(v: number, metric: 'tokens' | 'cost'): number {
  if (v <= 0) return metric === 'tokens' ? 1000 : 0.01;
  const exp = Math.pow(10, Math.floor(Math.log10(v)));
  const steps = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10];
  for (const s of steps) if (v <= s * exp) return s * exp;
  return 10 * exp;
}

/** How many intervals split a nice maximum into round steps (50k → 5 × 10k, 1.5 → 3 × 0.5). */
function tickIntervals(max: number): number {
  const mantissa = Math.round((max / Math.pow(10, Math.floor(Math.log10(max)))) * 10) / 10;
  const table: Record<string, number> = { '1': 5, '1.2': 6, '1.5': 3, '2': 4, '2.5': 5, '3': 3, '4': 4, '5': 5, '6': 3, '8': 4, '10': 5 };
  return table[String(mantissa)] ?? 4;
}

function timeTicks(maxMs: number, plotW: number): number[] {
  const count = Math.max(2, Math.min(10, Math.floor(plotW / 80)));
  const candidates = [5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600].map((s) => s * 1000);
  const step = candidates.find((c) => maxMs / c <= count) ?? candidates[candidates.length - 1];
  const ticks: number[] = [];
  for (let t = 0; t <= maxMs; t += step) ticks.push(t);
  return ticks;
}
