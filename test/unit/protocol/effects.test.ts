import assert from 'node:assert/strict';
import { effectKey, mergeIntent, repeatedEffects, unfinishedEffects } from '../../../extension/protocol/effects';
import type { EventBody, RunEvent } from '../../../extension/protocol/events';

const stamp = (bodies: EventBody[]): RunEvent[] => bodies.map((b, seq) => ({ ...b, seq, ts: seq }) as RunEvent);
const merged = (taskId: string): EventBody => ({ type: 'merge/didMerge', taskId, branch: 'loom/r/integration', commit: `m-${taskId}` });

describe('protocol/effects', () => {
  it('a merge intent ends merged, abandoned (a conflict left it out) or unfinished (a crash)', () => {
    const events = stamp([
      mergeIntent('a', 'clean'),
      mergeIntent('b', 'clean'),
      mergeIntent('c', 'clean'),
      merged('a'),
      { type: 'effect/didAbandon', key: effectKey.merge('b'), reason: 'conflict' },
    ]);
    assert.deepEqual(unfinishedEffects(events).map((e) => e.key), ['merge:c']);
  });

  it('an effect completed twice is reported, an intent made again after an abandon is not', () => {
    assert.deepEqual(repeatedEffects(stamp([mergeIntent('a', 'x'), merged('a'), mergeIntent('a', 'again'), merged('a')])), ['merge:a']);
    const retried = stamp([mergeIntent('b', 'x'), { type: 'effect/didAbandon', key: 'merge:b', reason: 'merge agent failed' }, mergeIntent('b', 'by hand'), merged('b')]);
    assert.deepEqual(repeatedEffects(retried), []);
    assert.deepEqual(unfinishedEffects(retried), []);
  });
});
