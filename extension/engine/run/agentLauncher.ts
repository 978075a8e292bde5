import type { EventBody, RunEvent } from '../../protocol/events';
import type { AgentJob, McpSupervision, ModelEndpoint } from '../../protocol/workerMessages';
import type { AgentRole } from '../../protocol/usage';
import type { Disposable } from '../../base/disposable';
import { AgentThread, type AgentEnd } from './agentProcess';
import { WorkerPool, type AgentCode } from './workerPool';
import { ModelError, type ModelProvider } from '../models/modelProvider';
import type { ModelGate } from '../models/modelGate';
import { killProcessTree } from '../process/killProcessTree';
import type { ApprovalBroker } from './approvalBroker';
import type { RunGate } from './runBudget';

/** Which host model answers an agent: the host may choose per role (a different verifier model, say). */
export type HostModelFactory = (agent: { agentId: string; role: AgentRole; taskId?: string; attempt: number }) => ModelProvider;

export interface LaunchSpec {
  agentId: string;
  role: AgentRole;
  taskId?: string;
  attempt: number;
  budgetTokens: number;
  /** The agent's dollar budget (its task's share, within the per-agent one); absent: the run's per-agent dollar budget, if any. */
  budgetUsd?: number;
  /** Builds the job once the agent's own endpoint (with its identity headers) is known. */
  job: (endpoint: ModelEndpoint) => AgentJob;
  /** Sees each of this agent's events after it is journaled. */
  onEvent?: (event: EventBody) => void;
  /** Awaited before each of its model calls is admitted (a task held for a predicted conflict waits here). */
  beforeModelCall?: (signal?: AbortSignal) => Promise<void>;
}

/**
 * Starts agents in worker threads and brackets each with agent/didStart and agent/didFinish.
 * After an agent ends it makes sure none of its MCP subprocesses outlived it (no orphans).
 */
export class AgentLauncher implements Disposable {
  private readonly live = new Map<string, AgentThread>();
  /** The live implementor of each task, by task id: notices go to it. */
  private readonly implementors = new Map<string, AgentThread>();
  private readonly mcpPids = new Map<string, number[]>();
  /** Workers that load their bundle before an agent needs one. */
  private readonly pool: WorkerPool;

  constructor(
    private readonly deps: {
      workerScript: string;
      endpoint: ModelEndpoint;
      journal: (body: EventBody) => RunEvent;
      /** What an agent's worker reports (default `journal`): its effects did not wait for the journal (journalDurability.ts). */
      journalAgentEvent?: (body: EventBody) => RunEvent;
      /** For a relayed endpoint: the host's model for this agent (the host may pick one per role). */
      hostModel?: HostModelFactory;
      /** A different model for some roles, e.g. a verifier on another model than the implementors (failure mode 11). */
      modelByRole?: Partial<Record<AgentRole, string>>;
      /** Answers agents' approval requests (journaled escalations); without it they are denied. */
      approvals?: ApprovalBroker;
      /** Call timeout, health pings and restarts of every agent's MCP servers (RunOptions.mcpSupervision). */
      mcpSupervision?: Partial<McpSupervision>;
      /** The heap each agent's worker thread may use (RunOptions.agentHeapMb). */
      agentHeapMb?: number;
      /** Admits every model call of every agent (run and dollar budgets, circuit breaker, rate limit) and holds agents while the run is paused. */
      gate?: RunGate;
      /** The pool to take workers from, started before the launcher (the run's, warming the coordinator's worker); default: one of its own. Disposed with the launcher. */
      pool?: WorkerPool;
    },
  ) {
    this.pool = deps.pool ?? new WorkerPool(deps.workerScript, { maxHeapMb: deps.agentHeapMb, keepIdle: 1 });
  }

  /** Starts `count` workers now, ahead of the agents about to need them (while the coordinator plans, say); see WorkerPool.warm. */
  warm(count: number, code: AgentCode | null = null): void {
    this.pool.warm(count, code);
  }

  get running(): string[] {
    return [...this.live.keys()];
  }

  async run(spec: LaunchSpec): Promise<AgentEnd> {
    const model = this.deps.modelByRole?.[spec.role] ?? this.deps.endpoint.model;
    const endpoint: ModelEndpoint = {
      ...this.deps.endpoint,
      model,
      // Identity headers: harmless to real endpoints, and how the simulator picks a script.
      headers: [
        ...this.deps.endpoint.headers,
        ['x-loom-agent', spec.agentId],
        ['x-loom-role', spec.role],
        ...(spec.taskId ? ([['x-loom-task', spec.taskId]] as [string, string][]) : []),
        ['x-loom-attempt', String(spec.attempt)],
      ],
    };
    // A run the circuit breaker paused starts no agent until a person answers.
    if (this.deps.gate && !(await this.deps.gate.beforeStart())) {
      return { outcome: { kind: 'stopped', message: 'the run stopped before this agent started', next: 'stop' }, usage: { inputTokens: 0, outputTokens: 0 }, output: null };
    }
    const startedAt = Date.now();
    let warmedVerifier = false;
    const hostModel = this.deps.hostModel?.({ agentId: spec.agentId, role: spec.role, taskId: spec.taskId, attempt: spec.attempt });
    const thread = new AgentThread(
      this.pool.take(agentCodeOf(spec.role)),
      this.withSupervision(spec.job(endpoint)),
      (event) => {
        if (event.type === 'mcp/didStart' || event.type === 'mcp/didRestart') this.mcpPids.set(spec.agentId, [...(this.mcpPids.get(spec.agentId) ?? []), event.pid]);
        // Its verifier will want a worker with the verifier's code. After the first answer, the worker loads
        // while agents wait on their models rather than while they start.
        if (spec.role === 'implementor' && event.type === 'model/didRespond' && !warmedVerifier) {
          warmedVerifier = true;
          this.pool.warm(this.implementors.size, 'verifier');
        }
        (this.deps.journalAgentEvent ?? this.deps.journal)(event);
        spec.onEvent?.(event);
      },
      hostModel,
      this.deps.approvals ? (request) => this.deps.approvals!.request({ agentId: spec.agentId, taskId: spec.taskId, ...request }) : undefined,
      withHold(this.deps.gate?.forAgent({ agentId: spec.agentId, taskId: spec.taskId, model, budgetUsd: spec.budgetUsd }), spec.beforeModelCall),
      this.deps.agentHeapMb,
    );
    this.live.set(spec.agentId, thread);
    if (spec.role === 'implementor' && spec.taskId) this.implementors.set(spec.taskId, thread);
    this.deps.journal({
      type: 'agent/didStart',
      agentId: spec.agentId,
      taskId: spec.taskId,
      role: spec.role,
      threadId: thread.threadId,
      model,
      budgetTokens: spec.budgetTokens,
      attempt: spec.attempt,
    });
    try {
      const end = await thread.done;
      this.deps.approvals?.cancelAgent(spec.agentId);
      this.deps.gate?.agentEnded(spec.agentId, end.outcome);
      this.deps.journal({
        type: 'agent/didFinish',
        agentId: spec.agentId,
        taskId: spec.taskId,
        role: spec.role,
        outcome: end.outcome,
        usage: end.usage,
        startedAt,
        endedAt: Date.now(),
      });
      return end;
    } finally {
      // An agent that ended while it waited leaves no question open.
      this.deps.approvals?.cancelAgent(spec.agentId);
      this.live.delete(spec.agentId);
      if (spec.taskId && this.implementors.get(spec.taskId) === thread) this.implementors.delete(spec.taskId);
      await thread.dispose();
      this.reapSubprocesses(spec.agentId);
    }
  }

  /** Tells a task's running implementor something at its next turn; false when none is running. */
  notice(taskId: string, text: string): boolean {
    return this.implementors.get(taskId)?.notice(text) ?? false;
  }

  async stopAgent(agentId: string, reason: string): Promise<boolean> {
    const thread = this.live.get(agentId);
    if (!thread) return false;
    await thread.stop(reason);
    return true;
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.live.values()].map((t) => t.stop('run disposed')));
    await this.pool.dispose();
    for (const agentId of this.mcpPids.keys()) this.reapSubprocesses(agentId);
  }

  /** Agents with MCP servers watch them as the run says. */
  private withSupervision(job: AgentJob): AgentJob {
    return 'mcpServers' in job && this.deps.mcpSupervision ? { ...job, mcpSupervision: { ...this.deps.mcpSupervision, ...job.mcpSupervision } } : job;
  }

  private reapSubprocesses(agentId: string): void {
    // Usually already gone (the agent closed its own servers); otherwise its whole tree goes.
    for (const pid of this.mcpPids.get(agentId) ?? []) killProcessTree(pid);
    this.mcpPids.delete(agentId);
  }
}

/** The agent's admission with a wait in front of it; without a run gate, a call goes as asked once the wait is over. */
function withHold(gate: ModelGate | undefined, hold: LaunchSpec['beforeModelCall']): ModelGate | undefined {
  if (!hold) return gate;
  return {
    admit: async (request, signal) => {
      await hold(signal);
      if (signal?.aborted) throw new ModelError('cancelled', 'the agent stopped while it was held', false);
      return gate ? gate.admit(request, signal) : { maxOutputTokens: request.maxOutputTokens };
    },
    settle: (settlement) => gate?.settle(settlement),
  };
}

/** The code a role's agent runs, which a warmed worker loads ahead: test authors and mergers run the implementor's loop. */
function agentCodeOf(role: LaunchSpec['role']): AgentCode | null {
  if (role === 'verifier' || role === 'coordinator') return role;
  return role === 'implementor' || role === 'testAuthor' || role === 'merger' ? 'implementor' : null;
}
