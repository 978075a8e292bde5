import assert from 'node:assert/strict';
import { compactContext } from '../../../../extension/engine/agents/compactContext';
import { estimateTokens } from '../../../../extension/engine/agents/tokenBudget';
import type { ChatMessage } from '../../../../extension/protocol/chat';

function conversation(turns: number, resultChars: number): ChatMessage[] {
  const messages: ChatMessage[] = [
    { role: 'system', content: 'you are an implementor' },
    { role: 'user', content: `the spec and the task ${'s'.repeat(2000)}` },
  ];
  for (let i = 0; i < turns; i++) {
    messages.push({ role: 'assistant', content: null, toolCalls: [{ id: `c${i}`, name: 'read_file', arguments: `{"path":"f${i}"}` }] });
    messages.push({ role: 'tool', toolCallId: `c${i}`, content: `${i}:${'x'.repeat(resultChars)}` });
  }
  return messages;
}

describe('engine/agents/compactContext', () => {
  it('leaves a conversation that fits alone', () => {
    const messages = conversation(3, 100);
    const before = JSON.stringify(messages);
    assert.equal(compactContext(messages, 100_000), 0);
    assert.equal(JSON.stringify(messages), before);
  });

  it('cuts the oldest tool results first until it fits, keeping the spec, the task and the latest turns whole', () => {
    const messages = conversation(10, 8_000);
    const pinned = JSON.stringify(messages.slice(0, 2));
    const recent = JSON.stringify(messages.slice(-6));
    const window = 15_000;
    const cut = compactContext(messages, window);
    assert.ok(cut > 0);
    assert.ok(estimateTokens(JSON.stringify(messages)) <= window * 0.8);
    assert.equal(JSON.stringify(messages.slice(0, 2)), pinned);
    assert.equal(JSON.stringify(messages.slice(-6)), recent);
    const firstTool = messages[3];
    assert.equal(firstTool.role, 'tool');
    assert.match(firstTool.role === 'tool' ? firstTool.content : '', /^0:x{298}\n\[… \d+ more characters elided/);
    // The newest compactable result survived: only as many were cut as needed.
    const lastCompactable = messages[messages.length - 7];
    assert.equal(lastCompactable.role === 'tool' && lastCompactable.content.includes('elided'), false);
  });
});
