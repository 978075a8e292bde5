import type { RunEvent } from '../../protocol/events';
import type { AgentRole } from '../../protocol/usage';
import { peakOverlap } from '../../protocol/views/peakConcurrency';

export interface AgentInterval {
  agentId: string;
  taskId: string | null;
  start: number;
  end: number;
}

/** Each agent's active interval, from its journaled start and finish, for agents in one of `roles`. */
export function agentIntervals(events: readonly RunEvent[], roles: AgentRole | readonly AgentRole[]): AgentInterval[] {
  const wanted = typeof roles === 'string' ? [roles] : roles;
  const starts = new Map<string, RunEvent & { type: 'agent/didStart' }>();
  const out: AgentInterval[] = [];
  for (const e of events) {
    if (e.type === 'agent/didStart' && wanted.includes(e.role)) starts.set(e.agentId, e);
    if (e.type === 'agent/didFinish' && starts.has(e.agentId)) {
      const s = starts.get(e.agentId)!;
      out.push({ agentId: e.agentId, taskId: s.taskId ?? null, start: s.ts, end: e.ts });
    }
  }
  return out;
}

/** The largest number of intervals active at one instant (the dashboard's sweep: touching intervals do not overlap). */
export function maxOverlap(intervals: readonly AgentInterval[]): number {
  return peakOverlap(intervals).peak;
}
