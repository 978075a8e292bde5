/** Thrown when work is cancelled through an AbortSignal; callers map it to a `stopped` outcome. */
export class CancelledError extends Error {
  constructor(reason = 'cancelled') {
    super(reason);
    this.name = 'CancelledError';
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError(String(signal.reason ?? 'cancelled'));
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CancelledError());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CancelledError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A signal of its own that follows `parent` until `release()`. For a library that adds a listener to
 * the signal it is given and never removes it (the MCP SDK's Client.request): given the agent's
 * long-lived signal, every call would leave one behind.
 */
export function childSignal(parent: AbortSignal | undefined): { signal: AbortSignal | undefined; release: () => void } {
  if (!parent) return { signal: undefined, release: () => undefined };
  const child = new AbortController();
  const follow = () => child.abort(parent.reason);
  if (parent.aborted) follow();
  else parent.addEventListener('abort', follow, { once: true });
  return { signal: child.signal, release: () => parent.removeEventListener('abort', follow) };
}
