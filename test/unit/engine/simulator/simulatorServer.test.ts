import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startSimulator, type Simulator } from '../../../../extension/engine/simulator/simulatorServer';
import type { ScenarioInput } from '../../../../extension/engine/simulator/scenarioSchema';

const scenario: ScenarioInput = {
  name: 'server-tests',
  model: 'sim-model',
  chunkChars: 4,
  agents: [
    { match: { role: 'coordinator' }, turns: [{ content: 'plan', toolCalls: [{ name: 'submit_plan', arguments: { tasks: [] }, id: 'call_plan' }] }] },
    { match: { role: 'implementor', task: 't1', attempt: 2 }, turns: [{ content: 'second attempt script' }] },
    { match: { role: 'implementor', task: 't1' }, turns: [{ content: 'first' }, { content: 'second' }] },
    { match: { agent: 'limited' }, turns: [{ fault: { kind: 'rateLimit', retryAfterSeconds: 2, retryAfterMs: 1500 } }] },
    { match: { agent: 'five-oh-three' }, turns: [{ fault: { kind: 'server', status: 503, message: 'overloaded' } }] },
    { match: { agent: 'hang-briefly' }, turns: [{ fault: { kind: 'hang', hangMs: 100 } }] },
    { match: { agent: 'hang-forever' }, turns: [{ fault: { kind: 'hang' } }] },
    { match: { role: 'waiter' }, turns: [{ fault: { kind: 'hang', hangMs: 300 } }] },
    { match: { agent: 'malformed' }, turns: [{ fault: { kind: 'malformedStream' } }] },
    { match: { agent: 'usage' }, turns: [{ content: '12345', usage: { inputTokens: 1000, outputTokens: 2000 } }] },
  ],
};

interface Agent {
  agent: string;
  role?: string;
  task?: string;
  attempt?: number;
}

function headersFor(who: Agent): Record<string, string> {
  const h: Record<string, string> = { 'content-type': 'application/json', 'x-loom-agent': who.agent };
  if (who.role) h['x-loom-role'] = who.role;
  if (who.task) h['x-loom-task'] = who.task;
  if (who.attempt !== undefined) h['x-loom-attempt'] = String(who.attempt);
  return h;
}

const messages = [
  { role: 'system', content: '12345678' },
  { role: 'user', content: 'abcd' },
];

/** A JSON body, loosely typed for assertions. */
async function json(res: Response): Promise<any> {
  return res.json();
}

/** The `data:` payloads of an SSE body. */
function events(text: string): string[] {
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('data: '))
    .map((block) => block.slice('data: '.length));
}

describe('model simulator server', () => {
  let sim: Simulator;
  beforeEach(async () => {
    sim = await startSimulator({ scenario });
  });
  afterEach(async () => {
    await sim.close();
  });

  function post(who: Agent, body: unknown): Promise<Response> {
    return fetch(`${sim.url}/chat/completions`, { method: 'POST', headers: headersFor(who), body: typeof body === 'string' ? body : JSON.stringify(body) });
  }

  it('listens on 127.0.0.1 with a random port and lists its model', async () => {
    assert.match(sim.url, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    assert.ok(sim.port > 0);
    const models = await json(await fetch(`${sim.url}/models`));
    assert.deepEqual(models.data.map((m: { id: string }) => m.id), ['sim-model']);
  });

  it('streams real OpenAI chunks: role, content pieces, tool call deltas, finish, usage, [DONE]', async () => {
    const res = await post({ agent: 'coord', role: 'coordinator' }, { model: 'x', messages, stream: true, stream_options: { include_usage: true } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    const data = events(await res.text());
    assert.equal(data.at(-1), '[DONE]');
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d));
    for (const c of chunks) {
      assert.equal(c.object, 'chat.completion.chunk');
      assert.equal(c.model, 'sim-model');
    }
    assert.deepEqual(chunks[0].choices[0].delta, { role: 'assistant', content: '', refusal: null });
    const content = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
    assert.equal(content, 'plan');
    const toolDeltas = chunks.flatMap((c) => c.choices[0]?.delta?.tool_calls ?? []);
    assert.deepEqual(toolDeltas[0], { index: 0, id: 'call_plan', type: 'function', function: { name: 'submit_plan', arguments: '' } });
    assert.ok(toolDeltas.length > 2, 'arguments arrive in several pieces');
    assert.equal(toolDeltas.map((d) => d.function.arguments).join(''), '{"tasks":[]}');
    const finish = chunks.find((c) => c.choices[0]?.finish_reason);
    assert.equal(finish.choices[0].finish_reason, 'tool_calls');
    const usageChunk = chunks.at(-1);
    assert.deepEqual(usageChunk.choices, []);
    // input: ceil(12 chars / 4); output: ceil((4 + 11 + 12) / 4)
    assert.deepEqual(usageChunk.usage, { prompt_tokens: 3, completion_tokens: 7, total_tokens: 10, prompt_tokens_details: { cached_tokens: 0 } });
  });

  it('sends no usage chunk unless asked for', async () => {
    const res = await post({ agent: 'coord', role: 'coordinator' }, { model: 'x', messages, stream: true });
    const chunks = events(await res.text()).slice(0, -1).map((d) => JSON.parse(d));
    assert.ok(chunks.every((c) => c.usage === undefined && c.choices.length === 1));
  });

  it('answers non-streamed requests, read through the real SDK', async () => {
    const client = new OpenAI({ baseURL: sim.url, apiKey: 'k', maxRetries: 0, defaultHeaders: headersFor({ agent: 'usage' }) });
    const completion = await client.chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(completion.choices[0].message.content, '12345');
    assert.equal(completion.choices[0].finish_reason, 'stop');
    assert.deepEqual(completion.usage, { prompt_tokens: 1000, completion_tokens: 2000, total_tokens: 3000, prompt_tokens_details: { cached_tokens: 0 } });
  });

  it('gives each agent id its own cursor; first matching entry wins; attempt and task must match', async () => {
    const text = async (who: Agent) => {
      const res = await post(who, { model: 'x', messages });
      const body = await json(res);
      return res.status === 200 ? body.choices[0].message.content : `${res.status}`;
    };
    assert.equal(await text({ agent: 'a1', role: 'implementor', task: 't1', attempt: 1 }), 'first');
    assert.equal(await text({ agent: 'a2', role: 'implementor', task: 't1', attempt: 1 }), 'first');
    assert.equal(await text({ agent: 'a1', role: 'implementor', task: 't1', attempt: 1 }), 'second');
    assert.equal(await text({ agent: 'a3', role: 'implementor', task: 't1', attempt: 2 }), 'second attempt script');
    assert.equal(await text({ agent: 'a4', role: 'implementor' }), '400', 'an entry with a task never matches a request without one');
    assert.deepEqual(
      sim.requests.map((r) => [r.agentId, r.role, r.taskId, r.attempt, r.entryIndex, r.turnIndex]),
      [
        ['a1', 'implementor', 't1', 1, 2, 0],
        ['a2', 'implementor', 't1', 1, 2, 0],
        ['a1', 'implementor', 't1', 1, 2, 1],
        ['a3', 'implementor', 't1', 2, 1, 0],
        ['a4', 'implementor', undefined, undefined, null, null],
      ],
    );
    for (const r of sim.requests) assert.ok(r.respondedAt !== null && r.respondedAt >= r.receivedAt);
  });

  it('answers an unscripted agent and exhausted turns with an actionable 400', async () => {
    const res = await post({ agent: 'impl-x-1', role: 'implementor', task: 'x' }, { model: 'x', messages });
    assert.equal(res.status, 400);
    const body = await json(res);
    assert.equal(body.error.type, 'invalid_request_error');
    assert.equal(body.error.code, 'loom_simulator_no_script');
    assert.match(body.error.message, /scenario "server-tests": no script for agent "impl-x-1" \(role "implementor", task "x"\)/);
    assert.match(body.error.message, /\{"match": \{"role":"implementor","task":"x"\}/);

    await post({ agent: 'c', role: 'coordinator' }, { model: 'x', messages });
    const again = await json(await post({ agent: 'c', role: 'coordinator' }, { model: 'x', messages }));
    assert.equal(again.error.code, 'loom_simulator_turns_exhausted');
    assert.match(again.error.message, /agent "c" .* has used all 1 turns of agents\[0\]/);
  });

  it('rejects an invalid JSON body and a body without messages with 400', async () => {
    const res = await post({ agent: 'coord', role: 'coordinator' }, '{ not json');
    assert.equal(res.status, 400);
    assert.match((await json(res)).error.message, /not valid JSON/);
    const noMessages = await post({ agent: 'coord', role: 'coordinator' }, { model: 'x' });
    assert.equal(noMessages.status, 400);
    assert.equal(sim.requests.every((r) => r.turnIndex === null), true, 'invalid requests consume no turn');
  });

  it('answers unknown paths with 404', async () => {
    const res = await fetch(`${sim.url}/embeddings`, { method: 'POST', body: '{}' });
    assert.equal(res.status, 404);
  });

  it('injects rate limits with Retry-After and retry-after-ms, and 5xx errors', async () => {
    const limited = await post({ agent: 'limited' }, { model: 'x', messages, stream: true });
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '2');
    assert.equal(limited.headers.get('retry-after-ms'), '1500');
    assert.equal((await json(limited)).error.code, 'rate_limit_exceeded');
    const down = await post({ agent: 'five-oh-three' }, { model: 'x', messages });
    assert.equal(down.status, 503);
    assert.equal((await json(down)).error.message, 'overloaded');
    assert.deepEqual(sim.requests.map((r) => [r.fault, r.status]), [['rateLimit', 429], ['server', 503]]);
  });

  it('sends a non-JSON data line for malformedStream', async () => {
    const res = await post({ agent: 'malformed' }, { model: 'x', messages, stream: true });
    const data = events(await res.text());
    assert.ok(data.some((d) => d.includes('this is not JSON')));
    assert.ok(!data.includes('[DONE]'));
  });

  it('drops a hanging request after hangMs', async () => {
    await assert.rejects(post({ agent: 'hang-briefly' }, { model: 'x', messages }));
    assert.equal(sim.requests[0].fault, 'hang');
    assert.equal(sim.requests[0].status, null);
  });

  it('closes promptly with a request hanging forever, failing the client instead of leaking', async () => {
    const pending = post({ agent: 'hang-forever' }, { model: 'x', messages }).then(
      () => 'answered',
      () => 'dropped',
    );
    while (sim.requests.length === 0) await new Promise((r) => setTimeout(r, 10));
    await sim.close();
    assert.equal(await pending, 'dropped');
    await sim.close();
  });

  it('serves more than ten requests at once without a listener-leak warning (16 agents call their model together)', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
    process.on('warning', onWarning);
    try {
      const pending = Array.from({ length: 16 }, (_, i) =>
        post({ agent: `waiter-${i}`, role: 'waiter' }, { model: 'x', messages }).then(
          () => 'answered',
          () => 'dropped',
        ),
      );
      while (sim.requests.length < 16) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(new Set(await Promise.all(pending)), new Set(['dropped']));
      await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
      assert.deepEqual(warnings, []);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
