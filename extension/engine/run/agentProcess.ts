import type { Worker } from 'node:worker_threads';
import { startAgentWorker } from './workerPool';
import type { EventBody } from '../../protocol/events';
import { FromWorkerSchema, type AgentJob, type FromWorker, type ToWorker } from '../../protocol/workerMessages';
import { addUsage, type AgentOutcome, type Usage } from '../../protocol/usage';
import { TypedChannel } from '../../base/channel';
import type { Disposable } from '../../base/disposable';
import type { ChatMessage } from '../../protocol/chat';
import { ModelError, type ModelErrorKind, type ModelProvider, type ToolSpec } from '../models/modelProvider';
import type { AdmitRequest } from '../models/modelGate';
import type { Action } from '../../protocol/policy';
import type { ApprovalAnswer } from '../policy/approvalGate';
import { SecretRedactor } from '../policy/secretRedaction';
import type { ModelGate } from '../models/modelGate';

/** The coordinator's approval service for this agent; absent, nothing that needs approval goes ahead. */
export type ApprovalAsker = (request: { action: Action; reason: string }) => Promise<ApprovalAnswer>;

export interface AgentEnd {
  outcome: AgentOutcome;
  usage: Usage;
  output: unknown;
}

let sharedRedactor: SecretRedactor | undefined;
/** One redactor for every worker's output (it reads the process's secret variables once). */
function workerOutputRedactor(): SecretRedactor {
  sharedRedactor ??= new SecretRedactor();
  return sharedRedactor;
}

/**
 * One agent in its own worker thread. The coordinator holds this handle; the worker reports
 * effects as events and ends with exactly one structured outcome, even if it crashes or is killed.
 */
export class AgentThread implements Disposable {
  readonly threadId: number;
  readonly done: Promise<AgentEnd>;
  private readonly worker: Worker;
  private readonly channel: TypedChannel<ToWorker, FromWorker>;
  private ended = false;
  /** What the agent's model calls used, from its journaled responses: a crashed worker cannot say, but its spend still counts. */
  private used: Usage = zeroUsage();
  /** Aborted when the agent ends or is told to stop: a wait for admission ends with it. */
  private readonly stopping = new AbortController();

  constructor(
    /** The worker's bundle (a new worker is started), or a warm worker from the run's WorkerPool. */
    worker: string | Worker,
    job: AgentJob,
    onEvent: (event: EventBody) => void,
    hostModel?: ModelProvider,
    askApproval?: ApprovalAsker,
    /** The run's admission of this agent's model calls; absent, every call is admitted as asked. */
    gate?: ModelGate,
    /** The heap the worker may use: past it the worker alone ends (ERR_WORKER_OUT_OF_MEMORY), as a crash; absent, Node's limit. */
    maxHeapMb?: number,
  ) {
    // The worker's own output (a stray console.log, a library's warning) reaches the terminal redacted too.
    this.worker = typeof worker === 'string' ? startAgentWorker(worker, maxHeapMb) : worker;
    this.threadId = this.worker.threadId;
    const redactor = workerOutputRedactor();
    this.worker.stdout.setEncoding('utf8').on('data', (text: string) => process.stdout.write(redactor.redact(text)));
    this.worker.stderr.setEncoding('utf8').on('data', (text: string) => process.stderr.write(redactor.redact(text)));
    let resolveDone!: (end: AgentEnd) => void;
    this.done = new Promise((resolve) => (resolveDone = resolve));
    const finish = (end: AgentEnd) => {
      if (this.ended) return;
      this.ended = true;
      this.stopping.abort();
      resolveDone(end);
    };
    this.channel = new TypedChannel<ToWorker, FromWorker>(
      this.worker,
      FromWorkerSchema,
      (message) => {
        switch (message.type) {
          case 'agent/didEmit':
            if (this.ended) return;
            if (message.event.type === 'model/didRespond') this.used = addUsage(this.used, message.event.usage);
            onEvent(message.event);
            return;
          case 'agent/didEnd':
            // A worker that caught its own crash reports no usage: what its journaled responses used still counts.
            finish({ outcome: message.outcome, usage: message.outcome.kind === 'crashed' ? this.used : message.usage, output: message.output });
            return;
          case 'model/ask':
            void this.answer(message.request, hostModel);
            return;
          case 'model/askAdmit':
            void this.admit(message.requestId, { promptTokens: message.promptTokens, maxOutputTokens: message.maxOutputTokens }, gate);
            return;
          case 'model/didSettle':
            gate?.settle(message.usage ? { usage: message.usage } : { failed: (message.failed ?? 'server') as ModelErrorKind });
            return;
          case 'approval/ask':
            void this.approve(message.requestId, { action: message.action, reason: message.reason }, askApproval);
            return;
          default: {
            const unhandled: never = message;
            throw new Error(`unhandled worker message ${JSON.stringify(unhandled)}`);
          }
        }
      },
      (error) => onEvent({ type: 'agent/didWarn', agentId: job.agentId, kind: 'protocol', message: `invalid message from worker: ${error}` }),
    );
    // An uncaught exception, process.exit() in the worker or running out of memory: one structured outcome, no stack trace.
    this.worker.on('error', (err) =>
      finish({ outcome: { kind: 'crashed', message: `the agent's worker thread crashed: ${crashText(err)}`, next: 'retry' }, usage: this.used, output: null }),
    );
    this.worker.on('exit', (code) =>
      finish({ outcome: { kind: 'crashed', message: `the agent's worker thread exited (code ${code}) without a result`, next: 'retry' }, usage: this.used, output: null }),
    );
    this.channel.send({ type: 'agent/start', job });
  }

  /** Answers a worker's call to the host's model; every failure goes back as a typed error, never a throw here. */
  private async answer(request: { requestId: number; messages: ChatMessage[]; tools: ToolSpec[] }, hostModel: ModelProvider | undefined): Promise<void> {
    const { requestId } = request;
    if (!hostModel) {
      this.send({ type: 'model/didFail', requestId, error: { kind: 'badRequest', message: 'this run has no host model to relay to', retryable: false } });
      return;
    }
    try {
      const response = await hostModel.chat({ messages: request.messages, tools: request.tools });
      this.send({ type: 'model/didAnswer', requestId, response });
    } catch (err) {
      const e = err instanceof ModelError ? err : new ModelError('server', (err as Error)?.message ?? String(err), false);
      this.send({ type: 'model/didFail', requestId, error: { kind: e.kind, message: e.message, retryable: e.retryable, retryAfterMs: e.retryAfterMs } });
    }
  }

  /** Answers a worker's question whether a model call may go; a refusal goes back as a typed answer, never a throw here. */
  private async admit(requestId: number, request: AdmitRequest, gate: ModelGate | undefined): Promise<void> {
    try {
      const { maxOutputTokens } = gate ? await gate.admit(request, this.stopping.signal) : request;
      this.send({ type: 'model/didAdmit', requestId, maxOutputTokens });
    } catch (err) {
      const e = err instanceof ModelError ? err : new ModelError('cancelled', (err as Error)?.message ?? String(err), false);
      this.send({ type: 'model/didRefuse', requestId, kind: e.kind === 'budget' ? 'budget' : 'cancelled', message: e.message });
    }
  }

  /** Answers a worker's approval request; a failure to ask is a denial, never a throw here. */
  private async approve(requestId: number, request: { action: Action; reason: string }, askApproval: ApprovalAsker | undefined): Promise<void> {
    let answer: ApprovalAnswer;
    try {
      answer = askApproval
        ? await askApproval(request)
        : { approved: false, by: 'policy', escalationId: null, message: 'nobody can approve actions here (no approval service)' };
    } catch (err) {
      answer = { approved: false, by: 'error', escalationId: null, message: `the approval could not be asked: ${(err as Error)?.message ?? String(err)}` };
    }
    this.send({ type: 'approval/didAnswer', requestId, ...answer });
  }

  /** Tells the agent something at its next turn (an implementor adds it to its conversation); false once it ended. */
  notice(text: string): boolean {
    if (this.ended) return false;
    this.channel.send({ type: 'agent/notice', text });
    return true;
  }

  private send(message: ToWorker): void {
    if (!this.ended) this.channel.send(message);
  }

  /** Asks the agent to stop; it ends with a `stopped` outcome. Terminates it if it does not within the grace period. */
  async stop(reason: string, graceMs = 5000): Promise<AgentEnd> {
    if (!this.ended) this.channel.send({ type: 'agent/stop', reason });
    this.stopping.abort();
    const timer = setTimeout(() => void this.worker.terminate(), graceMs);
    try {
      return await this.done;
    } finally {
      clearTimeout(timer);
    }
  }

  async dispose(): Promise<void> {
    if (!this.ended) await this.stop('disposed');
    this.channel.dispose();
    await this.worker.terminate();
  }
}

function zeroUsage(): Usage {
  return { inputTokens: 0, outputTokens: 0 };
}


/** What killed a worker, in a line (Node's out-of-memory termination has its own code). */
function crashText(err: Error & { code?: string }): string {
  if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') return 'it ran out of memory';
  return err.message.split('\n', 1)[0] || err.name;
}
