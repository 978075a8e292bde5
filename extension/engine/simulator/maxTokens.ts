import { toolCallsOf } from './completionChunks';
import type { Turn } from './scenarioSchema';

/** The request's output cap: `max_completion_tokens` (newer OpenAI) or `max_tokens`. */
export function requestedMaxTokens(payload: { max_tokens?: unknown; max_completion_tokens?: unknown }): number | undefined {
  const value = payload.max_completion_tokens ?? payload.max_tokens;
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

/**
 * What a real model does with an output cap: it stops at the cap. A scripted answer longer than
 * `maxTokens` (by its usage, or characters / 4) is cut there: the text is truncated, tool calls
 * that no longer fit are lost, the finish reason is `length` and the reported output is the cap.
 */
export function capTurn(turn: Turn, maxTokens: number | undefined, turnIndex: number): Turn {
  if (maxTokens === undefined || turn.fault) return turn;
  const outputChars = (turn.content ?? '').length + toolCallsOf(turn, turnIndex).reduce((n, c) => n + c.name.length + c.arguments.length, 0);
  const output = turn.usage?.outputTokens ?? Math.ceil(outputChars / 4);
  if (output <= maxTokens) return turn;
  const { toolCalls: _dropped, ...rest } = turn;
  return {
    ...rest,
    content: (turn.content ?? '').slice(0, maxTokens * 4),
    finishReason: 'length',
    ...(turn.usage ? { usage: { inputTokens: turn.usage.inputTokens, outputTokens: maxTokens } } : {}),
  };
}
