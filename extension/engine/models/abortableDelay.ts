/** Waits `ms`, or rejects with `onAbort()` as soon as the signal aborts. Leaves no timer behind. */
export function abortableDelay(ms: number, signal: AbortSignal | undefined, onAbort: () => Error): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(onAbort());
      return;
    }
    const done = (): void => {
      signal?.removeEventListener('abort', aborted);
      resolve();
    };
    const aborted = (): void => {
      clearTimeout(timer);
      reject(onAbort());
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', aborted, { once: true });
  });
}
