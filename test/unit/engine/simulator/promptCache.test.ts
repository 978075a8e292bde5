import assert from 'node:assert/strict';
import type { ChatMessage } from '../../../../extension/protocol/chat';
import { startSimulator, type Simulator } from '../../../../extension/engine/simulator/simulatorServer';
import { OpenAiProvider } from '../../../../extension/engine/models/openaiProvider';
import type { ToolSpec } from '../../../../extension/engine/models/modelProvider';
import { simulatedEndpoint } from '../models/simulatedEndpoint';

const tools: ToolSpec[] = [{ name: 'read_file', description: 'Read a file.', parameters: { type: 'object', properties: { path: { type: 'string' } } } }];
// 8,000 characters: 2,000 tokens by the four-characters-a-token estimate.
const system: ChatMessage = { role: 'system', content: 'S'.repeat(8_000) };
const task: ChatMessage = { role: 'user', content: 'T'.repeat(4_000) };

describe('model simulator prompt cache', () => {
  let sim: Simulator;
  beforeEach(async () => {
    sim = await startSimulator({ scenario: { name: 'cache', agents: [{ turns: Array.from({ length: 10 }, () => ({ content: 'ok' })) }] } });
  });
  afterEach(async () => {
    await sim.close();
  });

  const provider = (agentId: string) => new OpenAiProvider(simulatedEndpoint(sim, { agentId, role: 'implementor' }));

  it('reports the prefix shared with the same agent’s earlier request as cached, in 128-token blocks, read into Usage', async () => {
    const a = provider('agent-a');
    const first = await a.chat({ messages: [system, task], tools });
    assert.equal(first.usage.inputTokens, 3_000);
    assert.equal(first.usage.cachedInputTokens, undefined, 'nothing is cached on the first request');

    const second = await a.chat({ messages: [system, task, { role: 'user', content: 'more' }], tools });
    // 12,000 shared characters = 3,000 tokens, cut to whole 128-token blocks.
    assert.equal(second.usage.inputTokens, 3_001);
    assert.equal(second.usage.cachedInputTokens, 2_944);
  });

  it('misses from the first changed character on, for another agent, and when the tools change', async () => {
    const a = provider('agent-a');
    await a.chat({ messages: [system, task], tools });
    const edited = await a.chat({ messages: [{ role: 'system', content: `S${'s'.repeat(7_999)}` }, task], tools });
    assert.equal(edited.usage.cachedInputTokens, undefined, 'a change in the first message misses everything after it');

    const halfway = await a.chat({ messages: [system, { role: 'user', content: `${'T'.repeat(2_000)}changed` }], tools });
    // The system message and the first 2,000 characters of the task: 10,000 characters = 2,500 tokens → 2,432.
    assert.equal(halfway.usage.cachedInputTokens, 2_432);

    const other = await provider('agent-b').chat({ messages: [system, task], tools });
    assert.equal(other.usage.cachedInputTokens, undefined, 'one agent never hits another agent’s cache');

    const retooled = await a.chat({ messages: [system, task], tools: [{ ...tools[0], description: 'Read a text file.' }] });
    assert.equal(retooled.usage.cachedInputTokens, undefined, 'tool definitions come first: changing them misses');
  });

  it('reports nothing below 1,024 shared tokens', async () => {
    const a = provider('agent-a');
    const short: ChatMessage = { role: 'system', content: 'S'.repeat(4_000) };
    await a.chat({ messages: [short], tools });
    const again = await a.chat({ messages: [short, { role: 'user', content: 'x' }], tools });
    assert.equal(again.usage.cachedInputTokens, undefined, '1,000 shared tokens are under the minimum');
  });
});
