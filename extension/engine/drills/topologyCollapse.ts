import type { RunEvent } from '../../protocol/events';
import { foldEvents } from '../../protocol/reduce';
import { verdict, type Drill } from './drill';
import { coordinator, eventsOf, PASS_VERDICT, planTask, reportBlocked, reportDone, taskStatuses, valueModule, valueSource, writeFile } from './drillScript';

/**
 * Failure mode 10: one task fails in a plan with a chain of dependents and an independent branch.
 * Only its descendants are blocked; the independent task is verified and merged.
 */
export const topologyCollapse: Drill<{ events: RunEvent[] }> = {
  mode: 10,
  name: 'topology collapse',
  expected: 'a failed task blocks only its descendants (child, grandchild); the independent task is verified and merged',
  exercise: (ctx) =>
    ctx.run({
      files: { ...valueModule('solo', 0, 5), 'src/root.js': valueSource(0), 'src/child.js': valueSource(0), 'src/grandchild.js': valueSource(0) },
      requirements: ['root', 'child', 'grandchild', 'solo'],
      scenario: {
        name: 'drill-10-topology-collapse',
        agents: [
          coordinator([
            planTask('root', 'R1', ['src/root.js'], null),
            planTask('child', 'R2', ['src/child.js'], null, ['root']),
            planTask('grandchild', 'R3', ['src/grandchild.js'], null, ['child']),
            planTask('solo', 'R4', ['src/solo.js'], 'test/solo.test.js'),
          ]),
          { match: { role: 'implementor', task: 'root' }, turns: [{ toolCalls: [reportBlocked('the root cannot be done')] }] },
          { match: { role: 'implementor', task: 'solo' }, turns: [{ toolCalls: [writeFile('src/solo.js', valueSource(5))] }, { toolCalls: [reportDone('solo is 5', ['src/solo.js'])] }] },
          { match: { role: 'implementor' }, turns: [{ toolCalls: [reportDone('never asked', [])] }] },
          { match: { role: 'verifier' }, turns: [{ content: PASS_VERDICT }] },
        ],
      },
    }),
  judge({ events }) {
    const state = foldEvents(events);
    const status = Object.fromEntries(state.tasks.map((t) => [t.task.id, t.status]));
    const blocked = eventsOf(events, 'task/didBlock').map((b) => b.taskId).sort();
    const startedDescendants = eventsOf(events, 'agent/didStart').filter((a) => a.taskId === 'child' || a.taskId === 'grandchild');
    const merged = eventsOf(events, 'merge/didMerge').map((m) => m.taskId);
    return verdict(`${taskStatuses(state)}; merged: ${merged.join(', ') || 'nothing'}; run ${state.status}`, {
      'the failed task failed': status.root === 'failed',
      'exactly its descendants are blocked': blocked.join() === 'child,grandchild',
      'no descendant started an agent': startedDescendants.length === 0,
      'the independent task merged': merged.includes('solo') && status.solo === 'merged',
    });
  },
};
