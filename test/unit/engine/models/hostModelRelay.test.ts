import assert from 'node:assert/strict';
import { OpenAiProvider } from '../../../../extension/engine/models/openaiProvider';
import type { ChatRequest, ModelProvider } from '../../../../extension/engine/models/modelProvider';
import { formatReport } from '../../../../extension/engine/run/report';
import { eventsOf, PASS_VERDICT, planTask, report, runScenario, specWith, write, type RunResult } from '../run/runHarness';

/**
 * A model the host holds (VS Code's Language Model API in the extension) is reached by agents through
 * their coordinator. Here the host's model is the OpenAI provider pointed at the simulator, and the
 * agents' own endpoint is unusable: every answer must travel worker -> coordinator -> host and back.
 */
describe('engine/models host model relay', function () {
  this.timeout(120_000);
  let run: RunResult;
  const asked: string[] = [];

  before(async () => {
    const plan = { tasks: [planTask('one', 'R1', ['src/one.js'], null), planTask('two', 'R2', ['src/two.js'], null)] };
    run = await runScenario({
      files: { 'README.md': '# r\n' },
      spec: specWith(['one', 'two']),
      scenario: {
        name: 'relay',
        agents: [
          { match: { role: 'coordinator' }, turns: [{ content: JSON.stringify(plan) }] },
          { match: { role: 'implementor', task: 'one' }, turns: [{ toolCalls: [write('src/one.js', '1\n')] }, { toolCalls: [report('one', ['src/one.js'])] }] },
          // The host's model fails task two's first agent: the error crosses the relay as a typed
          // ModelError, and the task resumes with a second agent.
          { match: { role: 'implementor', task: 'two', attempt: 1 }, turns: [{ fault: { kind: 'server' } }] },
          { match: { role: 'implementor', task: 'two', attempt: 2 }, turns: [{ toolCalls: [write('src/two.js', '2\n')] }, { toolCalls: [report('two', ['src/two.js'])] }] },
          { match: { role: 'verifier' }, turns: [{ content: PASS_VERDICT }] },
        ],
      },
      options: (simulatorUrl) => ({
        endpoint: { baseUrl: 'http://127.0.0.1:9/unreachable', model: 'host-model', apiKey: '', timeoutMs: 1000, maxRetries: 0, headers: [], relay: true },
        hostModel: (agent) => {
          const provider = new OpenAiProvider({
            baseUrl: simulatorUrl,
            model: 'loom-sim-1',
            apiKey: 'k',
            timeoutMs: 5000,
            maxRetries: 0,
            headers: [
              ['x-loom-agent', agent.agentId],
              ['x-loom-role', agent.role],
              ...(agent.taskId ? ([['x-loom-task', agent.taskId]] as [string, string][]) : []),
              ['x-loom-attempt', String(agent.attempt)],
            ],
          });
          return {
            model: provider.model,
            chat: (request: ChatRequest) => {
              asked.push(agent.agentId);
              return provider.chat(request);
            },
          } satisfies ModelProvider;
        },
      }),
    });
  });

  after(async () => run?.cleanup());

  it('runs every agent on the host model through the relay', () => {
    assert.ok(['coordinator-1', 'impl-one-1', 'verify-one-1'].every((id) => asked.includes(id)), asked.join(', '));
    assert.equal(eventsOf(run.events, 'model/didRespond').every((e) => e.model === 'loom-sim-1'), true);
  });

  it('carries host model errors back as typed failures, and the task resumes', () => {
    const fail = eventsOf(run.events, 'model/didFail').find((e) => e.taskId === 'two');
    assert.equal(fail?.errorKind, 'server');
    assert.equal(run.state.status, 'succeeded', formatReport(run.state));
    assert.equal(run.state.tasks.every((t) => t.status === 'merged'), true);
    const finishes = eventsOf(run.events, 'agent/didFinish').filter((e) => e.taskId === 'two' && e.role === 'implementor');
    assert.deepEqual(finishes.map((f) => f.outcome.kind), ['modelError', 'completed']);
  });
});
