import { estimateTokens } from '../models/estimateUsage';
import type { Turn } from './scenarioSchema';

/** Builds OpenAI chat completion bodies and stream chunks from a scripted turn. Pure. */

export interface CompletionContext {
  id: string;
  created: number;
  model: string;
  turnIndex: number;
  chunkChars: number;
  /** Characters of the request's messages, for the usage estimate. */
  inputChars: number;
  /** Prompt tokens found in the simulated prompt cache (0 or absent: none). */
  cachedTokens?: number;
}

export interface WireToolCall {
  id: string;
  name: string;
  arguments: string;
}

export interface WireUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens: number };
}

/** Text streamed by a partial-stream fault whose turn scripts no content. */
export const filler = 'This answer is cut short by a scripted fault, so it never finishes.';

export function toolCallsOf(turn: Turn, turnIndex: number): WireToolCall[] {
  return (turn.toolCalls ?? []).map((call, i) => ({
    id: call.id ?? `call_${turnIndex}_${i}`,
    name: call.name,
    arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
  }));
}

export function finishReasonOf(turn: Turn): string {
  return turn.finishReason ?? ((turn.toolCalls?.length ?? 0) > 0 ? 'tool_calls' : 'stop');
}

export function usageOf(turn: Turn, ctx: CompletionContext): WireUsage {
  const outputChars = (turn.content ?? '').length + toolCallsOf(turn, ctx.turnIndex).reduce((n, c) => n + c.name.length + c.arguments.length, 0);
  const prompt = turn.usage?.inputTokens ?? estimateTokens(ctx.inputChars);
  const completion = turn.usage?.outputTokens ?? estimateTokens(outputChars);
  const usage: WireUsage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  const cached = turn.usage?.cachedInputTokens ?? ctx.cachedTokens;
  if (cached !== undefined) usage.prompt_tokens_details = { cached_tokens: Math.min(cached, prompt) };
  return usage;
}

/** A non-streamed `chat.completion`. */
export function completionBody(turn: Turn, ctx: CompletionContext): Record<string, unknown> {
  const toolCalls = toolCallsOf(turn, ctx.turnIndex);
  const message: Record<string, unknown> = { role: 'assistant', content: turn.content ?? null, refusal: null };
  if (toolCalls.length > 0) {
    message.tool_calls = toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }));
  }
  const body: Record<string, unknown> = {
    id: ctx.id,
    object: 'chat.completion',
    created: ctx.created,
    model: ctx.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReasonOf(turn) }],
  };
  if (!turn.omitUsage) body.usage = usageOf(turn, ctx);
  return body;
}

/**
 * The delta chunks of a streamed answer: the role, the content in pieces, then each tool call
 * (id and name first, its arguments in pieces), all with finish_reason null.
 */
export function deltaChunks(turn: Turn, ctx: CompletionContext, includeUsage: boolean, content = turn.content): Record<string, unknown>[] {
  const chunk = (delta: Record<string, unknown>): Record<string, unknown> => makeChunk(ctx, [{ index: 0, delta, logprobs: null, finish_reason: null }], includeUsage);
  const chunks = [chunk({ role: 'assistant', content: '', refusal: null })];
  for (const piece of pieces(content ?? '', ctx.chunkChars)) chunks.push(chunk({ content: piece }));
  toolCallsOf(turn, ctx.turnIndex).forEach((call, index) => {
    chunks.push(chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }));
    for (const piece of pieces(call.arguments, ctx.chunkChars)) chunks.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
  });
  return chunks;
}

/** All chunks of a complete streamed answer: deltas, the finish chunk, and the usage chunk if asked for. */
export function streamChunks(turn: Turn, ctx: CompletionContext, includeUsage: boolean): Record<string, unknown>[] {
  const chunks = deltaChunks(turn, ctx, includeUsage);
  chunks.push(makeChunk(ctx, [{ index: 0, delta: {}, logprobs: null, finish_reason: finishReasonOf(turn) }], includeUsage));
  if (includeUsage && !turn.omitUsage) chunks.push({ ...makeChunk(ctx, [], false), usage: usageOf(turn, ctx) });
  return chunks;
}

/** Deltas for a stream that a fault will cut short; scripted content if any, else filler text. */
export function partialChunks(turn: Turn, ctx: CompletionContext, includeUsage: boolean, count: number): Record<string, unknown>[] {
  const hasScript = turn.content !== undefined || (turn.toolCalls?.length ?? 0) > 0;
  return deltaChunks(turn, ctx, includeUsage, hasScript ? turn.content : filler).slice(0, count);
}

function makeChunk(ctx: CompletionContext, choices: unknown[], includeUsage: boolean): Record<string, unknown> {
  const chunk: Record<string, unknown> = { id: ctx.id, object: 'chat.completion.chunk', created: ctx.created, model: ctx.model, system_fingerprint: null, choices };
  // With include_usage, OpenAI sends `usage: null` on every chunk but the last.
  if (includeUsage) chunk.usage = null;
  return chunk;
}

function pieces(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** Characters of a request's messages (text content and tool call names and arguments). */
export function requestChars(messages: unknown): number {
  if (!Array.isArray(messages)) return 0;
  let total = 0;
  for (const message of messages) {
    if (typeof message !== 'object' || message === null) continue;
    const m = message as { content?: unknown; tool_calls?: unknown };
    if (typeof m.content === 'string') total += m.content.length;
    else if (Array.isArray(m.content)) {
      for (const part of m.content) if (typeof part?.text === 'string') total += part.text.length;
    }
    if (Array.isArray(m.tool_calls)) {
      for (const call of m.tool_calls) {
        total += String(call?.function?.name ?? '').length + String(call?.function?.arguments ?? '').length;
      }
    }
  }
  return total;
}
