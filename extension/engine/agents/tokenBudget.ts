import { addUsage, type Usage } from '../../protocol/usage';

/** A hard token budget, checked before each model call (failure mode 5: cost explosion). */
export class TokenBudget {
  private used: Usage = { inputTokens: 0, outputTokens: 0 };

  constructor(readonly limit: number) {}

  get usage(): Usage {
    return { ...this.used };
  }

  get total(): number {
    return this.used.inputTokens + this.used.outputTokens;
  }

  record(usage: Usage): void {
    this.used = addUsage(this.used, usage);
  }

  /** Would a call whose prompt is about `estimatedPromptTokens` go past the limit? */
  wouldExceed(estimatedPromptTokens: number): boolean {
    return this.total + estimatedPromptTokens > this.limit;
  }
}

/** A cheap, tokenizer-free estimate: about four characters a token for English and code. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
