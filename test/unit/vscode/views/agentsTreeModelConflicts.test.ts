import assert from 'node:assert/strict';
import { foldEvents } from '../../../../extension/protocol/reduce';
import { childNodes, rootNodes, type AgentsNode } from '../../../../extension/vscode/views/agentsTreeModel';
import { conflictRun } from '../../protocol/views/conflictRun';

describe('vscode/views/agentsTreeModel (predicted conflicts, merge tiers, waiting tasks)', () => {
  const { events, afterPredictions } = conflictRun();

  function tasksOf(state: ReturnType<typeof foldEvents>): Map<string, AgentsNode> {
    const [run] = rootNodes(state);
    return new Map(childNodes(state, run).flatMap((n) => (n.kind === 'task' ? [[n.taskId, n] as const] : [])));
  }

  it('a predicted conflict shows live on both tasks: in the description, the tooltip and a child node', () => {
    const state = foldEvents(events, afterPredictions);
    const tasks = tasksOf(state);
    const multiply = tasks.get('add-multiply')!;
    const divide = tasks.get('add-divide')!;
    assert.match(multiply.label, /^Running · /, 'the status leads the label');
    assert.match(multiply.description, /^conflict predicted with add-divide · /);
    assert.match(divide.description, /^conflict predicted with add-multiply, the integration branch · /);
    assert.match(multiply.tooltip, /Predicted conflict with add-divide: src\/calc\.js lines 3–7/);
    assert.equal(multiply.collapsible, true, 'its prediction is a child even before it has agents');
    const children = childNodes(state, multiply);
    assert.deepEqual(
      children.map((c) => [c.kind, c.label, c.description, c.contextValue]),
      [['prediction', 'conflict predicted with add-divide', 'src/calc.js lines 3–7', 'loom.prediction']],
    );
    assert.equal(children[0].icon.id, 'warning');
    const ofDivide = childNodes(state, divide);
    assert.deepEqual(
      ofDivide.map((c) => c.label),
      ['conflict predicted with add-multiply', 'conflict predicted with the integration branch'],
    );
    assert.equal(new Set(ofDivide.map((c) => c.id)).size, 2);
    assert.doesNotMatch(tasks.get('fix-sum')!.description, /predicted/);
  });

  it('a task no longer in flight shows no prediction: what happened replaces it', () => {
    // Keep add-multiply's prediction in the state but fail the task.
    const cut = foldEvents(events, afterPredictions);
    const failed = { ...cut, tasks: cut.tasks.map((t) => (t.task.id === 'add-multiply' ? { ...t, status: 'failed' as const } : t)) };
    const tasks = tasksOf(failed);
    assert.doesNotMatch(tasks.get('add-multiply')!.description, /predicted/);
    assert.deepEqual(childNodes(failed, tasks.get('add-multiply')!), []);
    assert.match(tasks.get('add-multiply')!.label, /^Failed · /);
    assert.match(tasks.get('add-divide')!.description, /^conflict predicted with the integration branch · /, 'its pair with the failed task is over too');
  });

  it('a cleared or settled prediction goes away', () => {
    const state = foldEvents(events);
    for (const node of tasksOf(state).values()) {
      assert.doesNotMatch(node.description, /predicted/, node.id);
      assert.ok(childNodes(state, node).every((c) => c.kind !== 'prediction'));
    }
  });

  it('merged tasks say the tier when it was not an auto-merge; a waiting task names its escalation', () => {
    const state = foldEvents(events);
    const tasks = tasksOf(state);
    assert.match(tasks.get('add-multiply')!.label, /^Merged · /);
    assert.match(tasks.get('fix-sum')!.label, /^Merged \(merge agent\) · /);
    assert.match(tasks.get('docs')!.label, /^Merged \(person\) · /);
    const mean = tasks.get('add-mean')!;
    assert.equal(mean.label, `Needs you (esc-1) · ${state.tasks.find((t) => t.task.id === 'add-mean')!.task.title}`);
    assert.equal(mean.icon.id, 'report');
    assert.match(mean.tooltip, /Waiting: on esc-1: its dependencies add-multiply and add-divide conflict/);
    const [run] = rootNodes(state);
    assert.match(run.tooltip, /Merges: 1 auto-merge · 1 merge agent · 1 person/);
  });
});
