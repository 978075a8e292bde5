import assert from 'node:assert/strict';
import { foldEvents } from '../../../extension/protocol/reduce';
import { createTimelineFolds } from '../../../webview/state/timelineFolds';
import { loadRecordedRun } from './recordedRun';

describe('webview/state/timelineFolds', () => {
  const events = loadRecordedRun();

  it('folds to any event exactly as the shared reducer does from event 0, in any order of positions', () => {
    const folds = createTimelineFolds(16);
    const positions = [191, 0, 15, 16, 17, 100, 31, 32, 150, 5, 192];
    for (const n of positions) assert.deepEqual(folds.at(events, n), foldEvents(events, n), `event ${n}`);
  });

  it('keeps its states while the journal grows, and starts over after a reset', () => {
    const folds = createTimelineFolds(8);
    assert.deepEqual(folds.at(events.slice(0, 50), 40), foldEvents(events, 40));
    assert.deepEqual(folds.at(events, 120), foldEvents(events, 120));
    const other = events.map((e) => (e.type === 'run/didStart' ? { ...e, runId: 'run-other' } : e));
    folds.reset();
    assert.equal(folds.at(other, 100).runId, 'run-other');
  });
});
