import { gitOut, isAncestor } from '../workspace/git';

/** A task merged onto the integration branch, in merge order. */
export interface MergedHead {
  taskId: string;
  /** The task's own verified head. */
  headCommit: string;
}

export interface MergePoint {
  taskId: string;
  /** The first integration commit (first-parent chain) that contains the task: its merge commit, or its head after a fast-forward. */
  commit: string;
}

/**
 * Where each task landed on the integration branch. The branch is built by `integrate` (merge
 * commits, fast-forwards, a merge agent's or a person's two-parent merge), so the only thing every
 * kind shares is that the first first-parent commit containing the task's head is the one its merge
 * made. Merges happen in order, so the search never goes back: one ancestry test per commit and task.
 */
export async function mergePoints(repo: string, baseCommit: string, integrationHead: string, merged: readonly MergedHead[]): Promise<MergePoint[]> {
  const chain = (await gitOut(repo, ['rev-list', '--first-parent', '--reverse', `${baseCommit}..${integrationHead}`])).split('\n').filter(Boolean);
  const points: MergePoint[] = [];
  let i = 0;
  for (const task of merged) {
    while (i < chain.length && !(await isAncestor(repo, task.headCommit, chain[i]))) i++;
    if (i === chain.length) throw new Error(`task ${task.taskId} (${task.headCommit.slice(0, 10)}) is not on the integration branch after the tasks merged before it`);
    points.push({ taskId: task.taskId, commit: chain[i] });
  }
  return points;
}
