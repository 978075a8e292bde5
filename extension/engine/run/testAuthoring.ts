import type { Task } from '../../protocol/plan';
import { TaskResultSchema } from '../../protocol/taskResult';
import { authoredTestFiles } from '../plan/acceptanceTests';
import { freezeTests } from '../verify/freezeTests';
import type { Lease } from '../workspace/lease';
import { leaseServers } from './leaseServers';
import type { RunContext } from './runContext';
import { DEFAULT_CONTEXT_WINDOW } from './runOptions';
import type { TaskBudget } from './taskBudget';

export type AuthoredTests = { ok: true; startCommit: string } | { ok: false; reason: string };

/**
 * Acceptance tests before implementation: a test-author agent, with its own context, writes the
 * task's tests in the lease before the implementor starts (it sees the spec and the code, never an
 * implementor); Loom keeps only test files and commits them as the task's start commit. From then
 * on they are frozen: the verifier runs that copy, and any change to them is a failing finding.
 */
export async function authorAcceptanceTests(ctx: RunContext, task: Task, lease: Lease, budget: TaskBudget, attempt = 1): Promise<AuthoredTests> {
  const agentId = `tests-${task.id}-${attempt}`;
  const files = authoredTestFiles(task);
  // Its writes belong in the test files; anything else would need approval, and is put back anyway.
  const authorTask: Task = { ...task, fileScope: files.length ? files : task.fileScope };
  const mcpServers = await leaseServers(ctx, task.id, lease, agentId);
  const budgetTokens = budget.remaining;
  const end = await ctx.launcher.run({
    agentId,
    role: 'testAuthor',
    taskId: task.id,
    attempt,
    budgetTokens,
    budgetUsd: budget.agentUsd(ctx.options.limits?.agentUsd),
    job: (endpoint) => ({
      role: 'testAuthor',
      runId: ctx.runId,
      agentId,
      attempt,
      spec: ctx.spec,
      task: authorTask,
      worktree: lease.path,
      endpoint,
      mcpServers,
      sandbox: ctx.sandbox.spec,
      budgetTokens,
      maxTurns: ctx.options.maxTurns,
      contextWindowTokens: ctx.options.contextWindowTokens ?? DEFAULT_CONTEXT_WINDOW,
      findings: [],
      resumeMessages: [],
      policy: ctx.policy,
      commandAllowlist: ctx.options.commandAllowlist,
    }),
  });
  budget.spend(end.usage, ctx.options.endpoint.model, ctx.prices);
  if (end.outcome.kind !== 'completed') return { ok: false, reason: `test author ${end.outcome.kind}: ${end.outcome.message}` };
  const result = TaskResultSchema.safeParse(end.output);
  if (!result.success) return { ok: false, reason: 'test author ended without a valid result' };
  if (result.data.status === 'blocked') return { ok: false, reason: `test author reported blocked: ${result.data.summary}` };

  const frozen = await freezeTests(lease.path, lease.startCommit, files);
  if (frozen.commit === null) {
    return { ok: false, reason: `the test author wrote no test files (asked for ${files.join(', ') || 'tests'}${frozen.discarded.length ? `; it changed only ${frozen.discarded.join(', ')}, which were put back` : ''})` };
  }
  ctx.journal({ type: 'tests/didFreeze', taskId: task.id, commit: frozen.commit, files: frozen.files, discarded: frozen.discarded });
  if (frozen.missing.length) return { ok: false, reason: `the test author did not write ${frozen.missing.join(', ')}, which the task's checks run` };
  return { ok: true, startCommit: frozen.commit };
}
