import { isAncestor, resolveCommit, runGit } from '../workspace/git';
import { branchHead, listWorktrees } from '../workspace/worktrees';
import type { BranchRef } from './conflictCheck';
import { mergeCommitInto } from './mergeCommit';
import { mergeTree, type ConflictFile } from './mergeTree';

export interface IntegrateOptions {
  runId: string;
  baseCommit: string;
  /** Finished task heads in dependency order. */
  ordered: readonly BranchRef[];
  /** Rebuild from base even when the integration branch already exists. Default false: continue from its head. */
  fresh?: boolean;
  /** Fast-forward when the integration head is contained in a task commit. Default true. */
  fastForward?: boolean;
  /** False: only the commits are made, the branch is not moved (a preview of what integrating would make). Default true. */
  moveBranch?: boolean;
}

export interface MergedTask {
  taskId: string;
  commit: string;
  /** How it got in: already contained, fast-forward, or a new merge commit. */
  how: 'alreadyMerged' | 'fastForward' | 'merge';
}

export interface SkippedTask {
  taskId: string;
  commit: string;
  conflicts: ConflictFile[];
  /** The already-merged task it conflicts with on its own, or null when only the combination conflicts. */
  conflictsWith: string | null;
}

export interface IntegrateResult {
  branch: string;
  /** The branch's head before: null when the branch did not exist. Moving the branch expects it there. */
  from: string | null;
  head: string;
  merged: MergedTask[];
  skipped: SkippedTask[];
}

export class IntegrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IntegrationError';
  }
}

export function integrationBranch(runId: string): string {
  return `loom/${runId}/integration`;
}

/**
 * Builds `loom/<runId>/integration`: from base (or from the branch's current head, when it already
 * holds base), merges each task commit in the given order with merge-tree + commit-tree, skipping
 * and reporting any that conflict with what is merged so far, then moves the branch once with
 * `git update-ref` (compare-and-swap on its old value). No worktree, index or user branch is
 * touched; a checked-out integration branch is refused rather than moved under someone's feet.
 *
 * A skipped task's dependents are the caller's concern: their commits contain the skipped task's
 * changes, so the scheduler should not pass them (a failed task blocks its descendants).
 */
export async function integrate(repoDir: string, options: IntegrateOptions): Promise<IntegrateResult> {
  const branch = integrationBranch(options.runId);
  const base = await resolveCommit(repoDir, options.baseCommit);
  const existing = await branchHead(repoDir, branch);
  let head = base;
  if (existing && !options.fresh && (await isAncestor(repoDir, base, existing))) head = existing;

  const merged: MergedTask[] = [];
  const skipped: SkippedTask[] = [];
  for (const task of options.ordered) {
    const commit = await resolveCommit(repoDir, task.commit);
    const step = await mergeCommitInto(repoDir, head, commit, `loom: merge task ${task.taskId}\n\nRun ${options.runId}, task ${task.taskId} at ${commit}.`, {
      fastForward: options.fastForward,
    });
    if (step.kind === 'conflict') {
      skipped.push({ taskId: task.taskId, commit, conflicts: step.conflicts, conflictsWith: await findCulprit(repoDir, merged, commit) });
      continue;
    }
    head = step.head;
    merged.push({ taskId: task.taskId, commit, how: step.kind });
  }

  if (options.moveBranch !== false) await moveIntegrationBranch(repoDir, options.runId, { from: existing, head });
  return { branch, from: existing, head, merged, skipped };
}

/**
 * Moves the integration branch to `head` if it is still at `from` (compare-and-swap: null, it must
 * not exist yet); a branch someone moved meanwhile is an error, and so is one checked out somewhere
 * (it is never moved under someone's feet). When they are the same, the branch is only checked.
 */
export async function moveIntegrationBranch(repoDir: string, runId: string, move: { from: string | null; head: string }, message = `loom: integrate run ${runId}`): Promise<void> {
  const branch = integrationBranch(runId);
  const ref = `refs/heads/${branch}`;
  for (const w of await listWorktrees(repoDir)) {
    if (w.branch === ref) throw new IntegrationError(`${branch} is checked out at ${w.path}; switch that checkout to another branch first`);
  }
  if (move.head !== move.from) await runGit(repoDir, ['update-ref', '-m', message, ref, move.head, move.from ?? ''], { lockRetries: 4 });
  else if ((await branchHead(repoDir, branch)) !== move.from) throw new IntegrationError(`${branch} moved since it was read at ${move.from?.slice(0, 10) ?? 'nothing'}`);
}

/** The first merged task whose commit conflicts with `commit` on its own. */
async function findCulprit(repoDir: string, merged: readonly MergedTask[], commit: string): Promise<string | null> {
  for (const m of merged) {
    if (m.commit === commit) continue;
    const r = await mergeTree(repoDir, m.commit, commit);
    if (!r.clean) return m.taskId;
  }
  return null;
}

/**
 * One more task onto the integration branch, after integrate(): merged in memory onto the branch's
 * current head and the branch moved only if nobody moved it meanwhile. Null when it conflicts.
 */
export async function mergeOnto(repoDir: string, runId: string, taskId: string, commit: string): Promise<{ head: string } | null> {
  const branch = integrationBranch(runId);
  const head = await branchHead(repoDir, branch);
  if (!head) return null;
  const step = await mergeCommitInto(repoDir, head, commit, `loom: merge task ${taskId}\n\nRun ${runId}, task ${taskId} at ${commit}.`);
  if (step.kind === 'conflict') return null;
  await moveIntegrationBranch(repoDir, runId, { from: head, head: step.head }, `loom: integrate ${taskId}`);
  return { head: step.head };
}
