import { createInterface } from 'node:readline/promises';
import type { RunEvent } from '../protocol/events';
import type { Disposable } from '../base/disposable';

/**
 * How `loom run` answers approval escalations: `approve`/`deny` answer every one at once (`--yes`,
 * `--no`, for CI), `prompt` asks on the terminal, `none` leaves them to `loom resolve` (or the timeout).
 * With `--yes` or `--no` nobody is there, so a limit's question (a budget, the circuit breaker) is
 * answered with its refusing choice (stop) at once: a limit is never raised without a person.
 */
export type ApprovalMode = 'approve' | 'deny' | 'prompt' | 'none';

export interface ApprovalTarget {
  readonly onDidEvent: (listener: (event: RunEvent) => void) => Disposable;
  resolveEscalation(escalationId: string, choice: string, by: string): Promise<unknown>;
}

type OpenApproval = Extract<RunEvent, { type: 'escalation/didOpen' }>;

/** Answers approvals as `mode` says; returns what to dispose when the run ends. */
export function answerApprovals(
  target: ApprovalTarget,
  mode: ApprovalMode,
  io: { print: (line: string) => void; by: string; input?: NodeJS.ReadableStream; output?: NodeJS.WritableStream; onInterrupt?: () => void },
): Disposable {
  if (mode === 'none') return { dispose: () => undefined };
  if (mode === 'approve' || mode === 'deny') {
    return target.onDidEvent((event) => {
      if (event.type !== 'escalation/didOpen' || event.action === undefined) return;
      const choice = event.kind === 'approval' ? mode : event.options[1];
      const said = event.kind === 'approval' ? (mode === 'approve' ? 'approved' : 'denied') : `answered ${choice} (nobody is here to raise a limit)`;
      io.print(`${event.escalationId}: ${said} automatically (${io.by}): ${event.question}`);
      // Not inside the journal's append: the answer is journaled right after the question.
      setImmediate(() => void target.resolveEscalation(event.escalationId, choice, io.by).catch((err: Error) => io.print(`${event.escalationId}: could not be answered: ${err.message}`)));
    });
  }
  return new TerminalPrompt(target, io);
}

/** One question at a time on the terminal; a question answered elsewhere (timeout, `loom resolve`) is withdrawn. */
class TerminalPrompt implements Disposable {
  private readonly queue: OpenApproval[] = [];
  private current: { escalationId: string; abort: AbortController } | null = null;
  private readonly subscription: Disposable;
  private disposed = false;

  constructor(
    private readonly target: ApprovalTarget,
    private readonly io: { print: (line: string) => void; by: string; input?: NodeJS.ReadableStream; output?: NodeJS.WritableStream; onInterrupt?: () => void },
  ) {
    this.subscription = target.onDidEvent((event) => {
      if (event.type === 'escalation/didOpen' && event.kind === 'approval') {
        this.queue.push(event);
        setImmediate(() => void this.next());
      } else if (event.type === 'escalation/didResolve') {
        const i = this.queue.findIndex((q) => q.escalationId === event.escalationId);
        if (i >= 0) this.queue.splice(i, 1);
        if (this.current?.escalationId === event.escalationId) {
          this.current.abort.abort();
          if (event.by !== this.io.by) this.io.print(`\n${event.escalationId} was answered elsewhere: ${event.choice} (${event.by})`);
        }
      }
    });
  }

  private async next(): Promise<void> {
    if (this.current || this.disposed) return;
    const question = this.queue.shift();
    if (!question) return;
    const abort = new AbortController();
    this.current = { escalationId: question.escalationId, abort };
    const rl = createInterface({ input: this.io.input ?? process.stdin, output: this.io.output ?? process.stdout, terminal: true });
    // Ctrl+C at the prompt stops the run, as it does anywhere else.
    rl.on('SIGINT', () => {
      abort.abort();
      this.io.onInterrupt?.();
    });
    try {
      const seconds = question.expiresAt ? Math.max(0, Math.round((question.expiresAt - Date.now()) / 1000)) : null;
      const text = await rl.question(`\nAPPROVAL ${question.escalationId}: ${question.question}${seconds !== null ? ` (denied in ${seconds} s without an answer)` : ''}\nApprove? [y/N] `, {
        signal: abort.signal,
      });
      const choice = /^\s*y(es)?\s*$/i.test(text) ? 'approve' : 'deny';
      await this.target.resolveEscalation(question.escalationId, choice, this.io.by).then(
        () => this.io.print(`${question.escalationId}: ${choice === 'approve' ? 'approved' : 'denied'}`),
        (err: Error) => this.io.print(`${question.escalationId}: ${err.message}`),
      );
    } catch {
      // Withdrawn: answered elsewhere, interrupted, or the run ended.
    } finally {
      rl.close();
      this.current = null;
    }
    void this.next();
  }

  dispose(): void {
    this.disposed = true;
    this.queue.length = 0;
    this.current?.abort.abort();
    this.subscription.dispose();
  }
}
