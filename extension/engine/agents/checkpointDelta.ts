import type { ChatMessage } from '../../protocol/chat';
import type { CheckpointMessages } from '../../protocol/checkpointConversation';

/**
 * What a checkpoint journals of the conversation: only the messages that changed since the agent's
 * previous checkpoint (a turn adds a few; elision or compaction rewrites older ones, and then the delta
 * starts at the first rewritten message). The first checkpoint holds the whole conversation. Messages are
 * compared by their JSON, since compaction may change a message in place.
 */
export class CheckpointDelta {
  private journaled: string[] | null = null;

  next(messages: readonly ChatMessage[]): CheckpointMessages {
    const now = messages.map((m) => JSON.stringify(m));
    const before = this.journaled;
    this.journaled = now;
    if (before === null) return { messages: [...messages] };
    let from = 0;
    while (from < before.length && from < now.length && before[from] === now[from]) from++;
    return { messagesFrom: from, messages: messages.slice(from) };
  }
}
