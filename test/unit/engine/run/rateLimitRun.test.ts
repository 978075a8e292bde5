import assert from 'node:assert/strict';
import { formatReport } from '../../../../extension/engine/run/report';
import type { ScenarioInput } from '../../../../extension/engine/simulator/scenarioSchema';
import { eventsOf, PASS_VERDICT, planTask, report, specWith, write } from './runHarness';
import { startLiveRun, type LiveRun } from './runLimitsHarness';

const TPM = 6_000;

/** Two independent tasks whose implementors each make five calls, in parallel. */
function twoAgents(): ScenarioInput {
  const plan = { tasks: [planTask('left', 'R1', ['src/left/**'], null), planTask('right', 'R2', ['src/right/**'], null)] };
  const turns = (side: string) => [
    ...[1, 2, 3, 4].map((n) => ({ toolCalls: [write(`src/${side}/${n}.js`, `${n};\n`)] })),
    { toolCalls: [report(side, [1, 2, 3, 4].map((n) => `src/${side}/${n}.js`))] },
  ];
  return {
    name: 'tpm',
    agents: [
      { match: { role: 'coordinator' }, turns: [{ content: JSON.stringify(plan) }] },
      { match: { role: 'implementor', task: 'left' }, turns: turns('left') },
      { match: { role: 'implementor', task: 'right' }, turns: turns('right') },
      { match: { role: 'verifier' }, turns: [{ content: PASS_VERDICT }] },
    ],
  };
}

describe('the run-wide tokens-per-minute limiter (real threads, simulator)', function () {
  this.timeout(240_000);
  let live: LiveRun | undefined;
  afterEach(async () => {
    await live?.cleanup();
    live = undefined;
  });

  it('shares one provider between two agents: both make progress, in turns, and the run stays under the limit', async () => {
    live = await startLiveRun({ files: { 'src/.keep': '' }, spec: specWith(['left', 'right']), scenario: twoAgents(), options: () => ({ concurrency: 2, limits: { tokensPerMinute: TPM } }) });
    const state = await live.done;
    assert.equal(state.status, 'succeeded', formatReport(state));
    const events = live.events;
    const waits = eventsOf(events, 'agent/didWarn').filter((w) => w.kind === 'rateLimit');
    for (const agent of ['impl-left-1', 'impl-right-1']) assert.ok(waits.some((w) => w.agentId === agent), `${agent} waited its turn (journaled)`);
    assert.match(waits[0].message, /^waited \d+ ms for loom-sim-1 at http:\/\/127\.0\.0\.1:\d+\/v1: 6000 tokens a minute shared by the run's agents$/);

    // Fair: neither agent is starved while the other runs; their calls interleave.
    const implCalls = eventsOf(events, 'model/didRespond').filter((e) => e.agentId.startsWith('impl-'));
    const order = implCalls.map((e) => e.agentId);
    const firstHalf = order.slice(0, order.length / 2);
    assert.ok(firstHalf.includes('impl-left-1') && firstHalf.includes('impl-right-1'), `both progress early: ${order.join(' ')}`);
    const switches = order.slice(1).filter((a, i) => a !== order[i]).length;
    assert.ok(switches >= 4, `turns alternate: ${order.join(' ')}`);

    // Under the limit, measured from the journal: every token the model reported, over the run's time.
    const start = eventsOf(events, 'run/didStart')[0].ts;
    const calls = eventsOf(events, 'model/didRespond');
    const tokens = calls.reduce((sum, e) => sum + e.usage.inputTokens + e.usage.outputTokens, 0);
    const end = Math.max(...calls.map((e) => e.startedAt + e.durationMs));
    const perMinute = (tokens / (end - start)) * 60_000;
    assert.ok(perMinute <= TPM * 1.05, `${Math.round(perMinute)} tokens a minute against a limit of ${TPM} (${tokens} tokens in ${end - start} ms)`);
  });
});
