import type { Action } from '../../protocol/policy';
import type { ApprovalAnswer } from './approvalGate';

interface Waiter {
  resolve(answer: ApprovalAnswer): void;
  cleanup(): void;
}

/**
 * The worker's side of approvals: matches the coordinator's answers to its questions by request id.
 * A wait ends on the answer, on the agent's stop (its signal), or, should the coordinator never
 * answer, after `fallbackMs` — never later: nothing hangs forever.
 */
export class PendingApprovals {
  private nextId = 1;
  private readonly pending = new Map<number, Waiter>();

  constructor(private readonly fallbackMs: number) {}

  ask(request: { action: Action; reason: string }, send: (requestId: number) => void, signal?: AbortSignal): Promise<ApprovalAnswer> {
    const requestId = this.nextId++;
    return new Promise<ApprovalAnswer>((resolve) => {
      const end = (answer: ApprovalAnswer) => {
        const waiter = this.pending.get(requestId);
        if (!waiter) return;
        this.pending.delete(requestId);
        waiter.cleanup();
        resolve(answer);
      };
      const onAbort = () => end({ approved: false, by: 'agentStopped', escalationId: null, message: 'the agent was stopped while it waited for approval' });
      const timer = setTimeout(
        () => end({ approved: false, by: 'timeout', escalationId: null, message: `no answer to the approval request within ${Math.round(this.fallbackMs / 1000)} s` }),
        this.fallbackMs,
      );
      this.pending.set(requestId, {
        resolve: end,
        cleanup: () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
        },
      });
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      send(requestId);
    });
  }

  settle(requestId: number, answer: ApprovalAnswer): void {
    this.pending.get(requestId)?.resolve(answer);
  }
}
