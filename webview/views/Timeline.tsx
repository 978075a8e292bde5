import VscodeButton from '@vscode-elements/react-elements/dist/components/VscodeButton.js';
import type { KeyboardEvent } from 'react';
import { formatOffset } from '../format';
import { hasWholeHistory } from '../state/store';
import { useDashboard } from '../state/useDashboard';

/**
 * Time travel: a slider over the run's events. At event N every view shows the run folded to N
 * (the same reducer over events[0..N]); "Live" (or Escape on the slider) follows the run again.
 * The slider is a native range input, so arrows, Page Up/Down, Home and End move it.
 */
export function Timeline() {
  const live = useDashboard((s) => s.live);
  const seq = useDashboard((s) => s.timelineSeq);
  const showEvent = useDashboard((s) => s.showEvent);
  const last = live.run.lastSeq;
  if (last < 1) return null;
  const whole = hasWholeHistory(live);
  const at = seq ?? last;
  const event = whole ? live.events[at] : undefined;
  const origin = live.run.startedAt ?? live.events[0]?.ts ?? 0;
  const where = event ? `event ${at} of ${last} · ${formatOffset(event.ts - origin)} · ${event.type}` : `event ${at} of ${last}`;
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Escape' && seq !== null) {
      e.preventDefault();
      showEvent(null);
    }
  };
  return (
    <section className={`timeline${seq === null ? ' is-live' : ' is-past'}`} aria-label="Timeline">
      <label className="timeline-label" htmlFor="loom-timeline">
        <i className="codicon codicon-history" aria-hidden="true" /> Timeline
      </label>
      <input
        id="loom-timeline"
        className="timeline-slider"
        type="range"
        min={0}
        max={last}
        step={1}
        value={at}
        disabled={!whole}
        aria-valuetext={seq === null ? `live, ${where}` : where}
        title={whole ? 'Drag, or use the arrow keys, to see the run at any event; Escape returns to live' : 'The whole journal has not arrived yet'}
        onChange={(e) => showEvent(Number(e.currentTarget.value))}
        onKeyDown={onKeyDown}
      />
      <span className="timeline-position" data-seq={at} aria-live="polite">
        {seq === null ? `Live · ${where}` : `At ${where}`}
      </span>
      <VscodeButton className="timeline-live" secondary={seq === null} disabled={seq === null} onClick={() => showEvent(null)}>
        <i className="codicon codicon-debug-continue" slot="content-before" aria-hidden="true" /> Live
      </VscodeButton>
    </section>
  );
}
