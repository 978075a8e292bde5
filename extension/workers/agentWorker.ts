// Worker-thread entry for every agent role: wires parentPort to a typed channel and runs one job.
import { parentPort, threadId, workerData, type MessagePort } from 'node:worker_threads';
import { useSpawnRelay } from '../engine/process/spawnRelay';
import { TypedChannel } from '../base/channel';
import type { FromWorker, ToWorker } from '../protocol/workerMessages';
import { toWorkerCheck } from '../protocol/workerMessageCheck';
import { PendingHostAnswers } from '../engine/models/pendingHostAnswers';
import { HostModelGate } from '../engine/models/modelGate';
import { PendingApprovals } from '../engine/policy/approvalRequests';
import type { AgentCode } from '../engine/run/workerPool';

if (!parentPort) throw new Error('agentWorker must run in a worker thread');
const port = parentPort;
// Short commands (git) go to the run's spawn helper in the coordinator's thread when it gave a port for them.
const data = workerData as { spawnPort?: MessagePort; preloadAgentCode?: AgentCode } | null;
if (data?.spawnPort) useSpawnRelay(data.spawnPort);
// A worker warmed for a run's agents loads their code (the model client, the MCP client, fetch) while it waits
// for its job, which is while the coordinator plans: work off the path of its agent's first model call.
if (data?.preloadAgentCode) setTimeout(() => void preloadAgentCode(data.preloadAgentCode!), 0);
const abort = new AbortController();
let started = false;
const hostAnswers = new PendingHostAnswers();
let approvals: PendingApprovals | null = null;
/** What the coordinator told the agent since its last turn (agent/notice); the job takes them before each model call. */
let notices: string[] = [];
// Every model call asks the coordinator first (the run's budgets, circuit breaker and rate limit).
const gate = new HostModelGate({
  ask: (requestId, request) => channel.send({ type: 'model/askAdmit', requestId, ...request }),
  settle: (settlement) => channel.send({ type: 'model/didSettle', usage: 'usage' in settlement ? settlement.usage : null, failed: 'failed' in settlement ? settlement.failed : undefined }),
});

// Messages from the coordinator are checked without zod (protocol/workerMessageCheck.ts): the worker is ready
// for its job before zod and the protocol's schemas are loaded, and a coordinator loads only what its role needs.
const channel: TypedChannel<FromWorker, ToWorker> = new TypedChannel<FromWorker, ToWorker>(
  port,
  toWorkerCheck,
  (message) => {
    switch (message.type) {
      case 'agent/start':
        if (started) return;
        started = true;
        void run(message.job);
        return;
      case 'agent/stop':
        abort.abort(message.reason);
        return;
      case 'agent/notice':
        notices.push(message.text);
        return;
      case 'model/didAnswer':
        void settleHostAnswer(message.requestId, message.response);
        return;
      case 'model/didFail':
        hostAnswers.settle(message.requestId, { ok: false, error: message.error });
        return;
      case 'model/didAdmit':
        gate.answer(message.requestId, { ok: true, maxOutputTokens: message.maxOutputTokens });
        return;
      case 'model/didRefuse':
        gate.answer(message.requestId, { ok: false, kind: message.kind, message: message.message });
        return;
      case 'approval/didAnswer':
        approvals?.settle(message.requestId, { approved: message.approved, by: message.by, escalationId: message.escalationId, message: message.message });
        return;
      default: {
        const unhandled: never = message;
        throw new Error(`unhandled message ${JSON.stringify(unhandled)}`);
      }
    }
  },
  (error) => refuseMessage(error),
);

function refuseMessage(error: string): void {
  channel.send({
    type: 'agent/didEnd',
    outcome: { kind: 'crashed', message: `invalid message from coordinator: ${error}`, next: 'stop' },
    usage: { inputTokens: 0, outputTokens: 0 },
    output: null,
  });
}

/** The host model's answer is model output: checked with its schema (loaded with the first answer) before the job sees it. */
async function settleHostAnswer(requestId: number, response: unknown): Promise<void> {
  const { RelayChatResponseSchema } = await import('../protocol/modelRelay');
  const parsed = RelayChatResponseSchema.safeParse(response);
  if (parsed.success) hostAnswers.settle(requestId, { ok: true, response: parsed.data });
  else refuseMessage(parsed.error.issues.map((i) => `response.${i.path.join('.')}: ${i.message}`).join('; '));
}

/** The coordinator times approvals out itself; this fallback only covers a coordinator that never answers. */
const APPROVAL_FALLBACK_GRACE_MS = 30_000;

async function run(job: Extract<ToWorker, { type: 'agent/start' }>['job']): Promise<void> {
  const timeoutSeconds = 'policy' in job ? job.policy.approvalTimeoutSeconds : 600;
  const pendingApprovals = new PendingApprovals(timeoutSeconds * 1000 + APPROVAL_FALLBACK_GRACE_MS);
  approvals = pendingApprovals;
  try {
    // Loaded when the job arrives: a worker waiting for its job holds only the channel and the message schemas.
    const { runAgentJob } = await import('../engine/agents/runAgentJob');
    const end = await runAgentJob(job, {
      threadId,
      signal: abort.signal,
      emit: (event) => channel.send({ type: 'agent/didEmit', event }),
      gate,
      takeNotices: () => {
        const taken = notices;
        notices = [];
        return taken;
      },
      askHost: (request) => hostAnswers.ask((requestId) => channel.send({ type: 'model/ask', request: { requestId, ...request } })),
      askApproval: (request, signal) =>
        pendingApprovals.ask(request, (requestId) => channel.send({ type: 'approval/ask', requestId, action: request.action, reason: request.reason }), signal),
    });
    channel.send({ type: 'agent/didEnd', ...end });
  } catch (err) {
    // A bug in the job, not the agent's doing: the outcome says what in a line (the coordinator counts the usage it saw);
    // where it happened goes to the journal as a warning, never a stack trace to the user.
    const where = (err as Error)?.stack?.split('\n').find((line) => line.trim().startsWith('at '))?.trim();
    const ref = { agentId: job.agentId, ...('task' in job ? { taskId: job.task.id } : {}) };
    if (where) channel.send({ type: 'agent/didEmit', event: { type: 'agent/didWarn', ...ref, kind: 'crash', message: `${(err as Error).message} (${where})` } });
    channel.send({
      type: 'agent/didEnd',
      outcome: { kind: 'crashed', message: `the agent crashed: ${(err as Error)?.message ?? String(err)}`, next: 'retry' },
      usage: { inputTokens: 0, outputTokens: 0 },
      output: null,
    });
  } finally {
    channel.dispose();
    // Let the coordinator's 'exit' handler see a clean end once every handle is closed.
    port.close();
  }
}

async function preloadAgentCode(code: AgentCode): Promise<void> {
  try {
    await import('../engine/agents/runAgentJob');
    await (code === 'verifier' ? import('../engine/agents/verifierJob') : code === 'coordinator' ? import('../engine/agents/coordinatorJob') : import('../engine/agents/implementorJob'));
    // Node loads its fetch (undici) on first use of one of its classes, not of `fetch` itself (a plain function
    // that loads it when called): the model client's first request builds `Headers`, tens of milliseconds alone,
    // hundreds when eight agents start at once. Touching the class loads it now.
    void globalThis.Headers;
  } catch {
    // Whatever failed here fails again, and is reported, when the job loads it.
  }
}
