import type { ChatMessage } from './chat';

/**
 * A checkpoint journals only what is new in the agent's conversation: the messages from index
 * `messagesFrom` on (earlier ones are unchanged since the agent's previous checkpoint). An event
 * without `messagesFrom` (older journals, or an agent's first checkpoint) holds the whole conversation.
 */
export interface CheckpointMessages {
  messagesFrom?: number;
  messages: ChatMessage[];
}

/** The agent's whole conversation at this checkpoint, from its previous one (same agent) and the event. */
export function conversationAt(previous: readonly ChatMessage[] | undefined, checkpoint: CheckpointMessages): ChatMessage[] {
  if (checkpoint.messagesFrom === undefined) return checkpoint.messages;
  return [...(previous ?? []).slice(0, checkpoint.messagesFrom), ...checkpoint.messages];
}

/** Folds checkpoints agent by agent: each agent's conversation at its latest checkpoint. */
export class CheckpointConversations {
  private readonly byAgent = new Map<string, ChatMessage[]>();

  add(agentId: string, checkpoint: CheckpointMessages): ChatMessage[] {
    const conversation = conversationAt(this.byAgent.get(agentId), checkpoint);
    this.byAgent.set(agentId, conversation);
    return conversation;
  }

  of(agentId: string): ChatMessage[] | undefined {
    return this.byAgent.get(agentId);
  }
}
