import assert from 'node:assert/strict';
import type { RunSummary } from '../../../../extension/protocol/runSummary';
import { runsNodes } from '../../../../extension/vscode/views/runsTreeModel';
import { runSummaryOf } from '../../../fixtures/runSummary';

const run = (runId: string, status: RunSummary['status'], extra: Partial<RunSummary> = {}) => runSummaryOf(runId, status, { repo: '/home/dev/src/mathlib', ...extra });

describe('vscode/views/runsTreeModel (the Runs view)', () => {
  it('one row per run: status, repository, progress, open questions, and which one is shown', () => {
    const nodes = runsNodes(
      [run('r2', 'interrupted'), run('r1', 'escalated', { tasksDone: 3, openEscalations: [{ escalationId: 'esc-1', kind: 'conflict', question: 'which index.js?' }] })],
      'r1',
    );
    assert.deepEqual(
      nodes.map((n) => [n.label, n.description]),
      [
        ['r2', 'Interrupted · mathlib · 2/4 tasks'],
        ['r1', 'Needs you · mathlib · 3/4 tasks · 1 open question · shown'],
      ],
    );
    assert.match(nodes[0].tooltip, /Resume continues it from its journal/);
    assert.match(nodes[1].tooltip, /esc-1 \(conflict\): which index\.js\?/);
  });

  it('offers Resume only for interrupted and stopped runs', () => {
    const statuses: RunSummary['status'][] = ['planning', 'running', 'interrupted', 'succeeded', 'failed', 'escalated', 'stopped'];
    const resumable = runsNodes(statuses.map((s) => run(s, s)), null)
      .filter((n) => n.contextValue === 'loom.pastRun.resumable')
      .map((n) => n.runId);
    assert.deepEqual(resumable, ['interrupted', 'stopped']);
  });

  it('a run waiting on a person reads "Needs you" with the escalation icon, even when its journal says failed', () => {
    const question = { openEscalations: [{ escalationId: 'esc-2', kind: 'repeatedFailure', question: 'retry t1?' }] };
    const [failedWaiting, failed] = runsNodes([run('r3', 'failed', question), run('r4', 'failed', { tasks: 1, tasksDone: 0 })], null);
    assert.match(failedWaiting.description, /^Needs you · mathlib · 2\/4 tasks · 1 open question$/);
    assert.equal(failedWaiting.icon.id, 'report');
    assert.equal(failed.description, 'Failed · mathlib · 0/1 task');
    assert.equal(failed.icon.id, 'error');
  });
});
