import type { RunState, TaskState } from '../runState';

export type RequirementStatus = 'unplanned' | 'pending' | 'inProgress' | 'verified' | 'merged' | 'atRisk';

export interface RequirementRow {
  id: string;
  title: string;
  status: RequirementStatus;
  tasks: TaskState[];
}

/** Each requirement of the spec with the tasks that point at it and a status summarizing theirs. */
export function requirementRows(run: RunState): RequirementRow[] {
  return run.requirements.map((r) => {
    const tasks = run.tasks.filter((t) => t.task.requirementIds.includes(r.id));
    return { id: r.id, title: r.title, tasks, status: requirementStatus(tasks) };
  });
}

export function requirementStatus(tasks: readonly TaskState[]): RequirementStatus {
  if (tasks.length === 0) return 'unplanned';
  const s = tasks.map((t) => t.status);
  if (s.some((x) => x === 'failed' || x === 'stopped' || x === 'blocked' || x === 'conflicted')) return 'atRisk';
  if (s.every((x) => x === 'merged')) return 'merged';
  if (s.every((x) => x === 'merged' || x === 'succeeded')) return 'verified';
  if (s.every((x) => x === 'pending')) return 'pending';
  return 'inProgress';
}
