import type { EventBody, RunEvent } from '../../protocol/events';
import type { AcceptanceCheck, Task } from '../../protocol/plan';
import type { RunState } from '../../protocol/runState';
import type { Spec } from '../../protocol/spec';
import { gitOut } from '../workspace/git';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkOutConflictedMerge, landFix, landResolvedMerge } from '../merge/conflictedMerge';
import { checkpoint } from '../workspace/checkpoint';
import { LeaseManager } from '../workspace/leases';
import { agentServers, commandSandbox, openRunSandbox } from './agentConfinement';
import { runLeaseSetup } from './leaseSetup';
import { checkMergedResult } from './mergeGate';
import type { AgentLauncher } from './agentLauncher';
import { DEFAULT_CONTEXT_WINDOW, runPolicy, type RunOptions } from './runOptions';
import type { RunPaths } from './runPaths';

export interface MergeAgentContext {
  state: RunState;
  spec: Spec;
  paths: RunPaths;
  launcher: AgentLauncher;
  options: Pick<RunOptions, 'bundle' | 'commandAllowlist' | 'commandTimeoutMs' | 'budgets' | 'maxTurns' | 'contextWindowTokens' | 'sandbox' | 'policy'>;
  append: (body: EventBody) => RunEvent;
  integrationBranch: string;
  /** The repository's setup recipe (RunContext.setup), run in the merge lease first; null or absent: none. */
  setup?: string | null;
}

export type MergeAgentOutcome =
  | { ok: true; commit: string }
  /** `produced`: the conflicted files as the merge agent left them, for the person who is asked next. */
  | { ok: false; reason: string; produced?: Record<string, string | null> };

/**
 * "Hand it to a merge agent": the held task is merged into the integration head in a lease of its
 * own, conflict markers and all; a merger agent edits them away; deterministic checks (no marker
 * left, both tasks' tests pass) gate the result, which then lands as a two-parent merge commit.
 */
/**
 * A semantic conflict (git merged the two tasks cleanly, a check of one fails on the result): the
 * agent starts from the integration head itself, and its fix lands as a commit on top of it.
 */
export interface SemanticFix {
  /** The failing check, as journaled. */
  check: string;
  /** What the two tasks changed: where the fix is likely needed. */
  files: string[];
}

export async function resolveWithMergeAgent(ctx: MergeAgentContext, escalationId: string, oursTaskId: string, heldTaskId: string, semantic?: SemanticFix): Promise<MergeAgentOutcome> {
  const { state } = ctx;
  const repo = state.repo!;
  const ours = state.tasks.find((t) => t.task.id === oursTaskId);
  const held = state.tasks.find((t) => t.task.id === heldTaskId);
  if (!ours || !held?.headCommit) return { ok: false, reason: `no verified branch for ${heldTaskId}` };
  const ref = `refs/heads/${ctx.integrationBranch}`;
  const integrationHead = (await gitOut(repo, ['rev-parse', '--verify', `${ref}^{commit}`])).trim();

  const mergeTaskId = `merge-${escalationId}`;
  const leases = new LeaseManager({ repoDir: repo, root: ctx.paths.worktrees });
  const lease = await leases.acquire({ runId: state.runId!, taskId: mergeTaskId, startCommit: integrationHead, reset: true });
  try {
    const conflicted = semantic ? [] : await checkOutConflictedMerge(lease.path, held.headCommit);
    const startCommit = semantic ? integrationHead : ((await checkpoint(lease.path, { message: `loom: ${heldTaskId} merged with conflict markers (${escalationId})` })) ?? integrationHead);
    ctx.append({ type: 'lease/didCreate', taskId: mergeTaskId, purpose: 'implement', branch: lease.branch, path: lease.path, startCommit });

    const task = semantic ? semanticTask(mergeTaskId, ours.task, held.task, semantic) : mergeTask(mergeTaskId, ours.task, held.task, conflicted);
    // A person who picks the merge agent after the automatic one failed gets a new agent, numbered after it.
    const agentId = `merger-${escalationId}-${state.agents.filter((a) => a.agentId.startsWith(`merger-${escalationId}-`)).length + 1}`;
    const sandbox = await openRunSandbox({ repo, bundle: ctx.options.bundle, sandbox: ctx.options.sandbox }, ctx.paths.runDir);
    // The merger gets Loom's tool server only: the user's servers are for building, not merging.
    const [toolServer] = await agentServers({
      sandbox,
      options: { ...ctx.options, repo, mcpServers: [] },
      runId: state.runId!,
      agentId,
      lease: lease.path,
      runDir: ctx.paths.runDir,
      leaseKey: mergeTaskId,
    });
    // The repository's setup recipe, as in every task's lease: the agent and the gate need what it builds.
    if (ctx.setup) {
      const failed = await runLeaseSetup(ctx.setup, lease.path, commandSandbox(sandbox.spec, toolServer), ctx.append, mergeTaskId);
      if (failed) return { ok: false, reason: `the merge lease could not be set up: ${failed}` };
    }
    const end = await ctx.launcher.run({
      agentId,
      role: 'merger',
      taskId: mergeTaskId,
      attempt: 1,
      budgetTokens: ctx.options.budgets.taskTokens,
      job: (endpoint) => ({
        role: 'merger',
        runId: state.runId!,
        agentId,
        attempt: 1,
        spec: ctx.spec,
        task,
        worktree: lease.path,
        endpoint,
        mcpServers: [toolServer],
        sandbox: sandbox.spec,
        budgetTokens: ctx.options.budgets.taskTokens,
        maxTurns: ctx.options.maxTurns,
        contextWindowTokens: ctx.options.contextWindowTokens ?? DEFAULT_CONTEXT_WINDOW,
        findings: [],
        resumeMessages: [],
        policy: runPolicy(ctx.options, sandbox.spec),
        commandAllowlist: ctx.options.commandAllowlist,
      }),
    });
    const produced = async () => readProduced(lease.path, semantic ? semantic.files : conflicted);
    if (end.outcome.kind !== 'completed') return { ok: false, reason: `merge agent ${end.outcome.kind}: ${end.outcome.message}`, produced: await produced() };
    const gate = await checkMergedResult({
      options: { ...ctx.options, repo },
      runId: state.runId!,
      runDir: ctx.paths.runDir,
      dir: lease.path,
      conflicted,
      tasks: [ours.task, held.task],
      resolvedBy: agentId,
      heldTaskId,
      append: ctx.append,
      confinement: { sandbox, toolServer },
    });
    if (!gate.ok) return { ok: false, reason: gate.reason, produced: await produced() };

    if (semantic) return { ok: true, commit: await landFix(repo, lease.path, ctx.integrationBranch, integrationHead, `loom: ${ours.task.id} x ${heldTaskId} fixed by ${agentId} (${escalationId}): ${semantic.check} passes again`) };
    const commit = await landResolvedMerge({
      repo,
      worktree: lease.path,
      integrationBranch: ctx.integrationBranch,
      integrationHead,
      theirs: held.headCommit,
      message: `loom: merge ${heldTaskId} resolved by ${agentId} (${escalationId})`,
    });
    return { ok: true, commit };
  } finally {
    await lease.remove({ deleteBranch: false });
    await leases.dispose();
  }
}

/** The fixer's task: both sides' intent, the failing check, every check of both as pass-to-pass. */
function semanticTask(id: string, introduced: Task, broken: Task, fix: SemanticFix): Task {
  const checks: AcceptanceCheck[] = [...introduced.acceptance, ...broken.acceptance].map((c) => ({ kind: 'passToPass', command: c.command }));
  return {
    id,
    title: `Make ${broken.id} and ${introduced.id} work together on the integration branch`,
    instructions: [
      `Git merged both tasks without a conflict, but since ${introduced.id} was merged, \`${fix.check}\` (a check of ${broken.id}) fails on the integration branch.`,
      `Task ${introduced.id}: ${introduced.title}. ${introduced.instructions}`,
      `Task ${broken.id}: ${broken.title}. ${broken.instructions}`,
      `The two tasks changed ${fix.files.join(', ') || 'the files the check exercises'}. Change the code so that every check of both tasks passes, keeping what both tasks need. Do not edit tests.`,
    ].join('\n'),
    requirementIds: [...new Set([...introduced.requirementIds, ...broken.requirementIds])],
    // The repair may belong on either side: both tasks' scopes, and what their merge changed.
    fileScope: [...new Set([...fix.files, ...introduced.fileScope, ...broken.fileScope])],
    dependsOn: [],
    acceptance: checks,
  };
}

/** The merger's task: both sides' intent, the conflicted files as its scope, both sides' tests as pass-to-pass checks. */
function mergeTask(id: string, ours: Task, theirs: Task, files: string[]): Task {
  const checks: AcceptanceCheck[] = [...ours.acceptance, ...theirs.acceptance].map((c) => ({ kind: 'passToPass', command: c.command }));
  return {
    id,
    title: `Merge ${theirs.id} into the integration branch after ${ours.id}`,
    instructions: [
      `Both tasks were verified on their own, but they changed the same lines of ${files.join(', ')}.`,
      `Task ${ours.id} (already merged): ${ours.title}. ${ours.instructions}`,
      `Task ${theirs.id} (being merged): ${theirs.title}. ${theirs.instructions}`,
      'Keep what both tasks need; remove every conflict marker.',
    ].join('\n'),
    requirementIds: [...new Set([...ours.requirementIds, ...theirs.requirementIds])],
    fileScope: files.length ? files : ['**'],
    dependsOn: [],
    acceptance: checks,
  };
}

async function readProduced(dir: string, files: readonly string[]): Promise<Record<string, string | null>> {
  const out: Record<string, string | null> = {};
  for (const file of files) out[file] = await readFile(join(dir, file), 'utf8').catch(() => null);
  return out;
}
