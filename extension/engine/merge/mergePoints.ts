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
 * made. No order is assumed, because a resumed run lists tasks in plan order while a merge agent may
 * have landed one later.
 *
 * Two git commands answer for every task: the chain, and the commits since the base with their
 * parents, walked here from each chain commit to what it brought in. (A search with `merge-base
 * --is-ancestor` per step cost about 4 commands per task, one after another, at the end of every run.)
 */
export async function mergePoints(repo: string, baseCommit: string, integrationHead: string, merged: readonly MergedHead[]): Promise<MergePoint[]> {
  const range = `${baseCommit}..${integrationHead}`;
  const [chainOut, graphOut] = await Promise.all([gitOut(repo, ['rev-list', '--first-parent', '--reverse', range]), gitOut(repo, ['rev-list', '--parents', range])]);
  const chain = chainOut.split('\n').filter(Boolean);
  const parentsOf = new Map(graphOut.split('\n').filter(Boolean).map((line) => { const [commit, ...parents] = line.split(' '); return [commit, parents]; }));
  const landedAt = landingPositions(chain, parentsOf);

  const points: MergePoint[] = [];
  for (const task of merged) {
    const position = landedAt.get(task.headCommit) ?? (await positionOutsideRange(repo, chain, task));
    points.push({ taskId: task.taskId, commit: chain[position], position });
  }
  return points;
}

/** For every commit since the base: the first chain commit that contains it (each chain commit brings in itself and what its other parents add). */
function landingPositions(chain: readonly string[], parentsOf: ReadonlyMap<string, readonly string[]>): Map<string, number> {
  const landedAt = new Map<string, number>();
  for (const [position, commit] of chain.entries()) {
    landedAt.set(commit, position);
    const toVisit = [...(parentsOf.get(commit) ?? []).slice(1)];
    for (let next = toVisit.pop(); next !== undefined; next = toVisit.pop()) {
      // Commits before the base are not in the graph; those already landed took their ancestors with them.
      if (landedAt.has(next) || !parentsOf.has(next)) continue;
      landedAt.set(next, position);
      toVisit.push(...parentsOf.get(next)!);
    }
  }
  return landedAt;
}

/** A head that is not a commit since the base (a task that changed nothing: its head is the base or before it) lands with the first chain commit. */
async function positionOutsideRange(repo: string, chain: readonly string[], task: MergedHead): Promise<number> {
  if (!chain.length || !(await isAncestor(repo, task.headCommit, chain[chain.length - 1]))) {
    throw new Error(`task ${task.taskId} (${task.headCommit.slice(0, 10)}) is not on the integration branch`);
  }
  return 0;
}
