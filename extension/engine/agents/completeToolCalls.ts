import type { ChatMessage } from '../../protocol/chat';

/**
 * A conversation an OpenAI-compatible API accepts: every assistant tool call followed by its
 * result. A checkpoint taken mid-turn (a crash between the call and its result) leaves a dangling
 * call, which real APIs reject with a 400; the conversation is cut before the first assistant
 * message whose calls are not all answered, so the resumed agent makes that turn again.
 */
export function completeToolCalls(messages: readonly ChatMessage[]): ChatMessage[] {
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    if (m.role !== 'assistant' || !m.toolCalls?.length) continue;
    const answered = new Set<string>();
    for (let j = i + 1; j < messages.length && messages[j].role === 'tool'; j++) answered.add((messages[j] as { toolCallId: string }).toolCallId);
    if (!m.toolCalls.every((c) => answered.has(c.id))) return messages.slice(0, i);
  }
  return [...messages];
}
