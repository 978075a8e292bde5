import assert from 'node:assert/strict';
import { completeToolCalls } from '../../../../extension/engine/agents/completeToolCalls';
import type { ChatMessage } from '../../../../extension/protocol/chat';

const call = (id: string) => ({ id, name: 'read_file', arguments: '{"path":"a.js"}' });
const opening: ChatMessage[] = [
  { role: 'system', content: 'you are an implementor' },
  { role: 'user', content: 'do the task' },
];

describe('engine/agents/completeToolCalls', () => {
  it('keeps a conversation whose every tool call has its result', () => {
    const whole: ChatMessage[] = [...opening, { role: 'assistant', content: null, toolCalls: [call('c1'), call('c2')] }, { role: 'tool', toolCallId: 'c1', content: 'x' }, { role: 'tool', toolCallId: 'c2', content: 'y' }];
    assert.deepEqual(completeToolCalls(whole), whole);
  });

  it('cuts a checkpoint taken between a call and its result back to the last whole turn, so a real API accepts it', () => {
    const first: ChatMessage[] = [{ role: 'assistant', content: null, toolCalls: [call('c1')] }, { role: 'tool', toolCallId: 'c1', content: 'x' }];
    const dangling: ChatMessage[] = [...opening, ...first, { role: 'assistant', content: 'two reads', toolCalls: [call('c2'), call('c3')] }, { role: 'tool', toolCallId: 'c2', content: 'y' }];
    assert.deepEqual(completeToolCalls(dangling), [...opening, ...first]);
  });
});
