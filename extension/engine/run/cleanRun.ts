import { LeaseManager } from '../workspace/leases';
import { runPaths } from './runPaths';
import { resultBranch, type ResultBranch } from './runResult';

export interface CleanedRun {
  removedWorktrees: number;
  deletedBranches: string[];
  /** The integration branch, kept because it holds commits no other branch has (say so, with how to bring them in). */
  keptResult: ResultBranch | null;
  /** The integration branch deleted with commits nobody else has (`discardResult`): its head, to recover it with `git branch`. */
  discardedResult: ResultBranch | null;
}

/**
 * Removes a run's worktrees and, when asked, its loom/ branches. The integration branch is the
 * run's only result: it goes only when another branch holds its commits, or `discardResult` says so.
 */
export async function cleanRun(input: { home: string; runId: string; repo: string; deleteBranches: boolean; discardResult: boolean }): Promise<CleanedRun> {
  const paths = runPaths(input.home, input.runId);
  const result = input.deleteBranches ? await resultBranch(input.repo, input.runId) : null;
  const unmerged = result !== null && result.head !== null && result.unmergedCommits > 0;
  const keep = unmerged && !input.discardResult;
  const leases = new LeaseManager({ repoDir: input.repo, root: paths.worktrees });
  const removed = await leases.removeAll(input.runId, { deleteBranches: input.deleteBranches, keepBranches: keep ? [result.branch] : [], alsoInside: [paths.scratch] });
  return {
    removedWorktrees: removed.removed.length,
    deletedBranches: removed.deletedBranches,
    keptResult: keep ? result : null,
    discardedResult: unmerged && input.discardResult && removed.deletedBranches.includes(result.branch) ? result : null,
  };
}
