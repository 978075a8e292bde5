import { readFileSync } from 'node:fs';
import type { EventBody, RunEvent } from '../../protocol/events';
import type { Plan, Task } from '../../protocol/plan';
import type { Spec } from '../../protocol/spec';
import { initialRunState, type RunState } from '../../protocol/runState';
import { reduce } from '../../protocol/reduce';
import { Emitter } from '../../base/emitter';
import type { Disposable } from '../../base/disposable';
import { JournalWriter } from '../journal/journalWriter';
import { parseSpec, formatSpecErrors } from '../spec/parseSpec';
import { topologicalOrder } from '../plan/validatePlan';
import { scopesOverlap } from '../plan/scopeOverlap';
import { combineCommits } from '../workspace/combine';
import { LeaseManager, type Lease } from '../workspace/leases';
import { assertGitVersion } from '../workspace/gitRepo';
import { gitOut, resolveCommit, runGit } from '../workspace/git';
import { openRunSandbox } from './agentConfinement';
import { resolveSetupRecipe, suggestSetup } from '../sandbox/setupRecipe';
import { AgentLauncher } from './agentLauncher';
import type { RunContext } from './runContext';
import { runPolicy, type RunOptions } from './runOptions';
import { ApprovalBroker, approvalInbox } from './approvalBroker';
import { newRunId, runPaths } from './runPaths';
import { planningPhase } from './planningPhase';
import { runTask } from './taskRunner';
import { integrationPhase } from './integrationPhase';
import { ESCALATION_CHOICES, resolveEscalation, type EscalationChoice } from './resolveEscalation';
import { resolveWithMergeAgent } from './mergeAgentResolution';
import { readJournal } from '../journal/journalReader';
import { completeManualMerge, startManualMerge, type ManualMerge } from './manualMerge';
import { allFinished, sequencingEdges, tasksToBlock, tasksToStart, type SchedulerStatus } from './scheduler';

/**
 * Events that report an external side effect done (a worktree, a commit, a merge, a person asked or
 * answered, an action allowed or refused, the run's end): the journal is flushed (written and
 * fsynced) before anyone hears of them.
 */
const REPORTS_EFFECT: ReadonlySet<RunEvent['type']> = new Set<RunEvent['type']>([
  'lease/didCreate',
  'lease/didRemove',
  'checkpoint/didCommit',
  'tests/didFreeze',
  'merge/didMerge',
  'escalation/didOpen',
  'escalation/didResolve',
  'policy/didDecide',
  'finding/didReview',
  'run/didFinish',
]);

/** Bad input found before a run starts: nothing was created. The CLI maps it to exit code 2. */
export class RunInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunInputError';
  }
}

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
  private readonly manualMerges = new Map<string, ManualMerge>();
  private spec: Spec | null = null;
  private approvals: ApprovalBroker | null = null;
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
    let text: string;
    try {
      text = readFileSync(this.options.specPath, 'utf8');
    } catch (err) {
      throw new RunInputError(`cannot read spec ${this.options.specPath}: ${(err as Error).message}`);
    }
    const parsed = parseSpec(text, this.options.specPath);
    if (!parsed.ok) throw new RunInputError(`the spec has errors:\n${formatSpecErrors(parsed.errors, this.options.specPath)}`);
    try {
      await assertGitVersion();
    } catch (err) {
      throw new RunInputError((err as Error).message);
    }
    const inRepo = await runGit(this.options.repo, ['rev-parse', '--is-inside-work-tree'], { okExitCodes: [0, 128] }).catch(() => null);
    if (inRepo?.stdout.trim() !== 'true') throw new RunInputError(`${this.options.repo} is not a git repository`);
    let baseCommit: string;
    try {
      baseCommit = await resolveCommit(this.options.repo, 'HEAD');
    } catch {
      throw new RunInputError(`${this.options.repo} has no commits yet: commit something first, the run starts from HEAD`);
    }
    const baseBranch = await gitOut(this.options.repo, ['rev-parse', '--abbrev-ref', 'HEAD']);
    return { spec: parsed.spec, baseCommit, baseBranch };
  }

  async run(): Promise<RunState> {
    try {
      return await this.runPlan();
    } finally {
      // Whoever gets the result may read the journal: every event of the run is on disk by then.
      this.journalWriter?.flush();
    }
  }

  private async runPlan(): Promise<RunState> {
    const { spec, baseCommit, baseBranch } = await this.prepare();
    this.spec = spec;
    const paths = runPaths(this.options.loomHome, this.runId);
    const journalWriter = new JournalWriter(paths.journal, { secrets: [this.options.endpoint.apiKey] });
    this.journalWriter = journalWriter;
    const journal = (body: EventBody): RunEvent => this.append(journalWriter, body);
    const sandbox = await openRunSandbox(this.options, paths.runDir);
    const policy = runPolicy(this.options, sandbox.spec);
    const approvals = new ApprovalBroker({ append: journal, timeoutMs: policy.approvalTimeoutSeconds * 1000, inboxDir: approvalInbox(paths.runDir) });
    this.approvals = approvals;
    this.launcher = new AgentLauncher({
      approvals,
      workerScript: this.options.bundle.agentWorker,
      endpoint: this.options.endpoint,
      journal,
      hostModel: this.options.hostModel,
      modelByRole: this.options.verifierModel ? { verifier: this.options.verifierModel } : undefined,
    });
    this.leases = new LeaseManager({ repoDir: this.options.repo, root: paths.worktrees });
    const setup = await resolveSetupRecipe(this.options.repo, this.options.setupCommand);
    const ctx: RunContext = {
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
    };

    journal({
      type: 'run/didStart',
      runId: this.runId,
      repo: this.options.repo,
      baseCommit,
      baseBranch,
      specPath: this.options.specPath,
      specRevision: spec.revision,
      model: this.options.endpoint.model,
      concurrency: this.options.concurrency,
      sandbox: sandbox.spec.summary,
    });
    journal({ type: 'spec/didParse', requirements: spec.requirements.map((r) => ({ id: r.id, title: r.title })) });
    const suggestion = setup === null ? await suggestSetup(this.options.repo) : null;
    if (suggestion) journal({ type: 'agent/didWarn', agentId: 'coordinator-1', kind: 'setup', message: suggestion });

    const repoFiles = (await gitOut(this.options.repo, ['ls-files', '-z'])).split('\0').filter(Boolean);
    const planned = await planningPhase(ctx, repoFiles.slice(0, 2000));
    if (!planned.ok) {
      journal({ type: 'agent/didWarn', agentId: 'coordinator-1', kind: 'plan', message: planned.reason });
      return this.finish(ctx, this.abort.signal.aborted ? 'stopped' : 'failed', null);
    }

    const heads = await this.executePlan(ctx, planned.plan, repoFiles);
    if (this.abort.signal.aborted) return this.finish(ctx, 'stopped', null);
    const order = topologicalOrder(planned.plan);
    const verified = order.filter((id) => heads.has(id)).map((taskId) => ({ taskId, commit: heads.get(taskId)! }));
    const integration = await integrationPhase(ctx, verified);
    const failed = this.stateValue.tasks.some((t) => t.status === 'failed' || t.status === 'blocked');
    return this.finish(ctx, failed ? 'failed' : integration.escalated ? 'escalated' : 'succeeded', integration);
  }

  /** Runs every task as soon as it is ready, up to the concurrency limit; returns verified heads. */
  private async executePlan(ctx: RunContext, plan: Plan, repoFiles: string[]): Promise<Map<string, string>> {
    const status = new Map<string, SchedulerStatus>(plan.tasks.map((t) => [t.id, 'pending']));
    const heads = new Map<string, string>();
    const after = sequencingEdges(plan.tasks, (a, b) => scopesOverlap(a.fileScope, b.fileScope, repoFiles));
    const running = new Map<string, Promise<void>>();
    const byId = new Map(plan.tasks.map((t) => [t.id, t]));

    const start = (task: Task) => {
      status.set(task.id, 'running');
      const done = this.startTask(ctx, task, [...task.dependsOn, ...(after.get(task.id) ?? [])].filter((d) => heads.has(d)).map((d) => heads.get(d)!))
        .then((end) => {
          if (end.ok) {
            heads.set(task.id, end.headCommit);
            status.set(task.id, 'done');
            ctx.journal({ type: 'task/didSucceed', taskId: task.id, headCommit: end.headCommit });
          } else {
            status.set(task.id, 'failed');
            ctx.journal({ type: 'task/didFail', taskId: task.id, reason: end.reason });
          }
        })
        .finally(() => running.delete(task.id));
      running.set(task.id, done);
    };

    while (!ctx.signal.aborted) {
      for (const blocked of tasksToBlock({ tasks: plan.tasks, status })) {
        status.set(blocked.taskId, 'blocked');
        ctx.journal({ type: 'task/didBlock', taskId: blocked.taskId, blockedBy: blocked.blockedBy });
      }
      for (const id of tasksToStart({ tasks: plan.tasks, status, after, concurrency: this.options.concurrency })) start(byId.get(id)!);
      if (running.size === 0) break;
      await Promise.race(running.values());
    }
    await Promise.allSettled(running.values());
    if (!allFinished(status) && !ctx.signal.aborted) throw new Error('scheduler stalled with unfinished tasks');
    return heads;
  }

  private async startTask(ctx: RunContext, task: Task, predecessorHeads: string[]): Promise<{ ok: true; headCommit: string } | { ok: false; reason: string }> {
    let lease: Lease;
    try {
      const combined = await combineCommits(this.options.repo, ctx.baseCommit, predecessorHeads, `loom: start of ${task.id}`);
      if ('conflict' in combined) {
        return { ok: false, reason: `its dependencies conflict in ${combined.conflict.files.map((f) => f.path).join(', ')}` };
      }
      lease = await this.leases!.acquire({ runId: this.runId, taskId: task.id, startCommit: combined.commit });
    } catch (err) {
      return { ok: false, reason: `could not prepare a worktree: ${(err as Error).message}` };
    }
    ctx.journal({ type: 'lease/didCreate', taskId: task.id, purpose: 'implement', branch: lease.branch, path: lease.path, startCommit: lease.startCommit });
    try {
      return await runTask(ctx, task, lease, (branch) => resolveCommit(this.options.repo, branch));
    } catch (err) {
      return { ok: false, reason: `task crashed: ${(err as Error).message}` };
    }
  }

  private async finish(
    ctx: RunContext,
    status: 'succeeded' | 'failed' | 'escalated' | 'stopped',
    integration: { branch: string | null; head: string | null } | null,
  ): Promise<RunState> {
    // Leases are kept after a failure so a person can inspect them; `loom clean` removes them.
    if (status !== 'failed' && this.leases) {
      for (const path of (await this.leases.removeAll(this.runId, { deleteBranches: false })).removed) ctx.journal({ type: 'lease/didRemove', path });
    }
    ctx.journal({ type: 'run/didFinish', status, integrationBranch: integration?.branch ?? null, integrationCommit: integration?.head ?? null });
    return this.stateValue;
  }

  /**
   * A person's answer to an escalation of this finished run (until the coordinator is disposed). A
   * conflict answer the engine can apply (ours, theirs, manual) goes through resolveEscalation, which
   * merges into the integration branch; any other answer is only journaled as `escalation/didResolve`.
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
    const append = (body: EventBody): RunEvent => this.append(writer, body);
    if (escalation.kind === 'conflict' && (ESCALATION_CHOICES as readonly string[]).includes(choice)) {
      const paths = runPaths(this.options.loomHome, this.runId);
      writer.flush();
      const deps = {
        repo: this.options.repo,
        scratchRoot: paths.scratch,
        events: readJournal(writer.path).events,
        append,
        // A merger agent in a worker thread like every agent, on the run's model; stop() ends it.
        mergeAgent: async (state: RunState, id: string, oursTaskId: string, heldTaskId: string, branch: string, journal: (body: EventBody) => RunEvent) => {
          const launcher = new AgentLauncher({ workerScript: this.options.bundle.agentWorker, endpoint: this.options.endpoint, journal, hostModel: this.options.hostModel, approvals: this.approvals ?? undefined });
          this.launcher = launcher;
          try {
            return await resolveWithMergeAgent({ state, spec: this.spec!, paths, launcher, options: this.options, append: journal, integrationBranch: branch }, id, oursTaskId, heldTaskId);
          } finally {
            await launcher.dispose();
          }
        },
      };
      await resolveEscalation(deps, escalationId, choice as EscalationChoice, by);
      return this.stateValue;
    }
    append({ type: 'escalation/didResolve', escalationId, choice, by });
    return this.stateValue;
  }

  /**
   * "Open the merge editor": the conflicted merge is checked out in a lease of its own; nothing lands
   * until completeManualMerge, which refuses while conflict markers are left.
   */
  async startManualMerge(escalationId: string): Promise<ManualMerge> {
    const writer = this.requireFinished(escalationId);
    const merge = await startManualMerge(
      { state: this.stateValue, worktreesRoot: runPaths(this.options.loomHome, this.runId).worktrees, append: (body) => this.append(writer, body) },
      escalationId,
    );
    this.manualMerges.set(escalationId, merge);
    return merge;
  }

  async completeManualMerge(escalationId: string, by: string): Promise<RunState> {
    const writer = this.requireFinished(escalationId);
    const merge = this.manualMerges.get(escalationId);
    if (!merge) throw new Error(`open ${escalationId} in the merge editor first`);
    await completeManualMerge({ state: this.stateValue, worktreesRoot: runPaths(this.options.loomHome, this.runId).worktrees, append: (body) => this.append(writer, body) }, merge, by);
    this.manualMerges.delete(escalationId);
    return this.stateValue;
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
  private append(writer: JournalWriter, body: EventBody): RunEvent {
    const event = writer.append(body);
    if (REPORTS_EFFECT.has(event.type)) writer.flush();
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
  }

  async dispose(): Promise<void> {
    await this.stop();
    this.approvals?.close('the run was closed');
    this.journalWriter?.dispose();
    this.onDidEventEmitter.dispose();
  }
}
