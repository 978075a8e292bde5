import assert from 'node:assert/strict';
import { formatReport } from '../../../../extension/engine/run/report';
import type { ScenarioInput } from '../../../../extension/engine/simulator/scenarioSchema';
import { eventsOf, PASS_VERDICT, planTask, report, specWith, write } from './runHarness';
import { answerEach, startLiveRun, type LiveRun } from './runLimitsHarness';

/** Task `broken`'s model answers 500 to every call (its attempt and its resume); task `fine` would work. */
function failingScenario(): ScenarioInput {
  const plan = { tasks: [planTask('broken', 'R1', ['src/broken.js'], null), planTask('fine', 'R2', ['src/fine.js'], null)] };
  const fault = { fault: { kind: 'server' as const, status: 500 } };
  return {
    name: 'failing-models',
    agents: [
      { match: { role: 'coordinator' }, turns: [{ content: JSON.stringify(plan) }] },
      { match: { role: 'implementor', task: 'broken' }, turns: [fault, fault] },
      { match: { role: 'implementor', task: 'fine' }, turns: [{ toolCalls: [write('src/fine.js', '1;\n')] }, { toolCalls: [report('fine', ['src/fine.js'])] }] },
      { match: { role: 'verifier' }, turns: [{ content: PASS_VERDICT }] },
    ],
  };
}

describe('the circuit breaker (real threads, simulator with failing models)', function () {
  this.timeout(180_000);
  let live: LiveRun | undefined;
  afterEach(async () => {
    await live?.cleanup();
    live = undefined;
  });

  async function start(): Promise<LiveRun> {
    return startLiveRun({
      files: { 'src/.keep': '' },
      spec: specWith(['broken', 'fine']),
      scenario: failingScenario(),
      options: (url) => ({
        concurrency: 1,
        endpoint: { baseUrl: url, model: 'loom-sim-1', apiKey: 'k-test', timeoutMs: 5_000, maxRetries: 0, headers: [] },
        limits: { breaker: { consecutiveFailures: 2 } },
      }),
    });
  }

  it('pauses the run after consecutive failures: nothing starts until a person answers; resume lets the rest of the run go on', async () => {
    live = await start();
    answerEach(live, 'circuitBreaker', 'resume');
    const state = await live.done;
    const opened = eventsOf(live.events, 'escalation/didOpen').filter((e) => e.kind === 'circuitBreaker');
    assert.equal(opened.length, 1, formatReport(state));
    assert.deepEqual(opened[0].options, ['resume', 'stop']);
    assert.match(opened[0].question, /2 failures in a row \(impl-broken-1: model call failed \(server\); impl-broken-2: model call failed \(server\)\)/);
    const resolved = eventsOf(live.events, 'escalation/didResolve').find((e) => e.escalationId === opened[0].escalationId)!;
    assert.equal(resolved.choice, 'resume');
    const fineStart = eventsOf(live.events, 'agent/didStart').find((e) => e.taskId === 'fine')!;
    assert.ok(fineStart.seq > resolved.seq, 'the next task waited for the answer');
    assert.equal(state.tasks.find((t) => t.task.id === 'fine')?.status, 'merged', formatReport(state));
    assert.equal(state.tasks.find((t) => t.task.id === 'broken')?.status, 'failed');
  });

  it('stop ends the paused run as stopped: the waiting task never starts an agent', async () => {
    live = await start();
    answerEach(live, 'circuitBreaker', 'stop');
    const state = await live.done;
    assert.equal(state.status, 'stopped', formatReport(state));
    assert.equal(eventsOf(live.events, 'escalation/didResolve').find((e) => e.escalationId === 'circuitBreaker-1')?.choice, 'stop');
    assert.equal(eventsOf(live.events, 'agent/didStart').filter((e) => e.taskId === 'fine').length, 0);
  });
});
