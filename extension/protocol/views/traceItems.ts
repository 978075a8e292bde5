import type { EventOf, RunEvent } from '../events';
import type { AgentState, RunState } from '../runState';

interface Span {
  /** The seq of the event, as text: stable across renders and reloads. */
  key: string;
  /** Start and end, ms since epoch; equal for instants. */
  start: number;
  end: number;
}

/** One row of an agent's trace: a model call, a tool call, or a notable instant beside them. */
export type TraceItem =
  | (Span & { kind: 'model'; event: EventOf<'model/didRespond'> })
  | (Span & { kind: 'modelError'; event: EventOf<'model/didFail'> })
  | (Span & { kind: 'tool'; event: EventOf<'tool/didCall'> })
  | (Span & { kind: 'warning'; event: EventOf<'agent/didWarn'> })
  | (Span & { kind: 'checkpoint'; event: EventOf<'checkpoint/didCommit'> })
  | (Span & { kind: 'check'; event: EventOf<'verify/didCheck'> })
  | (Span & { kind: 'escalation'; event: EventOf<'escalation/didOpen'> | EventOf<'escalation/didResolve'> });

export type TraceKind = TraceItem['kind'];

/**
 * Trace items per agent id, each list sorted by start time. Model, tool, warning and checkpoint
 * events name their agent; verifier checks and escalations belong to the agent working on their
 * task at that moment.
 */
export function traceItemsByAgent(run: RunState, events: readonly RunEvent[]): Map<string, TraceItem[]> {
  const result = new Map<string, TraceItem[]>(run.agents.map((a) => [a.agentId, []]));
  const push = (agentId: string, item: TraceItem) => {
    const list = result.get(agentId);
    if (list) list.push(item);
  };
  const openEscalations = new Map<string, EventOf<'escalation/didOpen'>>();
  for (const event of events) {
    const key = String(event.seq);
    switch (event.type) {
      case 'model/didRespond':
        push(event.agentId, { kind: 'model', key, start: event.startedAt, end: event.startedAt + event.durationMs, event });
        break;
      case 'model/didFail':
        push(event.agentId, { kind: 'modelError', key, start: event.ts, end: event.ts, event });
        break;
      case 'tool/didCall':
        push(event.agentId, { kind: 'tool', key, start: event.startedAt, end: event.startedAt + event.durationMs, event });
        break;
      case 'agent/didWarn':
        push(event.agentId, { kind: 'warning', key, start: event.ts, end: event.ts, event });
        break;
      case 'checkpoint/didCommit':
        push(event.agentId, { kind: 'checkpoint', key, start: event.ts, end: event.ts, event });
        break;
      case 'verify/didCheck':
        for (const agent of activeOn(run.agents, [event.taskId], event.ts, 'verifier')) {
          push(agent.agentId, { kind: 'check', key, start: event.ts, end: event.ts, event });
        }
        break;
      case 'escalation/didOpen':
        openEscalations.set(event.escalationId, event);
        for (const agent of activeOn(run.agents, event.taskIds, event.ts)) {
          push(agent.agentId, { kind: 'escalation', key, start: event.ts, end: event.ts, event });
        }
        break;
      case 'escalation/didResolve': {
        const opened = openEscalations.get(event.escalationId);
        for (const agent of activeOn(run.agents, opened?.taskIds ?? [], event.ts)) {
          push(agent.agentId, { kind: 'escalation', key, start: event.ts, end: event.ts, event });
        }
        break;
      }
      case 'agent/didFinish':
      case 'agent/didStart':
      case 'conflict/didClear':
      case 'conflict/didDetect':
      case 'conflict/didPredict':
      case 'effect/didAbandon':
      case 'effect/willApply':
      case 'finding/didReview':
      case 'lease/didCreate':
      case 'lease/didRemove':
      case 'mcp/didFail':
      case 'mcp/didRestart':
      case 'mcp/didStart':
      case 'merge/didMerge':
      case 'plan/didAccept':
      case 'plan/didFailValidation':
      case 'policy/didDecide':
      case 'run/didFinish':
      case 'run/didResume':
      case 'run/didStart':
      case 'setup/didRun':
      case 'spec/didParse':
      case 'task/didBlock':
      case 'task/didFail':
      case 'task/didReport':
      case 'task/didStart':
      case 'task/didSucceed':
      case 'task/didWait':
      case 'tests/didFreeze':
      case 'verify/didFinish':
        break;
    }
  }
  for (const list of result.values()) list.sort((a, b) => a.start - b.start || Number(a.key) - Number(b.key));
  return result;
}

function activeOn(agents: readonly AgentState[], taskIds: readonly string[], ts: number, role?: AgentState['role']): AgentState[] {
  return agents.filter(
    (a) => a.taskId !== null && taskIds.includes(a.taskId) && (!role || a.role === role) && a.startedAt <= ts && (a.endedAt === null || ts <= a.endedAt),
  );
}

/** A one-line label for a trace item. */
export function traceLabel(item: TraceItem): string {
  switch (item.kind) {
    case 'model': {
      const calls = item.event.toolCalls.map((c) => c.name);
      return `chat ${item.event.model} · turn ${item.event.turn}${calls.length ? ` → ${calls.join(', ')}` : ''}`;
    }
    case 'modelError':
      return `chat failed · ${item.event.errorKind}${item.event.willRetry ? ' (retrying)' : ''}`;
    case 'tool':
      return `${item.event.tool}${item.event.server !== 'loom' ? ` (${item.event.server})` : ''}${item.event.ok ? '' : ' · failed'}`;
    case 'warning':
      return `${item.event.kind}: ${item.event.message}`;
    case 'checkpoint':
      return `checkpoint ${item.event.commit.slice(0, 7)} · turn ${item.event.turn}`;
    case 'check':
      return `${item.event.passed ? 'passed' : 'failed'} · ${item.event.check}`;
    case 'escalation':
      return item.event.type === 'escalation/didOpen'
        ? `escalation ${item.event.escalationId} (${item.event.kind}) opened`
        : `escalation ${item.event.escalationId} answered: ${item.event.choice}`;
  }
}
