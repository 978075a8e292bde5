// Pure: how Loom's chat messages map onto the Language Model API's shape (no system role; tool calls
// and results as parts). Kept free of 'vscode' so it is unit-tested in plain Node.
import type { ChatMessage } from '../../protocol/chat';

export type LmPart =
  | { kind: 'text'; text: string }
  | { kind: 'toolCall'; callId: string; name: string; input: object }
  | { kind: 'toolResult'; callId: string; text: string };

export interface LmMessage {
  role: 'user' | 'assistant';
  parts: LmPart[];
}

/** The LM API has no system role: the system prompt becomes the first user turn, clearly marked. */
export function toLmMessages(messages: readonly ChatMessage[]): LmMessage[] {
  const out: LmMessage[] = [];
  const push = (role: LmMessage['role'], part: LmPart) => {
    const last = out[out.length - 1];
    // Tool results follow an assistant turn as one user message, in call order.
    if (last && last.role === role && role === 'user' && part.kind === 'toolResult' && last.parts.every((p) => p.kind === 'toolResult')) last.parts.push(part);
    else out.push({ role, parts: [part] });
  };
  for (const m of messages) {
    switch (m.role) {
      case 'system':
        push('user', { kind: 'text', text: `Instructions:\n${m.content}` });
        break;
      case 'user':
        push('user', { kind: 'text', text: m.content });
        break;
      case 'assistant': {
        const parts: LmPart[] = [];
        if (m.content) parts.push({ kind: 'text', text: m.content });
        for (const call of m.toolCalls) parts.push({ kind: 'toolCall', callId: call.id, name: call.name, input: parseInput(call.arguments) });
        out.push({ role: 'assistant', parts: parts.length ? parts : [{ kind: 'text', text: '' }] });
        break;
      }
      case 'tool':
        push('user', { kind: 'toolResult', callId: m.toolCallId, text: m.content });
        break;
      default: {
        const unhandled: never = m;
        throw new Error(`unknown message ${JSON.stringify(unhandled)}`);
      }
    }
  }
  return out;
}

/** Tool arguments arrive as raw JSON text; the LM API wants an object. Invalid JSON is passed as `{ raw }`. */
function parseInput(text: string): object {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? value : { value };
  } catch {
    return { raw: text };
  }
}
