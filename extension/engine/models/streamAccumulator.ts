import { randomUUID } from 'node:crypto';
import type OpenAI from 'openai';
import type { ChatMessage, ToolCall } from '../../protocol/chat';
import type { Usage } from '../../protocol/usage';
import { estimateUsage } from './estimateUsage';
import { ModelError, type ChatResponse } from './modelProvider';

type Chunk = OpenAI.Chat.Completions.ChatCompletionChunk;

/** Loom's Usage from an OpenAI usage object; cached tokens only when the server reported some (0 is left out). */
export function usageOf(usage: OpenAI.Completions.CompletionUsage): Usage {
  const cached = usage.prompt_tokens_details?.cached_tokens;
  return {
    inputTokens: usage.prompt_tokens ?? 0,
    outputTokens: usage.completion_tokens ?? 0,
    ...(typeof cached === 'number' && cached > 0 ? { cachedInputTokens: Math.floor(cached) } : {}),
  };
}

interface PartialToolCall {
  id: string;
  name: string;
  arguments: string;
}

/**
 * Folds streamed chat completion chunks into one ChatResponse. Tool call deltas are merged by
 * their `index`; arguments stay the raw text the model sent (never parsed here).
 */
export class StreamAccumulator {
  private content = '';
  private sawContent = false;
  private readonly toolCalls = new Map<number, PartialToolCall>();
  private finishReason: string | null = null;
  private usage: Usage | null = null;
  private model: string | null = null;
  private chunks = 0;

  add(chunk: Chunk): void {
    this.chunks++;
    if (chunk.model) this.model = chunk.model;
    if (chunk.usage) this.usage = usageOf(chunk.usage);
    const choice = chunk.choices?.find((c) => (c.index ?? 0) === 0);
    if (!choice) return;
    const delta = choice.delta ?? {};
    if (typeof delta.content === 'string') {
      this.content += delta.content;
      this.sawContent = true;
    }
    for (const part of delta.tool_calls ?? []) this.addToolCallDelta(part);
    if (choice.finish_reason) this.finishReason = choice.finish_reason;
  }

  private addToolCallDelta(part: OpenAI.Chat.Completions.ChatCompletionChunk.Choice.Delta.ToolCall): void {
    const index = part.index ?? this.toolCalls.size;
    let call = this.toolCalls.get(index);
    if (!call) {
      call = { id: '', name: '', arguments: '' };
      this.toolCalls.set(index, call);
    }
    if (part.id && !call.id) call.id = part.id;
    const name = part.function?.name;
    // OpenAI sends the name once; some servers repeat it in every delta, others split it.
    if (name && name !== call.name) call.name += name;
    if (part.function?.arguments) call.arguments += part.function.arguments;
  }

  /** The finished response, or a retryable ModelError('malformed') if the stream ended early. */
  finish(messages: readonly ChatMessage[], fallbackModel: string): ChatResponse {
    if (this.finishReason === null) {
      throw new ModelError(
        'malformed',
        this.chunks === 0 ? 'model stream ended without any data' : `model stream ended after ${this.chunks} chunks without a finish_reason (truncated)`,
        true,
      );
    }
    const toolCalls: ToolCall[] = [...this.toolCalls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, call]) => ({ id: call.id || `call_loom_${randomUUID().slice(0, 12)}`, name: call.name, arguments: call.arguments }));
    const content = this.sawContent && this.content.length > 0 ? this.content : null;
    return {
      content,
      toolCalls,
      finishReason: this.finishReason,
      usage: this.usage ?? estimateUsage(messages, content, toolCalls),
      model: this.model ?? fallbackModel,
    };
  }
}
