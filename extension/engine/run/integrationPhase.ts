import type { RunContext } from './runContext';
import { initialRunState, type RunState } from '../../protocol/runState';
import { checkPairs } from '../merge/conflictCheck';
import { conflictContent } from '../merge/conflictContent';
import { integrate, mergeOnto, type SkippedTask } from '../merge/integrate';
import { branchHead } from '../workspace/worktrees';
import { effectKey, mergeIntent } from '../../protocol/effects';
import { resolveWithMergeAgent, type SemanticFix } from './mergeAgentResolution';
import { findSemanticConflicts, sandboxedSemanticDeps } from './semanticCheck';

export interface IntegrationResult {
  branch: string | null;
  head: string | null;
  mergedTaskIds: string[];
  escalated: boolean;
  /** Merged tasks' checks that fail together on the integration branch (each journaled as a semantic conflict). */
  semanticConflicts: number;
}

/**
 * The barrier after every task: check every pair of verified branches with merge-tree (no worktree
 * touched), then merge them in dependency order onto loom/<run>/integration by tier: a clean merge
 * lands at once (auto); a textual conflict goes to a merge agent, whose result lands only through
 * the merge gate; only when that fails is a person asked, shown what the agent tried. Nothing is
 * merged into the user's branch.
 */
export async function integrationPhase(ctx: RunContext, verified: { taskId: string; commit: string }[], journaled: RunState = initialRunState()): Promise<IntegrationResult> {
  // On a resume the journal may already hold some of these effects: each is journaled once.
  const merged = new Set(journaled.tasks.filter((t) => t.status === 'merged').map((t) => t.task.id));
  const detected = new Set(journaled.conflicts.map((c) => [...c.taskIds].sort().join(' ')));
  if (!verified.length) return { branch: null, head: null, mergedTaskIds: [], escalated: false, semanticConflicts: 0 };
  const repo = ctx.options.repo;
  const check = await checkPairs(repo, verified);
  for (const conflict of check.conflicts) {
    if (detected.has([...conflict.taskIds].sort().join(' '))) continue;
    ctx.journal({ type: 'conflict/didDetect', taskIds: conflict.taskIds, files: conflict.files, cause: 'textual' });
  }

  for (const task of verified) {
    if (!merged.has(task.taskId)) ctx.journal(mergeIntent(task.taskId, `at ${task.commit.slice(0, 10)}, if it merges cleanly`));
  }
  // Merged already while the last verdicts were out (IntegrationPreview), else now.
  const result = (await ctx.integrationPreview?.land(verified)) ?? (await integrate(repo, { runId: ctx.runId, baseCommit: ctx.baseCommit, ordered: verified }));
  for (const done of result.merged) {
    if (!merged.has(done.taskId)) ctx.journal({ type: 'merge/didMerge', taskId: done.taskId, branch: result.branch, commit: done.commit, tier: 'auto' });
  }
  const mergedTaskIds = result.merged.map((m) => m.taskId);
  let conflictCount = journaled.escalations.filter((e) => e.kind === 'conflict').length;
  let escalated = false;
  // A task held for a person, and the question it waits on: its dependents wait on the same one.
  const heldForPerson = new Map<string, string>();
  for (const skipped of result.skipped) {
    if (merged.has(skipped.taskId)) continue;
    const asked = journaled.escalations.find((e) => e.kind === 'conflict' && e.taskIds[e.taskIds.length - 1] === skipped.taskId);
    if (asked) {
      // A resumed run: the person's tier was reached before, and stays until they answer.
      if (asked.resolution === null) heldForPerson.set(skipped.taskId, asked.escalationId);
      escalated ||= asked.resolution === null;
      continue;
    }
    // It contains a held task's changes: it conflicts for the same reason, so it waits on the same question.
    const heldDependency = dependenciesOf(journaled, skipped.taskId).find((d) => heldForPerson.has(d));
    if (heldDependency) {
      const escalationId = heldForPerson.get(heldDependency)!;
      heldForPerson.set(skipped.taskId, escalationId);
      if (journaled.tasks.find((t) => t.task.id === skipped.taskId)?.waitingOn !== escalationId) {
        ctx.journal({ type: 'task/didWait', taskId: skipped.taskId, escalationId, reason: `it builds on ${heldDependency}, which waits on ${escalationId}; it merges once that is answered (then loom resume)` });
      }
      continue;
    }
    // A merge agent may have moved the branch since integrate() tried: a clean merge now is the auto tier.
    const now = await mergeOnto(repo, ctx.runId, skipped.taskId, skipped.commit);
    if (now) {
      ctx.journal({ type: 'merge/didMerge', taskId: skipped.taskId, branch: result.branch, commit: now.head, tier: 'auto' });
      mergedTaskIds.push(skipped.taskId);
      continue;
    }
    const escalationId = `esc-${++conflictCount}`;
    const landed = skipped.conflictsWith
      ? await mergeAgentTier(ctx, journaled, escalationId, [skipped.conflictsWith, skipped.taskId], result.branch)
      : ({ ok: false, tried: undefined, produced: {} } as const);
    if (landed.ok) {
      mergedTaskIds.push(skipped.taskId);
      continue;
    }
    escalated = true;
    heldForPerson.set(skipped.taskId, escalationId);
    await askPerson(ctx, verified, escalationId, skipped, landed);
  }
  const semantic = await semanticConflicts(ctx, journaled, verified, mergedTaskIds, result.branch, () => `esc-${++conflictCount}`);
  const head = (await branchHead(repo, result.branch)) ?? result.head;
  return { branch: result.branch, head, mergedTaskIds, escalated: escalated || semantic.escalated, semanticConflicts: semantic.found };
}

/**
 * After integration, every merged task's acceptance checks run together on the integration head; a
 * check that passed on its own branch and fails there is bisected to the merge that broke it. Each
 * such semantic conflict goes through the same tiers: a merge agent fixes the integration head
 * (through the merge gate), else a person is asked. Only two or more merged tasks can break each other.
 */
async function semanticConflicts(
  ctx: RunContext,
  journaled: RunState,
  verified: { taskId: string; commit: string }[],
  mergedTaskIds: string[],
  branch: string,
  nextEscalationId: () => string,
): Promise<{ found: number; escalated: boolean }> {
  const repo = ctx.options.repo;
  const asked = journaled.escalations.filter((e) => e.kind === 'conflict' && e.cause === 'semantic');
  if (asked.some((e) => e.resolution === null)) return { found: 0, escalated: true };
  if (mergedTaskIds.length < 2) return { found: 0, escalated: false };
  let found;
  try {
    found = await findSemanticConflicts({ ...sandboxedSemanticDeps(ctx), atHeads: ctx.integrationPreview?.atHeads }, {
      baseCommit: ctx.baseCommit,
      integrationHead: (await branchHead(repo, branch))!,
      merged: mergedTaskIds.map((id) => ({
        taskId: id,
        headCommit: verified.find((v) => v.taskId === id)!.commit,
        acceptance: journaled.tasks.find((t) => t.task.id === id)?.task.acceptance ?? [],
      })),
    });
  } catch (err) {
    ctx.journal({ type: 'agent/didWarn', agentId: 'run', kind: 'merge', message: `the merged tasks' checks could not be run together on the integration branch: ${(err as Error).message}` });
    return { found: 0, escalated: false };
  }
  for (const note of [...found.flaky, ...found.failsOnItsBranch]) {
    ctx.journal({ type: 'agent/didWarn', agentId: 'run', kind: 'merge', message: `on the integration branch, ${note.taskId}'s check ${note.check}: ${note.detail}` });
  }
  let escalated = false;
  let unresolved = 0;
  const seen = new Set<string>();
  for (const f of found.failures) {
    const taskIds: [string, string] = [f.introducedBy.taskId, f.taskId];
    if (seen.has(taskIds.join(' '))) continue;
    seen.add(taskIds.join(' '));
    ctx.journal({ type: 'conflict/didDetect', cause: 'semantic', taskIds, files: f.changedFiles.map((path) => ({ path, kind: 'semantic' })), check: f.check, mergeCommit: f.introducedBy.mergeCommit });
    const escalationId = nextEscalationId();
    const fix = { check: f.check, files: f.changedFiles };
    const tier = await mergeAgentTier(ctx, journaled, escalationId, taskIds, branch, fix);
    if (tier.ok) continue;
    unresolved++;
    escalated = true;
    ctx.journal({
      type: 'escalation/didOpen',
      escalationId,
      kind: 'conflict',
      cause: 'semantic',
      taskIds,
      question: `git merged ${taskIds[0]} and ${taskIds[1]} cleanly, but since ${taskIds[0]} merged, ${f.check} (a check of ${f.taskId}) fails on the integration branch: fix it with a merge agent, or by hand?`,
      options: ['mergeAgent', 'manual'],
      files: fix.files.map((path) => ({ path, kind: 'semantic', base: null, ours: null, theirs: null, ...(path in tier.produced ? { merged: tier.produced[path] } : {}) })),
      ...(tier.tried ? { tried: tier.tried } : {}),
    });
  }
  return { found: unresolved, escalated };
}

/** Every task the given one builds on, directly or not. */
function dependenciesOf(state: RunState, taskId: string, seen = new Set<string>()): string[] {
  for (const dep of state.tasks.find((t) => t.task.id === taskId)?.task.dependsOn ?? []) {
    if (seen.has(dep)) continue;
    seen.add(dep);
    dependenciesOf(state, dep, seen);
  }
  return [...seen];
}

type TierOutcome = { ok: true } | { ok: false; tried: string | undefined; produced: Record<string, string | null> };

/**
 * The second tier: a merge agent in a lease of its own, on the run's gate and budgets. It merges the
 * held task onto the integration head, or (a semantic conflict) repairs that head.
 */
async function mergeAgentTier(ctx: RunContext, journaled: RunState, escalationId: string, taskIds: [string, string], branch: string, semantic?: SemanticFix): Promise<TierOutcome> {
  if (ctx.options.mergeAgent === 'off') return { ok: false, tried: undefined, produced: {} };
  const [oursId, heldId] = taskIds;
  const state = { ...journaled, runId: ctx.runId, repo: ctx.options.repo };
  // A merge is an effect the resume must settle; a repair is not (the semantic check finds it done or not).
  if (!semantic) ctx.journal(mergeIntent(heldId, `merge agent for ${escalationId}`));
  let outcome;
  try {
    outcome = await resolveWithMergeAgent(
      { state, spec: ctx.spec, paths: ctx.paths, launcher: ctx.launcher, options: ctx.options, append: ctx.journal, integrationBranch: branch, setup: ctx.setup },
      escalationId,
      oursId,
      heldId,
      semantic,
    );
  } catch (err) {
    outcome = { ok: false as const, reason: `the merge agent could not be run: ${(err as Error).message}` };
  }
  if (outcome.ok) {
    ctx.journal({ type: 'merge/didMerge', taskId: heldId, branch, commit: outcome.commit, tier: 'mergeAgent' });
    return { ok: true };
  }
  const attempt = semantic ? `make ${heldId}'s check pass again after ${oursId}` : `merge ${heldId} after ${oursId}`;
  const tried = `A merge agent (merger-${escalationId}-1) tried to ${attempt}; its result was refused: ${outcome.reason}`;
  ctx.journal({ type: 'agent/didWarn', agentId: `merger-${escalationId}-1`, kind: 'merge', message: tried });
  if (!semantic) ctx.journal({ type: 'effect/didAbandon', key: effectKey.merge(heldId), reason: `the merge agent could not resolve ${escalationId}` });
  return { ok: false, tried, produced: outcome.produced ?? {} };
}

/** The last tier: a person chooses, shown each side's task, the conflicted files and what the agent tried. */
async function askPerson(ctx: RunContext, verified: { taskId: string; commit: string }[], escalationId: string, skipped: SkippedTask, tier: Extract<TierOutcome, { ok: false }>): Promise<void> {
  const ours = verified.find((v) => v.taskId === skipped.conflictsWith);
  const files = ours
    ? (await conflictContent(ctx.options.repo, ours.commit, skipped.commit, skipped.conflicts)).map(({ path, kind, base, ours: o, theirs: t }) => ({
        path,
        kind,
        base,
        ours: o,
        theirs: t,
        ...(path in tier.produced ? { merged: tier.produced[path] } : {}),
      }))
    : [];
  ctx.journal({
    type: 'escalation/didOpen',
    escalationId,
    kind: 'conflict',
    taskIds: ours ? [ours.taskId, skipped.taskId] : [skipped.taskId],
    question: `${skipped.taskId} conflicts with ${skipped.conflictsWith ?? 'the integration branch'} in ${skipped.conflicts.map((c) => c.path).join(', ')}: which version should be kept?`,
    options: ['ours', 'theirs', 'mergeAgent', 'manual'],
    files,
    ...(tier.tried ? { tried: tier.tried } : {}),
  });
}
