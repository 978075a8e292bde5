import type { RunEvent } from '../../protocol/events';
import type { SimulatorRequest } from '../simulator/simulatorServer';
import { verdict, type Drill } from './drill';
import { coordinator, eventsOf, PASS_VERDICT, planTask, readFile, valueSource } from './drillScript';

/**
 * Failure mode 4: the model calls the same tool with the same arguments again and again. The loop
 * detector nudges, then stops the agent with a structured outcome; the task fails, naming the loop.
 */
export const infiniteLoops: Drill<{ events: RunEvent[]; requests: readonly SimulatorRequest[] }> = {
  mode: 4,
  name: 'infinite loops',
  expected: 'the repeated call is nudged, then stopped (outcome loopDetected) with no further model call; the task fails naming the loop',
  exercise: (ctx) =>
    ctx.run({
      files: { 'src/loopy.js': valueSource(0) },
      requirements: ['loopy'],
      scenario: {
        name: 'drill-4-infinite-loops',
        agents: [
          coordinator([planTask('loopy', 'R1', ['src/loopy.js'], null)]),
          // More identical calls than the detector ever allows, on every attempt.
          { match: { role: 'implementor', task: 'loopy' }, turns: Array.from({ length: 20 }, () => ({ toolCalls: [readFile('src/loopy.js')] })) },
          { match: { role: 'verifier' }, turns: [{ content: PASS_VERDICT }] },
        ],
      },
    }),
  judge({ events, requests }) {
    const warnings = eventsOf(events, 'agent/didWarn').filter((w) => w.agentId === 'impl-loopy-1' && w.kind === 'loop');
    const nudge = warnings.find((w) => /nudg/.test(w.message));
    const stop = warnings.find((w) => /stop/.test(w.message));
    const finish = eventsOf(events, 'agent/didFinish').find((f) => f.agentId === 'impl-loopy-1');
    const calls = requests.filter((r) => r.agentId === 'impl-loopy-1').length;
    const answered = eventsOf(events, 'model/didRespond').filter((r) => r.agentId === 'impl-loopy-1').length;
    const failure = eventsOf(events, 'task/didFail').find((f) => f.taskId === 'loopy');
    return verdict(
      `impl-loopy-1: ${warnings.map((w) => w.message).join(' → ') || 'no loop warning'}, outcome ${finish?.outcome.kind ?? 'none'} after ${calls} model calls; task loopy ${failure ? `failed: ${failure.reason}` : 'did not fail'}`,
      {
        'a nudge came before the stop': !!nudge && !!stop && nudge.seq < stop.seq,
        'the agent ended with outcome loopDetected': finish?.outcome.kind === 'loopDetected',
        'no model call after the stop': calls === answered,
        'the task failed naming the loop': /loopDetected/.test(failure?.reason ?? ''),
      },
    );
  },
};
