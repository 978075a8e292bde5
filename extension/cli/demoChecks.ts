import type { RunEvent } from '../protocol/events';
import type { RunState } from '../protocol/runState';
import { agentIntervals, maxOverlap } from '../engine/run/agentIntervals';

export interface DemoCheck {
  name: string;
  ok: boolean;
  detail: string;
}

/** What the demo promises to show, checked against the journal rather than taken on trust. */
export function demoChecks(events: readonly RunEvent[], state: RunState): DemoCheck[] {
  // Agents working on tasks: test authors write tests while other tasks' implementors code.
  const working = agentIntervals(events, ['testAuthor', 'implementor']);
  const overlap = maxOverlap(working);
  const succeeded = events.find((e) => e.type === 'task/didSucceed' && e.taskId === 'fix-sum');
  const meanStart = events.find((e) => e.type === 'task/didStart' && e.taskId === 'add-mean');
  const f2p = events.filter((e): e is RunEvent & { type: 'verify/didCheck' } => e.type === 'verify/didCheck' && e.check.startsWith('failToPass'));
  const conflict = events.find((e) => e.type === 'conflict/didDetect');
  const escalation = events.find((e) => e.type === 'escalation/didOpen' && e.kind === 'conflict');
  const byAgent = events.find((e): e is RunEvent & { type: 'merge/didMerge' } => e.type === 'merge/didMerge' && e.tier === 'mergeAgent');
  const gateChecks = events.filter((e): e is RunEvent & { type: 'verify/didCheck' } => e.type === 'verify/didCheck' && e.check.startsWith('merge: '));
  const retried = events.find((e) => e.type === 'model/didFail' && e.willRetry && e.errorKind === 'rateLimited');
  const outsideScope = state.policyDecisions.filter((d) => d.action.kind === 'writeOutsideScope' && d.outcome === 'approved');
  return [
    { name: 'plan of at least 4 tasks', ok: state.tasks.length >= 4, detail: state.tasks.map((t) => t.task.id).join(', ') },
    { name: 'at least 3 agents (test authors, implementors) worked on tasks at once', ok: overlap >= 3, detail: `${overlap} agents active at the same time` },
    {
      name: 'add-mean waited for fix-sum',
      ok: !!succeeded && !!meanStart && meanStart.seq > succeeded.seq,
      detail: succeeded && meanStart ? `fix-sum verified at event ${succeeded.seq}, add-mean started at event ${meanStart.seq}` : 'missing events',
    },
    {
      name: 'fix-sum made a failing test pass (fail-to-pass)',
      ok: f2p.some((c) => c.taskId === 'fix-sum' && c.passed),
      detail: f2p.filter((c) => c.taskId === 'fix-sum').map((c) => c.detail).join('; ') || 'no fail-to-pass check',
    },
    {
      name: 'test authors wrote and froze the tests of add-multiply and add-divide before their implementors started',
      ok: ['add-multiply', 'add-divide'].every((id) => {
        const frozen = events.find((e) => e.type === 'tests/didFreeze' && e.taskId === id);
        const started = events.find((e) => e.type === 'task/didStart' && e.taskId === id);
        return !!frozen && !!started && frozen.seq < started.seq;
      }),
      detail: events.flatMap((e) => (e.type === 'tests/didFreeze' ? [`${e.taskId}: ${e.files.join(', ')} at ${e.commit.slice(0, 10)}`] : [])).join('; ') || 'no tests frozen',
    },
    {
      name: 'the conflict between add-multiply and add-divide was caught before merge and resolved by the merge agent, its tests passing on the merged files',
      ok:
        !!conflict &&
        conflict.type === 'conflict/didDetect' &&
        [...conflict.taskIds].sort().join() === 'add-divide,add-multiply' &&
        conflict.files.some((f) => f.path === 'src/index.js') &&
        !escalation &&
        !!byAgent &&
        gateChecks.length > 0 &&
        gateChecks.every((c) => c.passed),
      detail:
        conflict && conflict.type === 'conflict/didDetect'
          ? `${conflict.taskIds.join(' x ')} in ${conflict.files.map((f) => f.path).join(', ')}; ${byAgent ? `${byAgent.taskId} merged by the merge agent` : 'no merge agent merge'}; ${gateChecks.map((c) => `${c.check} ${c.passed ? 'passed' : 'FAILED'}`).join(', ')}`
          : 'no conflict',
    },
    {
      name: 'writes outside a task scope waited on an approval (answered by the demo)',
      ok: outsideScope.length > 0 && outsideScope.every((d) => d.escalationId !== null && d.by === 'demo'),
      detail: outsideScope.map((d) => `${d.escalationId}: ${d.agentId} ${d.action.kind === 'writeOutsideScope' ? d.action.path : ''}`).join('; ') || 'no approval',
    },
    { name: 'a 429 from the provider was retried', ok: !!retried, detail: retried && retried.type === 'model/didFail' ? `${retried.agentId}: ${retried.message}` : 'no retry' },
    {
      name: 'the run succeeded with every task merged (auto, merge agent), no person needed',
      ok: state.status === 'succeeded' && state.tasks.every((t) => t.status === 'merged'),
      detail: `${state.status}; ${state.tasks.map((t) => `${t.task.id} ${t.mergedBy ?? t.status}`).join(', ')}`,
    },
  ];
}
