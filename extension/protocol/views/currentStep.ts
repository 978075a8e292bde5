import type { AgentState, RunState } from '../runState';
import { agentFailed } from './agentVerdict';
import type { TraceItem } from './traceItems';

/** What an agent is doing now (or how it ended), in a few words, from its trace. */
export function currentStep(agent: AgentState, items: readonly TraceItem[], run: RunState): string {
  if (agent.status === 'finished') {
    if (!agent.outcome) return 'Finished';
    if (agent.outcome.kind !== 'completed') return `${agent.outcome.kind}: ${agent.outcome.message}`;
    return agentFailed(agent) ? `Failed: ${agent.outcome.message}` : `Done: ${agent.outcome.message}`;
  }
  const waiting = run.escalations.find((e) => e.resolution === null && agent.taskId !== null && e.taskIds.includes(agent.taskId) && e.ts >= agent.startedAt);
  if (waiting) return `Waiting for a person (${waiting.escalationId}, ${waiting.kind})`;
  const last = items[items.length - 1];
  if (!last) return 'Starting';
  switch (last.kind) {
    case 'model': {
      const calls = last.event.toolCalls;
      if (calls.length === 0) return `Answered (turn ${last.event.turn})`;
      const done = new Set(items.filter((i) => i.kind === 'tool' && i.event.turn === last.event.turn).map((i) => (i.kind === 'tool' ? i.event.callId : '')));
      const pending = calls.filter((c) => !done.has(c.id));
      return pending.length ? `Calling ${pending.map((c) => c.name).join(', ')}` : `Thinking (turn ${last.event.turn + 1})`;
    }
    case 'tool':
      return `Thinking (turn ${last.event.turn + 1})`;
    case 'modelError':
      return last.event.willRetry ? `Retrying after ${last.event.errorKind}` : `Model failed: ${last.event.errorKind}`;
    case 'warning':
      return `Warned: ${last.event.kind}`;
    case 'checkpoint':
      return `Checkpointed ${last.event.commit.slice(0, 7)}`;
    case 'check':
      return `Checking: ${last.event.check}`;
    case 'escalation':
      return last.event.type === 'escalation/didResolve' ? `Resumed after ${last.event.escalationId}` : `Waiting for a person (${last.event.escalationId})`;
  }
}
