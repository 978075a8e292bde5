import type { RunEvent } from '../events';
import type { RunState } from '../runState';

/** The latest moment the journal speaks of: the last event seen, or the latest time in the state. */
export function lastActivity(run: RunState, events: readonly RunEvent[]): number | null {
  let last = run.endedAt ?? run.startedAt ?? null;
  const see = (t: number | null) => {
    if (t !== null && (last === null || t > last)) last = t;
  };
  for (const a of run.agents) see(a.endedAt ?? a.startedAt);
  for (const t of run.tasks) see(t.endedAt ?? t.startedAt);
  for (const e of run.escalations) see(e.ts);
  if (events.length) see(events[events.length - 1].ts);
  return last;
}

/** How long the journal may stay silent before "now" stops being the wall clock (a replay, a stale panel). */
export const LIVE_CLOCK_MAX_GAP_MS = 15 * 60_000;

/**
 * The "now" to measure running things against: the wall clock while the journal is live, else the
 * journal's last moment — so replaying an old run does not show agents running for months.
 */
export function displayNow(lastActivityTs: number | null, wallNow: number): number {
  if (lastActivityTs === null) return wallNow;
  return wallNow - lastActivityTs > LIVE_CLOCK_MAX_GAP_MS ? lastActivityTs : Math.max(wallNow, lastActivityTs);
}
