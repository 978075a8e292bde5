import assert from 'node:assert/strict';
import { runImplementor } from '../../../../extension/engine/agents/implementorLoop';
import { createProvider } from '../../../../extension/engine/models/createProvider';
import { startSimulator, type Simulator } from '../../../../extension/engine/simulator/simulatorServer';
import type { ScenarioInput } from '../../../../extension/engine/simulator/scenarioSchema';
import type { AgentTools, ToolCallOutcome } from '../../../../extension/engine/tools/agentTools';
import type { EventBody } from '../../../../extension/protocol/events';
import type { ImplementJob } from '../../../../extension/protocol/workerMessages';
import { DEFAULT_ACTION_POLICY } from '../../../../extension/protocol/policy';

/** A tools port that records calls; the model side is the real SDK against the HTTP simulator. */
class RecordingTools implements AgentTools {
  readonly calls: { name: string; args: string }[] = [];
  readonly specs = [
    { name: 'read_file', description: 'read', parameters: { type: 'object', properties: { path: { type: 'string' } } } },
    { name: 'report_result', description: 'report', parameters: { type: 'object' } },
  ];
  readonly servers = [];
  async call(name: string, args: string): Promise<ToolCallOutcome> {
    this.calls.push({ name, args });
    if (name === 'report_result') {
      const parsed = JSON.parse(args);
      return { ok: true, text: 'recorded', server: 'loom', structured: { filesChanged: [], testsRun: [], ...parsed } };
    }
    return { ok: true, text: 'file text', server: 'loom' };
  }
  dispose(): void {}
}

const job = (over: Partial<ImplementJob> = {}): ImplementJob => ({
  role: 'implementor',
  runId: 'r',
  agentId: 'impl-t-1',
  attempt: 1,
  spec: { title: 'S', overview: 'o', revision: 'x', requirements: [{ id: 'R1', title: 'a', text: 'a', acceptance: ['a'], line: 3 }] },
  task: { id: 't', title: 't', instructions: 'do t', requirementIds: ['R1'], fileScope: ['a.js'], dependsOn: [], acceptance: [] },
  worktree: '/nonexistent',
  endpoint: { baseUrl: '', model: 'loom-sim-1', apiKey: 'k', timeoutMs: 5000, maxRetries: 0, headers: [['x-loom-agent', 'impl-t-1'], ['x-loom-role', 'implementor'], ['x-loom-task', 't']] },
  mcpServers: [],
  sandbox: { kind: 'none', summary: 'no sandbox: this test calls no tool server', system: [], masked: [], readable: [] },
  budgetTokens: 100_000,
  maxTurns: 10,
  contextWindowTokens: 128_000,
  findings: [],
  resumeMessages: [],
  policy: DEFAULT_ACTION_POLICY,
  commandAllowlist: ['node'],
  ...over,
});

describe('engine/agents/implementorLoop', () => {
  let sim: Simulator | null = null;
  afterEach(async () => {
    await sim?.close();
    sim = null;
  });

  async function run(scenario: ScenarioInput, over: Partial<ImplementJob> = {}) {
    sim = await startSimulator({ scenario });
    const j = job(over);
    j.endpoint.baseUrl = sim.url;
    const tools = new RecordingTools();
    const events: EventBody[] = [];
    const end = await runImplementor(j, {
      provider: createProvider(j.endpoint, {}, j.budgetTokens),
      tools,
      emit: (e) => events.push(e),
      checkpoint: async () => null,
      signal: new AbortController().signal,
    });
    return { end, tools, events };
  }

  const read = { name: 'read_file', arguments: { path: 'a.js' } };

  it('completes with the reported result', async () => {
    const { end, events } = await run({
      name: 's',
      agents: [{ match: { role: 'implementor' }, turns: [{ toolCalls: [read] }, { toolCalls: [{ name: 'report_result', arguments: { status: 'done', summary: 'ok' } }] }] }],
    });
    assert.equal(end.outcome.kind, 'completed');
    assert.equal(end.result?.summary, 'ok');
    assert.equal(events.filter((e) => e.type === 'model/didRespond').length, 2);
    assert.ok(end.usage.inputTokens > 0);
  });

  it('stops before a call that would pass the token budget', async () => {
    const { end, tools } = await run({ name: 's', agents: [{ match: { role: 'implementor' }, turns: [{ toolCalls: [read] }] }] }, { budgetTokens: 50 });
    assert.equal(end.outcome.kind, 'budgetExceeded');
    assert.equal(end.outcome.next, 'escalate');
    assert.equal(tools.calls.length, 0);
    assert.equal(sim!.requests.length, 0, 'no model call was made past the budget');
  });

  it('stops at the iteration cap with a structured outcome', async () => {
    const turns = [1, 2, 3].map((i) => ({ toolCalls: [{ name: 'read_file', arguments: { path: `f${i}.js` } }] }));
    const { end } = await run({ name: 's', agents: [{ match: { role: 'implementor' }, turns }] }, { maxTurns: 3 });
    assert.equal(end.outcome.kind, 'iterationCap');
    assert.equal(end.outcome.next, 'retry');
  });

  it('nudges, then stops an agent that repeats the same call', async () => {
    const turns = [1, 2, 3, 4, 5, 6].map(() => ({ toolCalls: [read] }));
    const { end, events, tools } = await run({ name: 's', agents: [{ match: { role: 'implementor' }, turns }] });
    assert.equal(end.outcome.kind, 'loopDetected');
    assert.ok(events.some((e) => e.type === 'agent/didWarn' && /nudging/.test(e.message)));
    assert.equal(tools.calls.length, 4, 'the fifth identical call is not executed');
  });

  it('ends with a structured model error when the provider keeps failing, never a throw', async () => {
    const { end, events } = await run({ name: 's', agents: [{ match: { role: 'implementor' }, turns: [{ fault: { kind: 'server' } }] }] });
    assert.equal(end.outcome.kind, 'modelError');
    assert.ok(events.some((e) => e.type === 'model/didFail' && !e.willRetry));
  });

  it('passes invalid tool arguments through to the tools port instead of crashing', async () => {
    const { tools, end } = await run({
      name: 's',
      agents: [{ match: { role: 'implementor' }, turns: [{ toolCalls: [{ name: 'read_file', arguments: '{"path": ' }] }, { toolCalls: [{ name: 'report_result', arguments: { status: 'done', summary: 'ok' } }] }] }],
    });
    assert.equal(tools.calls[0].args, '{"path": ');
    assert.equal(end.outcome.kind, 'completed');
  });
});
