import type { Plan } from '../../protocol/plan';
import { PlanSchema } from '../../protocol/plan';
import type { RunContext } from './runContext';

export type PlanningEnd = { ok: true; plan: Plan } | { ok: false; reason: string };

/**
 * Workers for the plan's first tasks, loading the implementor's code ahead: while the coordinator waits
 * on its model, not while it starts (eight workers loading at once held its first request back by a second).
 */
export function warmFirstWave(ctx: Pick<RunContext, 'launcher' | 'options'>): void {
  ctx.launcher.warm(ctx.options.concurrency, 'implementor');
}

/** The coordinator agent turns the spec into a validated plan, in its own worker thread. */
export async function planningPhase(ctx: RunContext, repoFiles: string[]): Promise<PlanningEnd> {
  const agentId = 'coordinator-1';
  let warmed = false;
  const end = await ctx.launcher.run({
    agentId,
    role: 'coordinator',
    attempt: 1,
    beforeModelCall: async () => {
      if (warmed) return;
      warmed = true;
      setImmediate(() => warmFirstWave(ctx)); // after this call is admitted and on its way
    },
    budgetTokens: ctx.options.budgets.planTokens,
    job: (endpoint) => ({
      role: 'coordinator',
      runId: ctx.runId,
      agentId,
      spec: ctx.spec,
      repoFiles,
      runnable: { allowlist: ctx.options.commandAllowlist, confined: ctx.sandbox.spec.kind !== 'none' },
      ...(ctx.options.planCoverage ? { coverage: ctx.options.planCoverage } : {}),
      endpoint,
      budgetTokens: ctx.options.budgets.planTokens,
    }),
  });
  if (end.outcome.kind !== 'completed') return { ok: false, reason: `coordinator ${end.outcome.kind}: ${end.outcome.message}` };
  const plan = PlanSchema.safeParse(end.output);
  if (!plan.success) return { ok: false, reason: 'coordinator returned no valid plan' };
  if (ctx.options.confirmPlan && !(await ctx.options.confirmPlan(plan.data))) return { ok: false, reason: 'plan rejected by the user' };
  ctx.journal({ type: 'plan/didAccept', plan: plan.data });
  return { ok: true, plan: plan.data };
}
