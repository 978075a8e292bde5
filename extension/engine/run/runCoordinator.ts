import type { EventBody, RunEvent } from '../../protocol/events';
import type { Spec } from '../../protocol/spec';
import { initialRunState, type RunState } from '../../protocol/runState';
import { reduce } from '../../protocol/reduce';
import { Emitter } from '../../base/emitter';
import type { Disposable } from '../../base/disposable';
import { JournalWriter } from '../journal/journalWriter';
import { LeaseManager } from '../workspace/leases';
import { gitOut } from '../workspace/git';
import { openRunSandbox } from './agentConfinement';
import { resolveSetupRecipe, suggestSetup } from '../sandbox/setupRecipe';
import { AgentLauncher } from './agentLauncher';
import type { RunContext } from './runContext';
import { runPolicy, type RunOptions } from './runOptions';
import { ApprovalBroker, approvalInbox } from './approvalBroker';
import { newRunId, runPaths } from './runPaths';
import { planningPhase, warmFirstWave } from './planningPhase';
import { resumePoint, type ResumePoint } from './resumePoint';
import { prepareRunInputs, RunInputError } from './runTarget';
import { makeDurable } from './journalDurability';
import { RunOwnerLease, runLiveness } from './runOwner';
import { executeAndIntegrate } from './executeAndIntegrate';
import { resolveWithMergeAgent } from './mergeAgentResolution';
import type { ManualMerge } from './manualMerge';
import { EscalationService } from './escalationService';
import { readJournal } from '../journal/journalReader';
import { RunGate } from './runBudget';
import { PriceTableError, runPriceTable } from '../models/priceTableFile';
import type { PriceTable } from '../../protocol/pricing';
import { spendOf } from '../../protocol/views/spend';
import { ConflictWatch } from './conflictWatch';
import { acquireSpawnHelper } from '../process/spawnHelper';
import { WorkerPool } from './workerPool';

export { RunInputError } from './runTarget';

/**
 * The coordinator only sequences: plan, schedule tasks, integrate, finish. It is the journal's single
 * writer; its state is the fold of what it wrote.
 */
export class RunCoordinator implements Disposable {
  private readonly onDidEventEmitter = new Emitter<RunEvent>();
  readonly onDidEvent = this.onDidEventEmitter.event;
  private stateValue: RunState = initialRunState();
  private readonly abort = new AbortController();
  private journalWriter: JournalWriter | null = null;
  private launcher: AgentLauncher | null = null;
  private leases: LeaseManager | null = null;
  private escalations: EscalationService | null = null;
  private spec: Spec | null = null;
  private approvals: ApprovalBroker | null = null;
  private owner: RunOwnerLease | null = null;
  private gate: RunGate | null = null;
  private pool: WorkerPool | null = null;
  /** Set by close(): the host is going away, so the run ends unfinished (interrupted, resumable), not stopped; nothing more is journaled. */
  private closing = false;
  readonly runId: string;

  constructor(private readonly options: RunOptions) {
    this.runId = options.runId ?? newRunId();
  }

  get state(): RunState {
    return this.stateValue;
  }

  get journalPath(): string {
    return runPaths(this.options.loomHome, this.runId).journal;
  }

  /** Validates the inputs without starting anything. Throws RunInputError. */
  async prepare(): Promise<{ spec: Spec; baseCommit: string; baseBranch: string }> {
    const inputs = await prepareRunInputs(this.options);
    this.endpointWarning = inputs.endpointWarning;
    return inputs;
  }

  /** A warning the endpoint's preflight left (the model is not listed), journaled once the run starts. */
  private endpointWarning: string | null = null;

  async run(): Promise<RunState> {
    // Started now, while this process is small: the run's git commands fork from it (spawnHelper.ts).
    const spawner = acquireSpawnHelper();
    // The coordinator's worker loads its code while the run checks its inputs and opens (a resumed run's
    // first agent may be any). The first wave's workers start once it plans (planningPhase).
    this.pool = new WorkerPool(this.options.bundle.agentWorker, { maxHeapMb: this.options.agentHeapMb, keepIdle: Math.min(2, this.options.concurrency) });
    this.pool.warm(1, this.options.resume ? null : 'coordinator');
    try {
      return await this.runPlan();
    } finally {
      spawner.dispose();
      // A run that never opened (bad input) leaves no worker behind; otherwise its launcher disposes the pool.
      if (!this.launcher) await this.pool.dispose();
      // Whoever gets the result may read the journal: every event of the run is on disk by then.
      this.journalWriter?.flush();
    }
  }

  private async runPlan(): Promise<RunState> {
    if (this.options.resume) return this.resumeRun();
    const { spec, baseCommit, baseBranch } = await this.prepare();
    const ctx = await this.openRun(spec, baseCommit);
    ctx.journal({
      type: 'run/didStart',
      runId: this.runId,
      repo: this.options.repo,
      baseCommit,
      baseBranch,
      specPath: this.options.specPath,
      specRevision: spec.revision,
      model: this.options.endpoint.model,
      concurrency: this.options.concurrency,
      sandbox: ctx.sandbox.spec.summary,
      settings: { policy: ctx.policy, commandAllowlist: this.options.commandAllowlist, flakeReruns: this.options.flakeReruns, commandTimeoutMs: this.options.commandTimeoutMs, prices: ctx.prices },
    });
    ctx.journal({ type: 'spec/didParse', requirements: spec.requirements.map((r) => ({ id: r.id, title: r.title })) });
    this.warnUnpriced(ctx);
    const suggestion = ctx.setup === null ? await suggestSetup(this.options.repo) : null;
    if (suggestion) ctx.journal({ type: 'agent/didWarn', agentId: 'coordinator-1', kind: 'setup', message: suggestion });
    return this.planAndExecute(ctx);
  }

  /**
   * `loom resume`: the run continues from its journal in this process. Finished tasks keep their
   * results; tasks in flight continue from their last checkpoint in their re-attached lease; merges
   * and escalations the journal has are not made again.
   */
  private async resumeRun(): Promise<RunState> {
    const paths = runPaths(this.options.loomHome, this.runId);
    const events = readJournal(paths.journal).events;
    const point = resumePoint(events);
    const folded = events.reduce(reduce, initialRunState());
    // A run whose tasks wait on answered conflicts continues too: they start from the resolved integration branch.
    const waitingReady = folded.tasks.some((t) => t.status === 'waiting' && folded.escalations.some((e) => e.escalationId === t.waitingOn && e.resolution !== null));
    if (folded.endedAt !== null && folded.status !== 'stopped' && !waitingReady) {
      throw new RunInputError(`run ${this.runId} already finished (${folded.status}); only an interrupted or stopped run, or one whose waiting tasks' conflicts are answered, can be resumed`);
    }
    const liveness = runLiveness(paths.runDir, false);
    if (liveness.state === 'live') throw new RunInputError(`run ${this.runId} is still running (process ${liveness.pid}); stop it first`);
    const { spec } = await this.prepare();
    this.stateValue = folded;
    const ctx = await this.openRun(spec, point.baseCommit);
    const finished = new Set([...point.succeeded.keys(), ...point.failed, ...point.blocked]);
    ctx.journal({
      type: 'run/didResume',
      previousPid: liveness.state === 'interrupted' ? liveness.pid : null,
      tasks: point.plan ? point.plan.tasks.map((t) => t.id).filter((id) => !finished.has(id)) : [],
      effects: point.unfinished,
    });
    // A question an agent of the dead process waited on (an approval, a budget, the breaker) went with it: the agent that continues asks again if it must.
    for (const open of folded.escalations.filter((e) => e.resolution === null && e.action !== undefined)) {
      ctx.journal({ type: 'escalation/didResolve', escalationId: open.escalationId, choice: 'expired', by: 'resume' });
    }
    this.warnUnpriced(ctx);
    return this.planAndExecute(ctx, point);
  }

  /** Everything a run (or a resumed run) needs before its first agent: journal, sandbox, policy, agents, leases. */
  private async openRun(spec: Spec, baseCommit: string): Promise<RunContext> {
    this.spec = spec;
    const paths = runPaths(this.options.loomHome, this.runId);
    const prices = this.runPrices();
    const journalWriter = new JournalWriter(paths.journal, { secrets: [this.options.endpoint.apiKey] });
    this.journalWriter = journalWriter;
    this.owner = new RunOwnerLease(paths.runDir);
    const journal = (body: EventBody): RunEvent => this.append(journalWriter, body);
    const sandbox = await openRunSandbox(this.options, paths.runDir);
    const policy = runPolicy(this.options, sandbox.spec);
    const approvals = new ApprovalBroker({
      append: journal,
      timeoutMs: policy.approvalTimeoutSeconds * 1000,
      inboxDir: approvalInbox(paths.runDir),
      journaledIds: this.stateValue.escalations.map((e) => e.escalationId),
    });
    this.approvals = approvals;
    // Every model call of every agent passes here; a resumed run continues what it spent.
    const before = spendOf(this.stateValue.agents, prices);
    const spent = { tokens: before.tokens, usd: before.pricedUsd };
    this.gate = new RunGate({ limits: this.options.limits ?? {}, prices, baseUrl: this.options.endpoint.baseUrl, policy, approvals, journal, stopRun: () => void this.stop(), spent });
    this.launcher = new AgentLauncher({
      gate: this.gate,
      approvals,
      workerScript: this.options.bundle.agentWorker,
      endpoint: this.options.endpoint,
      journal,
      journalAgentEvent: (body) => this.append(journalWriter, body, 'agent'),
      mcpSupervision: this.options.mcpSupervision,
      agentHeapMb: this.options.agentHeapMb,
      hostModel: this.options.hostModel,
      modelByRole: this.options.verifierModel ? { verifier: this.options.verifierModel } : undefined,
      pool: this.pool ?? undefined,
    });
    this.leases = new LeaseManager({ repoDir: this.options.repo, root: paths.worktrees, allocation: this.options.leaseAllocation });
    const setup = await resolveSetupRecipe(this.options.repo, this.options.setupCommand);
    return {
      runId: this.runId,
      options: this.options,
      paths,
      spec,
      baseCommit,
      launcher: this.launcher,
      sandbox,
      journal,
      signal: this.abort.signal,
      policy,
      approvals,
      setup,
      prices,
      conflicts: new ConflictWatch({ repo: this.options.repo, runId: this.runId, policy: this.options.onPredictedConflict ?? 'tell', journal, notify: (taskId, text) => this.launcher?.notice(taskId, text) ?? false, state: () => this.stateValue }),
    };
  }

  /** The defaults, LOOM_HOME/prices.json, then the setting or flag; a bad file is bad input, said before anything starts. */
  private runPrices(): PriceTable {
    try {
      return runPriceTable(this.options.loomHome, this.options.prices);
    } catch (err) {
      if (err instanceof PriceTableError) throw new RunInputError(err.message);
      throw err;
    }
  }

  /** A dollar budget with a model that has no price is said plainly at the start: it cannot be enforced for that model. */
  private warnUnpriced(ctx: RunContext): void {
    if (this.endpointWarning) ctx.journal({ type: 'agent/didWarn', agentId: 'run', kind: 'model', message: this.endpointWarning });
    const models = [this.options.endpoint.model, ...(this.options.verifierModel ? [this.options.verifierModel] : [])];
    const warning = this.gate?.unpricedWarning(models, this.options.budgets.taskUsd);
    if (warning) ctx.journal({ type: 'agent/didWarn', agentId: 'run', kind: 'budget', message: warning });
  }

  private async planAndExecute(ctx: RunContext, resume?: ResumePoint): Promise<RunState> {
    const repoFiles = (await gitOut(this.options.repo, ['ls-files', '-z'])).split('\0').filter(Boolean);
    let plan = resume?.plan ?? null;
    if (plan) warmFirstWave(ctx);
    else {
      const planned = await planningPhase(ctx, repoFiles.slice(0, 2000));
      if (!planned.ok) {
        ctx.journal({ type: 'agent/didWarn', agentId: 'coordinator-1', kind: 'plan', message: planned.reason });
        return this.finish(ctx, this.abort.signal.aborted ? 'stopped' : 'failed', null);
      }
      plan = planned.plan;
    }

    const { integration, failed, waitsOnPerson } = await executeAndIntegrate(ctx, this.leases!, plan, repoFiles, resume, () => this.stateValue);
    if (this.abort.signal.aborted) return this.finish(ctx, 'stopped', null);
    // An open question wins: the run waits for a person, whatever else went wrong (exit 3, never 1).
    return this.finish(ctx, waitsOnPerson ? 'escalated' : failed ? 'failed' : 'succeeded', integration);
  }

  private async finish(
    ctx: RunContext,
    status: 'succeeded' | 'failed' | 'escalated' | 'stopped',
    integration: { branch: string | null; head: string | null } | null,
  ): Promise<RunState> {
    if (this.closing) return this.stateValue;
    // No task is in flight any more: nothing left to predict, and a held agent must not wait on it.
    await ctx.conflicts?.idle();
    ctx.conflicts?.dispose();
    // Worktrees released during the run finish going (and are journaled) before the run's end.
    await this.leases?.settle();
    // Leases are kept after a failure so a person can inspect them; `loom clean` removes them.
    if (status !== 'failed' && this.leases) {
      const removed = await this.leases.removeAll(this.runId, { deleteBranches: false, alsoInside: [ctx.paths.scratch] });
      for (const path of removed.removed) ctx.journal({ type: 'lease/didRemove', path });
    }
    ctx.journal({ type: 'run/didFinish', status, integrationBranch: integration?.branch ?? null, integrationCommit: integration?.head ?? null });
    // The run is over: it no longer has a live owner (a stopped run can be resumed later).
    this.owner?.dispose();
    this.owner = null;
    return this.stateValue;
  }

  /**
   * A person's answer to an escalation of this finished run (until the coordinator is disposed). A
   * conflict answer goes through the escalation service, which lands it on the integration branch;
   * any other answer is only journaled as `escalation/didResolve`.
   */
  async resolveEscalation(escalationId: string, choice: string, by: string): Promise<RunState> {
    const writer = this.journalWriter;
    if (!writer) throw new Error('the run has not started');
    // An approval is answered while its agent waits, through the broker that journals it.
    if (this.approvals?.isOpen(escalationId)) {
      this.approvals.answer(escalationId, choice, by);
      return this.stateValue;
    }
    if (this.stateValue.endedAt === null) throw new Error('escalations are answered once the run has finished');
    const escalation = this.stateValue.escalations.find((e) => e.escalationId === escalationId);
    if (!escalation) throw new Error(`run ${this.runId} has no escalation ${escalationId}`);
    if (escalation.resolution !== null) throw new Error(`escalation ${escalationId} was already resolved (${escalation.resolution})`);
    if (escalation.kind === 'conflict') {
      await this.escalationService(writer).answer(escalationId, choice, by);
      return this.stateValue;
    }
    this.append(writer, { type: 'escalation/didResolve', escalationId, choice, by });
    return this.stateValue;
  }

  /**
   * "Open the merge editor": the conflicted merge is checked out in a lease of its own; nothing lands
   * until completeManualMerge, which runs the merge gate.
   */
  async startManualMerge(escalationId: string): Promise<ManualMerge> {
    return this.escalationService(this.requireFinished(escalationId)).startManual(escalationId);
  }

  async completeManualMerge(escalationId: string, by: string): Promise<RunState> {
    return this.escalationService(this.requireFinished(escalationId)).completeManual(escalationId, by);
  }

  /** One per run: it remembers the manual merges it started. */
  private escalationService(writer: JournalWriter): EscalationService {
    if (this.escalations) return this.escalations;
    const paths = runPaths(this.options.loomHome, this.runId);
    const append = (body: EventBody): RunEvent => this.append(writer, body);
    this.escalations = new EscalationService({
      paths,
      state: () => this.stateValue,
      append,
      gate: { options: this.options, runDir: paths.runDir },
      // A merger agent in a worker thread like every agent, on the run's model; stop() ends it.
      mergeAgent: async (state, id, oursTaskId, heldTaskId, branch, journal, semantic) => {
        const launcher = new AgentLauncher({ workerScript: this.options.bundle.agentWorker, endpoint: this.options.endpoint, journal, mcpSupervision: this.options.mcpSupervision, agentHeapMb: this.options.agentHeapMb, hostModel: this.options.hostModel, approvals: this.approvals ?? undefined });
        this.launcher = launcher;
        try {
          const setup = await resolveSetupRecipe(this.options.repo, this.options.setupCommand);
          return await resolveWithMergeAgent({ state, spec: this.spec!, paths, launcher, options: this.options, append: journal, integrationBranch: branch, setup }, id, oursTaskId, heldTaskId, semantic);
        } finally {
          await launcher.dispose();
        }
      },
    });
    return this.escalations;
  }

  private requireFinished(escalationId: string): JournalWriter {
    if (!this.journalWriter) throw new Error('the run has not started');
    if (this.stateValue.endedAt === null) throw new Error(`${escalationId} can be answered once the run has finished`);
    return this.journalWriter;
  }

  /** A person accepted or dismissed a verifier finding: journaled, so the decision is part of the run. */
  reviewFinding(taskId: string, index: number, decision: 'accepted' | 'dismissed', by: string): RunState {
    const writer = this.journalWriter;
    if (!writer) throw new Error('the run has not started');
    const task = this.stateValue.tasks.find((t) => t.task.id === taskId);
    if (!task || index < 0 || index >= task.findings.length) throw new Error(`task ${taskId} has no finding #${index}`);
    this.append(writer, { type: 'finding/didReview', taskId, index, decision, by });
    return this.stateValue;
  }

  /**
   * The single writer's one way to record an event: journal it, fold it, publish it. The journal
   * commits in groups (a batch per tick); an event that reports an effect done is on disk first.
   */
  private append(writer: JournalWriter, body: EventBody, from: 'run' | 'agent' = 'run'): RunEvent {
    // Closing: the journal ends where a crash would have ended it; what the winding down causes
    // (tasks failed or agents stopped by the abort) is not recorded, so resume continues them.
    if (this.closing) return { seq: -1, ts: Date.now(), ...body } as RunEvent;
    const event = writer.append(body);
    makeDurable(writer, event, from);
    this.stateValue = reduce(this.stateValue, event);
    this.onDidEventEmitter.fire(event);
    return event;
  }

  async stopAgent(agentId: string): Promise<boolean> {
    return (await this.launcher?.stopAgent(agentId, 'stopped by the user')) ?? false;
  }

  async stop(): Promise<void> {
    this.abort.abort('run stopped');
    this.approvals?.denyOpen('the run was stopped');
    await this.launcher?.dispose();
    await this.pool?.dispose();
  }

  /**
   * The host is going away (VS Code reloads or closes the window): every agent and process ends as
   * with stop(), but no run/didFinish is journaled, so the run reads as interrupted and is offered
   * for resume when the window comes back.
   */
  async close(): Promise<void> {
    this.closing = true;
    await this.dispose();
  }

  async dispose(): Promise<void> {
    await this.stop();
    this.approvals?.close('the run was closed');
    this.gate?.dispose();
    this.owner?.dispose();
    this.journalWriter?.dispose();
    this.onDidEventEmitter.dispose();
  }
}
