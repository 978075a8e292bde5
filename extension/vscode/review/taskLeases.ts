import type { RunEvent } from '../../protocol/events';

export interface TaskLease {
  taskId: string;
  branch: string | null;
  path: string;
  startCommit: string;
  /** False once `lease/didRemove` removed the worktree (the branch stays). */
  present: boolean;
}

/** The implementor leases of a run, latest per task, folded from its events. */
export function taskLeases(events: readonly RunEvent[]): Map<string, TaskLease> {
  const leases = new Map<string, TaskLease>();
  for (const event of events) {
    if (event.type === 'lease/didCreate' && event.purpose === 'implement') {
      leases.set(event.taskId, { taskId: event.taskId, branch: event.branch, path: event.path, startCommit: event.startCommit, present: true });
    } else if (event.type === 'lease/didRemove') {
      for (const lease of leases.values()) if (lease.path === event.path) lease.present = false;
    }
  }
  return leases;
}
