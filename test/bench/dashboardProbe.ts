// The in-page half of the dashboard benchmark, injected as plain script text (functions handed to
// page.evaluate would carry the bundler's helpers with them). It installs `window.__bench`:
//   frames      requestAnimationFrame deltas while recording (frame gaps);
//   stream      posts events as the host does (window.postMessage, one message each) at a steady rate,
//               and times each from its post until the frame that paints its seq in the timeline's
//               position (read in a frame's rAF callback, so painted by the next frame's start);
//   switchTab   clicks a tab header and times it until the frame after the tab's view is in the DOM
//               and visible (so painted by then).
// Every figure is measured in the page with performance.now(): no round trip to node is counted.
export const PROBE_SOURCE = String.raw`
(() => {
  const bench = {
    gaps: [], recording: false, last: 0,
    posted: new Map(), seen: [], latencies: [], streaming: null,
  };
  const shownSeq = () => Number(document.querySelector('.timeline-position')?.getAttribute('data-seq') ?? -1);
  const frame = (t) => {
    const now = performance.now();
    if (bench.recording && bench.last) bench.gaps.push(now - bench.last);
    bench.last = now;
    // Seen in the previous frame's callback: painted by now.
    for (const seq of bench.seen) {
      bench.latencies.push(now - bench.posted.get(seq));
      bench.posted.delete(seq);
    }
    bench.seen = [];
    if (bench.posted.size) {
      const shown = shownSeq();
      // Posted in seq order: stop at the first one not shown yet.
      for (const seq of bench.posted.keys()) {
        if (seq > shown) break;
        bench.seen.push(seq);
      }
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);

  bench.startFrames = () => { bench.gaps = []; bench.last = 0; bench.recording = true; };
  bench.stopFrames = () => { bench.recording = false; return bench.gaps; };

  /** Post events at ratePerSec, each as its own message; resolves when all are posted. */
  bench.stream = (events, ratePerSec) => new Promise((resolve) => {
    const start = performance.now();
    let next = 0;
    const tick = () => {
      const due = Math.min(events.length, Math.floor(((performance.now() - start) / 1000) * ratePerSec) + 1);
      for (; next < due; next++) {
        bench.posted.set(events[next].seq, performance.now());
        window.postMessage({ type: 'run/didEmit', event: events[next] }, '*');
      }
      if (next < events.length && !bench.stopped) bench.streaming = setTimeout(tick, 4);
      else resolve(next);
    };
    tick();
  });
  bench.stop = () => { bench.stopped = true; };
  bench.takeLatencies = () => { const l = bench.latencies; bench.latencies = []; return l; };
  bench.pendingLatencies = () => bench.posted.size;

  bench.switchTab = (id) => new Promise((resolve, reject) => {
    const header = document.querySelector('vscode-tab-header[data-tab="' + id + '"]');
    if (!header) return reject(new Error('no tab header ' + id));
    const t0 = performance.now();
    header.click();
    const shown = () => {
      const panel = document.querySelector('vscode-tab-panel.tab-' + id);
      const view = panel && panel.querySelector('.view, .empty-state');
      return view && view.checkVisibility() && view.getBoundingClientRect().height > 0;
    };
    const deadline = t0 + 10000;
    const poll = () => {
      if (shown()) return requestAnimationFrame(() => resolve(performance.now() - t0));
      if (performance.now() > deadline) return reject(new Error('tab ' + id + ' never showed'));
      requestAnimationFrame(poll);
    };
    poll();
  });
  window.__bench = bench;
})();
`;
