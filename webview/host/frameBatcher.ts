/** How a batcher waits for the next frame; the defaults are the page's. */
export interface FrameClock {
  requestFrame(callback: () => void): number;
  cancelFrame(id: number): void;
}

export interface FrameBatcher<T> {
  /** Queue an item; the queue is handed over at the next frame (or after maxWaitMs if no frame comes). */
  push(item: T): void;
  /** Hand over what is queued now, without waiting for the frame. */
  flush(): void;
  /** Drop the pending frame; what is queued is handed over first. */
  dispose(): void;
}

/**
 * Collects items that arrive between two frames and hands them over together, once a frame, so a
 * burst of host messages costs one store update and one render instead of one each. A hidden panel
 * gets no animation frames: a timer hands the queue over after `maxWaitMs` all the same.
 */
export function createFrameBatcher<T>(apply: (items: T[]) => void, options: { maxWaitMs?: number; clock?: FrameClock } = {}): FrameBatcher<T> {
  const maxWaitMs = options.maxWaitMs ?? 100;
  const clock = options.clock ?? pageClock();
  let queue: T[] = [];
  let frame: number | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    if (frame !== undefined) clock.cancelFrame(frame);
    if (timer !== undefined) clearTimeout(timer);
    frame = timer = undefined;
    if (!queue.length) return;
    const items = queue;
    queue = [];
    apply(items);
  };
  return {
    push(item) {
      queue.push(item);
      if (frame !== undefined) return;
      frame = clock.requestFrame(flush);
      timer = setTimeout(flush, maxWaitMs);
    },
    flush,
    dispose: flush,
  };
}

/** The page's animation frames; typed by hand, as the unit tests compile this without the DOM's types. */
type FramePage = { requestAnimationFrame?: (f: () => void) => number; cancelAnimationFrame?: (id: number) => void };

function pageClock(): FrameClock {
  const page = globalThis as FramePage;
  if (page.requestAnimationFrame && page.cancelAnimationFrame) {
    const { requestAnimationFrame: request, cancelAnimationFrame: cancel } = page;
    return { requestFrame: (f) => request.call(globalThis, f), cancelFrame: (id) => cancel.call(globalThis, id) };
  }
  // Outside a page (unit tests under node): the next turn of the event loop stands in for a frame.
  return { requestFrame: (f) => setTimeout(f, 0) as unknown as number, cancelFrame: (id) => clearTimeout(id) };
}
