import type { z } from 'zod';
import type { RelayChatResponseSchema, RelayErrorSchema } from '../../protocol/modelRelay';
import { ModelError, type ChatResponse } from './modelProvider';

type Settlement = { ok: true; response: z.infer<typeof RelayChatResponseSchema> } | { ok: false; error: z.infer<typeof RelayErrorSchema> };

/** Matches the host's answers to the worker's questions by request id. */
export class PendingHostAnswers {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: ChatResponse) => void; reject: (e: ModelError) => void }>();

  ask(send: (requestId: number) => void): Promise<ChatResponse> {
    const requestId = this.nextId++;
    return new Promise<ChatResponse>((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject });
      send(requestId);
    });
  }

  settle(requestId: number, settlement: Settlement): void {
    const waiter = this.pending.get(requestId);
    if (!waiter) return; // an answer to a cancelled question
    this.pending.delete(requestId);
    if (settlement.ok) waiter.resolve(settlement.response);
    else {
      const e = settlement.error;
      waiter.reject(new ModelError(e.kind, e.message, e.retryable, e.retryAfterMs));
    }
  }
}
