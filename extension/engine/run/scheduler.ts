import type { Task } from '../../protocol/plan';

/** `waiting`: its dependencies conflict; it starts once the conflict is resolved on the integration branch. */
export type SchedulerStatus = 'pending' | 'running' | 'done' | 'failed' | 'blocked' | 'waiting';

/**
 * Which tasks may start now. Pure, so it is tested without threads.
 * - explicit dependencies must be `done`; a failed or blocked dependency blocks the task (failure mode 10:
 *   only descendants stop, independent branches go on);
 * - `after` holds the implicit edges that sequence tasks whose file scopes overlap: the later task waits
 *   until the earlier one has finished, whatever its outcome;
 * - at most `concurrency` tasks run at once, in plan order.
 */
export interface SchedulerView {
  tasks: readonly Task[];
  status: ReadonlyMap<string, SchedulerStatus>;
  after: ReadonlyMap<string, readonly string[]>;
  concurrency: number;
}

export function tasksToStart(view: SchedulerView): string[] {
  const running = [...view.status.values()].filter((s) => s === 'running').length;
  let free = Math.max(0, view.concurrency - running);
  const ready: string[] = [];
  for (const task of view.tasks) {
    if (free === 0) break;
    if (view.status.get(task.id) !== 'pending') continue;
    const depsDone = task.dependsOn.every((d) => view.status.get(d) === 'done');
    // A waiting predecessor has not started: an overlapping later task need not wait for it.
    const predecessorsFinished = (view.after.get(task.id) ?? []).every((p) => isFinished(view.status.get(p)) || view.status.get(p) === 'waiting');
    if (depsDone && predecessorsFinished) {
      ready.push(task.id);
      free--;
    }
  }
  return ready;
}

/** Pending tasks that can never start because an explicit dependency failed or was blocked. */
export function tasksToBlock(view: Pick<SchedulerView, 'tasks' | 'status'>): { taskId: string; blockedBy: string[] }[] {
  const out: { taskId: string; blockedBy: string[] }[] = [];
  for (const task of view.tasks) {
    if (view.status.get(task.id) !== 'pending') continue;
    const blockedBy = task.dependsOn.filter((d) => {
      const s = view.status.get(d);
      return s === 'failed' || s === 'blocked';
    });
    if (blockedBy.length) out.push({ taskId: task.id, blockedBy });
  }
  return out;
}

export function allFinished(status: ReadonlyMap<string, SchedulerStatus>): boolean {
  return [...status.values()].every(isFinished);
}

/**
 * Pending tasks that cannot start in this round because a dependency waits (directly or through
 * another pending task): they are deferred with it, not stalled.
 */
export function deferredTasks(tasks: readonly Task[], status: ReadonlyMap<string, SchedulerStatus>): Set<string> {
  const deferred = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const task of tasks) {
      if (status.get(task.id) !== 'pending' || deferred.has(task.id)) continue;
      if (task.dependsOn.some((d) => status.get(d) === 'waiting' || deferred.has(d))) {
        deferred.add(task.id);
        grew = true;
      }
    }
  }
  return deferred;
}

function isFinished(s: SchedulerStatus | undefined): boolean {
  return s === 'done' || s === 'failed' || s === 'blocked';
}

/**
 * Implicit edges for overlapping scopes: a task waits for every earlier task (in plan order) whose
 * scope overlaps its own, unless a dependency path already orders the two.
 */
export function sequencingEdges(tasks: readonly Task[], overlaps: (a: Task, b: Task) => boolean): Map<string, string[]> {
  const ancestors = ancestorSets(tasks);
  const edges = new Map<string, string[]>();
  tasks.forEach((later, j) => {
    const waits: string[] = [];
    for (const earlier of tasks.slice(0, j)) {
      const ordered = ancestors.get(later.id)?.has(earlier.id) || ancestors.get(earlier.id)?.has(later.id);
      if (!ordered && overlaps(earlier, later)) waits.push(earlier.id);
    }
    if (waits.length) edges.set(later.id, waits);
  });
  return edges;
}

function ancestorSets(tasks: readonly Task[]): Map<string, Set<string>> {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const memo = new Map<string, Set<string>>();
  const visit = (id: string, stack: Set<string>): Set<string> => {
    const known = memo.get(id);
    if (known) return known;
    const result = new Set<string>();
    if (stack.has(id)) return result; // cycles are rejected by plan validation; do not loop here
    stack.add(id);
    for (const dep of byId.get(id)?.dependsOn ?? []) {
      result.add(dep);
      for (const a of visit(dep, stack)) result.add(a);
    }
    stack.delete(id);
    memo.set(id, result);
    return result;
  };
  for (const t of tasks) visit(t.id, new Set());
  return memo;
}
