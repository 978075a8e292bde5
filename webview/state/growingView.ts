import type { RunEvent } from '../../extension/protocol/events';
import type { RunState } from '../../extension/protocol/runState';

/** A view derived from the run and its events, e.g. traceItemsByAgent. */
export type RunView<R> = (run: RunState, events: readonly RunEvent[]) => R;

/**
 * Remembers the last view and, while the events only grow (live events appended, or the timeline
 * moved forward), brings it up to date from the new events alone with `extend`; anything else (another
 * run, a snapshot, the timeline moved back) computes it afresh with `full`. `extend` may return null
 * to ask for a fresh computation. The same inputs give the same object, so renders can compare it.
 */
export function growingView<R>(full: RunView<R>, extend: (previous: R, run: RunState, added: readonly RunEvent[]) => R | null, key: (run: RunState) => unknown = (run) => run): RunView<R> {
  let last: { key: unknown; events: readonly RunEvent[]; result: R } | null = null;
  return (run, events) => {
    const k = key(run);
    if (last && last.events === events && last.key === k) return last.result;
    const result = last && grows(last.events, events) ? (extend(last.result, run, events.slice(last.events.length)) ?? full(run, events)) : full(run, events);
    last = { key: k, events, result };
    return result;
  };
}

/** Whether `next` is `previous` with events appended (the same event objects in front). */
function grows(previous: readonly RunEvent[], next: readonly RunEvent[]): boolean {
  const n = previous.length;
  return n > 0 && next.length >= n && next[0] === previous[0] && next[n - 1] === previous[n - 1];
}
