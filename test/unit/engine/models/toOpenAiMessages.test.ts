import assert from 'node:assert/strict';
import { toOpenAiMessages, toOpenAiTools } from '../../../../extension/engine/models/toOpenAiMessages';

describe('toOpenAiMessages', () => {
  it('maps every role, including assistant tool calls and tool results', () => {
    assert.deepEqual(
      toOpenAiMessages([
        { role: 'system', content: 's' },
        { role: 'user', content: 'u' },
        { role: 'assistant', content: null, toolCalls: [{ id: 'c1', name: 'read_file', arguments: '{"path":"a"}' }] },
        { role: 'tool', toolCallId: 'c1', content: 'file text' },
        { role: 'assistant', content: 'done', toolCalls: [] },
      ]),
      [
        { role: 'system', content: 's' },
        { role: 'user', content: 'u' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'read_file', arguments: '{"path":"a"}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'file text' },
        { role: 'assistant', content: 'done' },
      ],
    );
  });

  it('omits tools when there are none', () => {
    assert.equal(toOpenAiTools([]), undefined);
    assert.deepEqual(toOpenAiTools([{ name: 't', description: 'd', parameters: { type: 'object' } }]), [
      { type: 'function', function: { name: 't', description: 'd', parameters: { type: 'object' } } },
    ]);
  });
});
