// Every benchmark prints its figures the same way: the figure, the baseline measured in the same run,
// their ratio, and the target beside it. A missed target sets the exit code, so `npm run bench`
// (test/bench/runAll.ts) fails when any benchmark misses.

export interface BenchFigure {
  /** What is measured, e.g. "wall / critical path, 8 tasks". */
  name: string;
  value: number;
  /** Unit of value and baseline: 'ms', 'MB', 'events/s', 'tokens', '×'… */
  unit: string;
  /** The bare baseline measured in the same process (what the ratio divides by). */
  baseline?: { value: number; name: string };
  /** The target, on the ratio to the baseline or on the value itself; absent: shown only. */
  target?: { on: 'ratio' | 'value'; atMost?: number; atLeast?: number };
}

export function figureRatio(figure: BenchFigure): number | null {
  return figure.baseline && figure.baseline.value !== 0 ? figure.value / figure.baseline.value : null;
}

/** Whether the figure meets its target (true when it has none). */
export function meetsTarget(figure: BenchFigure): boolean {
  const t = figure.target;
  if (!t) return true;
  const measured = t.on === 'ratio' ? figureRatio(figure) : figure.value;
  if (measured === null || !Number.isFinite(measured)) return false;
  return (t.atMost === undefined || measured <= t.atMost) && (t.atLeast === undefined || measured >= t.atLeast);
}

function num(value: number): string {
  const abs = Math.abs(value);
  return abs >= 100 ? Math.round(value).toLocaleString('en-US') : abs >= 10 ? value.toFixed(1) : value.toFixed(2);
}

function targetText(figure: BenchFigure): string {
  const t = figure.target;
  if (!t) return '';
  const unit = t.on === 'ratio' ? '×' : ` ${figure.unit}`;
  const parts = [t.atMost !== undefined ? `≤ ${num(t.atMost)}${unit}` : '', t.atLeast !== undefined ? `≥ ${num(t.atLeast)}${unit}` : ''].filter(Boolean);
  return `${parts.join(' and ')}${t.on === 'ratio' ? ' baseline' : ''}`;
}

/**
 * Prints the figures as a table (figure · value · baseline · ratio · target · verdict) under a title,
 * and sets process.exitCode = 1 when one misses its target. Returns the number missed.
 */
export function reportFigures(title: string, figures: readonly BenchFigure[]): number {
  console.log(`\n${title}`);
  const rows = figures.map((f) => {
    const ratio = figureRatio(f);
    return [
      f.name,
      `${num(f.value)} ${f.unit}`,
      f.baseline ? `${num(f.baseline.value)} ${f.unit} (${f.baseline.name})` : '',
      ratio === null ? '' : `×${ratio.toFixed(2)}`,
      targetText(f),
      f.target ? (meetsTarget(f) ? 'met' : 'MISSED') : '',
    ];
  });
  const header = ['figure', 'value', 'baseline', 'ratio', 'target', 'verdict'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  const missed = figures.filter((f) => !meetsTarget(f)).length;
  console.log(missed ? `${missed} target(s) MISSED` : 'all targets met');
  if (missed) process.exitCode = 1;
  return missed;
}
