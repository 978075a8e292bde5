import type { Usage } from '../../protocol/usage';
import { estimateTokens, TokenBudget } from '../agents/tokenBudget';
import { ModelError, type ChatRequest, type ChatResponse, type ModelProvider } from './modelProvider';
import type { ModelGate } from './modelGate';

/** One call's output cap when the budget leaves more room: a single answer longer than this is cut by the model. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 8192;
/** Below this much room for output, another call is not worth making. */
export const MIN_OUTPUT_TOKENS = 16;

/**
 * Every role's hard budgets (failure mode 5), enforced where every model call passes: before a
 * call, the prompt's estimate plus some output must fit in what is left of the agent's tokens, or
 * the call is never made (`ModelError('budget')`); then the run's gate (run and dollar budgets,
 * circuit breaker, rate limit) admits it, possibly with a smaller cap. The call is sent with that
 * output cap, so it cannot overshoot by more than the prompt estimate's error.
 */
export class BudgetedProvider implements ModelProvider {
  private readonly budget: TokenBudget;

  constructor(
    private readonly inner: ModelProvider,
    limit: number,
    private readonly maxOutputTokens = DEFAULT_MAX_OUTPUT_TOKENS,
    private readonly gate?: ModelGate,
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
    let cap = Math.min(request.maxOutputTokens ?? this.maxOutputTokens, room);
    if (this.gate) cap = (await this.gate.admit({ promptTokens: prompt, maxOutputTokens: cap }, request.signal)).maxOutputTokens;
    let response: ChatResponse;
    try {
      response = await this.inner.chat({ ...request, maxOutputTokens: cap });
    } catch (err) {
      this.gate?.settle({ failed: err instanceof ModelError ? err.kind : 'server' });
      throw err;
    }
    this.gate?.settle({ usage: response.usage });
    this.budget.record(response.usage);
    return response;
  }
}
