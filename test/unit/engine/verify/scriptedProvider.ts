import type { ChatRequest, ChatResponse, ModelProvider } from '../../../../extension/engine/models/modelProvider';

/** A unit-level fake of the far side: answers each chat with the next scripted reply, recording requests. */
export class ScriptedProvider implements ModelProvider {
  readonly model = 'scripted-judge';
  readonly requests: ChatRequest[] = [];
  constructor(private readonly replies: (string | null | Error)[]) {}

  async chat(request: ChatRequest): Promise<ChatResponse> {
    this.requests.push(request);
    const next = this.replies.shift();
    if (next === undefined) throw new Error('ScriptedProvider: no reply left');
    if (next instanceof Error) throw next;
    return { content: next, toolCalls: [], finishReason: 'stop', usage: { inputTokens: 100, outputTokens: 10 }, model: this.model };
  }
}
