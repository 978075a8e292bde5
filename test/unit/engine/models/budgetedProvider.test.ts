import assert from 'node:assert/strict';
import { createProvider } from '../../../../extension/engine/models/createProvider';
import { estimateTokens } from '../../../../extension/engine/agents/tokenBudget';
import { ModelError } from '../../../../extension/engine/models/modelProvider';
import { startSimulator, type Simulator } from '../../../../extension/engine/simulator/simulatorServer';
import type { ChatMessage } from '../../../../extension/protocol/chat';
import { simulatedEndpoint } from './simulatedEndpoint';

const ask = (text: string): ChatMessage[] => [{ role: 'user', content: text }];

/** The hard budget every role's calls go through, against the real SDK and the HTTP simulator. */
describe('engine/models/budgetedProvider', () => {
  let sim: Simulator | null = null;
  afterEach(async () => {
    await sim?.close();
    sim = null;
  });

  async function provider(turns: object[], budgetTokens: number) {
    sim = await startSimulator({ scenario: { name: 'budget', agents: [{ match: { role: 'implementor' }, turns: turns as never }] }, recordBodies: true });
    return createProvider(simulatedEndpoint(sim, { agentId: 'impl-b-1', role: 'implementor' }), {}, budgetTokens);
  }
  const sentCap = (i: number) => (JSON.parse(sim!.requests[i].body ?? '{}') as { max_tokens?: number }).max_tokens;

  it('sends every call with an output cap of what the budget leaves, so a long answer is cut at the cap', async () => {
    // The scripted model would answer with 50,000 tokens; the budget is 3,000.
    const p = await provider([{ content: 'x'.repeat(200_000), usage: { inputTokens: 40, outputTokens: 50_000 } }], 3_000);
    const response = await p.chat({ messages: ask('write a novel'), tools: [] });
    const cap = sentCap(0)!;
    assert.ok(cap > 2_900 && cap < 3_000, `cap ${cap}: the budget minus the prompt estimate`);
    assert.equal(response.finishReason, 'length');
    assert.equal(response.usage.outputTokens, cap);
    assert.ok(p.usage.inputTokens + p.usage.outputTokens <= 3_000 + 40, `used ${JSON.stringify(p.usage)}: within one prompt estimate of the budget`);
  });

  it('never makes a call the budget has no room for, and says how much was used', async () => {
    const p = await provider([{ content: 'a'.repeat(500) }, { content: 'never sent' }], 150);
    await p.chat({ messages: ask('first'), tools: [] });
    const prompt = estimateTokens(JSON.stringify(ask('first'))) + estimateTokens('[]');
    assert.equal(sentCap(0), 150 - prompt, 'the cap is the budget minus the prompt estimate (messages and tools)');
    assert.equal(p.usage.outputTokens, 125, 'the 500-character answer fit under its cap');
    await assert.rejects(p.chat({ messages: ask('second'), tools: [] }), (err: unknown) => {
      assert.ok(err instanceof ModelError);
      assert.equal(err.kind, 'budget');
      assert.equal(err.retryable, false);
      assert.match(err.message, /token budget of 150 reached \(\d+ used, the next prompt is about \d+\)/);
      return true;
    });
    assert.equal(sim!.requests.length, 1, 'the second call never reached the endpoint');
  });

  it('caps a call at 8192 output tokens when the budget is larger', async () => {
    const p = await provider([{ content: 'ok' }], 1_000_000);
    await p.chat({ messages: ask('hi'), tools: [] });
    assert.equal(sentCap(0), 8192);
    assert.equal(p.usage.outputTokens, 1);
  });
});
