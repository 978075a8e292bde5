import assert from 'node:assert/strict';
import { sequencingEdges, tasksToBlock, tasksToStart, type SchedulerStatus } from '../../../../extension/engine/run/scheduler';
import type { Task } from '../../../../extension/protocol/plan';

const task = (id: string, dependsOn: string[] = [], fileScope = [`src/${id}.js`]): Task => ({
  id,
  title: id,
  instructions: id,
  requirementIds: ['R1'],
  fileScope,
  dependsOn,
  acceptance: [],
});

describe('engine/run/scheduler', () => {
  const tasks = [task('a'), task('b'), task('c'), task('d', ['a'])];
  const status = (entries: [string, SchedulerStatus][]) => new Map(entries);

  it('starts every ready task at once up to the concurrency limit, in plan order', () => {
    const s = status([['a', 'pending'], ['b', 'pending'], ['c', 'pending'], ['d', 'pending']]);
    assert.deepEqual(tasksToStart({ tasks, status: s, after: new Map(), concurrency: 3 }), ['a', 'b', 'c']);
    assert.deepEqual(tasksToStart({ tasks, status: s, after: new Map(), concurrency: 2 }), ['a', 'b']);
  });

  it('holds a dependent task until its dependency is done', () => {
    const s = status([['a', 'running'], ['b', 'done'], ['c', 'done'], ['d', 'pending']]);
    assert.deepEqual(tasksToStart({ tasks, status: s, after: new Map(), concurrency: 3 }), []);
    s.set('a', 'done');
    assert.deepEqual(tasksToStart({ tasks, status: s, after: new Map(), concurrency: 3 }), ['d']);
  });

  it('blocks only the descendants of a failed task', () => {
    const s = status([['a', 'failed'], ['b', 'pending'], ['c', 'pending'], ['d', 'pending']]);
    assert.deepEqual(tasksToBlock({ tasks, status: s }), [{ taskId: 'd', blockedBy: ['a'] }]);
    assert.deepEqual(tasksToStart({ tasks, status: s, after: new Map(), concurrency: 3 }), ['b', 'c']);
  });

  it('sequences tasks with overlapping scopes unless a dependency already orders them', () => {
    const shared = [task('x', [], ['src/index.js']), task('y', [], ['src/index.js']), task('z', ['x'], ['src/index.js'])];
    const edges = sequencingEdges(shared, (p, q) => p.fileScope.some((f) => q.fileScope.includes(f)));
    assert.deepEqual(edges.get('y'), ['x']);
    assert.deepEqual(edges.get('z'), ['y']);
    assert.equal(edges.has('x'), false);
    const s = status([['x', 'running'], ['y', 'pending'], ['z', 'pending']]);
    assert.deepEqual(tasksToStart({ tasks: shared, status: s, after: edges, concurrency: 3 }), []);
    s.set('x', 'failed');
    assert.deepEqual(tasksToStart({ tasks: shared, status: s, after: edges, concurrency: 3 }), ['y']);
  });
});
