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

describe('protocol/reduce finding reviews', () => {
  const task = { id: 't', title: 't', instructions: 'i', requirementIds: ['R1'], fileScope: ['a'], dependsOn: [], acceptance: [] };
  const finding = { severity: 'warning' as const, rule: 'scope/outside', message: 'm', file: 'b.js' };
  const events: RunEvent[] = [
    { seq: 0, ts: 1, type: 'plan/didAccept', plan: { tasks: [task] } },
    { seq: 1, ts: 2, type: 'verify/didFinish', taskId: 't', attempt: 1, passed: true, findings: [finding, finding] },
    { seq: 2, ts: 3, type: 'finding/didReview', taskId: 't', index: 1, decision: 'dismissed', by: 'user' },
    { seq: 3, ts: 4, type: 'finding/didReview', taskId: 't', index: 1, decision: 'accepted', by: 'user' },
    { seq: 4, ts: 5, type: 'finding/didReview', taskId: 't', index: 0, decision: 'dismissed', by: 'user' },
  ];

  it('keeps the latest decision per finding', () => {
    assert.deepEqual(foldEvents(events).tasks[0].reviews, [
      { index: 1, decision: 'accepted' },
      { index: 0, decision: 'dismissed' },
    ]);
  });

  it('forgets decisions when a new verification replaces the findings', () => {
    const again: RunEvent = { seq: 5, ts: 6, type: 'verify/didFinish', taskId: 't', attempt: 2, passed: true, findings: [finding] };
    assert.deepEqual(foldEvents([...events, again]).tasks[0].reviews, []);
  });
});
