import type { ChatMessage } from '../../protocol/chat';
import type { Task } from '../../protocol/plan';
import type { Finding } from '../../protocol/taskResult';
import { TaskResultSchema } from '../../protocol/taskResult';
import { agentServers, commandSandbox } from './agentConfinement';
import { runSetupRecipe } from '../sandbox/setupRecipe';
import type { Lease } from '../workspace/leases';
import type { RunContext } from './runContext';
import { DEFAULT_CONTEXT_WINDOW } from './runOptions';
import { VerdictSchema } from '../../protocol/verdict';
import { leaseServers } from './leaseServers';
import { TaskBudget } from './taskBudget';
import { needsTestAuthor } from '../plan/acceptanceTests';
import { authorAcceptanceTests } from './testAuthoring';

export type TaskEnd = { ok: true; headCommit: string } | { ok: false; reason: string };

/** Crash-type outcomes (model fault, loop, cap, crash) get one resume from the last checkpoint. */
const MAX_RESUMES = 1;
/** A failed verification goes back to the implementor once with the findings. */
const MAX_VERIFY_ROUNDS = 2;

/**
 * One task from lease to verdict: implement in the task's lease, verify in a separate agent,
 * send findings back once, and end in a structured result. Never merges: that is the integration phase.
 */
export async function runTask(ctx: RunContext, task: Task, lease: Lease, headOf: (branch: string) => Promise<string>): Promise<TaskEnd> {
  let attempt = 0;
  let resumes = 0;
  let findings: Finding[] = [];
  let resumeMessages: ChatMessage[] = [];
  let lastCheckpoint: ChatMessage[] = [];
  let verifyRounds = 0;
  const branch = lease.branch ?? '';
  const budget = new TaskBudget(task.budgetTokens ?? ctx.options.budgets.taskTokens);

  if (ctx.setup !== null) {
    const failed = await setUpLease(ctx, task, lease);
    if (failed) return { ok: false, reason: failed };
  }
  // The tests that decide the task exist, frozen, before its implementor starts.
  let startCommit = lease.startCommit;
  if (needsTestAuthor(task)) {
    const authored = await authorAcceptanceTests(ctx, task, lease, budget);
    if (!authored.ok) return authored;
    startCommit = authored.startCommit;
  }

  while (!ctx.signal.aborted) {
    attempt++;
    const agentId = `impl-${task.id}-${attempt}`;
    ctx.journal({ type: 'task/didStart', taskId: task.id, attempt });
    const mcpServers = await leaseServers(ctx, task.id, lease, agentId);
    const end = await ctx.launcher.run({
      agentId,
      role: 'implementor',
      taskId: task.id,
      attempt,
      // An agent started with nothing left stops at its first call, which is the budget escalation below.
      budgetTokens: Math.max(1, budget.remaining),
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
        findings,
        resumeMessages,
        policy: ctx.policy,
        commandAllowlist: ctx.options.commandAllowlist,
      }),
      onEvent: (event) => {
        if (event.type === 'checkpoint/didCommit') lastCheckpoint = event.messages;
      },
    });
    findings = [];
    resumeMessages = [];
    budget.spend(end.usage);

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
        continue;
      }
      return { ok: false, reason: `implementor ${end.outcome.kind}: ${end.outcome.message}` };
    }
    const parsed = TaskResultSchema.safeParse(end.output);
    if (!parsed.success) return { ok: false, reason: 'implementor ended without a valid result' };
    const result = parsed.data;
    const headCommit = await headOf(branch);
    ctx.journal({ type: 'task/didReport', taskId: task.id, result, headCommit });
    if (result.status === 'blocked') return { ok: false, reason: `implementor reported blocked: ${result.summary}` };

    verifyRounds++;
    const verifierId = `verify-${task.id}-${verifyRounds}`;
    const verdictEnd = await ctx.launcher.run({
      agentId: verifierId,
      role: 'verifier',
      taskId: task.id,
      attempt: verifyRounds,
      budgetTokens: ctx.options.budgets.verifyTokens,
      job: (endpoint) => ({
        role: 'verifier',
        runId: ctx.runId,
        agentId: verifierId,
        attempt: verifyRounds,
        spec: ctx.spec,
        task,
        result,
        repo: ctx.options.repo,
        baseCommit: ctx.baseCommit,
        startCommit,
        headCommit,
        scratchDir: ctx.paths.scratch,
        endpoint,
        budgetTokens: ctx.options.budgets.verifyTokens,
        commandAllowlist: ctx.options.commandAllowlist,
        sandbox: ctx.sandbox.spec,
        setup: ctx.setup,
        lintCommand: ctx.options.lintCommand,
        flakeReruns: ctx.options.flakeReruns,
        commandTimeoutMs: ctx.options.commandTimeoutMs,
      }),
    });
    const verdict = VerdictSchema.safeParse(verdictEnd.output);
    if (verdictEnd.outcome.kind !== 'completed' || !verdict.success) {
      return { ok: false, reason: `verifier ${verdictEnd.outcome.kind}: ${verdictEnd.outcome.message}` };
    }
    ctx.journal({ type: 'verify/didFinish', taskId: task.id, attempt: verifyRounds, passed: verdict.data.passed, findings: verdict.data.findings });
    if (verdict.data.passed) return { ok: true, headCommit };
    if (verifyRounds >= MAX_VERIFY_ROUNDS) {
      const errors = verdict.data.findings.filter((f) => f.severity === 'error').map((f) => f.rule);
      return { ok: false, reason: `verification failed twice (${errors.join(', ')})` };
    }
    findings = verdict.data.findings;
  }
  return { ok: false, reason: 'run stopped' };
}

/**
 * The setup recipe, once per lease before its first agent: in the sandbox the agent will get, so
 * what it installs or builds is there for the agent. Returns why the task cannot start, or null.
 */
async function setUpLease(ctx: RunContext, task: Task, lease: Lease): Promise<string | null> {
  const [toolServer] = await agentServers({
    sandbox: ctx.sandbox,
    options: { ...ctx.options, mcpServers: [] },
    runId: ctx.runId,
    agentId: `setup-${task.id}`,
    lease: lease.path,
    runDir: ctx.paths.runDir,
    leaseKey: task.id,
  });
  const outcome = await runSetupRecipe(ctx.setup!, lease.path, commandSandbox(ctx.sandbox.spec, toolServer), ctx.signal);
  ctx.journal({ type: 'setup/didRun', taskId: task.id, purpose: 'lease', command: firstLine(ctx.setup!), ...outcome });
  return outcome.passed ? null : `setup failed (${outcome.exitCode === null ? 'killed' : `exit ${outcome.exitCode}`}): ${lastLine(outcome.output)}`;
}

function firstLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines.length > 1 ? `${lines[0]} …` : lines[0];
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop() ?? '';
}
