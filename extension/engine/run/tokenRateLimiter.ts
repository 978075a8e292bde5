import { ModelError } from '../models/modelProvider';

interface Waiter {
  tokens: number;
  resolve: (waitedMs: number) => void;
  reject: (err: Error) => void;
  since: number;
}

interface Bucket {
  balance: number;
  refilledAt: number;
  queue: Waiter[];
  timer: NodeJS.Timeout | null;
}

/**
 * A run-wide tokens-per-minute limit per provider (endpoint and model), shared by every agent of
 * the run: a token bucket that refills at tpm/60 per second and starts empty, so from the run's
 * start no provider is charged more than its rate. A call is charged its prompt estimate before it
 * goes and the rest of its real usage when it ends (the bucket may go into debt; nothing is
 * admitted until it is repaid). Waiting calls go strictly first come, first served: as each agent
 * has one call in flight at a time, agents take turns.
 */
export class TokenRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;
  private readonly capacity: number;

  constructor(
    readonly tokensPerMinute: number,
    private readonly now: () => number = Date.now,
  ) {
    this.perMs = tokensPerMinute / 60_000;
    // Ten seconds of tokens: an idle provider does not save up a whole minute's burst.
    this.capacity = Math.max(1, tokensPerMinute / 6);
  }

  /** Waits its turn until `tokens` are available for `provider`; resolves with how long it waited. */
  take(provider: string, tokens: number, signal?: AbortSignal): Promise<number> {
    const bucket = this.bucket(provider);
    return new Promise<number>((resolve, reject) => {
      const waiter: Waiter = { tokens: Math.min(tokens, this.capacity), resolve, reject, since: this.now() };
      if (signal) {
        const onAbort = () => {
          const i = bucket.queue.indexOf(waiter);
          if (i >= 0) bucket.queue.splice(i, 1);
          reject(new ModelError('cancelled', 'cancelled while waiting for the rate limit', false));
          this.pump(bucket);
        };
        if (signal.aborted) return onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
        const done = waiter.resolve;
        waiter.resolve = (ms) => {
          signal.removeEventListener('abort', onAbort);
          done(ms);
        };
      }
      // What a call charges beyond the capacity is charged as debt once it is admitted.
      const extra = tokens - waiter.tokens;
      const admitted = waiter.resolve;
      waiter.resolve = (ms) => {
        bucket.balance -= extra;
        admitted(ms);
      };
      bucket.queue.push(waiter);
      this.pump(bucket);
    });
  }

  /** A call ended: its real usage minus what it was charged goes on (or comes off) the bucket. */
  adjust(provider: string, tokens: number): void {
    const bucket = this.bucket(provider);
    this.refill(bucket);
    bucket.balance = Math.min(this.capacity, bucket.balance - tokens);
    this.pump(bucket);
  }

  dispose(): void {
    for (const bucket of this.buckets.values()) {
      if (bucket.timer) clearTimeout(bucket.timer);
      for (const w of bucket.queue.splice(0)) w.reject(new ModelError('cancelled', 'the run ended while waiting for the rate limit', false));
    }
  }

  private bucket(provider: string): Bucket {
    let bucket = this.buckets.get(provider);
    if (!bucket) {
      bucket = { balance: 0, refilledAt: this.now(), queue: [], timer: null };
      this.buckets.set(provider, bucket);
    }
    return bucket;
  }

  private refill(bucket: Bucket): void {
    const now = this.now();
    bucket.balance = Math.min(this.capacity, bucket.balance + (now - bucket.refilledAt) * this.perMs);
    bucket.refilledAt = now;
  }

  private pump(bucket: Bucket): void {
    if (bucket.timer) {
      clearTimeout(bucket.timer);
      bucket.timer = null;
    }
    this.refill(bucket);
    while (bucket.queue.length > 0 && bucket.balance >= bucket.queue[0].tokens) {
      const waiter = bucket.queue.shift()!;
      bucket.balance -= waiter.tokens;
      waiter.resolve(this.now() - waiter.since);
    }
    const head = bucket.queue[0];
    if (head) bucket.timer = setTimeout(() => this.pump(bucket), Math.max(1, Math.ceil((head.tokens - bucket.balance) / this.perMs)));
  }
}
