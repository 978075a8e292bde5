import type { RunEvent } from '../../protocol/events';
import type { SimulatorRequest } from '../simulator/simulatorServer';
import { verdict, type Drill } from './drill';
import { coordinator, eventsOf, PASS_VERDICT, planTask, readFile, reportDone, valueSource, writeFile } from './drillScript';

const WINDOW_TOKENS = 4_000;
const BIG_FILES = ['big-1', 'big-2', 'big-3'];
/** Each file is about 6,000 tokens: one alone overflows the window, and each ends with its own marker. */
const bigFile = (name: string) => `${'// filler line to make this file large\n'.repeat(600)}// END OF ${name.toUpperCase()}\n`;

/**
 * Failure mode 6: tool results larger than the model's window. Older results are compacted while
 * the spec and the task stay pinned at the top of every request.
 */
export const contextExhaustion: Drill<{ events: RunEvent[]; requests: readonly SimulatorRequest[] }> = {
  mode: 6,
  name: 'context exhaustion',
  expected: `with a ${WINDOW_TOKENS}-token window, huge tool results are compacted (a compaction warning; the oldest result elided) while the spec and the task stay pinned in every request`,
  exercise: (ctx) =>
    ctx.run({
      files: { 'src/pin.js': valueSource(0), ...Object.fromEntries(BIG_FILES.map((n) => [`data/${n}.txt`, bigFile(n)])) },
      requirements: ['pin'],
      options: { contextWindowTokens: WINDOW_TOKENS },
      scenario: {
        name: 'drill-6-context-exhaustion',
        agents: [
          coordinator([planTask('pin', 'R1', ['src/pin.js'], null)]),
          {
            match: { role: 'implementor', task: 'pin' },
            turns: [...BIG_FILES.map((n) => ({ toolCalls: [readFile(`data/${n}.txt`)] })), { toolCalls: [writeFile('src/pin.js', valueSource(1))] }, { toolCalls: [reportDone('pinned', ['src/pin.js'])] }],
          },
          { match: { role: 'verifier' }, turns: [{ content: PASS_VERDICT }] },
        ],
      },
    }),
  judge({ events, requests }) {
    const compactions = eventsOf(events, 'agent/didWarn').filter((w) => w.agentId === 'impl-pin-1' && w.kind === 'compaction');
    const bodies = requests.filter((r) => r.agentId === 'impl-pin-1').map((r) => r.body ?? '');
    const last = bodies.at(-1) ?? '';
    const pinned = bodies.filter((b) => b.includes('Do pin as R1 says.') && b.includes('# Spec: Drill spec'));
    const task = eventsOf(events, 'task/didSucceed').some((s) => s.taskId === 'pin');
    return verdict(
      `impl-pin-1: ${compactions.map((c) => c.message).join('; ') || 'no compaction'}; spec and task pinned in ${pinned.length}/${bodies.length} requests; the last request ${last.includes('END OF BIG-1') ? 'still holds' : 'elided'} the first result; task pin ${task ? 'succeeded' : 'did not succeed'}`,
      {
        'a compaction was journaled': compactions.length > 0,
        'the oldest huge result was elided from the last request': bodies.length > 0 && !last.includes('END OF BIG-1') && last.includes('elided to fit the context window'),
        'the spec and the task are in every request': bodies.length > 0 && pinned.length === bodies.length,
        'the agent went on to finish the task': task,
      },
    );
  },
};
