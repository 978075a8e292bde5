import type { RunEvent } from '../../extension/protocol/events';

/**
 * The journal events the dashboard keeps beside the folded state: the per-call history that
 * traces and spend are derived from. Everything else is already summarized in RunState.
 */
const TRACE_TYPES = new Set<RunEvent['type']>([
  'model/didRespond',
  'model/didFail',
  'tool/didCall',
  'agent/didWarn',
  'checkpoint/didCommit',
  'verify/didCheck',
  'escalation/didOpen',
  'escalation/didResolve',
]);

export function isTraceEvent(event: RunEvent): boolean {
  return TRACE_TYPES.has(event.type);
}

/**
 * The copy kept in the panel: a checkpoint's whole conversation stays in the journal; the
 * trace only needs to know that the checkpoint happened.
 */
export function toTraceEvent(event: RunEvent): RunEvent {
  return event.type === 'checkpoint/didCommit' ? { ...event, messages: [] } : event;
}

/** Trace events of a list, lightened, in journal order. */
export function traceEventsOf(events: readonly RunEvent[]): RunEvent[] {
  return events.filter(isTraceEvent).map(toTraceEvent);
}
