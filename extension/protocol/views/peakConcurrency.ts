import type { AgentState } from '../runState';

/**
 * The most agents of the given roles that ran at the same moment, and when: the evidence of true
 * parallelism. An agent still running counts until `now`.
 */
export function peakConcurrency(agents: readonly AgentState[], roles: readonly AgentState['role'][], now: number): { peak: number; at: number | null } {
  const edges: [number, number][] = [];
  for (const a of agents) {
    if (!roles.includes(a.role)) continue;
    edges.push([a.startedAt, 1], [a.endedAt ?? now, -1]);
  }
  // Ends before starts at the same instant: a hand-over is not an overlap.
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
