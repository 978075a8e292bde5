import type { Usage } from '../../protocol/usage';
import { estimateTokens, TokenBudget } from '../agents/tokenBudget';
import { ModelError, type ChatRequest, type ChatResponse, type ModelProvider } from './modelProvider';

/** One call's output cap when the budget leaves more room: a single answer longer than this is cut by the model. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 8192;
/** Below this much room for output, another call is not worth making. */
const MIN_OUTPUT_TOKENS = 16;

/**
 * Every role's hard token budget (failure mode 5), enforced where every model call passes: before a
 * call, the prompt's estimate plus some output must fit in what is left, or the call is never made
 * (`ModelError('budget')`); the call is sent with an output cap of what is left (at most
 * `maxOutputTokens`), so it cannot overshoot by more than the prompt estimate's error.
 */
export class BudgetedProvider implements ModelProvider {
  private readonly budget: TokenBudget;

  constructor(
    private readonly inner: ModelProvider,
    limit: number,
    private readonly maxOutputTokens = DEFAULT_MAX_OUTPUT_TOKENS,
  ) {
    this.budget = new TokenBudget(limit);
  }

  get model(): string {
    return this.inner.model;
  }

  get limit(): number {
    return this.budget.limit;
  }

  /** What this agent's calls have used so far (as the endpoint reported it). */
  get usage(): Usage {
    return this.budget.usage;
  }

  async chat(request: ChatRequest): Promise<ChatResponse> {
    const prompt = estimateTokens(JSON.stringify(request.messages)) + estimateTokens(JSON.stringify(request.tools));
    const room = this.budget.limit - this.budget.total - prompt;
    if (room < MIN_OUTPUT_TOKENS) {
      throw new ModelError('budget', `token budget of ${this.budget.limit} reached (${this.budget.total} used, the next prompt is about ${prompt})`, false);
    }
    const response = await this.inner.chat({ ...request, maxOutputTokens: Math.min(request.maxOutputTokens ?? this.maxOutputTokens, room) });
    this.budget.record(response.usage);
    return response;
  }
}
