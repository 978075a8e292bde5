import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { EventBody } from '../../../../extension/protocol/events';
import type { TaskState } from '../../../../extension/protocol/runState';
import { ConflictWatch } from '../../../../extension/engine/run/conflictWatch';
import type { PredictedConflictPolicy } from '../../../../extension/engine/run/runOptions';
import { commitFiles, git, makeRepo, makeTempDir, type FileMap, type TempRepo } from '../../../fixtures/gitRepo';
import { edit, THREE_FUNCTIONS } from '../../../fixtures/threeFunctions';

const RUN = 'r1';
const branchOf = (taskId: string) => `loom/${RUN}/${taskId}`;

/** A commit on a branch (made at HEAD when it does not exist yet), without touching the checkout. */
async function commitTo(repo: string, branch: string, files: FileMap): Promise<string> {
  const exists = (await git(repo, 'branch', '--list', branch)) !== '';
  const { dir, cleanup } = await makeTempDir('loom-wt-');
  const wt = join(dir, 'w');
  try {
    if (exists) await git(repo, 'worktree', 'add', '-q', wt, branch);
    else await git(repo, 'worktree', 'add', '-q', '-b', branch, wt, 'HEAD');
    const commit = await commitFiles(wt, files, `edit on ${branch}`);
    await git(repo, 'worktree', 'remove', '--force', wt);
    return commit;
  } finally {
    await cleanup();
  }
}

function harness(repo: TempRepo, policy: PredictedConflictPolicy = 'tell', order = ['a', 'b', 'c']) {
  const events: EventBody[] = [];
  const notices: { taskId: string; text: string }[] = [];
  const live = new Set<string>(order);
  /** What the journal would say: merged tasks, and the integration branch's head. */
  const merged = new Set<string>();
  const integration: { commit: string | null } = { commit: null };
  const watch = new ConflictWatch({
    repo: repo.dir,
    runId: RUN,
    policy,
    journal: (body) => events.push(body),
    notify: (taskId, text) => {
      if (!live.has(taskId)) return false;
      notices.push({ taskId, text });
      return true;
    },
    state: () => ({ tasks: order.map((id) => ({ task: { id }, status: merged.has(id) ? 'merged' : 'running' }) as unknown as TaskState), integrationCommit: integration.commit, predictions: [] }),
  });
  const conflictEvents = () => events.filter((e) => e.type === 'conflict/didPredict' || e.type === 'conflict/didClear');
  return { watch, events, notices, live, merged, integration, conflictEvents };
}

describe('ConflictWatch: continuous conflict prediction', () => {
  let repo: TempRepo;

  /** Each task's last commit, as its checkpoints report it. */
  let head: Record<string, string>;
  const commitAs = async (taskId: string, files: FileMap): Promise<string> => (head[taskId] = await commitTo(repo.dir, branchOf(taskId), files));

  /** Tasks a and b start, edit src/calc.js's lines, and checkpoint; resolves when the watch has checked them. */
  const editBoth = async (watch: ConflictWatch, aLines: Record<number, string>, bLines: Record<number, string>): Promise<void> => {
    watch.track('a');
    watch.track('b');
    watch.checkpoint('a', await commitAs('a', { 'src/calc.js': edit(aLines) }));
    watch.checkpoint('b', await commitAs('b', { 'src/calc.js': edit(bLines) }));
    await watch.idle();
  };

  beforeEach(async () => {
    repo = await makeRepo({ 'src/calc.js': THREE_FUNCTIONS });
    head = {};
  });

  afterEach(async () => {
    await repo?.cleanup();
  });

  it('predicts two running tasks editing the same function, tells both agents, journals it once, and clears it when they move apart', async () => {
    const { watch, notices, conflictEvents } = harness(repo);
    watch.track('a');
    watch.track('b');
    await commitAs('a', { 'src/calc.js': edit({ 8: '  const a = x - 10;' }) });
    watch.checkpoint('a', head.a);
    await watch.idle();
    assert.deepEqual(conflictEvents(), [], 'b has not changed anything yet');

    const bCommit = await commitAs('b', { 'src/calc.js': edit({ 8: '  const a = x - 20;', 9: '  const b = a / 4;' }) });
    watch.checkpoint('b', head.b);
    await watch.idle();
    assert.deepEqual(conflictEvents(), [
      { type: 'conflict/didPredict', taskId: 'b', otherTaskId: 'a', commit: bCommit, files: [{ path: 'src/calc.js', kind: 'contents', hunks: [{ start: 8, end: 8 }] }] },
    ]);
    assert.deepEqual(
      notices.map((n) => n.taskId),
      ['b', 'a'],
    );
    assert.match(notices[0].text, /task a, running in parallel with you, changes the same lines: src\/calc\.js lines 8/);
    assert.match(notices[1].text, /task b, running in parallel/);

    // Another checkpoint that leaves the overlap as it was: no new event, no new notice.
    await commitAs('b', { 'src/calc.js': edit({ 8: '  const a = x - 20;', 9: '  const b = a / 4;', 16: '  return b + 0;' }) });
    watch.checkpoint('b', head.b);
    await watch.idle();
    assert.equal(conflictEvents().length, 1);
    assert.equal(notices.length, 2);

    // b gives beta back and edits gamma only: the pair no longer conflicts.
    await commitAs('b', { 'src/calc.js': edit({ 16: '  return b + 0;' }) });
    watch.checkpoint('b', head.b);
    await watch.idle();
    assert.deepEqual(conflictEvents().slice(1), [{ type: 'conflict/didClear', taskId: 'b', otherTaskId: 'a' }]);
  });

  it('does not predict tasks editing different functions of the same file', async () => {
    const { watch, conflictEvents, notices } = harness(repo);
    await editBoth(watch, { 2: '  const a = x + 100;' }, { 15: '  const b = a % 11;' });
    assert.deepEqual(conflictEvents(), []);
    assert.deepEqual(notices, []);
  });

  it('coalesces: checkpoints during a check make one more check, not a queue', async () => {
    const { watch } = harness(repo);
    for (const id of ['a', 'b', 'c']) {
      watch.track(id);
      await commitAs(id, { [`src/${id}.js`]: `module.exports = '${id}';\n` });
    }
    watch.checkpoint('a', head.a);
    for (let i = 0; i < 5; i++) {
      watch.checkpoint('b', head.b);
      watch.checkpoint('c', head.c);
    }
    await watch.idle();
    assert.equal(watch.checksRun, 2);
  });

  it('checks against the integration branch (otherTaskId null)', async () => {
    const { watch, conflictEvents, notices, integration } = harness(repo);
    integration.commit = await commitTo(repo.dir, `loom/${RUN}/integration`, { 'src/calc.js': edit({ 3: '  const b = a * 3;' }) });
    watch.track('a');
    await commitAs('a', { 'src/calc.js': edit({ 3: '  const b = a * 4;' }) });
    watch.checkpoint('a', head.a);
    await watch.idle();
    const [predicted] = conflictEvents();
    assert.ok(predicted?.type === 'conflict/didPredict');
    assert.equal(predicted.otherTaskId, null);
    assert.deepEqual(predicted.files[0].hunks, [{ start: 3, end: 3 }]);
    assert.match(notices[0].text, /integration branch/);
  });

  it('clears the predictions of a task that failed, and keeps a verified one as a target', async () => {
    const { watch, conflictEvents } = harness(repo);
    for (const id of ['a', 'b', 'c']) watch.track(id);
    await commitAs('a', { 'src/calc.js': edit({ 8: '  const a = 1;' }) });
    await commitAs('b', { 'src/calc.js': edit({ 8: '  const a = 2;' }) });
    watch.checkpoint('a', head.a);
    watch.checkpoint('b', head.b);
    await watch.idle();
    assert.equal(conflictEvents().length, 1);
    watch.ended('a', true);
    assert.equal(conflictEvents().length, 1, 'a verified branch will still be merged: the prediction holds');
    await commitAs('c', { 'src/calc.js': edit({ 8: '  const a = 3;' }) });
    watch.checkpoint('c', head.c);
    await watch.idle();
    const predictedWithC = conflictEvents().filter((e) => e.type === 'conflict/didPredict' && e.taskId === 'c');
    assert.deepEqual(predictedWithC.map((e) => (e.type === 'conflict/didPredict' ? e.otherTaskId : null)).sort(), ['a', 'b']);
    watch.ended('b', false);
    const cleared = conflictEvents().filter((e) => e.type === 'conflict/didClear');
    assert.deepEqual(cleared.map((e) => [e.taskId, e.otherTaskId].sort()).sort(), [
      ['a', 'b'],
      ['b', 'c'],
    ]);
  });

  it('hold: the later task waits at its next model call until the earlier one ends; off: only journals', async () => {
    const held = harness(repo, 'hold');
    await editBoth(held.watch, { 14: '  const a = 1;' }, { 14: '  const a = 2;' });
    assert.equal(held.conflictEvents().length, 1);
    assert.equal(held.notices.length, 0, 'hold does not tell');

    await held.watch.beforeModelCall('a', 'impl-a-1'); // the earlier task goes on
    let released = false;
    const waiting = held.watch.beforeModelCall('b', 'impl-b-1').then(() => (released = true));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(released, false);
    assert.ok(held.events.some((e) => e.type === 'agent/didWarn' && e.kind === 'conflict' && /held .* until a ends/.test(e.message)));
    held.watch.ended('a', true);
    await waiting;
    assert.equal(released, true);
    assert.match(held.notices.find((n) => n.taskId === 'b')?.text ?? '', /task a, which you waited for, was verified/);

    const off = harness(repo, 'off');
    off.watch.track('a', head.a);
    off.watch.track('b');
    off.watch.checkpoint('b', head.b);
    await off.watch.idle();
    assert.equal(off.conflictEvents().length, 1);
    assert.deepEqual(off.notices, []);
    await off.watch.beforeModelCall('b', 'impl-b-1');
  });

  it('keeps a notice for a task whose agent is not running, for its next agent', async () => {
    const { watch, live } = harness(repo);
    live.delete('a');
    await editBoth(watch, { 4: '  return b + 1;' }, { 4: '  return b - 1;' });
    const pending = watch.takeNotices('a');
    assert.equal(pending.length, 1);
    assert.match(pending[0], /task b, running in parallel/);
    assert.deepEqual(watch.takeNotices('a'), []);
  });

  it('resumed: takes the verified tasks and the predictions from the journal, and clears one that no longer holds', async () => {
    const aHead = await commitAs('a', { 'src/calc.js': edit({ 9: '  const b = a / 9;' }) });
    const files = [{ path: 'src/calc.js', kind: 'contents', hunks: [{ start: 9, end: 9 }] }];
    const events: EventBody[] = [];
    const watch = new ConflictWatch({
      repo: repo.dir,
      runId: RUN,
      policy: 'tell',
      journal: (body) => events.push(body),
      notify: () => true,
      state: () => ({
        tasks: [{ task: { id: 'a' }, status: 'succeeded', headCommit: aHead } as unknown as TaskState, { task: { id: 'b' }, status: 'running', headCommit: null } as unknown as TaskState],
        integrationCommit: null,
        predictions: [{ type: 'conflict/didPredict', seq: 7, ts: 0, taskId: 'b', otherTaskId: 'a', commit: 'c0ffee', files }],
      }),
    });
    // b continues from a checkpoint that still changes line 9: the same prediction, nothing journaled.
    watch.track('b', await commitAs('b', { 'src/calc.js': edit({ 9: '  const b = a / 8;' }) }));
    watch.checkpoint('b', head.b);
    await watch.idle();
    assert.deepEqual(events, []);
    // Then it moves to gamma: cleared.
    watch.checkpoint('b', await commitAs('b', { 'src/calc.js': edit({ 15: '  const b = a % 2;' }) }));
    await watch.idle();
    assert.deepEqual(events, [{ type: 'conflict/didClear', taskId: 'b', otherTaskId: 'a' }]);
  });
});
