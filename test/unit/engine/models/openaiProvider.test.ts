import assert from 'node:assert/strict';
import type { ChatMessage } from '../../../../extension/protocol/chat';
import { ModelError, type ChatRequest, type ModelErrorKind } from '../../../../extension/engine/models/modelProvider';
import { OpenAiProvider } from '../../../../extension/engine/models/openaiProvider';
import { startSimulator, type Simulator } from '../../../../extension/engine/simulator/simulatorServer';
import type { ScenarioInput } from '../../../../extension/engine/simulator/scenarioSchema';
import { simulatedEndpoint } from './simulatedEndpoint';

const messages: ChatMessage[] = [
  { role: 'system', content: 'You are an implementor.' },
  { role: 'user', content: 'Add a sum function in src/sum.js.' },
];

const writeFileTool = {
  name: 'write_file',
  description: 'Write a file in the worktree',
  parameters: { type: 'object', properties: { path: { type: 'string' }, content: { type: 'string' } }, required: ['path', 'content'] },
};

const scenario: ScenarioInput = {
  name: 'provider-tests',
  chunkChars: 7,
  agents: [
    { match: { agent: 'plain' }, turns: [{ content: 'Hello from the simulator, streamed in small pieces.', usage: { inputTokens: 123, outputTokens: 45 } }] },
    {
      match: { agent: 'tools' },
      turns: [
        {
          content: 'Writing two files.',
          toolCalls: [
            { name: 'write_file', arguments: { path: 'src/sum.js', content: 'export const sum = (a, b) => a + b;\n' } },
            { name: 'write_file', arguments: { path: 'test/sum.test.js', content: 'import { sum } from "../src/sum.js";\n' } },
          ],
        },
      ],
    },
    { match: { agent: 'no-usage' }, turns: [{ content: '12345678', omitUsage: true }] },
    { match: { agent: 'rate-limited' }, turns: [{ fault: { kind: 'rateLimit', retryAfterSeconds: 1 } }, { content: 'after the wait' }] },
    { match: { agent: 'rate-limited-ms' }, turns: [{ fault: { kind: 'rateLimit', retryAfterMs: 300 } }, { content: 'ok' }] },
    { match: { agent: 'server-down' }, turns: [0, 1, 2].map(() => ({ fault: { kind: 'server' as const } })) },
    { match: { agent: 'server-blip' }, turns: [{ fault: { kind: 'server', status: 503 } }, { content: 'recovered' }] },
    { match: { agent: 'told' }, turns: [{ fault: { kind: 'server', status: 503 } }, { content: 'told twice' }] },
    { match: { agent: 'hang' }, turns: [{ fault: { kind: 'hang' } }, { fault: { kind: 'hang' } }] },
    { match: { agent: 'stall' }, turns: [{ content: 'stalls midway', fault: { kind: 'hang', afterChunks: 2 } }] },
    { match: { agent: 'malformed' }, turns: [{ fault: { kind: 'malformedStream' } }, { fault: { kind: 'malformedStream' } }] },
    { match: { agent: 'malformed-once' }, turns: [{ fault: { kind: 'malformedStream' } }, { content: 'clean now' }] },
    { match: { agent: 'truncated' }, turns: [{ fault: { kind: 'truncatedStream', afterChunks: 3 } }, { content: 'complete this time' }] },
    { match: { agent: 'truncated-always' }, turns: [{ fault: { kind: 'truncatedStream' } }, { fault: { kind: 'truncatedStream' } }] },
    { match: { agent: 'cancel' }, turns: [{ fault: { kind: 'hang' } }, { content: 'must never be reached' }] },
    {
      match: { agent: 'bad-args' },
      turns: [{ toolCalls: [{ name: 'write_file', arguments: '{"path": "src/x.js", "content": ' }, { name: 'launch_rockets', arguments: { now: true } }] }],
    },
    { match: { role: 'implementor', task: 'scripted-task' }, turns: [{ content: 'one turn only' }] },
  ],
};

describe('OpenAiProvider against the model simulator', () => {
  let sim: Simulator;

  before(async () => {
    sim = await startSimulator({ scenario });
  });
  after(async () => {
    await sim.close();
  });

  function provider(agentId: string, overrides: Parameters<typeof simulatedEndpoint>[2] = {}, role = 'implementor', taskId?: string): OpenAiProvider {
    return new OpenAiProvider(simulatedEndpoint(sim, { agentId, role, taskId }, overrides), { retry: { baseDelayMs: 20, maxDelayMs: 100 } });
  }

  function request(extra: Partial<ChatRequest> = {}): ChatRequest & { retries: Array<{ attempt: number; error: ModelError; delayMs: number }> } {
    const retries: Array<{ attempt: number; error: ModelError; delayMs: number }> = [];
    return { messages, tools: [writeFileTool], onRetry: (info) => retries.push(info), retries, ...extra };
  }

  async function expectModelError(promise: Promise<unknown>, kind: ModelErrorKind): Promise<ModelError> {
    try {
      await promise;
    } catch (error) {
      assert.ok(error instanceof ModelError, `expected a ModelError, got ${String(error)}`);
      assert.equal(error.kind, kind, error.message);
      return error;
    }
    assert.fail(`expected ModelError('${kind}')`);
  }

  function requestsOf(agentId: string) {
    return sim.requests.filter((r) => r.agentId === agentId);
  }

  it('streams a plain reply and reports the server usage', async () => {
    const req = request();
    const response = await provider('plain').chat(req);
    assert.equal(response.content, 'Hello from the simulator, streamed in small pieces.');
    assert.deepEqual(response.toolCalls, []);
    assert.equal(response.finishReason, 'stop');
    assert.deepEqual(response.usage, { inputTokens: 123, outputTokens: 45 });
    assert.equal(response.model, 'loom-sim-1');
    assert.equal(req.retries.length, 0);
    assert.equal(requestsOf('plain')[0].stream, true);
  });

  it('accumulates tool calls streamed across many chunks, by index', async () => {
    const response = await provider('tools').chat(request());
    assert.equal(response.content, 'Writing two files.');
    assert.equal(response.finishReason, 'tool_calls');
    assert.equal(response.toolCalls.length, 2);
    assert.deepEqual(
      response.toolCalls.map((c) => [c.id, c.name, JSON.parse(c.arguments).path]),
      [
        ['call_0_0', 'write_file', 'src/sum.js'],
        ['call_0_1', 'write_file', 'test/sum.test.js'],
      ],
    );
    assert.equal(JSON.parse(response.toolCalls[0].arguments).content, 'export const sum = (a, b) => a + b;\n');
  });

  it('estimates usage at about four characters per token when the stream has none', async () => {
    const response = await provider('no-usage').chat(request());
    assert.equal(response.content, '12345678');
    const inputChars = messages.reduce((n, m) => n + (m.role === 'assistant' ? 0 : m.content.length), 0);
    assert.deepEqual(response.usage, { inputTokens: Math.ceil(inputChars / 4), outputTokens: 2 });
  });

  it('retries a 429 after at least the Retry-After seconds, then succeeds', async () => {
    const req = request();
    const response = await provider('rate-limited').chat(req);
    assert.equal(response.content, 'after the wait');
    assert.equal(req.retries.length, 1);
    const [retry] = req.retries;
    assert.equal(retry.attempt, 1);
    assert.equal(retry.error.kind, 'rateLimited');
    assert.equal(retry.error.retryAfterMs, 1000);
    assert.ok(retry.delayMs >= 1000, `delay ${retry.delayMs} must honour Retry-After: 1`);
    assert.deepEqual(requestsOf('rate-limited').map((r) => [r.turnIndex, r.status]), [[0, 429], [1, 200]]);
  });

  it('honours retry-after-ms', async () => {
    const req = request();
    await provider('rate-limited-ms').chat(req);
    assert.equal(req.retries[0].error.retryAfterMs, 300);
    assert.ok(req.retries[0].delayMs >= 300);
  });

  it('retries 5xx and throws ModelError(server) once retries are exhausted', async () => {
    const req = request();
    const error = await expectModelError(provider('server-down', { maxRetries: 2 }).chat(req), 'server');
    assert.equal(error.status, 500);
    assert.equal(error.retryable, true);
    assert.match(error.message, /gave up after 3 attempts/);
    assert.deepEqual(req.retries.map((r) => r.attempt), [1, 2]);
    assert.equal(requestsOf('server-down').length, 3);
  });

  it("tells onRequest as each attempt's request is handed to the HTTP client, before the endpoint has it", async () => {
    const seenWhenTold: number[] = [];
    const told = new OpenAiProvider(simulatedEndpoint(sim, { agentId: 'told', role: 'implementor' }), {
      retry: { baseDelayMs: 20, maxDelayMs: 100 },
      onRequest: () => seenWhenTold.push(requestsOf('told').length),
    });
    assert.equal((await told.chat(request())).content, 'told twice');
    assert.deepEqual(seenWhenTold, [0, 1], 'once per attempt, each before the simulator saw it');
  });

  it('recovers from one 503', async () => {
    const req = request();
    assert.equal((await provider('server-blip').chat(req)).content, 'recovered');
    assert.equal(req.retries[0].error.status, 503);
  });

  it('turns a server that never answers into ModelError(timeout)', async () => {
    const req = request();
    const error = await expectModelError(provider('hang', { timeoutMs: 300, maxRetries: 1 }).chat(req), 'timeout');
    assert.equal(error.retryable, true);
    assert.equal(req.retries.length, 1);
    assert.equal(req.retries[0].error.kind, 'timeout');
  });

  it('turns a stream that stalls midway into ModelError(timeout) (idle timeout)', async () => {
    const req = request();
    const error = await expectModelError(provider('stall', { timeoutMs: 300, maxRetries: 0 }).chat(req), 'timeout');
    assert.match(error.message, /stalled/);
    assert.equal(requestsOf('stall')[0].fault, 'hang');
  });

  it('retries a malformed stream, then gives up with ModelError(malformed)', async () => {
    const req = request();
    await expectModelError(provider('malformed', { maxRetries: 1 }).chat(req), 'malformed');
    assert.equal(req.retries.length, 1);
    assert.equal(req.retries[0].error.kind, 'malformed');
  });

  it('recovers from one malformed stream', async () => {
    assert.equal((await provider('malformed-once').chat(request())).content, 'clean now');
  });

  it('retries a truncated stream and returns the complete answer', async () => {
    const req = request();
    const response = await provider('truncated').chat(req);
    assert.equal(response.content, 'complete this time');
    assert.equal(req.retries.length, 1);
    assert.equal(req.retries[0].error.kind, 'network');
    assert.match(req.retries[0].error.message, /broke off after \d+ chunks/);
  });

  it('ends repeated truncation in a retryable ModelError(network)', async () => {
    const req = request();
    const error = await expectModelError(provider('truncated-always', { maxRetries: 1 }).chat(req), 'network');
    assert.equal(error.retryable, true);
    assert.equal(req.retries.length, 1);
  });

  it('cancels through the AbortSignal without retrying', async () => {
    const controller = new AbortController();
    const req = request({ signal: controller.signal });
    const pending = provider('cancel', { timeoutMs: 10_000 }).chat(req);
    setTimeout(() => controller.abort(), 150);
    const error = await expectModelError(pending, 'cancelled');
    assert.equal(error.retryable, false);
    assert.equal(req.retries.length, 0);
    assert.equal(requestsOf('cancel').length, 1);
  });

  it('refuses at once when the signal is already aborted', async () => {
    const req = request({ signal: AbortSignal.abort() });
    await expectModelError(provider('plain').chat(req), 'cancelled');
  });

  it('passes invalid tool arguments and unknown tools through raw', async () => {
    const response = await provider('bad-args').chat(request());
    assert.deepEqual(
      response.toolCalls.map((c) => [c.name, c.arguments]),
      [
        ['write_file', '{"path": "src/x.js", "content": '],
        ['launch_rockets', '{"now":true}'],
      ],
    );
  });

  it('surfaces an unscripted agent as ModelError(badRequest) naming the agent, without retrying', async () => {
    const req = request();
    const error = await expectModelError(provider('impl-nobody-1', {}, 'implementor', 'nobody').chat(req), 'badRequest');
    assert.equal(error.status, 400);
    assert.equal(error.retryable, false);
    assert.match(error.message, /impl-nobody-1/);
    assert.match(error.message, /"nobody"/);
    assert.equal(req.retries.length, 0);
  });

  it('surfaces exhausted turns as ModelError(badRequest) naming the agent', async () => {
    const p = provider('impl-scripted-1', {}, 'implementor', 'scripted-task');
    assert.equal((await p.chat(request())).content, 'one turn only');
    const error = await expectModelError(p.chat(request()), 'badRequest');
    assert.match(error.message, /impl-scripted-1/);
    assert.match(error.message, /all 1 turns/);
  });

  it('maps a refused connection to a retryable ModelError(network)', async () => {
    const closed = await startSimulator({ scenario: { name: 'gone', agents: [] } });
    const url = closed.url;
    await closed.close();
    const p = new OpenAiProvider({ baseUrl: url, model: 'm', apiKey: '', timeoutMs: 2000, maxRetries: 1, headers: [] }, { retry: { baseDelayMs: 10 } });
    const req = request();
    const error = await expectModelError(p.chat(req), 'network');
    assert.equal(error.retryable, true);
    assert.equal(req.retries.length, 1);
  });
});
