import assert from 'node:assert/strict';
import { runCoordinatorJob } from '../../../../extension/engine/agents/coordinatorJob';
import { startSimulator, type Simulator } from '../../../../extension/engine/simulator/simulatorServer';
import type { EventBody } from '../../../../extension/protocol/events';
import type { PlanJob } from '../../../../extension/protocol/workerMessages';
import { simulatedEndpoint } from '../models/simulatedEndpoint';

/** Every role stops at its budget: the coordinator with a spec larger than its budget makes no call at all. */
describe('engine/agents budgets for every role', () => {
  let sim: Simulator | null = null;
  afterEach(async () => {
    await sim?.close();
    sim = null;
  });

  it('ends a coordinator whose prompt alone is over its budget with budgetExceeded, escalating, without calling the model', async () => {
    sim = await startSimulator({ scenario: { name: 'plan', agents: [{ match: { role: 'coordinator' }, turns: [{ content: '{"tasks": []}' }] }] } });
    const huge = 'The service must do this. '.repeat(200_000); // a 5 MB spec
    const job: PlanJob = {
      role: 'coordinator',
      runId: 'r',
      agentId: 'coordinator-1',
      spec: { title: 'Huge', overview: huge, revision: 'x', requirements: [{ id: 'R1', title: 'a', text: 'a', acceptance: ['a'], line: 3 }] },
      repoFiles: ['a.js'],
      endpoint: simulatedEndpoint(sim, { agentId: 'coordinator-1', role: 'coordinator' }),
      budgetTokens: 50_000,
    };
    const events: EventBody[] = [];
    const end = await runCoordinatorJob(job, { threadId: 1, signal: new AbortController().signal, emit: (e) => events.push(e) });
    assert.equal(end.outcome.kind, 'budgetExceeded');
    assert.equal(end.outcome.next, 'escalate');
    assert.match(end.outcome.message, /token budget of 50000 reached \(0 used, the next prompt is about \d{6,}\)/);
    assert.equal(sim.requests.length, 0);
    assert.deepEqual(end.usage, { inputTokens: 0, outputTokens: 0 });
  });
});
