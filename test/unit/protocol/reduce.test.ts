import assert from 'node:assert/strict';
import { reduce, foldEvents } from '../../../extension/protocol/reduce';
import { initialRunState } from '../../../extension/protocol/runState';
import type { RunEvent } from '../../../extension/protocol/events';

describe('protocol/reduce', () => {
  it('folds a run start into planning', () => {
    const ev: RunEvent = { seq: 0, ts: 1, type: 'run/didStart', runId: 'r1', repo: '/r', baseCommit: 'abc', baseBranch: 'main', specPath: 's.md', specRevision: 'x', model: 'm', concurrency: 3 };
    const s = reduce(initialRunState(), ev);
    assert.equal(s.status, 'planning');
    assert.equal(s.runId, 'r1');
    assert.equal(foldEvents([ev]).lastSeq, 0);
  });
});
