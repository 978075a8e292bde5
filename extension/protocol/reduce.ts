import type { RunEvent } from './events';
import { initialRunState, type AgentState, type RunState, type TaskState } from './runState';
import { addUsage } from './usage';

/**
 * The one fold of the journal. Pure: it returns a new state and never mutates its input,
 * so the host, the webview, the CLI report and replay all agree on what happened.
 */
export function reduce(state: RunState, event: RunEvent): RunState {
  const s: RunState = { ...state, lastSeq: event.seq };
  switch (event.type) {
    case 'run/didStart':
      return {
        ...s,
        runId: event.runId,
        status: 'planning',
        repo: event.repo,
        baseCommit: event.baseCommit,
        specPath: event.specPath,
        model: event.model,
        prices: event.settings?.prices ?? null,
        startedAt: event.ts,
      };
    case 'run/didResume':
      // Agents the dead process was running ended with it; their tasks continue from checkpoints.
      return {
        ...s,
        status: s.tasks.length ? 'running' : 'planning',
        endedAt: null,
        agents: s.agents.map((a) =>
          a.status === 'running' ? { ...a, status: 'finished', endedAt: event.ts, outcome: { kind: 'crashed', message: 'the run process ended while this agent ran', next: 'retry' } } : a,
        ),
      };
    case 'spec/didParse':
      return { ...s, requirements: event.requirements };
    case 'plan/didFailValidation':
      return { ...s, planErrors: [...s.planErrors, event.errors] };
    case 'plan/didAccept':
      return {
        ...s,
        status: 'running',
        tasks: event.plan.tasks.map(
          (task): TaskState => ({
            task,
            status: 'pending',
            attempts: 0,
            branch: null,
            headCommit: null,
            result: null,
            findings: [],
            reviews: [],
            checks: [],
            failureReason: null,
            mergedBy: null,
            waitingOn: null,
            startedAt: null,
            endedAt: null,
          }),
        ),
      };
    case 'task/didStart':
      return updateTask(s, event.taskId, (t) => ({
        ...t,
        status: 'running',
        waitingOn: null,
        attempts: event.attempt,
        startedAt: t.startedAt ?? event.ts,
      }));
    case 'lease/didCreate':
      return event.purpose === 'implement' && event.branch
        ? updateTask(s, event.taskId, (t) => ({ ...t, branch: event.branch }))
        : s;
    case 'lease/didRemove':
    case 'effect/willApply':
    case 'effect/didAbandon':
      return s;
    case 'agent/didStart': {
      const agent: AgentState = {
        agentId: event.agentId,
        role: event.role,
        taskId: event.taskId ?? null,
        status: 'running',
        model: event.model,
        threadId: event.threadId,
        budgetTokens: event.budgetTokens,
        usage: { inputTokens: 0, outputTokens: 0 },
        modelCalls: 0,
        toolCalls: 0,
        outcome: null,
        startedAt: event.ts,
        endedAt: null,
        mcpPids: [],
        attempt: event.attempt,
      };
      return { ...s, agents: [...s.agents.filter((a) => a.agentId !== event.agentId), agent] };
    }
    case 'mcp/didStart':
    case 'mcp/didRestart':
      return updateAgent(s, event.agentId, (a) => ({ ...a, mcpPids: [...a.mcpPids, event.pid] }));
    case 'mcp/didFail':
      return s;
    case 'model/didRespond':
      return updateAgent(s, event.agentId, (a) => ({
        ...a,
        modelCalls: a.modelCalls + 1,
        usage: addUsage(a.usage, event.usage),
      }));
    case 'model/didFail':
      return s;
    case 'tool/didCall':
      return updateAgent(s, event.agentId, (a) => ({ ...a, toolCalls: a.toolCalls + 1 }));
    case 'checkpoint/didCommit':
      return event.taskId ? updateTask(s, event.taskId, (t) => ({ ...t, headCommit: event.commit })) : s;
    case 'agent/didWarn':
      return s;
    case 'agent/didFinish':
      return updateAgent(s, event.agentId, (a) => ({ ...a, status: 'finished', outcome: event.outcome, endedAt: event.endedAt }));
    case 'task/didReport':
      return updateTask(s, event.taskId, (t) => ({ ...t, status: 'verifying', result: event.result, headCommit: event.headCommit }));
    case 'setup/didRun':
      return updateTask(s, event.taskId, (t) => ({
        ...t,
        checks: [...t.checks, { check: `setup (${event.purpose}): ${event.command}`, passed: event.passed, detail: `${event.passed ? 'ok' : `exit ${event.exitCode ?? 'killed'}`} in ${Math.round(event.durationMs / 100) / 10} s` }],
      }));
    case 'tests/didFreeze':
      return updateTask(s, event.taskId, (t) => ({
        ...t,
        checks: [...t.checks, { check: 'acceptance tests frozen', passed: true, detail: `${event.files.join(', ')} at ${event.commit.slice(0, 10)}` }],
      }));
    case 'verify/didCheck':
      return updateTask(s, event.taskId, (t) => ({
        ...t,
        checks: [...t.checks, { check: event.check, passed: event.passed, detail: event.detail }],
      }));
    case 'verify/didFinish':
      // New findings replace the old ones, and so do their reviews (indexes would no longer match).
      return updateTask(s, event.taskId, (t) => ({ ...t, findings: event.findings, reviews: [] }));
    case 'finding/didReview':
      return updateTask(s, event.taskId, (t) => ({
        ...t,
        reviews: [...t.reviews.filter((r) => r.index !== event.index), { index: event.index, decision: event.decision }],
      }));
    case 'task/didSucceed':
      return updateTask(s, event.taskId, (t) => ({ ...t, status: 'succeeded', headCommit: event.headCommit, endedAt: event.ts }));
    case 'task/didFail':
      return updateTask(s, event.taskId, (t) => ({ ...t, status: event.stopped ? 'stopped' : 'failed', failureReason: event.reason, endedAt: event.ts }));
    case 'task/didBlock':
      return updateTask(s, event.taskId, (t) => ({
        ...t,
        status: 'blocked',
        failureReason: `blocked by ${event.blockedBy.join(', ')}`,
        endedAt: event.ts,
      }));
    case 'conflict/didPredict':
      return { ...s, predictions: [...s.predictions.filter((p) => !samePair(p, event)), event] };
    case 'conflict/didClear':
      return { ...s, predictions: s.predictions.filter((p) => !samePair(p, event)) };
    case 'conflict/didDetect':
      return { ...s, conflicts: [...s.conflicts, event] };
    case 'merge/didMerge':
      return {
        ...updateTask(s, event.taskId, (t) => ({ ...t, status: 'merged', mergedBy: event.tier ?? 'auto', waitingOn: null })),
        // A merged task's predictions are settled.
        predictions: s.predictions.filter((p) => p.taskId !== event.taskId && p.otherTaskId !== event.taskId),
        integrationCommit: event.commit,
      };
    case 'task/didWait':
      return updateTask(s, event.taskId, (t) => ({ ...t, status: 'waiting', waitingOn: event.escalationId, failureReason: event.reason }));
    case 'escalation/didOpen': {
      const withEscalation = { ...s, escalations: [...s.escalations, { ...event, resolution: null }] };
      // A semantic conflict's tasks are merged already: the question is about the integration branch.
      if (event.kind !== 'conflict' || event.cause === 'semantic') return withEscalation;
      // The later task of a conflicting pair is the one left out of the integration branch.
      const held = event.taskIds[event.taskIds.length - 1];
      return updateTask(withEscalation, held, (t) => ({ ...t, status: 'conflicted' }));
    }
    case 'escalation/didResolve':
      return {
        ...s,
        escalations: s.escalations.map((e) => (e.escalationId === event.escalationId ? { ...e, resolution: event.choice } : e)),
      };
    case 'policy/didDecide':
      return { ...s, policyDecisions: [...s.policyDecisions, event] };
    case 'run/didFinish':
      return {
        ...s,
        status: event.status,
        integrationBranch: event.integrationBranch,
        integrationCommit: event.integrationCommit ?? s.integrationCommit,
        endedAt: event.ts,
      };
    default:
      return assertNever(event);
  }
}

export function foldEvents(events: readonly RunEvent[], upTo = Infinity, initial?: RunState): RunState {
  let state = initial ?? initialRunState();
  for (const event of events) {
    if (event.seq > upTo) break;
    state = reduce(state, event);
  }
  return state;
}

/** One prediction per unordered pair of branches. */
function samePair(a: { taskId: string; otherTaskId: string | null }, b: { taskId: string; otherTaskId: string | null }): boolean {
  return (a.taskId === b.taskId && a.otherTaskId === b.otherTaskId) || (a.taskId === b.otherTaskId && a.otherTaskId === b.taskId);
}

function updateTask(s: RunState, taskId: string, f: (t: TaskState) => TaskState): RunState {
  return { ...s, tasks: s.tasks.map((t) => (t.task.id === taskId ? f(t) : t)) };
}

function updateAgent(s: RunState, agentId: string, f: (a: AgentState) => AgentState): RunState {
  return { ...s, agents: s.agents.map((a) => (a.agentId === agentId ? f(a) : a)) };
}

export function assertNever(x: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(x)}`);
}
