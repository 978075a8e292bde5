import type { Usage } from '../../protocol/usage';
import { classifyAction } from '../policy/actionPolicy';
import type { RunContext } from './runContext';

/** How many times a task's budget may be extended: each extension adds the original budget again. */
export const MAX_BUDGET_EXTENSIONS = 2;

/**
 * A task's token budget across all of its agents' attempts and resumes (the test author's and the
 * implementor's): each agent starts with what is left, never with a fresh budget.
 */
export class TaskBudget {
  private spent = 0;
  private extensions = 0;

  constructor(
    private limit: number,
    private readonly step = limit,
  ) {}

  get limitTokens(): number {
    return this.limit;
  }

  get spentTokens(): number {
    return this.spent;
  }

  get remaining(): number {
    return Math.max(0, this.limit - this.spent);
  }

  get canExtend(): boolean {
    return this.extensions < MAX_BUDGET_EXTENSIONS;
  }

  spend(usage: Usage): void {
    this.spent += usage.inputTokens + usage.outputTokens;
  }

  /**
   * A budget escalation instead of a silent end: the policy's `extendBudget` rule decides, and by
   * default a person is asked (extend, or stop). Returns whether the budget grew, and why not.
   */
  async askToExtend(ctx: RunContext, taskId: string, agentId: string): Promise<{ extended: boolean; why: string }> {
    if (!this.canExtend) return { extended: false, why: `it was already extended ${MAX_BUDGET_EXTENSIONS} times` };
    const action = { kind: 'extendBudget' as const, taskId, usedTokens: this.spent, limitTokens: this.limit, extraTokens: this.step };
    const { decision, reason } = classifyAction(action, ctx.policy, []);
    let approved = decision === 'allow';
    let by = 'policy';
    if (decision === 'approve') {
      const answer = await ctx.approvals.request({ agentId, taskId, action, reason });
      approved = answer.approved;
      by = answer.by;
    } else {
      ctx.journal({ type: 'policy/didDecide', agentId, taskId, action, outcome: approved ? 'approved' : 'denied', by: 'policy', escalationId: null, reason });
    }
    if (!approved) return { extended: false, why: `the extension was refused (${by})` };
    this.limit += this.step;
    this.extensions++;
    return { extended: true, why: `extended by ${this.step} tokens (${by})` };
  }
}
