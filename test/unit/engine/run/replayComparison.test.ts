import assert from 'node:assert/strict';
import type { RunEvent } from '../../../../extension/protocol/events';
import { compareReplay } from '../../../../extension/engine/run/replayComparison';
import { loadRecordedRun } from '../../webview/recordedRun';

describe('engine/run/replayComparison', () => {
  const recorded = loadRecordedRun();

  it('a replay with other times is identical; task outcomes are read from the fold', () => {
    const replayed = recorded.map((e) => ({ ...e, ts: e.ts + 60_000 }) as RunEvent);
    const same = compareReplay(recorded, replayed);
    assert.equal(same.identical, true, same.difference ?? '');
  });

  it('names a task that ended another way, even when every agent took the same steps', () => {
    // The conflicted task's escalation is never opened in the replay: the task stays verified.
    const replayed = recorded.filter((e) => !(e.type === 'escalation/didOpen' && e.escalationId === 'esc-2'));
    const diff = compareReplay(recorded, replayed);
    assert.equal(diff.identical, false);
    assert.match(diff.difference ?? '', /^task outcomes: recorded .*esc-2 opened.*package-entry conflicted.*; replayed .*package-entry succeeded/);
  });
});
