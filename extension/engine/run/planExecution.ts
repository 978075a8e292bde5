import type { Plan, Task } from '../../protocol/plan';
import { scopesOverlap } from '../plan/scopeOverlap';
import { combineCommits } from '../workspace/combine';
import { resolveCommit } from '../workspace/git';
import type { LeaseManager } from '../workspace/leases';
import type { Lease } from '../workspace/lease';
import { sparseDirs } from '../workspace/sparseScope';
import type { ResumePoint, TaskResumePoint } from './resumePoint';
import { effectKey } from '../../protocol/effects';
import type { RunContext } from './runContext';
import { allFinished, deferredTasks, sequencingEdges, tasksToBlock, tasksToStart, type SchedulerStatus } from './scheduler';
import { runTask, type TaskEnd } from './taskRunner';

export interface PlanRound {
  /** Verified heads, by task. */
  heads: Map<string, string>;
  status: Map<string, SchedulerStatus>;
}

export interface IntegrationView {
  /** Whether the task is on the integration branch. */
  isMerged: (taskId: string) => boolean;
  /** The integration branch's head, or null before anything merged. */
  head: () => Promise<string | null>;
}

/**
 * Runs every task as soon as it is ready, up to the concurrency limit; returns the round's end:
 * verified heads and each task's status. A task whose dependencies conflict waits (status
 * `waiting`) instead of failing, and so do its own dependents; once every dependency is on the
 * integration branch (the conflict resolved), a later round starts it from there. On a resume,
 * tasks the journal says finished keep their outcome and heads, and tasks in flight continue from
 * their resume point in their re-attached lease.
 */
export async function executePlan(
  ctx: RunContext,
  leases: LeaseManager,
  plan: Plan,
  repoFiles: string[],
  integration: IntegrationView,
  resume?: ResumePoint,
  previous?: PlanRound,
): Promise<PlanRound> {
  const status = new Map<string, SchedulerStatus>(plan.tasks.map((t) => [t.id, 'pending']));
  const heads = new Map<string, string>(previous?.heads ?? resume?.succeeded ?? []);
  for (const id of heads.keys()) status.set(id, 'done');
  for (const id of resume?.failed ?? []) status.set(id, 'failed');
  for (const id of resume?.blocked ?? []) status.set(id, 'blocked');
  for (const [id, s] of previous?.status ?? []) status.set(id, s === 'waiting' ? 'pending' : s);
  const after = sequencingEdges(plan.tasks, (a, b) => scopesOverlap(a.fileScope, b.fileScope, repoFiles));
  const running = new Map<string, Promise<void>>();
  const byId = new Map(plan.tasks.map((t) => [t.id, t]));

  const start = (task: Task) => {
    status.set(task.id, 'running');
    const predecessors = [...task.dependsOn, ...(after.get(task.id) ?? [])].filter((d) => heads.has(d)).map((d) => heads.get(d)!);
    const done = startTask(ctx, leases, task, predecessors, integration, resume !== undefined, resume?.inFlight.get(task.id))
      .then((end) => {
        if ('waiting' in end) {
          status.set(task.id, 'waiting');
          ctx.journal({ type: 'agent/didWarn', agentId: 'run', kind: 'merge', message: `${task.id} waits: ${end.reason}` });
        } else if (end.ok) {
          heads.set(task.id, end.headCommit);
          status.set(task.id, 'done');
          ctx.journal({ type: 'task/didSucceed', taskId: task.id, headCommit: end.headCommit });
        } else {
          status.set(task.id, 'failed');
          ctx.journal({ type: 'task/didFail', taskId: task.id, reason: end.reason, ...(ctx.signal.aborted ? { stopped: true } : {}) });
        }
      })
      .finally(() => running.delete(task.id));
    running.set(task.id, done);
  };

  while (!ctx.signal.aborted) {
    for (const blocked of tasksToBlock({ tasks: plan.tasks, status })) {
      status.set(blocked.taskId, 'blocked');
      ctx.journal({ type: 'task/didBlock', taskId: blocked.taskId, blockedBy: blocked.blockedBy });
    }
    for (const id of tasksToStart({ tasks: plan.tasks, status, after, concurrency: ctx.options.concurrency })) start(byId.get(id)!);
    if (running.size === 0) break;
    await Promise.race(running.values());
  }
  await Promise.allSettled(running.values());
  const deferred = deferredTasks(plan.tasks, status);
  for (const id of deferred) status.set(id, 'waiting');
  if (!allFinished(new Map([...status].filter(([, s]) => s !== 'waiting'))) && !ctx.signal.aborted) throw new Error('scheduler stalled with unfinished tasks');
  return { heads, status };
}

/**
 * The directories a task's lease checks out: its file scope and acceptance test files (sparse
 * leases, workspace/sparseScope.ts), or null for the whole commit — when the run asks for full
 * leases, or a setup recipe runs in the lease (an install may read any package's manifest).
 */
async function leaseDirs(ctx: RunContext, task: Task, commit: string): Promise<string[] | null> {
  if (ctx.options.sparseLeases === false || ctx.setup !== null) return null;
  const testFiles = task.acceptance.flatMap((a) => (a.kind === 'failToPass' ? a.testFiles : []));
  return sparseDirs(ctx.options.repo, commit, task.fileScope, testFiles);
}

async function startTask(
  ctx: RunContext,
  leases: LeaseManager,
  task: Task,
  predecessorHeads: string[],
  integration: IntegrationView,
  resuming: boolean,
  resume: TaskResumePoint | undefined,
): Promise<TaskEnd | { waiting: true; reason: string }> {
  let lease: Lease;
  try {
    if (resume?.lease) {
      // The lease the journal recorded, checked against it: the branch is reset to the last checkpoint (or frozen tests).
      const expectedHead = resume.checkpoint?.commit ?? resume.frozenStart ?? resume.lease.startCommit;
      lease = (await leases.reattach({ runId: ctx.runId, taskId: task.id, startCommit: resume.lease.startCommit, expectedHead, path: resume.lease.path })).lease;
    } else {
      let combined = await combineCommits(ctx.options.repo, ctx.baseCommit, predecessorHeads, `loom: start of ${task.id}`);
      if ('conflict' in combined) {
        // Dependencies that conflict are resolved on the integration branch: start from there once they all are.
        const head = task.dependsOn.every((d) => integration.isMerged(d)) ? await integration.head() : null;
        if (!head) return { waiting: true, reason: `its dependencies ${task.dependsOn.join(', ')} conflict in ${combined.conflict.files.map((f) => f.path).join(', ')}; it starts once that is resolved` };
        combined = { commit: head };
      }
      ctx.journal({ type: 'effect/willApply', key: effectKey.lease(task.id), kind: 'lease', taskId: task.id, what: `worktree and branch for ${task.id} at ${combined.commit.slice(0, 10)}` });
      // In a resumed run the dead process may have made this branch without journaling it: take it over at the start commit.
      lease = resuming
        ? (await leases.reattach({ runId: ctx.runId, taskId: task.id, startCommit: combined.commit, expectedHead: combined.commit })).lease
        : await leases.acquire({ runId: ctx.runId, taskId: task.id, startCommit: combined.commit, sparseDirs: await leaseDirs(ctx, task, combined.commit) });
      ctx.journal({ type: 'lease/didCreate', taskId: task.id, purpose: 'implement', branch: lease.branch, path: lease.path, startCommit: lease.startCommit });
    }
  } catch (err) {
    return { ok: false, reason: `could not prepare a worktree: ${(err as Error).message}` };
  }
  try {
    const end = await runTask(ctx, task, lease, (branch) => resolveCommit(ctx.options.repo, branch), resume?.lease ? resume : undefined);
    // Its branch holds the result: the worktree goes (or back to the pool) in the background, off the next task's path. A failed task's stays to be inspected.
    if (end.ok) void leases.release(lease).then((released) => released && ctx.journal({ type: 'lease/didRemove', path: released }));
    return end;
  } catch (err) {
    return { ok: false, reason: `task crashed: ${(err as Error).message}` };
  }
}
