import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { ModelError } from './modelProvider';
import { parseRetryAfterMs } from './retryPolicy';

/** Why Loom itself aborted an attempt, when it did: the SDK reports all of these as a bare abort. */
export type AbortCause =
  | { kind: 'cancelled' }
  | { kind: 'idle'; timeoutMs: number }
  | { kind: 'deadline'; timeoutMs: number };

/**
 * Maps anything thrown by one attempt (SDK errors, fetch errors, JSON parse errors, our own
 * aborts) to the typed ModelError at the model boundary. Never throws.
 */
export function mapModelError(error: unknown, cause: AbortCause | undefined, now: number = Date.now(), baseUrl?: string): ModelError {
  const endpoint = baseUrl ? `the model endpoint at ${baseUrl}` : 'the model endpoint';
  if (error instanceof ModelError) return error;
  if (cause) return fromAbortCause(cause);
  if (error instanceof APIUserAbortError) return new ModelError('cancelled', 'model request was cancelled', false);
  if (error instanceof APIConnectionTimeoutError) {
    return new ModelError('timeout', 'model request timed out before the server answered', true);
  }
  if (error instanceof APIConnectionError) {
    return new ModelError('network', `could not reach ${endpoint}: ${describe(error.cause ?? error)}`, true);
  }
  if (error instanceof APIError) return fromStatus(error, now);
  if (error instanceof SyntaxError) {
    return new ModelError('malformed', `model response could not be parsed: ${error.message}`, true);
  }
  if (isAbortLike(error)) return new ModelError('cancelled', 'model request was cancelled', false);
  if (error instanceof TypeError) {
    // undici: "terminated" when the socket closes mid-body, "fetch failed" before it starts.
    return new ModelError('network', `connection to ${endpoint} failed: ${describe(error)}`, true);
  }
  return new ModelError('malformed', `unexpected error from the model client: ${describe(error)}`, false);
}

function fromAbortCause(cause: AbortCause): ModelError {
  switch (cause.kind) {
    case 'cancelled':
      return new ModelError('cancelled', 'model request was cancelled', false);
    case 'idle':
      return new ModelError('timeout', `model stream stalled: no data for ${cause.timeoutMs} ms`, true);
    case 'deadline':
      return new ModelError('timeout', `model request took longer than ${cause.timeoutMs} ms`, true);
  }
}

function fromStatus(error: APIError, now: number): ModelError {
  const status = error.status;
  const detail = error.message || 'no message';
  if (status === undefined) {
    // An `error` object sent inside an otherwise healthy stream: the server failed mid-answer.
    return new ModelError('server', `model server reported an error mid-stream: ${detail}`, true);
  }
  if (status === 429) {
    const retryAfterMs = parseRetryAfterMs(error.headers, now);
    return new ModelError('rateLimited', `model endpoint rate-limited the request (429): ${detail}`, true, retryAfterMs, status);
  }
  if (status === 401 || status === 403) {
    return new ModelError('auth', `model endpoint rejected the credentials (${status}): ${detail}. Check LOOM_API_KEY or OPENAI_API_KEY.`, false, undefined, status);
  }
  if (status === 408) return new ModelError('timeout', `model endpoint timed out (408): ${detail}`, true, parseRetryAfterMs(error.headers, now), status);
  if (status >= 500) {
    return new ModelError('server', `model server error (${status}): ${detail}`, true, parseRetryAfterMs(error.headers, now), status);
  }
  return new ModelError('badRequest', `model endpoint refused the request (${status}): ${detail}`, false, undefined, status);
}

function isAbortLike(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    const causeText = cause instanceof Error && cause.message !== error.message ? ` (${cause.message})` : '';
    return `${error.message}${causeText}`;
  }
  return String(error);
}
