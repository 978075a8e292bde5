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

  it('cuts the oldest tool results first until it is under 60% of the window, keeping the spec, the task and the latest turns whole', () => {
    const messages = conversation(10, 8_000);
    const pinned = JSON.stringify(messages.slice(0, 2));
    const recent = JSON.stringify(messages.slice(-6));
    const window = 15_000;
    const cut = compactContext(messages, window);
    assert.ok(cut > 0);
    assert.ok(estimateTokens(JSON.stringify(messages)) <= window * 0.6, 'room is left for the next turns');
    assert.equal(JSON.stringify(messages.slice(0, 2)), pinned);
    assert.equal(JSON.stringify(messages.slice(-6)), recent);
    const firstTool = messages[3];
    assert.equal(firstTool.role, 'tool');
    assert.match(firstTool.role === 'tool' ? firstTool.content : '', /^0:x{298}\n\[… \d+ more characters elided/);
    // The next turn of the same size fits without another cut: the prompt's prefix stays as it is.
    const prefix = JSON.stringify(messages);
    messages.push(...conversation(11, 8_000).slice(-2));
    assert.equal(compactContext(messages, window), 0);
    assert.ok(JSON.stringify(messages).startsWith(prefix.slice(0, -1)));
  });

  it('cuts no more than it must to get under the target', () => {
    const messages = conversation(10, 8_000);
    const window = Math.ceil(estimateTokens(JSON.stringify(messages)) / 0.79);
    assert.equal(compactContext(messages, window), 0, 'under 80%: nothing is cut');
    const tighter = Math.ceil(estimateTokens(JSON.stringify(messages)) / 0.81);
    const cut = compactContext(messages, tighter);
    assert.ok(cut > 0);
    assert.ok(estimateTokens(JSON.stringify(messages)) <= tighter * 0.6);
    const lastCompactable = messages[messages.length - 7];
    assert.equal(lastCompactable.role === 'tool' && lastCompactable.content.includes('elided'), false, 'the newest compactable result survived');
  });
});
