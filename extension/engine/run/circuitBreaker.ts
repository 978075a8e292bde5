/** What trips the breaker; `consecutiveFailures` 0 and absent rates turn that trigger off. */
export interface BreakerSettings {
  /** Agent attempts or model calls that failed in a row, across the run (default 3). */
  consecutiveFailures: number;
  /** Tokens spent in any 60-second window. */
  maxTokensPerMinute?: number;
  /** Dollars spent in any 60-second window (priced models only). */
  maxUsdPerMinute?: number;
}

export const DEFAULT_BREAKER: BreakerSettings = { consecutiveFailures: 3 };

export interface Trip {
  trigger: 'failures' | 'spendRate';
  detail: string;
}

const WINDOW_MS = 60_000;

/**
 * The circuit breaker's arithmetic (failure mode 5): N failures in a row, or spending faster than a
 * rate, trips it. Pausing the run and asking a person is the run gate's part.
 */
export class CircuitBreaker {
  private failures: string[] = [];
  private spends: { at: number; tokens: number; usd: number }[] = [];

  constructor(
    private readonly settings: BreakerSettings,
    private readonly now: () => number = Date.now,
  ) {}

  /** A model call that failed for good, or an agent attempt that ended in failure. */
  recordFailure(what: string): Trip | null {
    this.failures.push(what);
    const n = this.settings.consecutiveFailures;
    if (n <= 0 || this.failures.length < n) return null;
    return { trigger: 'failures', detail: `${this.failures.length} failures in a row (${this.failures.slice(-n).join('; ')})` };
  }

  /** A model call that worked, or an agent that completed: the run is making progress. */
  recordSuccess(): void {
    this.failures = [];
  }

  recordSpend(tokens: number, usd: number | null): Trip | null {
    const now = this.now();
    this.spends.push({ at: now, tokens, usd: usd ?? 0 });
    this.spends = this.spends.filter((s) => now - s.at < WINDOW_MS);
    const total = this.spends.reduce((sum, s) => ({ tokens: sum.tokens + s.tokens, usd: sum.usd + s.usd }), { tokens: 0, usd: 0 });
    const { maxTokensPerMinute, maxUsdPerMinute } = this.settings;
    if (maxTokensPerMinute !== undefined && total.tokens > maxTokensPerMinute) {
      return { trigger: 'spendRate', detail: `${total.tokens} tokens in the last minute, over the limit of ${maxTokensPerMinute}` };
    }
    if (maxUsdPerMinute !== undefined && total.usd > maxUsdPerMinute) {
      return { trigger: 'spendRate', detail: `$${total.usd.toFixed(4)} in the last minute, over the limit of $${maxUsdPerMinute}` };
    }
    return null;
  }

  /** A person resumed the run: it starts counting afresh. */
  reset(): void {
    this.failures = [];
    this.spends = [];
  }
}
