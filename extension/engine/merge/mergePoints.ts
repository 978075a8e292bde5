import { gitOut, isAncestor } from '../workspace/git';

/** A task merged onto the integration branch. */
export interface MergedHead {
  taskId: string;
  /** The task's own verified head. */
  headCommit: string;
}

export interface MergePoint {
  taskId: string;
  /** The first integration commit (first-parent chain) that contains the task: its merge commit, or its head after a fast-forward. */
  commit: string;
  /** That commit's place on the chain from the base (0: the first commit after it): the order the tasks landed in. */
  position: number;
}

/**
 * Where each task landed on the integration branch. The branch is built by `integrate` (merge
 * commits, fast-forwards, a merge agent's or a person's two-parent merge), so the only thing every
 * kind shares is that the first first-parent commit containing the task's head is the one its merge
 * made. Containment only grows along the chain, so a binary search finds it; no order is assumed,
 * because a resumed run lists tasks in plan order while a merge agent may have landed one later.
 */
export async function mergePoints(repo: string, baseCommit: string, integrationHead: string, merged: readonly MergedHead[]): Promise<MergePoint[]> {
  const chain = (await gitOut(repo, ['rev-list', '--first-parent', '--reverse', `${baseCommit}..${integrationHead}`])).split('\n').filter(Boolean);
  const points: MergePoint[] = [];
  for (const task of merged) {
    if (!chain.length || !(await isAncestor(repo, task.headCommit, chain[chain.length - 1]))) {
      throw new Error(`task ${task.taskId} (${task.headCommit.slice(0, 10)}) is not on the integration branch`);
    }
    let lo = 0;
    let hi = chain.length - 1;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (await isAncestor(repo, task.headCommit, chain[mid])) hi = mid;
      else lo = mid + 1;
    }
    points.push({ taskId: task.taskId, commit: chain[hi], position: hi });
  }
  return points;
}
