import type { Plan } from '../../protocol/plan';
import type { RunState } from '../../protocol/runState';
import { topologicalOrder } from '../plan/validatePlan';
import { integrationBranch } from '../merge/integrate';
import { branchHead } from '../workspace/worktrees';
import type { LeaseManager } from '../workspace/leases';
import { integrationPhase, type IntegrationResult } from './integrationPhase';
import { IntegrationPreview } from './integrationPreview';
import { executePlan, type PlanRound } from './planExecution';
import type { ResumePoint } from './resumePoint';
import type { RunContext } from './runContext';

export interface ExecutionEnd {
  integration: IntegrationResult;
  /** A task failed or was blocked, or the merged tasks break each other's checks. */
  failed: boolean;
  /** A question is open, or a task waits on one. */
  waitsOnPerson: boolean;
}

/**
 * Runs the plan and integrates it, in rounds: tasks whose dependencies conflict wait; once the
 * integration phase has resolved that conflict (a merge agent landed it), the next round starts
 * them from the integration branch. What still waits after the last round waits on a person.
 */
export async function executeAndIntegrate(runCtx: RunContext, leases: LeaseManager, plan: Plan, repoFiles: string[], resume: ResumePoint | undefined, state: () => RunState): Promise<ExecutionEnd> {
  const ctx: RunContext = { ...runCtx, integrationPreview: new IntegrationPreview(runCtx, plan, state) };
  try {
    return await executeAndIntegrateWith(ctx, leases, plan, repoFiles, resume, state);
  } finally {
    await ctx.integrationPreview!.dispose();
  }
}

async function executeAndIntegrateWith(ctx: RunContext, leases: LeaseManager, plan: Plan, repoFiles: string[], resume: ResumePoint | undefined, state: () => RunState): Promise<ExecutionEnd> {
  const integrationView = {
    isMerged: (taskId: string) => state().tasks.some((t) => t.task.id === taskId && t.status === 'merged'),
    head: () => branchHead(ctx.options.repo, integrationBranch(ctx.runId)),
  };
  const order = topologicalOrder(plan);
  let round = await executePlan(ctx, leases, plan, repoFiles, integrationView, resume);
  let integration: IntegrationResult;
  for (;;) {
    const verified = order.filter((id) => round.heads.has(id)).map((taskId) => ({ taskId, commit: round.heads.get(taskId)! }));
    integration = await integrationPhase(ctx, verified, state());
    const waiting = [...round.status].filter(([, s]) => s === 'waiting').map(([id]) => id);
    const ready = waiting.filter((id) => plan.tasks.find((t) => t.id === id)!.dependsOn.every((d) => integrationView.isMerged(d)));
    if (!ready.length || ctx.signal.aborted) break;
    round = await executePlan(ctx, leases, plan, repoFiles, integrationView, undefined, round);
  }
  if (!ctx.signal.aborted) journalWaits(ctx, plan, round, state());
  const now = state();
  return {
    integration,
    failed: integration.semanticConflicts > 0 || now.tasks.some((t) => t.status === 'failed' || t.status === 'blocked'),
    waitsOnPerson: integration.escalated || now.tasks.some((t) => t.status === 'waiting'),
  };
}

/** Each task still waiting names the one escalation it waits on (its dependency's), never a question of its own. */
function journalWaits(ctx: RunContext, plan: Plan, round: PlanRound, state: RunState): void {
  const heldBy = new Map(state.escalations.filter((e) => e.kind === 'conflict' && e.resolution === null).map((e) => [e.taskIds[e.taskIds.length - 1], e.escalationId]));
  const waitsOn = (taskId: string, seen = new Set<string>()): string | null => {
    if (seen.has(taskId)) return null;
    seen.add(taskId);
    for (const dep of plan.tasks.find((t) => t.id === taskId)?.dependsOn ?? []) {
      const found = heldBy.get(dep) ?? waitsOn(dep, seen);
      if (found) return found;
    }
    return null;
  };
  for (const [taskId, s] of round.status) {
    if (s !== 'waiting') continue;
    const escalationId = waitsOn(taskId);
    if (!escalationId) {
      ctx.journal({ type: 'task/didFail', taskId, reason: 'its dependencies conflict and no open question can resolve it' });
      continue;
    }
    if (state.tasks.find((t) => t.task.id === taskId)?.waitingOn === escalationId) continue;
    ctx.journal({ type: 'task/didWait', taskId, escalationId, reason: `its dependencies conflict; it starts from the integration branch once ${escalationId} is answered (then loom resume)` });
  }
}
