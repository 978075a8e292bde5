/** Pure retry decisions for model calls: exponential backoff with jitter, honouring Retry-After. */

export interface RetryPolicy {
  /** Retries after the first attempt (ModelEndpoint.maxRetries). */
  maxRetries: number;
  /** Backoff before retry n is baseDelayMs * 2^(n-1), capped at maxDelayMs, then jittered. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A server asking us to wait longer than this is not retried here: the error goes to the caller. */
  maxRetryAfterMs: number;
}

export const defaultRetryPolicy: Omit<RetryPolicy, 'maxRetries'> = {
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  maxRetryAfterMs: 120_000,
};

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason: string };

/**
 * Exponential backoff with "equal jitter": half the window is fixed, half random, so parallel
 * agents that failed together do not retry together. `retryNumber` is 1 for the first retry.
 */
export function backoffDelayMs(retryNumber: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, random: () => number): number {
  const exponent = Math.max(0, retryNumber - 1);
  const window = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
  return Math.round(window / 2 + clamp01(random()) * (window / 2));
}

/**
 * Whether to retry after a failed attempt and how long to wait first. A server-given delay
 * (Retry-After) is a floor: we wait at least that long, plus a little jitter.
 */
export function decideRetry(input: {
  retryNumber: number;
  retryable: boolean;
  retryAfterMs: number | undefined;
  policy: RetryPolicy;
  random: () => number;
}): RetryDecision {
  const { retryNumber, retryable, retryAfterMs, policy, random } = input;
  if (!retryable) return { retry: false, reason: 'not retryable' };
  if (retryNumber > policy.maxRetries) return { retry: false, reason: `gave up after ${policy.maxRetries + 1} attempt${policy.maxRetries === 0 ? '' : 's'}` };
  if (retryAfterMs !== undefined) {
    if (retryAfterMs > policy.maxRetryAfterMs) {
      return { retry: false, reason: `server asked to wait ${retryAfterMs} ms, more than the ${policy.maxRetryAfterMs} ms Loom waits in place` };
    }
    const jitter = Math.round(clamp01(random()) * Math.min(250, policy.baseDelayMs));
    return { retry: true, delayMs: retryAfterMs + jitter };
  }
  return { retry: true, delayMs: backoffDelayMs(retryNumber, policy, random) };
}

/** The subset of the fetch Headers API we read. */
export interface HeaderReader {
  get(name: string): string | null;
}

/**
 * The wait a server asked for, in ms: `retry-after-ms` (non-standard, OpenAI/Azure) first, then
 * `Retry-After` as delta-seconds or an HTTP date. Undefined when absent or unparseable.
 */
export function parseRetryAfterMs(headers: HeaderReader | undefined | null, now: number): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '') {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return Math.ceil(value);
  }
  const after = headers.get('retry-after');
  if (after === null || after.trim() === '') return undefined;
  const trimmed = after.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

function clamp01(value: number): number {
  if (!Number.isFinite(value)) return 0;
  return Math.min(1, Math.max(0, value));
}
