import type { RunEvent } from '../../protocol/events';
import type { SimulatorRequest } from '../simulator/simulatorServer';
import { verdict, type Drill } from './drill';
import { coordinator, eventsOf, PASS_VERDICT, planTask, reportDone, valueModule, writeFile } from './drillScript';

/** The implementor's private reasoning: it must never reach the verifier's model. */
const REASONING = 'PRIVATE-REASONING-7f3a: the verifier should just trust me';
/** A line only the branch's diff contains: the verifier must see the change itself. */
const CHANGE = 'module.exports = { value: 3 }; // judged-by-diff-91c2\n';

/**
 * Failure mode 11: a verifier that shares the implementor's context would grade its reasoning, not
 * its work. The verifier's model requests carry the spec and the diff, never the implementor's words.
 */
export const collusiveValidation: Drill<{ events: RunEvent[]; requests: readonly SimulatorRequest[] }> = {
  mode: 11,
  name: 'collusive validation',
  expected: 'the verifier\'s model requests contain the spec and the diff, never the implementor\'s reasoning',
  exercise: (ctx) =>
    ctx.run({
      files: valueModule('judged', 0, 3),
      requirements: ['judged'],
      scenario: {
        name: 'drill-11-collusive-validation',
        agents: [
          coordinator([planTask('judged', 'R1', ['src/judged.js'], 'test/judged.test.js')]),
          {
            match: { role: 'implementor', task: 'judged' },
            turns: [{ content: REASONING, toolCalls: [writeFile('src/judged.js', CHANGE)] }, { content: REASONING, toolCalls: [reportDone('value is 3', ['src/judged.js'])] }],
          },
          { match: { role: 'verifier' }, turns: [{ content: PASS_VERDICT }] },
        ],
      },
    }),
  judge({ events, requests }) {
    const verifier = requests.filter((r) => r.role === 'verifier').map((r) => r.body ?? '');
    const implementor = requests.filter((r) => r.role === 'implementor').map((r) => r.body ?? '');
    const leaked = verifier.filter((b) => b.includes('PRIVATE-REASONING-7f3a'));
    const sawDiff = verifier.filter((b) => b.includes('judged-by-diff-91c2'));
    const sawSpec = verifier.filter((b) => b.includes('judged works'));
    const reasoningSent = implementor.some((b) => b.includes('PRIVATE-REASONING-7f3a'));
    const passed = eventsOf(events, 'verify/didFinish').some((v) => v.taskId === 'judged' && v.passed);
    return verdict(
      `${verifier.length} verifier request(s): the implementor's reasoning in ${leaked.length}, the diff in ${sawDiff.length}, the spec in ${sawSpec.length}; verification ${passed ? 'passed' : 'did not pass'}`,
      {
        'the verifier asked its model': verifier.length > 0,
        'the implementor really had reasoning to leak': reasoningSent,
        'no verifier request contains it': leaked.length === 0,
        'every verifier request has the diff and the spec': verifier.length > 0 && sawDiff.length === verifier.length && sawSpec.length === verifier.length,
      },
    );
  },
};
