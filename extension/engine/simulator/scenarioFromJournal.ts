import type { RunEvent } from '../../protocol/events';
import type { Fault, ScenarioInput, Turn } from './scenarioSchema';

/** The fault that makes a client see the same error kind again (the journal keeps kinds, not wire details). */
function faultFor(event: RunEvent & { type: 'model/didFail' }): Fault | null {
  switch (event.errorKind) {
    case 'rateLimited':
      return { kind: 'rateLimit', retryAfterMs: Math.max(0, Math.round(event.retryAfterMs ?? 0)) };
    case 'server':
      return { kind: 'server', status: 500 };
    case 'malformed':
      return { kind: 'malformedStream' };
    case 'network':
      return { kind: 'truncatedStream', afterChunks: 1 };
    case 'timeout':
      return { kind: 'hang' };
    default:
      // budget and cancellation never reached the endpoint; auth and bad requests end the agent the same way a 500 would not.
      return null;
  }
}

/**
 * A simulator scenario that answers every agent of a recorded run exactly as its model did
 * (failure mode 2): each agent id gets, in order, its journaled responses (content, tool calls with
 * their ids and raw arguments, usage, finish reason) and the provider faults it met. Replaying it
 * with `loom run --simulate` re-executes the run with no model calls.
 */
export function scenarioFromJournal(events: readonly RunEvent[], name: string): ScenarioInput {
  const turns = new Map<string, Turn[]>();
  const push = (agentId: string, turn: Turn) => turns.set(agentId, [...(turns.get(agentId) ?? []), turn]);
  let model = 'loom-sim-1';
  for (const e of events) {
    if (e.type === 'run/didStart') model = e.model;
    if (e.type === 'model/didRespond') {
      push(e.agentId, {
        latencyMs: 0,
        ...(e.content !== null ? { content: e.content } : {}),
        ...(e.toolCalls.length ? { toolCalls: e.toolCalls.map((c) => ({ id: c.id, name: c.name, arguments: c.arguments })) } : {}),
        ...(e.content === null && !e.toolCalls.length ? { content: '' } : {}),
        finishReason: e.finishReason,
        usage: e.usage,
      });
    }
    if (e.type === 'model/didFail') {
      const fault = faultFor(e);
      if (fault) push(e.agentId, { fault });
    }
  }
  return {
    name,
    description: `replay of ${name}: every agent answered as its model answered in the journal`,
    model,
    defaultLatencyMs: 0,
    agents: [...turns].map(([agent, agentTurns]) => ({ match: { agent }, turns: agentTurns })),
  };
}
