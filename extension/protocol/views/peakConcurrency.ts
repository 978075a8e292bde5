import type { AgentState } from '../runState';

/**
 * The most intervals open at one instant, and the first instant it happened. Ends sort before
 * starts at the same instant: a hand-over is not an overlap.
 */
export function peakOverlap(intervals: readonly { start: number; end: number }[]): { peak: number; at: number | null } {
  const edges: [number, number][] = [];
  for (const i of intervals) edges.push([i.start, 1], [i.end, -1]);
  edges.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let current = 0;
  let peak = 0;
  let at: number | null = null;
  for (const [t, d] of edges) {
    current += d;
    if (current > peak) {
      peak = current;
      at = t;
    }
  }
  return { peak, at };
}

/**
 * The most agents of the given roles that ran at the same moment, and when: the evidence of true
 * parallelism. An agent still running counts until `now`.
 */
export function peakConcurrency(agents: readonly AgentState[], roles: readonly AgentState['role'][], now: number): { peak: number; at: number | null } {
  return peakOverlap(agents.filter((a) => roles.includes(a.role)).map((a) => ({ start: a.startedAt, end: a.endedAt ?? now })));
}
