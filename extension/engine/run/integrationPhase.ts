import type { RunContext } from './runContext';
import { initialRunState, type RunState } from '../../protocol/runState';
import { checkPairs } from '../merge/conflictCheck';
import { conflictContent } from '../merge/conflictContent';
import { integrate } from '../merge/integrate';
import { effectKey, mergeIntent } from '../../protocol/effects';

export interface IntegrationResult {
  branch: string | null;
  head: string | null;
  mergedTaskIds: string[];
  escalated: boolean;
}

/**
 * The barrier after every task: check every pair of verified branches with merge-tree (no worktree
 * touched), then merge the clean ones in dependency order onto loom/<run>/integration. A conflict is
 * an escalation with base/ours/theirs; nothing is merged into the user's branch.
 */
export async function integrationPhase(ctx: RunContext, verified: { taskId: string; commit: string }[], journaled: RunState = initialRunState()): Promise<IntegrationResult> {
  // On a resume the journal may already hold some of these effects: each is journaled once.
  const merged = new Set(journaled.tasks.filter((t) => t.status === 'merged').map((t) => t.task.id));
  const detected = new Set(journaled.conflicts.map((c) => [...c.taskIds].sort().join(' ')));
  const opened = new Set(journaled.escalations.map((e) => e.escalationId));
  if (!verified.length) return { branch: null, head: null, mergedTaskIds: [], escalated: false };
  const repo = ctx.options.repo;
  const check = await checkPairs(repo, verified);
  for (const conflict of check.conflicts) {
    if (detected.has([...conflict.taskIds].sort().join(' '))) continue;
    ctx.journal({ type: 'conflict/didDetect', taskIds: conflict.taskIds, files: conflict.files });
  }

  for (const task of verified) {
    if (!merged.has(task.taskId)) ctx.journal(mergeIntent(task.taskId, `at ${task.commit.slice(0, 10)}, if it merges cleanly`));
  }
  const result = await integrate(repo, { runId: ctx.runId, baseCommit: ctx.baseCommit, ordered: verified });
  for (const done of result.merged) {
    if (!merged.has(done.taskId)) ctx.journal({ type: 'merge/didMerge', taskId: done.taskId, branch: result.branch, commit: done.commit });
  }
  let escalations = 0;
  for (const skipped of result.skipped) {
    if (!merged.has(skipped.taskId)) ctx.journal({ type: 'effect/didAbandon', key: effectKey.merge(skipped.taskId), reason: 'it conflicts: left out of the integration branch until the conflict is resolved' });
    const ours = verified.find((v) => v.taskId === skipped.conflictsWith);
    const theirs = verified.find((v) => v.taskId === skipped.taskId);
    const files = ours && theirs
      ? (await conflictContent(repo, ours.commit, theirs.commit, skipped.conflicts)).map(({ path, kind, base, ours: o, theirs: t }) => ({ path, kind, base, ours: o, theirs: t }))
      : [];
    escalations++;
    if (opened.has(`esc-${escalations}`)) continue;
    ctx.journal({
      type: 'escalation/didOpen',
      escalationId: `esc-${escalations}`,
      kind: 'conflict',
      taskIds: ours ? [ours.taskId, skipped.taskId] : [skipped.taskId],
      question: `${skipped.taskId} conflicts with ${skipped.conflictsWith ?? 'the integration branch'} in ${skipped.conflicts.map((c) => c.path).join(', ')}: which version should be kept?`,
      options: ['ours', 'theirs', 'mergeAgent', 'manual'],
      files,
    });
  }
  return { branch: result.branch, head: result.head, mergedTaskIds: result.merged.map((m) => m.taskId), escalated: escalations > 0 };
}
