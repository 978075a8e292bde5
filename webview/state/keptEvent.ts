import type { RunEvent } from '../../extension/protocol/events';

/**
 * The copy of a journal event the panel keeps: every event (the timeline folds them again), but a
 * checkpoint's whole conversation stays in the journal; the panel only needs its commit.
 */
export function keptEvent(event: RunEvent): RunEvent {
  return event.type === 'checkpoint/didCommit' ? { ...event, messages: [] } : event;
}
