import assert from 'node:assert/strict';
import { parseResolveArgs, parseStartPlanArgs } from '../../../../extension/vscode/commands/startPlanArgs';
import { planConfirmation } from '../../../../extension/vscode/commands/planConfirmation';
import { foldEvents } from '../../../../extension/protocol/reduce';
import { loadRecordedRun } from '../../webview/recordedRun';

describe('vscode/commands', () => {
  it('accepts the command API options of loom.startPlan', () => {
    assert.deepEqual(parseStartPlanArgs(undefined), { ok: true, args: {} });
    assert.deepEqual(parseStartPlanArgs({ specPath: '/s.md', repoPath: '/r', source: 'simulator', scenarioPath: '/sc.json', autoConfirm: true }), {
      ok: true,
      args: { specPath: '/s.md', repoPath: '/r', source: 'simulator', scenarioPath: '/sc.json', autoConfirm: true },
    });
    assert.deepEqual(parseStartPlanArgs({ scheme: 'file', fsPath: '/w/spec.md', path: '/w/spec.md' }), { ok: true, args: { specPath: '/w/spec.md' } });
  });

  it('rejects wrong options with a sentence', () => {
    for (const bad of ['x', [1], { specPath: 3 }, { source: 'cloud' }, { autoConfirm: 'yes' }, { specPath: '' }, { spec: '/s.md' }]) {
      const r = parseStartPlanArgs(bad);
      assert.ok(!r.ok, JSON.stringify(bad));
      assert.match(r.error, /loom\.startPlan/);
    }
  });

  it('checks loom.resolveEscalation arguments', () => {
    assert.deepEqual(parseResolveArgs({ escalationId: 'esc-1', choice: 'ours' }), { ok: true, escalationId: 'esc-1', choice: 'ours' });
    assert.ok(!parseResolveArgs({ escalationId: 'esc-1' }).ok);
    assert.ok(!parseResolveArgs(null).ok);
  });

  it('lists tasks, scopes and dependencies for the plan confirmation', () => {
    const state = foldEvents(loadRecordedRun());
    const plan = { tasks: state.tasks.map((t) => t.task) };
    const { message, detail } = planConfirmation(plan);
    assert.match(message, new RegExp(`${plan.tasks.length} tasks`));
    for (const task of plan.tasks) {
      assert.ok(detail.includes(`${task.id}: ${task.title}`));
      assert.ok(detail.includes(`scope: ${task.fileScope.join(', ')}`));
    }
    assert.match(detail, /after: \S+/);
  });
});
