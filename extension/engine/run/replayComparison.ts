import type { RunEvent } from '../../protocol/events';
import { foldEvents } from '../../protocol/reduce';

/** One agent's observable steps: what it was told by its model and what it did, in order. */
function steps(events: readonly RunEvent[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (agentId: string, step: string) => out.set(agentId, [...(out.get(agentId) ?? []), step]);
  for (const e of events) {
    switch (e.type) {
      case 'model/didRespond':
        add(e.agentId, `model: ${e.toolCalls.map((c) => c.name).join(', ') || 'text'}`);
        break;
      case 'tool/didCall':
        add(e.agentId, `tool ${e.tool}: ${e.ok ? 'ok' : 'failed'}`);
        break;
      case 'agent/didFinish':
        add(e.agentId, `finished: ${e.outcome.kind}`);
        break;
      case 'agent/didStart':
      case 'agent/didWarn':
      case 'checkpoint/didCommit':
      case 'conflict/didPredict':
      case 'conflict/didClear':
      case 'conflict/didDetect':
      case 'task/didWait':
      case 'escalation/didOpen':
      case 'escalation/didResolve':
      case 'effect/didAbandon':
      case 'effect/willApply':
      case 'finding/didReview':
      case 'lease/didCreate':
      case 'lease/didRemove':
      case 'mcp/didFail':
      case 'mcp/didRestart':
      case 'mcp/didStart':
      case 'merge/didMerge':
      case 'model/didFail':
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
      case 'tests/didFreeze':
      case 'verify/didCheck':
      case 'verify/didFinish':
        break;
    }
  }
  return out;
}

/** How each task ended and which escalations opened, read from the fold (the state every view shows). */
function outcomes(events: readonly RunEvent[]): string[] {
  const state = foldEvents(events);
  return [...state.tasks.map((t) => `${t.task.id} ${t.status}`), ...state.escalations.map((e) => `${e.escalationId} opened`)].sort();
}

export interface ReplayComparison {
  identical: boolean;
  agents: number;
  steps: number;
  /** The first difference, in words, when not identical. */
  difference: string | null;
}

/**
 * Whether a replay reproduced its recording: every agent took the same steps in the same order
 * (model answers, tool calls and their outcomes, how it ended), and the tasks ended the same way.
 * Timestamps, ids of effects and the interleaving of agents may differ: they run in parallel.
 */
export function compareReplay(recorded: readonly RunEvent[], replayed: readonly RunEvent[]): ReplayComparison {
  const a = steps(recorded);
  const b = steps(replayed);
  const total = [...a.values()].reduce((n, s) => n + s.length, 0);
  for (const agentId of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(agentId) ?? [];
    const y = b.get(agentId) ?? [];
    const i = x.findIndex((step, k) => step !== y[k]);
    const at = i >= 0 ? i : x.length !== y.length ? Math.min(x.length, y.length) : -1;
    if (at >= 0) {
      return { identical: false, agents: a.size, steps: total, difference: `${agentId}, step ${at + 1}: recorded "${x[at] ?? '(nothing)'}", replayed "${y[at] ?? '(nothing)'}"` };
    }
  }
  const o1 = outcomes(recorded).join('; ');
  const o2 = outcomes(replayed).join('; ');
  if (o1 !== o2) return { identical: false, agents: a.size, steps: total, difference: `task outcomes: recorded ${o1}; replayed ${o2}` };
  return { identical: true, agents: a.size, steps: total, difference: null };
}
