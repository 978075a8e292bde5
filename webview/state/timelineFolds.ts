import type { RunEvent } from '../../extension/protocol/events';
import { foldEvents } from '../../extension/protocol/reduce';
import { initialRunState, type RunState } from '../../extension/protocol/runState';

/** The run folded at any event of one journal, fast enough to drag a slider over a long run. */
export interface TimelineFolds {
  /** The shared reducer over events[0..seq]; `events` holds the whole journal from seq 0. */
  at(events: readonly RunEvent[], seq: number): RunState;
  /** Forget the kept states (another run, or a snapshot replaced the events). */
  reset(): void;
}

/**
 * Keeps the state after every `stride` events as it goes, so a fold starts from the nearest kept
 * state instead of event 0 (reduce is pure, so a kept state is never changed by later folds).
 */
export function createTimelineFolds(stride = 256): TimelineFolds {
  // kept[k]: the state after events[0 .. (k + 1) * stride - 1].
  const kept: RunState[] = [];
  return {
    at(events, seq) {
      const whole = Math.floor((seq + 1) / stride);
      while (kept.length < whole) {
        const from = kept.length * stride;
        kept.push(foldEvents(events.slice(from, from + stride), Infinity, kept[kept.length - 1] ?? initialRunState()));
      }
      return foldEvents(events.slice(whole * stride, seq + 1), Infinity, whole ? kept[whole - 1] : initialRunState());
    },
    reset() {
      kept.length = 0;
    },
  };
}
