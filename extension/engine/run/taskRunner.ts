import type { ChatMessage } from '../../protocol/chat';
import { CheckpointConversations } from '../../protocol/checkpointConversation';
import type { Task } from '../../protocol/plan';
import type { Finding, TaskResult } from '../../protocol/taskResult';
import { TaskResultSchema } from '../../protocol/taskResult';
import { checkoutToolServer, commandSandbox } from './agentConfinement';
import { runLeaseSetup } from './leaseSetup';
import type { Lease } from '../workspace/lease';
import type { RunContext } from './runContext';
import { DEFAULT_CONTEXT_WINDOW } from './runOptions';
import { VerdictSchema } from '../../protocol/verdict';
import { leaseServers } from './leaseServers';
import { TaskBudget } from './taskBudget';
import { needsTestAuthor } from '../plan/acceptanceTests';
import { authorAcceptanceTests } from './testAuthoring';
import type { TaskResumePoint } from './resumePoint';
import { inDoubtMessage } from './effectReconciliation';
import { rewindToCheckpoint } from '../workspace/checkpoint';
import { removeScratchWorktree } from '../verify/scratchWorktree';
import { prepareVerifierWorktree } from '../verify/verifierWorktree';
import { makeStartCommitRunsAhead } from '../verify/startCommitRuns';
import { VerifierPreparation } from './verifierPreparation';
import * as path from 'node:path';

export type TaskEnd = { ok: true; headCommit: string } | { ok: false; reason: string };

/** Crash-type outcomes (model fault, loop, cap, crash) get one resume from the last checkpoint. */
const MAX_RESUMES = 1;
/** A failed verification goes back to the implementor once with the findings. */
const MAX_VERIFY_ROUNDS = 2;

/**
 * One task from lease to verdict: implement in the task's lease, verify in a separate agent,
 * send findings back once, and end in a structured result. Never merges: that is the integration phase.
 * `resume` (from the journal, after the run's process died) continues where the task was: from its
 * frozen tests, its last checkpoint and conversation, its pending findings, or straight to verifying
 * a reported result — never repeating what the journal says is done.
 */
export async function runTask(
  ctx: RunContext,
  task: Task,
  lease: Lease,
  headOf: (branch: string) => Promise<string>,
  resume?: TaskResumePoint,
): Promise<TaskEnd> {
  // Its branch is watched for conflicts with the other tasks' from its first checkpoint until it ends.
  ctx.conflicts?.track(task.id, resume?.checkpoint?.commit ?? null);
  let verified = false;
  // The verifier's checkout is made while the implementor works, off the path to the verdict; so
  // are the start commit's runs of its checks, once that commit is known (after test authoring).
  const verifier = new VerifierPreparation(() => prepareVerifierWorktree(ctx.options.repo, verifierWorktree(ctx, task.id), lease.startCommit));
  try {
    const end = await implementAndVerify(ctx, task, lease, headOf, verifier, resume);
    verified = end.ok;
    return end;
  } finally {
    ctx.conflicts?.ended(task.id, verified);
    // Its verifier checkout is not needed any more; removed beside what comes next, not before it
    // (a removal the run's end finds unfinished is repeated there: leases.removeAll inside scratch).
    verifier.end(() => removeScratchWorktree(ctx.options.repo, verifierWorktree(ctx, task.id)));
  }
}

/** Start-commit runs made ahead never fail the task: what is not cached, the verifier makes itself. */
function makeBaseRunsAhead(ctx: RunContext, task: Task, startCommit: string, verifier: VerifierPreparation): void {
  // Stopped with its task (which a stopped run ends): no listener of its own on the run's signal.
  const input = { ...verifierCheckoutInput(ctx, task), task, startCommit, sandbox: { spec: ctx.sandbox.spec, runId: ctx.runId, agentId: `verify-${task.id}-ahead` } };
  verifier.after((signal) => makeStartCommitRunsAhead(input, signal));
}

/** Where a task's verifier works, and with what: the same for its job and for what is made ahead. */
function verifierCheckoutInput(ctx: RunContext, task: Task) {
  return {
    repo: ctx.options.repo,
    scratchDir: ctx.paths.scratch,
    worktree: verifierWorktree(ctx, task.id),
    // Start-commit runs are shared by the task's rounds and by tasks that start from the same commit.
    baseRunsDir: path.join(ctx.paths.runDir, 'base-runs'),
    commandAllowlist: ctx.options.commandAllowlist,
    setup: ctx.setup,
    commandTimeoutMs: ctx.options.commandTimeoutMs,
  };
}

/** The task's one verifier checkout, reset between commits and kept across its verify rounds (verify/verifierWorktree.ts). */
function verifierWorktree(ctx: RunContext, taskId: string): string {
  return path.join(ctx.paths.scratch, `verifier-${taskId}`);
}

async function implementAndVerify(
  ctx: RunContext,
  task: Task,
  lease: Lease,
  headOf: (branch: string) => Promise<string>,
  verifier: VerifierPreparation,
  resume?: TaskResumePoint,
): Promise<TaskEnd> {
  let attempt = resume?.attempts ?? 0;
  let resumes = 0;
  let findings: Finding[] = resume?.findings ?? [];
  let resumeMessages: ChatMessage[] = resume?.checkpoint?.messages ?? [];
  let resumeNotes = resume?.inDoubt.length ? [inDoubtMessage(resume.inDoubt)] : [];
  let lastCheckpoint: ChatMessage[] = resumeMessages;
  const conversations = new CheckpointConversations();
  let lastCheckpointCommit: string | null = resume?.checkpoint?.commit ?? null;
  let verifyRounds = resume?.verifyRounds ?? 0;
  let reported = resume?.reported ?? null;
  const branch = lease.branch ?? '';
  const budget = new TaskBudget(task.budgetTokens ?? ctx.options.budgets.taskTokens, ctx.options.budgets.taskUsd ?? null);
  // A resumed task continues its budget (tokens and dollars): what its agents used before the crash still counts.
  if (resume?.spentTokens) budget.spend(resume.spentUsage, ctx.options.endpoint.model, ctx.prices);

  if (ctx.setup !== null) {
    const failed = await setUpLease(ctx, task, lease);
    if (failed) return { ok: false, reason: failed };
  }
  // The tests that decide the task exist, frozen, before its implementor starts.
  let startCommit = resume?.frozenStart ?? lease.startCommit;
  if (needsTestAuthor(task) && !resume?.frozenStart) {
    const authored = await authorAcceptanceTests(ctx, task, lease, budget, (resume?.authorAttempts ?? 0) + 1);
    if (!authored.ok) return authored;
    startCommit = authored.startCommit;
  }
  makeBaseRunsAhead(ctx, task, startCommit, verifier);

  while (!ctx.signal.aborted) {
    if (reported === null) {
      attempt++;
      const agentId = `impl-${task.id}-${attempt}`;
      ctx.journal({ type: 'task/didStart', taskId: task.id, attempt });
      const mcpServers = await leaseServers(ctx, task.id, lease, agentId);
      // What the conflict watch could not tell the previous agent (it was verifying, or between attempts).
      resumeNotes = [...resumeNotes, ...(ctx.conflicts?.takeNotices(task.id) ?? [])];
      const conflicts = ctx.conflicts;
      const end = await ctx.launcher.run({
        agentId,
        role: 'implementor',
        taskId: task.id,
        attempt,
        // An agent started with nothing left stops at its first call, which is the budget escalation below.
        budgetTokens: Math.max(1, budget.remaining),
        budgetUsd: budget.agentUsd(ctx.options.limits?.agentUsd),
        job: (endpoint) => ({
          role: 'implementor',
          runId: ctx.runId,
          agentId,
          attempt,
          spec: ctx.spec,
          task,
          worktree: lease.path,
          endpoint,
          mcpServers,
          sandbox: ctx.sandbox.spec,
          budgetTokens: Math.max(1, budget.remaining),
          maxTurns: ctx.options.maxTurns,
          contextWindowTokens: ctx.options.contextWindowTokens ?? DEFAULT_CONTEXT_WINDOW,
          elision: ctx.options.elision,
          findings,
          resumeMessages,
          resumeNotes,
          policy: ctx.policy,
          commandAllowlist: ctx.options.commandAllowlist,
        }),
        onEvent: (event) => {
          if (event.type === 'model/didRespond') verifier.begin();
          if (event.type === 'checkpoint/didCommit') {
            lastCheckpoint = conversations.add(agentId, event);
            lastCheckpointCommit = event.commit;
            // Off the agent's path: the check runs beside it and is never awaited here.
            conflicts?.checkpoint(task.id, event.commit);
          }
        },
        beforeModelCall: conflicts ? (signal) => conflicts.beforeModelCall(task.id, agentId, signal) : undefined,
      });
      findings = [];
      resumeMessages = [];
      resumeNotes = [];
      budget.spend(end.usage, ctx.options.endpoint.model, ctx.prices);

      if (end.outcome.kind === 'budgetExceeded' && !ctx.signal.aborted) {
        // A budget escalation, not a silent end: extended, the agent continues from its last checkpoint.
        const answer = await budget.askToExtend(ctx, task.id, agentId);
        if (answer.extended) {
          resumeMessages = lastCheckpoint;
          continue;
        }
        return { ok: false, reason: `token budget of ${budget.limitTokens} reached (${budget.spentTokens} used) and not extended: ${answer.why}` };
      }
      if (end.outcome.kind !== 'completed') {
        if (end.outcome.next === 'retry' && resumes < MAX_RESUMES && !ctx.signal.aborted) {
          resumes++;
          // Resume, not restart: the branch keeps the checkpoint commit and the conversation continues from it.
          resumeMessages = lastCheckpoint;
          // A crashed worker may have left a turn half done: the files go back to that checkpoint too.
          if (end.outcome.kind === 'crashed') await rewindToCheckpoint(lease.path, lastCheckpointCommit ?? startCommit);
          continue;
        }
        return { ok: false, reason: `implementor ${end.outcome.kind}: ${end.outcome.message}` };
      }
      const parsed = TaskResultSchema.safeParse(end.output);
      if (!parsed.success) return { ok: false, reason: 'implementor ended without a valid result' };
      reported = { result: parsed.data, headCommit: await headOf(branch) };
      ctx.journal({ type: 'task/didReport', taskId: task.id, ...reported });
      if (reported.result.status === 'blocked') return { ok: false, reason: `implementor reported blocked: ${reported.result.summary}` };
    }

    verifyRounds++;
    const { result, headCommit } = reported;
    reported = null;
    await verifier.settled();
    const verdict = await verify(ctx, task, { result, startCommit, headCommit, round: verifyRounds });
    if (!verdict.ok) return verdict;
    ctx.journal({ type: 'verify/didFinish', taskId: task.id, attempt: verifyRounds, passed: verdict.passed, findings: verdict.findings });
    if (verdict.passed) return { ok: true, headCommit };
    if (verifyRounds >= MAX_VERIFY_ROUNDS) {
      const errors = verdict.findings.filter((f) => f.severity === 'error').map((f) => f.rule);
      return { ok: false, reason: `verification failed twice (${errors.join(', ')})` };
    }
    findings = verdict.findings;
  }
  return { ok: false, reason: 'run stopped' };
}

type VerifyInput = { result: TaskResult; startCommit: string; headCommit: string; round: number };
type VerifyEnd = { ok: true; passed: boolean; findings: Finding[] } | { ok: false; reason: string };

/** The verifier agent on a reported head, in its own worker and context. */
async function verify(ctx: RunContext, task: Task, input: VerifyInput): Promise<VerifyEnd> {
  let passed = false;
  try {
    const end = await runVerifier(ctx, task, input);
    passed = end.ok && end.passed;
    return end;
  } finally {
    // An integration preview that counted on this head stops unless it passed (a verifier that crashed or threw included).
    ctx.integrationPreview?.verdictIn(task.id, passed);
  }
}

async function runVerifier(ctx: RunContext, task: Task, input: VerifyInput): Promise<VerifyEnd> {
  const verifierId = `verify-${task.id}-${input.round}`;
  // Every deterministic check passed once 'claims' (the last) has: only the model's judgment is out.
  let checkFailed = false;
  const verdictEnd = await ctx.launcher.run({
    agentId: verifierId,
    role: 'verifier',
    taskId: task.id,
    attempt: input.round,
    budgetTokens: ctx.options.budgets.verifyTokens,
    onEvent: (event) => {
      if (event.type !== 'verify/didCheck') return;
      checkFailed ||= !event.passed;
      if (event.check === 'claims' && !checkFailed) ctx.integrationPreview?.judgmentPending(task.id, input.headCommit);
    },
    job: (endpoint) => ({
      role: 'verifier',
      runId: ctx.runId,
      agentId: verifierId,
      attempt: input.round,
      spec: ctx.spec,
      task,
      result: input.result,
      ...verifierCheckoutInput(ctx, task),
      baseCommit: ctx.baseCommit,
      startCommit: input.startCommit,
      headCommit: input.headCommit,
      endpoint,
      budgetTokens: ctx.options.budgets.verifyTokens,
      sandbox: ctx.sandbox.spec,
      lintCommand: ctx.options.lintCommand,
      flakeReruns: ctx.options.flakeReruns,
    }),
  });
  const verdict = VerdictSchema.safeParse(verdictEnd.output);
  if (verdictEnd.outcome.kind !== 'completed' || !verdict.success) {
    return { ok: false, reason: `verifier ${verdictEnd.outcome.kind}: ${verdictEnd.outcome.message}` };
  }
  return { ok: true, passed: verdict.data.passed, findings: verdict.data.findings };
}

/** The setup recipe in a task's lease (runLeaseSetup). Returns why the task cannot start, or null. */
async function setUpLease(ctx: RunContext, task: Task, lease: Lease): Promise<string | null> {
  const toolServer = await checkoutToolServer({
    sandbox: ctx.sandbox,
    options: ctx.options,
    runId: ctx.runId,
    agentId: `setup-${task.id}`,
    lease: lease.path,
    runDir: ctx.paths.runDir,
    leaseKey: task.id,
  });
  return runLeaseSetup(ctx.setup!, lease.path, commandSandbox(ctx.sandbox.spec, toolServer), ctx.journal, task.id, ctx.signal);
}
