import type { RunListStatus } from '../runSummary';
import type { RunState, TaskState, TaskStatus } from '../runState';
import { TIER_LABEL } from './conflictText';

/** Words for a task's status, as the sidebar and the dashboard say them. */
export const TASK_STATUS_LABEL: Record<TaskStatus, string> = {
  pending: 'Pending',
  running: 'Running',
  verifying: 'Verifying',
  succeeded: 'Verified',
  merged: 'Merged',
  failed: 'Failed',
  stopped: 'Stopped',
  blocked: 'Blocked',
  conflicted: 'Conflicted',
  waiting: 'Waiting',
};

/** What a person reads for a run waiting on them, wherever a run's or a task's status is shown. */
export const NEEDS_YOU = 'Needs you';

const RUN_STATUS_LABEL: Record<RunState['status'] | RunListStatus, string> = {
  idle: 'Idle',
  planning: 'Planning',
  running: 'Running',
  interrupted: 'Interrupted',
  succeeded: 'Succeeded',
  failed: 'Failed',
  escalated: NEEDS_YOU,
  stopped: 'Stopped',
};

/**
 * A run waits on a person when a question is open and nothing runs: it reads "Needs you" (not
 * "failed", whatever else went wrong), the same in the sidebar, the status bar and the Runs view.
 */
export function runWaitsOnPerson(status: RunState['status'] | RunListStatus, openEscalations: number): boolean {
  return status === 'escalated' || (openEscalations > 0 && status === 'failed');
}

export function runStatusText(status: RunState['status'] | RunListStatus, openEscalations: number): string {
  return runWaitsOnPerson(status, openEscalations) ? NEEDS_YOU : RUN_STATUS_LABEL[status];
}

/** The open escalation a task waits on: the one it names as waiting on, else any open one naming it. */
export function openEscalationOfTask(state: Pick<RunState, 'escalations'>, t: TaskState): string | null {
  const open = state.escalations.filter((e) => e.resolution === null);
  if (t.status === 'waiting' && t.waitingOn && open.some((e) => e.escalationId === t.waitingOn)) return t.waitingOn;
  return open.find((e) => e.taskIds.includes(t.task.id))?.escalationId ?? null;
}

/** "attempt 2", or "attempt 2 of 3" when the limit is known. */
export function attemptText(attempt: number, of?: number): string {
  return of === undefined ? `attempt ${attempt}` : `attempt ${attempt} of ${of}`;
}

/**
 * A task's status in a few words: "Needs you (esc-1)" while a question about it is open,
 * "Merged (merge agent)", "Running (attempt 2)".
 */
export function taskStatusText(state: Pick<RunState, 'escalations'>, t: TaskState): string {
  const escalation = t.status === 'merged' ? null : openEscalationOfTask(state, t);
  if (escalation) return `${NEEDS_YOU} (${escalation})`;
  if (t.status === 'waiting' && t.waitingOn) return `Waiting on ${t.waitingOn}`;
  if (t.status === 'merged' && t.mergedBy && t.mergedBy !== 'auto') return `Merged (${TIER_LABEL[t.mergedBy]})`;
  const active = t.status === 'running' || t.status === 'verifying';
  return `${TASK_STATUS_LABEL[t.status]}${active && t.attempts > 1 ? ` (${attemptText(t.attempts)})` : ''}`;
}
