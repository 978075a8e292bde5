import type { Usage } from '../../protocol/usage';
import { costUsd, type PriceTable } from '../../protocol/pricing';
import type { RunContext } from './runContext';
import { decideByPolicy } from './policyQuestion';

/** How many times a budget may be extended: each extension adds the original budget again. */
export const MAX_BUDGET_EXTENSIONS = 2;

/**
 * A task's budget across all of its agents' attempts and resumes (the test author's and the
 * implementor's), in tokens and, when configured, dollars: each agent starts with what is left,
 * never with a fresh budget.
 */
export class TaskBudget {
  private spent = 0;
  private spentDollars = 0;
  private extensions = 0;
  private readonly step: number;
  private readonly stepUsd: number | null;

  constructor(
    private limit: number,
    private limitDollars: number | null = null,
  ) {
    this.step = limit;
    this.stepUsd = limitDollars;
  }

  get limitTokens(): number {
    return this.limit;
  }

  get spentTokens(): number {
    return this.spent;
  }

  get remaining(): number {
    return Math.max(0, this.limit - this.spent);
  }

  /** Dollars left for the task's next agent; null without a dollar budget. */
  get remainingUsd(): number | null {
    return this.limitDollars === null ? null : Math.max(0, this.limitDollars - this.spentDollars);
  }

  get canExtend(): boolean {
    return this.extensions < MAX_BUDGET_EXTENSIONS;
  }

  /** An agent's usage counts against the task; its dollars only when its model has a price. */
  spend(usage: Usage, model?: string, prices?: PriceTable): void {
    this.spent += usage.inputTokens + usage.outputTokens;
    const cost = model ? costUsd(model, usage, prices) : null;
    if (cost !== null) this.spentDollars += cost;
  }

  /** What a task's dollars allow one of its agents, within the per-agent dollar budget. */
  agentUsd(perAgent: number | undefined): number | undefined {
    const left = this.remainingUsd;
    if (left === null) return perAgent;
    return perAgent === undefined ? left : Math.min(perAgent, left);
  }

  /**
   * A budget escalation instead of a silent end: the policy's `extendBudget` rule decides, and by
   * default a person is asked (extend, or stop). Returns whether the budget grew, and why not.
   */
  async askToExtend(ctx: RunContext, taskId: string, agentId: string): Promise<{ extended: boolean; why: string }> {
    if (!this.canExtend) return { extended: false, why: `it was already extended ${MAX_BUDGET_EXTENSIONS} times` };
    const action = { kind: 'extendBudget' as const, taskId, usedTokens: this.spent, limitTokens: this.limit, extraTokens: this.step };
    const answer = await decideByPolicy(ctx, { agentId, taskId, action });
    if (!answer.approved) return { extended: false, why: `the extension was refused (${answer.by})` };
    this.limit += this.step;
    if (this.limitDollars !== null && this.stepUsd !== null) this.limitDollars += this.stepUsd;
    this.extensions++;
    return { extended: true, why: `extended by ${this.step} tokens${this.stepUsd !== null ? ` and $${this.stepUsd.toFixed(2)}` : ''} (${answer.by})` };
  }
}
