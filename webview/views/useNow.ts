import { useEffect, useMemo, useState } from 'react';
import { displayNow, lastActivity } from '../../extension/protocol/views/clock';
import { useDashboard } from '../state/useDashboard';

/**
 * The current time for durations of running things, ticking every `intervalMs` while `live`; the
 * journal's last moment when it has been silent for long (see displayNow), or the moment the
 * timeline shows.
 */
export function useNow(live: boolean, intervalMs = 1000): number {
  const [wall, setWall] = useState(() => Date.now());
  useEffect(() => {
    if (!live) return;
    setWall(Date.now());
    const id = setInterval(() => setWall(Date.now()), intervalMs);
    return () => clearInterval(id);
  }, [live, intervalMs]);
  const run = useDashboard((s) => s.run);
  const events = useDashboard((s) => s.events);
  const travelling = useDashboard((s) => s.timelineSeq !== null);
  const last = useMemo(() => lastActivity(run, events), [run, events]);
  // In the past the timeline shows, "now" is the moment of its event, not the wall clock.
  if (travelling && events.length) return events[events.length - 1].ts;
  return displayNow(last, wall);
}
