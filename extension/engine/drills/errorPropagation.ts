import type { RunEvent } from '../../protocol/events';
import { foldEvents } from '../../protocol/reduce';
import { verdict, type Drill } from './drill';
import { coordinator, eventsOf, PASS_VERDICT, planTask, reportDone, valueSource } from './drillScript';

/**
 * Failure mode 1: an implementor hands off a result whose claims (files changed, tests run) its
 * branch does not bear out. The claim check fails the handoff, and the dependent task never builds on it.
 */
export const errorPropagation: Drill<{ events: RunEvent[] }> = {
  mode: 1,
  name: 'error propagation',
  expected: 'the false handoff fails verification (error claim/mismatch); its dependent never starts and is blocked',
  exercise: (ctx) =>
    ctx.run({
      files: { 'src/claim.js': valueSource(0), 'src/after.js': valueSource(0) },
      requirements: ['claim', 'after claim'],
      scenario: {
        name: 'drill-1-error-propagation',
        agents: [
          coordinator([planTask('claim', 'R1', ['src/claim.js'], null), planTask('after-claim', 'R2', ['src/after.js'], null, ['claim'])]),
          // Changes nothing, yet claims a file changed and a test run, on both attempts.
          { match: { role: 'implementor', task: 'claim' }, turns: [{ toolCalls: [reportDone('claim.js now exports 42; its test passes', ['src/claim.js'], ['test/claim.test.js'])] }] },
          { match: { role: 'implementor', task: 'after-claim' }, turns: [{ toolCalls: [reportDone('built on claim', ['src/after.js'])] }] },
          { match: { role: 'verifier' }, turns: [{ content: PASS_VERDICT }] },
        ],
      },
    }),
  judge({ events }) {
    const verdicts = eventsOf(events, 'verify/didFinish').filter((v) => v.taskId === 'claim');
    const mismatches = verdicts.flatMap((v) => v.findings).filter((f) => f.rule === 'claim/mismatch');
    const errors = mismatches.filter((f) => f.severity === 'error');
    const blocked = eventsOf(events, 'task/didBlock').find((b) => b.taskId === 'after-claim');
    const dependentAgents = eventsOf(events, 'agent/didStart').filter((a) => a.taskId === 'after-claim');
    const tasks = foldEvents(events).tasks;
    const status = (id: string) => tasks.find((t) => t.task.id === id)?.status ?? 'absent';
    return verdict(
      `claim: verification ${verdicts.map((v) => (v.passed ? 'passed' : 'failed')).join(', then ') || 'never ran'} with ${errors.length} error and ${mismatches.length - errors.length} warning claim/mismatch findings, task ${status('claim')}; after-claim ${blocked ? `blocked by ${blocked.blockedBy.join(', ')}` : status('after-claim')}, ${dependentAgents.length} agents started`,
      {
        'the handoff failed verification with an error claim/mismatch': verdicts.length > 0 && verdicts.every((v) => !v.passed) && errors.length > 0,
        'the false claim never merged': status('claim') === 'failed',
        'the dependent is blocked by it': blocked?.blockedBy.includes('claim') === true,
        'no agent of the dependent started': dependentAgents.length === 0,
      },
    );
  },
};
