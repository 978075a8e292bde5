import assert from 'node:assert/strict';
import { toLmMessages } from '../../../../extension/vscode/adapters/lmMessages';

describe('vscode/adapters/lmMessages', () => {
  it('turns the system prompt into the first user turn, and tool calls and results into parts', () => {
    const out = toLmMessages([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'task' },
      { role: 'assistant', content: null, toolCalls: [{ id: 'c1', name: 'read_file', arguments: '{"path":"a.js"}' }, { id: 'c2', name: 'search', arguments: '{"pattern":"x"}' }] },
      { role: 'tool', toolCallId: 'c1', content: 'A' },
      { role: 'tool', toolCallId: 'c2', content: 'B' },
    ]);
    assert.deepEqual(out.map((m) => m.role), ['user', 'user', 'assistant', 'user']);
    assert.deepEqual(out[0].parts, [{ kind: 'text', text: 'Instructions:\nbe brief' }]);
    assert.deepEqual(out[2].parts, [
      { kind: 'toolCall', callId: 'c1', name: 'read_file', input: { path: 'a.js' } },
      { kind: 'toolCall', callId: 'c2', name: 'search', input: { pattern: 'x' } },
    ]);
    assert.deepEqual(out[3].parts, [
      { kind: 'toolResult', callId: 'c1', text: 'A' },
      { kind: 'toolResult', callId: 'c2', text: 'B' },
    ]);
  });

  it('keeps invalid tool arguments instead of dropping them', () => {
    const [m] = toLmMessages([{ role: 'assistant', content: 'hm', toolCalls: [{ id: 'c', name: 't', arguments: '{"path": ' }] }]);
    assert.deepEqual(m.parts[1], { kind: 'toolCall', callId: 'c', name: 't', input: { raw: '{"path": ' } });
  });
});
