import type { Usage } from '../../protocol/usage';
import { ModelError, type ModelErrorKind } from './modelProvider';

/** What a call asks the run for: its prompt's estimate and the output cap the agent's own budget allows. */
export interface AdmitRequest {
  promptTokens: number;
  maxOutputTokens: number;
}

/** How a call admitted by the gate ended: what it used, or how it failed for good. */
export type CallSettlement = { usage: Usage } | { failed: ModelErrorKind };

/**
 * The run-wide check every model call passes after the agent's own budget (failure mode 5): the
 * run's token and dollar budgets, the agent's and task's dollar budgets, the circuit breaker and the
 * tokens-per-minute limiter. `admit` waits while the run is paused or rate-limited and returns the
 * output cap the call may use; it throws ModelError('budget') when a budget leaves no room, and
 * ModelError('cancelled') when the run stops meanwhile. Every admitted call is settled once.
 */
export interface ModelGate {
  admit(request: AdmitRequest, signal?: AbortSignal): Promise<{ maxOutputTokens: number }>;
  settle(settlement: CallSettlement): void;
}

type Answer = { ok: true; maxOutputTokens: number } | { ok: false; kind: 'budget' | 'cancelled'; message: string };

/** The worker's side of the gate: the run's host holds the real one; questions and answers are matched by id. */
export class HostModelGate implements ModelGate {
  private nextId = 1;
  private readonly pending = new Map<number, (answer: Answer) => void>();

  constructor(
    private readonly send: {
      ask: (requestId: number, request: AdmitRequest) => void;
      settle: (settlement: CallSettlement) => void;
    },
  ) {}

  admit(request: AdmitRequest, signal?: AbortSignal): Promise<{ maxOutputTokens: number }> {
    if (signal?.aborted) return Promise.reject(new ModelError('cancelled', 'cancelled before the run admitted the call', false));
    const requestId = this.nextId++;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.pending.delete(requestId);
        reject(new ModelError('cancelled', 'cancelled while waiting for the run to admit the call', false));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(requestId, (answer) => {
        signal?.removeEventListener('abort', onAbort);
        if (answer.ok) resolve({ maxOutputTokens: answer.maxOutputTokens });
        else reject(new ModelError(answer.kind, answer.message, false));
      });
      this.send.ask(requestId, request);
    });
  }

  /** The host's answer to `admit`. */
  answer(requestId: number, answer: Answer): void {
    const waiter = this.pending.get(requestId);
    if (!waiter) return; // the agent stopped waiting
    this.pending.delete(requestId);
    waiter(answer);
  }

  settle(settlement: CallSettlement): void {
    this.send.settle(settlement);
  }
}
