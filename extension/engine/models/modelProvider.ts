import type { ChatMessage, ToolCall } from '../../protocol/chat';
import type { Usage } from '../../protocol/usage';

/** A tool as the model sees it: a name, a description and a JSON Schema for its arguments. */
export interface ToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
  /** The server that serves it and whether it only reads (MCP `readOnlyHint`): never sent to the model. */
  server?: string;
  readOnly?: boolean;
}

export interface ChatRequest {
  messages: ChatMessage[];
  tools: ToolSpec[];
  signal?: AbortSignal;
  /** The most output tokens this call may produce (sent as the request's cap), so one call cannot overshoot a budget by more. */
  maxOutputTokens?: number;
  /** Told before each retry, so the caller can journal it (model/didFail with willRetry). */
  onRetry?: (info: { attempt: number; error: ModelError; delayMs: number }) => void;
}

export interface ChatResponse {
  content: string | null;
  toolCalls: ToolCall[];
  finishReason: string;
  usage: Usage;
  model: string;
}

/** The port every agent talks to. Adapters: the OpenAI-compatible provider, VS Code's LM API. */
export interface ModelProvider {
  readonly model: string;
  chat(request: ChatRequest): Promise<ChatResponse>;
}

export type ModelErrorKind =
  | 'rateLimited' // 429
  | 'server' // 5xx
  | 'timeout' // no answer, or a stream that stalls, within the timeout
  | 'malformed' // a response or stream that cannot be parsed
  | 'auth' // 401/403
  | 'badRequest' // other 4xx
  | 'network' // connection refused/reset
  | 'budget' // the agent's token budget leaves no room for another call (never sent)
  | 'cancelled';

/** The typed error at the model boundary. `retryable` says whether the provider may try again. */
export class ModelError extends Error {
  constructor(
    readonly kind: ModelErrorKind,
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ModelError';
  }
}
