import assert from 'node:assert/strict';
import { foldEvents } from '../../../../extension/protocol/reduce';
import { conflictCounts, conflictText, formatLineRanges, livePredictions, predictionsOfTask, predictionText, tierCounts, tierCountsText } from '../../../../extension/protocol/views/conflictText';
import { conflictRun } from './conflictRun';

describe('protocol/views/conflictText', () => {
  const { events, afterPredictions } = conflictRun();

  it('line ranges read as a person says them', () => {
    assert.equal(formatLineRanges([]), '');
    assert.equal(formatLineRanges([{ start: 2, end: 2 }]), 'line 2');
    assert.equal(formatLineRanges([{ start: 3, end: 7 }]), 'lines 3–7');
    assert.equal(formatLineRanges([{ start: 3, end: 7 }, { start: 12, end: 12 }]), 'lines 3–7, 12');
  });

  it('a prediction names both branches, the file and the base lines; each task sees the other side', () => {
    const state = foldEvents(events, afterPredictions);
    assert.deepEqual(
      state.predictions.map((p) => predictionText(p)),
      ['add-multiply × add-divide: predicted conflict in src/calc.js lines 3–7', 'add-divide × the integration branch: predicted conflict in src/index.js line 2'],
    );
    assert.deepEqual(
      predictionsOfTask(state, 'add-divide').map((p) => p.other),
      ['add-multiply', null],
    );
    const kindOnly = { ...state.predictions[0], files: [{ path: 'src/a.js', kind: 'modify/delete', hunks: [] }] };
    assert.equal(predictionText(kindOnly, 'x'), 'add-multiply x add-divide: predicted conflict in src/a.js (modify/delete)');
  });

  it('live predictions: only between tasks in flight; a task that failed or conflicted ends its predictions', () => {
    const state = foldEvents(events, afterPredictions);
    assert.equal(livePredictions(state).length, 2);
    const failed = { ...state, tasks: state.tasks.map((t) => (t.task.id === 'add-multiply' ? { ...t, status: 'failed' as const } : t)) };
    assert.deepEqual(
      livePredictions(failed).map((p) => [p.taskId, p.otherTaskId]),
      [['add-divide', null]],
    );
    const verified = { ...state, tasks: state.tasks.map((t) => (t.task.id === 'add-divide' ? { ...t, status: 'succeeded' as const } : t)) };
    assert.equal(livePredictions(verified).length, 2, 'verified and not yet merged is still in flight');
  });

  it('semantic conflicts are worded apart from textual ones, and counted apart', () => {
    const state = foldEvents(events);
    assert.deepEqual(
      state.conflicts.map((c) => conflictText(c)),
      [
        'add-multiply × add-divide: src/calc.js (contents)',
        'fix-sum × docs: semantic conflict: git merges them cleanly, but check node --test test/sum.test.js fails on the result at merge m3m3m3m3m3',
      ],
    );
    assert.deepEqual(conflictCounts(state.conflicts), { textual: 1, semantic: 1 });
  });

  it('tiers count merged tasks only, an absent tier as auto', () => {
    const state = foldEvents(events);
    assert.deepEqual(tierCounts(state.tasks), { auto: 1, mergeAgent: 1, person: 1 });
    assert.equal(tierCountsText(tierCounts(foldEvents(events, afterPredictions).tasks)), '0 auto-merge · 0 merge agent · 0 person');
  });
});
