import type { RunEvent } from '../events';
import { addUsage, type AgentRole } from '../usage';
import type { AgentState, RunState } from '../runState';
import { costOfAgent } from './spend';

export interface SpendPoint {
  /** Milliseconds since the run started. */
  t: number;
  /** Cumulative input + output tokens. */
  tokens: number;
  /** Cumulative cost in USD (costOfAgent of the usage so far); null when the agent's model has no price. */
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
  const byAgent = new Map<string, { agent: AgentState; usage: AgentState['usage']; series: AgentSpendSeries }>();
  for (const agent of run.agents) {
    byAgent.set(agent.agentId, {
      agent,
      usage: { inputTokens: 0, outputTokens: 0 },
      series: { agentId: agent.agentId, role: agent.role, model: agent.model, points: [{ t: Math.max(0, agent.startedAt - origin), tokens: 0, cost: 0 }] },
    });
  }
  for (const event of events) {
    if (event.type !== 'model/didRespond') continue;
    const entry = byAgent.get(event.agentId);
    if (!entry) continue;
    const { points } = entry.series;
    entry.usage = addUsage(entry.usage, event.usage);
    points.push({
      t: Math.max(points[points.length - 1].t, event.startedAt + event.durationMs - origin),
      tokens: entry.usage.inputTokens + entry.usage.outputTokens,
      cost: costOfAgent({ ...entry.agent, usage: entry.usage }, run.prices),
    });
  }
  return [...byAgent.values()].map((e) => e.series);
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
