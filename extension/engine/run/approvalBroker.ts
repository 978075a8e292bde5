import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventBody, RunEvent } from '../../protocol/events';
import { liveEscalationOf, type Action } from '../../protocol/policy';
import type { Disposable } from '../../base/disposable';
import { describeAction } from '../policy/actionPolicy';
import type { ApprovalAnswer } from '../policy/approvalGate';

export interface ApprovalRequest {
  agentId: string;
  taskId?: string;
  action: Action;
  reason: string;
}

interface Pending {
  request: ApprovalRequest;
  /** The escalation's two answers: the first lets the action go ahead, the second refuses it. */
  choices: readonly [string, string];
  resolve(answer: ApprovalAnswer): void;
  timer: NodeJS.Timeout;
}

export class ApprovalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApprovalError';
  }
}

/**
 * The coordinator's side of approvals (failure mode 8). Each request is journaled as an
 * `approval` escalation and waits until a person answers it (`answer`, the same resolution path as
 * every escalation), the timeout denies it, its agent stops or the run stops. Every outcome is
 * journaled as `escalation/didResolve` and `policy/didDecide`; the waiting agent gets the answer.
 */
export class ApprovalBroker implements Disposable {
  private readonly next = new Map<string, number>();
  private readonly pending = new Map<string, Pending>();
  private readonly once = new Map<string, Promise<ApprovalAnswer>>();
  private closed: string | null = null;

  private inboxTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly deps: {
      append: (body: EventBody) => RunEvent;
      timeoutMs: number;
      now?: () => number;
      /**
       * Where other processes (`loom resolve RUN ESC approve`) drop answers for this live run
       * (writeApprovalAnswer): read while an approval is open, journaled here by the single writer.
       */
      inboxDir?: string;
      /** Escalation ids the run's journal already has (a resumed run): new questions never reuse one. */
      journaledIds?: readonly string[];
    },
  ) {
    for (const id of deps.journaledIds ?? []) {
      const m = /^(.*)-(\d+)$/.exec(id);
      if (m) this.next.set(m[1], Math.max(this.next.get(m[1]) ?? 0, Number(m[2])));
    }
  }

  /** Open approval escalations, oldest first. */
  get open(): string[] {
    return [...this.pending.keys()];
  }

  isOpen(escalationId: string): boolean {
    return this.pending.has(escalationId);
  }

  request(request: ApprovalRequest): Promise<ApprovalAnswer> {
    if (this.closed !== null) {
      const message = `nobody can approve it: ${this.closed}`;
      this.deps.append({ type: 'policy/didDecide', agentId: request.agentId, taskId: request.taskId, action: request.action, outcome: 'denied', by: 'runStopped', escalationId: null, reason: message });
      return Promise.resolve({ approved: false, by: 'runStopped', escalationId: null, message });
    }
    const { kind, choices } = liveEscalationOf(request.action);
    const n = (this.next.get(kind) ?? 0) + 1;
    this.next.set(kind, n);
    const escalationId = `${kind}-${n}`;
    const now = (this.deps.now ?? Date.now)();
    return new Promise<ApprovalAnswer>((resolve) => {
      const timer = setTimeout(
        () => this.settle(escalationId, choices[1], 'timeout', `nobody answered ${escalationId} within ${formatSeconds(this.deps.timeoutMs)}, so it counts as ${kind === 'approval' ? 'denied' : choices[1]}`),
        this.deps.timeoutMs,
      );
      this.pending.set(escalationId, { request, choices, resolve, timer });
      this.watchInbox();
      this.deps.append({
        type: 'escalation/didOpen',
        escalationId,
        kind,
        taskIds: request.taskId ? [request.taskId] : [],
        question: questionOf(request, kind),
        options: [...choices],
        files: [],
        agentId: request.agentId,
        action: request.action,
        expiresAt: now + this.deps.timeoutMs,
      });
    });
  }

  /** One approval per key for the whole run (a network grant per server): later askers share the first answer. */
  requestOnce(key: string, request: ApprovalRequest): Promise<ApprovalAnswer> {
    let answer = this.once.get(key);
    if (!answer) {
      answer = this.request(request);
      this.once.set(key, answer);
    }
    return answer;
  }

  /** A person's answer. Throws ApprovalError when the escalation is not open or the choice is not one of its two. */
  answer(escalationId: string, choice: string, by: string): void {
    const pending = this.pending.get(escalationId);
    if (!pending) throw new ApprovalError(`${escalationId} is not an open question (open: ${this.open.join(', ') || 'none'})`);
    if (!pending.choices.includes(choice)) throw new ApprovalError(`${escalationId} is answered with ${pending.choices.join(' or ')}, not "${choice}"`);
    const approved = choice === pending.choices[0];
    const said = liveEscalationOf(pending.request.action).kind === 'approval' ? (approved ? `approved by ${by}` : `${by} denied it (${escalationId})`) : `${by} chose ${choice} (${escalationId})`;
    this.settle(escalationId, choice, by, said);
  }

  /** The agent ended (stopped, crashed, finished): its open approvals are denied. */
  cancelAgent(agentId: string, reason = 'the agent stopped while it waited'): void {
    for (const [id, p] of [...this.pending]) if (p.request.agentId === agentId) this.settle(id, p.choices[1], 'agentStopped', reason);
  }

  /** The run stops: every open approval is denied (agents still ending are denied by cancelAgent). */
  denyOpen(reason: string): void {
    for (const [id, p] of [...this.pending]) this.settle(id, p.choices[1], 'runStopped', reason);
  }

  /** Nobody is left to answer: open approvals are denied and new requests are refused at once. */
  close(reason: string): void {
    this.closed ??= reason;
    this.denyOpen(reason);
  }

  dispose(): void {
    this.close('the run was closed');
    if (this.inboxTimer) clearInterval(this.inboxTimer);
    this.inboxTimer = null;
  }

  /** Polls the inbox while any approval is open (a few stat calls every 250 ms), and only then. */
  private watchInbox(): void {
    const dir = this.deps.inboxDir;
    if (!dir || this.inboxTimer) return;
    this.inboxTimer = setInterval(() => {
      if (this.pending.size === 0) {
        clearInterval(this.inboxTimer!);
        this.inboxTimer = null;
        return;
      }
      for (const answer of takeAnswers(dir)) {
        try {
          this.answer(answer.escalationId, answer.choice, answer.by);
        } catch {
          // Not open any more (answered elsewhere, timed out) or not an approval answer: the writer sees the journal.
        }
      }
    }, 250);
  }

  private settle(escalationId: string, choice: string, by: string, message: string): void {
    const p = this.pending.get(escalationId);
    if (!p) return;
    this.pending.delete(escalationId);
    clearTimeout(p.timer);
    const approved = choice === p.choices[0];
    const { agentId, taskId, action } = p.request;
    try {
      this.deps.append({ type: 'escalation/didResolve', escalationId, choice, by });
      const reason = approved ? p.request.reason : `${p.request.reason}; ${message}`;
      this.deps.append({ type: 'policy/didDecide', agentId, taskId, action, outcome: approved ? 'approved' : 'denied', by, escalationId, reason });
    } finally {
      p.resolve({ approved, by, escalationId, message });
    }
  }
}

function questionOf(request: ApprovalRequest, kind: 'approval' | 'budget' | 'circuitBreaker'): string {
  const who = request.taskId ? `${request.agentId} (task ${request.taskId})` : request.agentId;
  switch (kind) {
    case 'approval':
      return `${who} wants to ${describeAction(request.action)}: ${request.reason}. Approve it?`;
    case 'budget':
      return `${request.reason}. Extend it (${describeAction(request.action)}), or stop?`;
    case 'circuitBreaker':
      return `${request.reason}. Resume the run, or stop it?`;
  }
}

function formatSeconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(ms % 1000 ? 1 : 0)} s` : `${Math.round(ms / 1000)} s`;
}

/** The folder of a run where `loom resolve` leaves answers to approvals for the live run. */
export function approvalInbox(runDir: string): string {
  return join(runDir, 'answers');
}

/** Leaves an answer for a live run's coordinator (atomically: written aside, then renamed in). */
export function writeApprovalAnswer(inboxDir: string, answer: { escalationId: string; choice: string; by: string }): void {
  mkdirSync(inboxDir, { recursive: true });
  const file = join(inboxDir, `${answer.escalationId}.json`);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(answer));
  renameSync(tmp, file);
}

/** Reads and removes every answer file; malformed ones are removed and skipped. */
function takeAnswers(dir: string): { escalationId: string; choice: string; by: string }[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const answers: { escalationId: string; choice: string; by: string }[] = [];
  for (const name of names) {
    const file = join(dir, name);
    try {
      const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      if (typeof raw.escalationId === 'string' && typeof raw.choice === 'string') {
        answers.push({ escalationId: raw.escalationId, choice: raw.choice, by: typeof raw.by === 'string' && raw.by ? raw.by.slice(0, 100) : 'cli' });
      }
    } catch {
      // unreadable: dropped below
    }
    rmSync(file, { force: true });
  }
  return answers;
}
