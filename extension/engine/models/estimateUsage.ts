import type { ChatMessage, ToolCall } from '../../protocol/chat';
import type { Usage } from '../../protocol/usage';

/** The rough rule used when a server reports no usage: about four characters per token. */
export function estimateTokens(chars: number): number {
  return Math.ceil(Math.max(0, chars) / 4);
}

/** Characters a message contributes to the prompt: its text plus any tool call names and arguments. */
export function messageChars(message: ChatMessage): number {
  switch (message.role) {
    case 'system':
    case 'user':
    case 'tool':
      return message.content.length;
    case 'assistant':
      return (message.content ?? '').length + toolCallChars(message.toolCalls);
  }
}

export function toolCallChars(toolCalls: readonly ToolCall[]): number {
  return toolCalls.reduce((sum, call) => sum + call.name.length + call.arguments.length, 0);
}

/** An estimate of a call's usage, for servers that do not send a usage chunk. */
export function estimateUsage(messages: readonly ChatMessage[], content: string | null, toolCalls: readonly ToolCall[]): Usage {
  const inputChars = messages.reduce((sum, m) => sum + messageChars(m), 0);
  return {
    inputTokens: estimateTokens(inputChars),
    outputTokens: estimateTokens((content ?? '').length + toolCallChars(toolCalls)),
  };
}
