import OpenAI from 'openai';
import type { ModelEndpoint } from '../../protocol/workerMessages';
import { abortableDelay } from './abortableDelay';
import { mapModelError, type AbortCause } from './mapModelError';
import { ModelError, type ChatRequest, type ChatResponse, type ModelProvider } from './modelProvider';
import { decideRetry, defaultRetryPolicy, type RetryPolicy } from './retryPolicy';
import { StreamAccumulator } from './streamAccumulator';
import { SecretRedactor } from '../policy/secretRedaction';
import { toOpenAiMessages, toOpenAiTools } from './toOpenAiMessages';

export interface OpenAiProviderOptions {
  /** Backoff tuning; maxRetries always comes from the endpoint. */
  retry?: Partial<Omit<RetryPolicy, 'maxRetries'>>;
  /** Jitter source, injectable for tests. */
  random?: () => number;
  /** Hard cap on one attempt, first byte to last chunk. Default: 10 × endpoint.timeoutMs. */
  attemptDeadlineMs?: number;
  /** What leaves for the endpoint is redacted. Default: the endpoint's key and secret headers, the process's secret variables, key formats. */
  redactor?: SecretRedactor;
  /** Told each time a request is handed to the HTTP client: what waits for the model can start behind it. */
  onRequest?: () => void;
}

/** Node's fetch, telling `onRequest` first. */
function requestsTold(onRequest: () => void): typeof fetch {
  return (input, init) => {
    onRequest();
    return fetch(input, init);
  };
}

/** Some local servers need no key, but the SDK refuses an empty one. */
const NO_KEY = 'loom-no-api-key';

/**
 * The ModelProvider for any OpenAI-compatible endpoint. Always streams; retries retryable faults
 * itself (the SDK's retries are off) so each retry can be journaled through `onRetry`.
 *
 * Timeouts, each `endpoint.timeoutMs`: until the response headers arrive (the SDK's timeout), and
 * between two stream chunks (idle). An attempt as a whole is capped by `attemptDeadlineMs`.
 */
export class OpenAiProvider implements ModelProvider {
  readonly model: string;
  private readonly client: OpenAI;
  private readonly policy: RetryPolicy;
  private readonly random: () => number;
  private readonly deadlineMs: number;
  private readonly redactor: SecretRedactor;

  constructor(
    private readonly endpoint: ModelEndpoint,
    options: OpenAiProviderOptions = {},
  ) {
    this.model = endpoint.model;
    this.client = new OpenAI({
      baseURL: endpoint.baseUrl,
      apiKey: endpoint.apiKey || NO_KEY,
      timeout: endpoint.timeoutMs,
      maxRetries: 0,
      defaultHeaders: Object.fromEntries(endpoint.headers),
      logLevel: 'off',
      ...(options.onRequest ? { fetch: requestsTold(options.onRequest) } : {}),
    });
    this.policy = { ...defaultRetryPolicy, ...options.retry, maxRetries: endpoint.maxRetries };
    this.random = options.random ?? Math.random;
    this.deadlineMs = options.attemptDeadlineMs ?? endpoint.timeoutMs * 10;
    this.redactor = options.redactor ?? new SecretRedactor({ secrets: endpointSecrets(endpoint) });
  }

  async chat(request: ChatRequest): Promise<ChatResponse> {
    for (let retryNumber = 1; ; retryNumber++) {
      if (request.signal?.aborted) throw cancelled();
      let error: ModelError;
      try {
        return await this.attempt(request);
      } catch (thrown) {
        error = mapModelError(thrown, undefined, Date.now(), this.endpoint.baseUrl);
      }
      if (error.kind === 'cancelled') throw error;
      const decision = decideRetry({
        retryNumber,
        retryable: error.retryable,
        retryAfterMs: error.retryAfterMs,
        policy: this.policy,
        random: this.random,
      });
      if (!decision.retry) throw retryNumber > 1 || error.retryable ? withReason(error, decision.reason) : error;
      request.onRetry?.({ attempt: retryNumber, error, delayMs: decision.delayMs });
      await abortableDelay(decision.delayMs, request.signal, cancelled);
    }
  }

  /** One HTTP request and its stream. Throws ModelError only. */
  private async attempt(request: ChatRequest): Promise<ChatResponse> {
    const controller = new AbortController();
    let cause: AbortCause | undefined;
    let streamController: AbortController | undefined;
    const abort = (why: AbortCause): void => {
      if (cause) return;
      cause = why;
      controller.abort();
      streamController?.abort();
    };
    const onCancel = (): void => abort({ kind: 'cancelled' });
    request.signal?.addEventListener('abort', onCancel, { once: true });
    const deadline = setTimeout(() => abort({ kind: 'deadline', timeoutMs: this.deadlineMs }), this.deadlineMs);
    let idle: NodeJS.Timeout | undefined;
    let chunks = -1;
    const armIdle = (): void => {
      clearTimeout(idle);
      idle = setTimeout(() => abort({ kind: 'idle', timeoutMs: this.endpoint.timeoutMs }), this.endpoint.timeoutMs);
    };
    try {
      const stream = await this.client.chat.completions.create(
        {
          model: this.model,
          // Tool results (a `.env` an agent read, a command's output) reach the model redacted.
          messages: toOpenAiMessages(this.redactor.redactDeep(request.messages)),
          tools: toOpenAiTools(request.tools),
          stream: true,
          stream_options: { include_usage: true },
          ...outputCap(this.model, request.maxOutputTokens),
        },
        { signal: controller.signal, timeout: this.endpoint.timeoutMs, maxRetries: 0 },
      );
      streamController = stream.controller;
      if (cause) stream.controller.abort();
      armIdle();
      chunks = 0;
      const accumulator = new StreamAccumulator();
      for await (const chunk of stream) {
        armIdle();
        chunks++;
        accumulator.add(chunk);
      }
      // The SDK ends the iteration quietly when aborted; the cause says why.
      if (cause) throw mapModelError(undefined, cause);
      return accumulator.finish(request.messages, this.model);
    } catch (thrown) {
      const error = mapModelError(thrown, cause, Date.now(), this.endpoint.baseUrl);
      if (error.kind === 'network' && chunks >= 0) {
        throw new ModelError('network', `model stream broke off after ${chunks} chunks: ${error.message}`, true);
      }
      throw error;
    } finally {
      clearTimeout(deadline);
      clearTimeout(idle);
      request.signal?.removeEventListener('abort', onCancel);
    }
  }
}

/** The endpoint's key and the values of headers that carry credentials (`Authorization`, `api-key`, …). */
export function endpointSecrets(endpoint: Pick<ModelEndpoint, 'apiKey' | 'headers'>): string[] {
  const fromHeaders = endpoint.headers.filter(([name]) => /auth|key|token|secret|cookie/i.test(name)).map(([, value]) => value.replace(/^(?:Bearer|Basic|Token)\s+/i, ''));
  return [endpoint.apiKey, ...fromHeaders].filter(Boolean);
}

function cancelled(): ModelError {
  return new ModelError('cancelled', 'model request was cancelled', false);
}

function withReason(error: ModelError, reason: string): ModelError {
  return new ModelError(error.kind, `${error.message} (${reason})`, error.retryable, error.retryAfterMs, error.status);
}

/**
 * The output cap in the field the model accepts: OpenAI's reasoning models (o1, o3, o4, gpt-5)
 * refuse `max_tokens` and take `max_completion_tokens`; other OpenAI-compatible servers (vLLM,
 * Ollama, LM Studio, llama.cpp) read `max_tokens`.
 */
function outputCap(model: string, maxOutputTokens: number | undefined): { max_tokens?: number; max_completion_tokens?: number } {
  if (maxOutputTokens === undefined) return {};
  return /^(o\d|gpt-5)/.test(model) ? { max_completion_tokens: maxOutputTokens } : { max_tokens: maxOutputTokens };
}
