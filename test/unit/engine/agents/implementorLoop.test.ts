import assert from 'node:assert/strict';
import { runImplementor, type ImplementorDeps } from '../../../../extension/engine/agents/implementorLoop';
import { repeatedEffects, unfinishedEffects } from '../../../../extension/protocol/effects';
import type { RunEvent } from '../../../../extension/protocol/events';
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
    { name: 'read_file', description: 'read', parameters: { type: 'object', properties: { path: { type: 'string' } } }, server: 'loom', readOnly: true },
    { name: 'write_file', description: 'write', parameters: { type: 'object' }, server: 'loom', readOnly: false },
    { name: 'tracker__open_issue', description: 'open an issue', parameters: { type: 'object' }, server: 'tracker', readOnly: false },
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

  async function run(
    scenario: ScenarioInput,
    over: Partial<ImplementJob> = {},
    checkpoint: ImplementorDeps['checkpoint'] = async () => null,
    takeNotices?: ImplementorDeps['takeNotices'],
    toolsReady?: ImplementorDeps['toolsReady'],
  ) {
    sim = await startSimulator({ scenario, recordBodies: true });
    const j = job(over);
    j.endpoint.baseUrl = sim.url;
    const tools = new RecordingTools();
    const events: EventBody[] = [];
    const end = await runImplementor(j, {
      provider: createProvider(j.endpoint, {}, j.budgetTokens),
      tools,
      emit: (e) => events.push(e),
      checkpoint,
      signal: new AbortController().signal,
      takeNotices,
      toolsReady,
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

  it('takes no checkpoint after a turn of read-only calls, and always one on the reporting turn', async () => {
    const turns: number[] = [];
    const { end } = await run(
      { name: 'ro', agents: [{ match: { role: 'implementor' }, turns: [{ toolCalls: [read] }, { toolCalls: [read] }, { toolCalls: [{ name: 'report_result', arguments: { status: 'done', summary: 'ok' } }] }] }] },
      {},
      async (turn) => {
        turns.push(turn);
        return null;
      },
    );
    assert.equal(end.outcome.kind, 'completed');
    assert.deepEqual(turns, [3]);
  });

  it('whose tool servers could not start behind its first model call ends with a toolError to retry, calling no tool', async () => {
    const { end, tools, events } = await run(
      { name: 'down', agents: [{ match: { role: 'implementor' }, turns: [{ toolCalls: [read] }] }] },
      {},
      undefined,
      undefined,
      Promise.resolve('could not start MCP servers: MCP server "loom" failed to start: boom'),
    );
    assert.deepEqual([end.outcome.kind, end.outcome.next, end.outcome.message], ['toolError', 'retry', 'could not start MCP servers: MCP server "loom" failed to start: boom']);
    assert.equal(events.filter((e) => e.type === 'model/didRespond').length, 1);
    assert.deepEqual(tools.calls, []);
  });

  it("says the coordinator's notices to the model at its next turn, once, after the last tool result", async () => {
    const scenario: ScenarioInput = {
      name: 'notice',
      agents: [{ match: { agent: 'impl-t-1' }, turns: [{ toolCalls: [read] }, { toolCalls: [read] }, { toolCalls: [{ name: 'report_result', arguments: { status: 'done', summary: 'ok' } }] }] }],
    };
    // A notice arrives while the first turn's tool runs (as agent/notice does, between turns): the loop takes it before turn 2.
    let taken = 0;
    const { end } = await run(scenario, {}, async () => null, () => (++taken === 2 ? ['Loom notice: task u changes the same lines: a.js lines 3'] : []));
    assert.equal(end.outcome.kind, 'completed');
    const messagesOf = (i: number) => (JSON.parse(sim!.requests[i].body ?? '{}') as { messages: { role: string; content: string }[] }).messages;
    assert.ok(!messagesOf(0).some((m) => m.content?.startsWith('Loom notice')));
    const second = messagesOf(1);
    assert.deepEqual(second.at(-1), { role: 'user', content: 'Loom notice: task u changes the same lines: a.js lines 3' });
    assert.equal(second.at(-2)?.role, 'tool');
    assert.equal(messagesOf(2).filter((m) => m.content?.startsWith('Loom notice')).length, 1, 'it stays in the conversation, said once');
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

  it('journals the intent of every call that can change something, and of each checkpoint commit, under the key its completion carries', async () => {
    let commits = 0;
    const { events } = await run(
      {
        name: 's',
        agents: [
          {
            match: { role: 'implementor' },
            turns: [
              { toolCalls: [read, { name: 'write_file', arguments: { path: 'a.js', content: 'x' } }] },
              { toolCalls: [{ name: 'report_result', arguments: { status: 'done', summary: 'ok' } }] },
            ],
          },
        ],
      },
      {},
      async (_turn, beforeCommit) => {
        beforeCommit();
        return `c0mm1t${++commits}`;
      },
    );
    const kinds = events.map((e) => (e.type === 'effect/willApply' ? `will ${e.kind} ${e.what.split('(')[0]}` : e.type === 'tool/didCall' ? `did ${e.tool}` : e.type));
    const calls = kinds.filter((k) => k.startsWith('will') || k.startsWith('did') || k === 'checkpoint/didCommit');
    // read_file only reads: no intent. write_file and report_result (not marked read-only) have one each, before the call.
    assert.deepEqual(calls, ['did read_file', 'will tool write_file', 'did write_file', 'will checkpoint checkpoint commit of turn 1', 'checkpoint/didCommit', 'will tool report_result', 'did report_result', 'will checkpoint checkpoint commit of turn 2', 'checkpoint/didCommit']);
    const journal = events.map((e, seq) => ({ ...e, seq, ts: seq }) as RunEvent);
    assert.deepEqual(unfinishedEffects(journal), [], 'every intent is completed under the same key');
    assert.deepEqual(repeatedEffects(journal), []);
  });

  it("commits a turn's checkpoint while the next model call is out, and journals it, with the conversation the turn left, before that call's response", async () => {
    const write = (content: string) => ({ name: 'write_file', arguments: { path: 'a.js', content } });
    let requestsWhileCommitting = 0;
    const { end, events } = await run(
      {
        name: 'overlap',
        agents: [{ match: { role: 'implementor' }, turns: [{ toolCalls: [write('1')] }, { toolCalls: [write('2')] }, { toolCalls: [{ name: 'report_result', arguments: { status: 'done', summary: 'ok' } }] }] }],
      },
      {},
      async (turn, beforeCommit) => {
        if (turn === 1) {
          // Turn 1's commit holds until turn 2's request has reached the model (or gives up): a loop that waited
          // for its commit before calling the model would never send it.
          const before = sim!.requests.length;
          for (const giveUp = Date.now() + 3_000; sim!.requests.length === before && Date.now() < giveUp; ) await new Promise((r) => setTimeout(r, 10));
          requestsWhileCommitting = sim!.requests.length - before;
        }
        beforeCommit();
        return `c0mm1t${turn}`;
      },
      // A notice the coordinator sent arrives at turn 2, while turn 1's checkpoint commits.
      (() => {
        let asked = 0;
        return () => (++asked === 2 ? ['note from the coordinator'] : []);
      })(),
    );
    assert.equal(end.outcome.kind, 'completed');
    assert.equal(requestsWhileCommitting, 1, "turn 2's model call went out while turn 1's checkpoint was committing");
    const order = events.flatMap((e) => (e.type === 'model/didRespond' ? [`respond ${e.turn}`] : e.type === 'checkpoint/didCommit' ? [`commit ${e.turn}`] : []));
    assert.deepEqual(order, ['respond 1', 'commit 1', 'respond 2', 'commit 2', 'respond 3', 'commit 3']);
    const first = events.find((e) => e.type === 'checkpoint/didCommit' && e.turn === 1);
    assert.ok(first?.type === 'checkpoint/didCommit');
    // The conversation as turn 1 left it: ending in its tool result, without turn 2's notice or answer.
    assert.deepEqual(first.messages.map((m) => m.role).slice(-2), ['assistant', 'tool']);
  });

  it('a checkpoint that fails while the next model call is out ends the agent with its error at once, not after the call', async () => {
    const started = Date.now();
    await assert.rejects(
      run(
        {
          name: 'failing-checkpoint',
          agents: [{ match: { role: 'implementor' }, turns: [{ toolCalls: [{ name: 'write_file', arguments: { path: 'a.js', content: '1' } }] }, { latencyMs: 20_000, content: 'never waited for' }] }],
        },
        {},
        async () => {
          await new Promise((r) => setTimeout(r, 200));
          throw new Error('index.lock: File exists');
        },
      ),
      /index\.lock: File exists/,
    );
    assert.ok(Date.now() - started < 10_000, 'the 20 s model call was cancelled');
  });

  it('an intent left without its completion is unfinished, and tells which server it went to', async () => {
    const { events } = await run({
      name: 's',
      agents: [{ match: { role: 'implementor' }, turns: [{ toolCalls: [{ name: 'tracker__open_issue', arguments: { title: 'x' } }] }, { toolCalls: [{ name: 'report_result', arguments: { status: 'done', summary: 'ok' } }] }] }],
    });
    // The crash: the call's completion never reached the journal.
    const cut = events.findIndex((e) => e.type === 'tool/didCall' && e.tool === 'tracker__open_issue');
    const journal = events.slice(0, cut).map((e, seq) => ({ ...e, seq, ts: seq }) as RunEvent);
    assert.deepEqual(
      unfinishedEffects(journal).map((e) => [e.kind, e.server, e.what]),
      [['tool', 'tracker', 'tracker__open_issue({"title":"x"})']],
    );
  });

  it('a continued agent is told, in its conversation, what may have happened before the crash', async () => {
    await run(
      { name: 's', agents: [{ match: { role: 'implementor' }, turns: [{ toolCalls: [{ name: 'report_result', arguments: { status: 'done', summary: 'ok' } }] }] }] },
      { resumeNotes: ['Loom restarted after a crash: tracker__open_issue may have run'] },
    );
    assert.match(sim!.requests[0].body ?? '', /Loom restarted after a crash: tracker__open_issue may have run/);
  });
});
