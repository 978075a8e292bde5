import type { RunEvent } from '../../extension/protocol/events';
import { costUsd } from '../../extension/protocol/pricing';
import type { AgentRole } from '../../extension/protocol/usage';
import type { RunState } from '../../extension/protocol/runState';

export interface SpendPoint {
  /** Milliseconds since the run started. */
  t: number;
  /** Cumulative input + output tokens. */
  tokens: number;
  /** Cumulative cost in USD; null once any call of the agent had no price. */
  cost: number | null;
}

export interface AgentSpendSeries {
  agentId: string;
  role: AgentRole;
  model: string;
  points: SpendPoint[];
}

/**
 * Spend per agent over time, from `model/didRespond` events: one step per model call at the
 * moment its response arrived, starting from zero when the agent started. Agents in state order.
 */
export function spendByAgent(run: RunState, events: readonly RunEvent[]): AgentSpendSeries[] {
  const origin = run.startedAt ?? firstTs(events);
  const byAgent = new Map<string, AgentSpendSeries>();
  for (const agent of run.agents) {
    byAgent.set(agent.agentId, {
      agentId: agent.agentId,
      role: agent.role,
      model: agent.model,
      points: [{ t: Math.max(0, agent.startedAt - origin), tokens: 0, cost: 0 }],
    });
  }
  for (const event of events) {
    if (event.type !== 'model/didRespond') continue;
    const series = byAgent.get(event.agentId);
    if (!series) continue;
    const last = series.points[series.points.length - 1];
    const callCost = costUsd(event.model, event.usage);
    series.points.push({
      t: Math.max(last.t, event.startedAt + event.durationMs - origin),
      tokens: last.tokens + event.usage.inputTokens + event.usage.outputTokens,
      cost: last.cost === null || callCost === null ? null : last.cost + callCost,
    });
  }
  return [...byAgent.values()];
}

/** The time span of the run in ms since its start: to its end, or to its last event. */
export function runSpan(run: RunState, events: readonly RunEvent[]): number {
  const origin = run.startedAt ?? firstTs(events);
  let last = run.endedAt ?? origin;
  if (run.endedAt === null) {
    for (const e of events) last = Math.max(last, e.ts);
    for (const a of run.agents) last = Math.max(last, a.endedAt ?? a.startedAt);
  }
  return Math.max(0, last - origin);
}

function firstTs(events: readonly RunEvent[]): number {
  return events.length ? events[0].ts : 0;
}
