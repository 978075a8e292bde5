import type OpenAI from 'openai';
import type { ChatMessage } from '../../protocol/chat';
import type { ToolSpec } from './modelProvider';

type OpenAiMessage = OpenAI.Chat.Completions.ChatCompletionMessageParam;
type OpenAiTool = OpenAI.Chat.Completions.ChatCompletionTool;

/** Our plain-data chat messages in the OpenAI chat completions shape. */
export function toOpenAiMessages(messages: readonly ChatMessage[]): OpenAiMessage[] {
  return messages.map((message): OpenAiMessage => {
    switch (message.role) {
      case 'system':
        return { role: 'system', content: message.content };
      case 'user':
        return { role: 'user', content: message.content };
      case 'tool':
        return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
      case 'assistant': {
        const toolCalls = message.toolCalls ?? [];
        if (toolCalls.length === 0) return { role: 'assistant', content: message.content ?? '' };
        return {
          role: 'assistant',
          content: message.content,
          tool_calls: toolCalls.map((call) => ({
            id: call.id,
            type: 'function' as const,
            function: { name: call.name, arguments: call.arguments },
          })),
        };
      }
    }
  });
}

/** Tool specs as OpenAI function tools; undefined when there are none (some servers reject `tools: []`). */
export function toOpenAiTools(specs: readonly ToolSpec[]): OpenAiTool[] | undefined {
  if (specs.length === 0) return undefined;
  return specs.map((t) => ({ type: 'function' as const, function: { name: t.name, description: t.description, parameters: t.parameters } }));
}
