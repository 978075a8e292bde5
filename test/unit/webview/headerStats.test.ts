import assert from 'node:assert/strict';
import { foldEvents } from '../../../extension/protocol/reduce';
import { headerStats } from '../../../webview/state/headerStats';
import { conflictRun } from '../protocol/views/conflictRun';
import { loadRecordedRun } from './recordedRun';

describe('webview/state/headerStats (merge tiers and conflicts)', () => {
  const { events, afterPredictions } = conflictRun();
  const stat = (state: ReturnType<typeof foldEvents>, id: string) => headerStats(state, state.endedAt ?? 0).find((s) => s.id === id);

  it('counts merges by tier once something merged, in AgentSpawn order', () => {
    const state = foldEvents(events);
    assert.deepEqual(stat(state, 'merges'), {
      id: 'merges',
      label: 'Merged by',
      value: '1 · 1 · 1',
      detail: 'auto · agent · person',
      title: 'auto-merge: 1, merge agent: 1, person: 1',
    });
    assert.equal(stat(foldEvents(events, afterPredictions), 'merges'), undefined);
    assert.equal(stat(foldEvents(loadRecordedRun()), 'merges')?.value, '3 · 0 · 0');
  });

  it('counts conflicts found, semantic ones and live predictions apart', () => {
    assert.deepEqual(
      [stat(foldEvents(events, afterPredictions), 'conflicts')?.value, stat(foldEvents(events, afterPredictions), 'conflicts')?.detail],
      ['0', '2 predicted'],
    );
    const end = stat(foldEvents(events), 'conflicts');
    assert.deepEqual([end?.value, end?.detail], ['2', '1 semantic']);
    assert.match(end?.title ?? '', /^1 textual \(git could not merge\), 1 semantic \(merged cleanly, a check fails\), 0 predicted/);
    assert.equal(stat(foldEvents(events, 1), 'conflicts'), undefined);
  });

  it('shows the cached part of the input tokens beside them, and nothing about caching when none was reported', () => {
    const recorded = loadRecordedRun();
    const plain = stat(foldEvents(recorded), 'tokens');
    assert.doesNotMatch(plain?.detail ?? '', /cached/);
    let first = true;
    const cachedRun = recorded.map((e) => {
      if (e.type !== 'model/didRespond' || !first) return e;
      first = false;
      return { ...e, usage: { ...e.usage, inputTokens: 4_000, cachedInputTokens: 3_072 } };
    });
    const tokens = stat(foldEvents(cachedRun), 'tokens');
    assert.match(tokens?.detail ?? '', / in \(3\.1k cached\) · /);
    assert.match(tokens?.title ?? '', /input \(3,072 of them cached\) and/);
  });
});
