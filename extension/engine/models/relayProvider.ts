import { ModelError, type ChatRequest, type ChatResponse, type ModelProvider, type ToolSpec } from './modelProvider';
import type { ChatMessage } from '../../protocol/chat';
import { SecretRedactor } from '../policy/secretRedaction';

/** Sends one chat request to whoever holds the real model (the coordinator, then the host) and waits. */
export type AskHost = (request: { messages: ChatMessage[]; tools: ToolSpec[] }) => Promise<ChatResponse>;

/**
 * The worker-side provider for a host model (VS Code's Language Model API lives in the extension
 * host, not in a worker thread). Errors arrive as ModelErrors; cancellation stops waiting.
 */
export class RelayProvider implements ModelProvider {
  constructor(
    readonly model: string,
    private readonly ask: AskHost,
    /** What leaves for the host model is redacted, like what goes to an endpoint. */
    private readonly redactor: SecretRedactor = new SecretRedactor(),
  ) {}

  chat(request: ChatRequest): Promise<ChatResponse> {
    if (request.signal?.aborted) return Promise.reject(new ModelError('cancelled', 'cancelled before the host was asked', false));
    return new Promise<ChatResponse>((resolve, reject) => {
      const onAbort = () => reject(new ModelError('cancelled', 'cancelled while the host model was answering', false));
      request.signal?.addEventListener('abort', onAbort, { once: true });
      this.ask({ messages: this.redactor.redactDeep(request.messages), tools: request.tools }).then(
        (response) => {
          request.signal?.removeEventListener('abort', onAbort);
          resolve(response);
        },
        (err: unknown) => {
          request.signal?.removeEventListener('abort', onAbort);
          reject(err instanceof ModelError ? err : new ModelError('server', `host model failed: ${(err as Error)?.message ?? String(err)}`, false));
        },
      );
    });
  }
}
