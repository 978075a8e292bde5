import assert from 'node:assert/strict';
import type { ChatMessage } from '../../../../extension/protocol/chat';
import { CheckpointConversations, conversationAt } from '../../../../extension/protocol/checkpointConversation';
import { CheckpointDelta } from '../../../../extension/engine/agents/checkpointDelta';

const user = (content: string): ChatMessage => ({ role: 'user', content });
const tool = (id: string, content: string): ChatMessage => ({ role: 'tool', toolCallId: id, content });

describe('checkpoints journal only what is new in the conversation', () => {
  it('journals the whole conversation first, then only the messages a turn added, and folds back to the same conversation', () => {
    const delta = new CheckpointDelta();
    const folded = new CheckpointConversations();
    const messages: ChatMessage[] = [{ role: 'system', content: 'sys' }, user('spec and task')];
    const first = delta.next(messages);
    assert.equal(first.messagesFrom, undefined);
    assert.deepEqual(folded.add('a', first), messages);

    messages.push({ role: 'assistant', content: null, toolCalls: [{ id: 'c1', name: 'read_file', arguments: '{}' }] }, tool('c1', 'x'.repeat(5000)));
    const second = delta.next(messages);
    assert.equal(second.messagesFrom, 2);
    assert.equal(second.messages.length, 2);
    assert.deepEqual(folded.add('a', second), messages);
  });

  it('starts the delta at the first message elision or compaction rewrote, even when rewritten in place', () => {
    const delta = new CheckpointDelta();
    const folded = new CheckpointConversations();
    const messages: ChatMessage[] = [user('pinned'), tool('c1', 'long file'), tool('c2', 'another file'), user('latest')];
    folded.add('a', delta.next(messages));
    messages[2].content = '[elided]';
    messages.push(user('next turn'));
    const next = delta.next(messages);
    assert.equal(next.messagesFrom, 2);
    assert.deepEqual(folded.add('a', next), messages);
  });

  it('folds an old journal, whose checkpoints hold the whole conversation, unchanged', () => {
    const whole = [user('a'), user('b')];
    assert.deepEqual(conversationAt([user('stale')], { messages: whole }), whole);
  });

  it('keeps agents apart: a second attempt journals its whole conversation first', () => {
    const folded = new CheckpointConversations();
    folded.add('impl-1', { messages: [user('one'), user('two')] });
    assert.deepEqual(folded.add('impl-2', new CheckpointDelta().next([user('resumed')])), [user('resumed')]);
    assert.deepEqual(folded.of('impl-1'), [user('one'), user('two')]);
  });
});
