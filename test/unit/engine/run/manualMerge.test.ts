import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventBody, RunEvent } from '../../../../extension/protocol/events';
import { foldEvents } from '../../../../extension/protocol/reduce';
import { completeManualMerge, startManualMerge } from '../../../../extension/engine/run/manualMerge';
import { EscalationError } from '../../../../extension/engine/run/resolveEscalation';
import { commitOnBranch, git, makeRepo, makeTempDir, type TempRepo } from '../../../fixtures/gitRepo';

describe('engine/run/manualMerge (a person resolves a conflict in the merge editor)', () => {
  let repo: TempRepo;
  let home: { dir: string; cleanup: () => Promise<void> };
  let events: RunEvent[];
  const append = (body: EventBody): RunEvent => {
    const event = { ...body, seq: events.length, ts: events.length } as RunEvent;
    events.push(event);
    return event;
  };
  const task = (id: string) => ({ id, title: id, instructions: id, requirementIds: ['R1'], fileScope: ['index.js'], dependsOn: [], acceptance: [] });

  beforeEach(async () => {
    repo = await makeRepo({ 'index.js': 'module.exports = {\n  sum,\n};\n' });
    home = await makeTempDir('loom-manual-');
    const base = (await git(repo.dir, 'rev-parse', 'HEAD')).trim();
    const a = await commitOnBranch(repo.dir, 'loom/r1/a', { 'index.js': 'module.exports = {\n  sum,\n  multiply,\n};\n' }, 'a', base);
    const b = await commitOnBranch(repo.dir, 'loom/r1/b', { 'index.js': 'module.exports = {\n  sum,\n  divide,\n};\n', 'divide.js': 'd\n' }, 'b', base);
    await git(repo.dir, 'branch', 'loom/r1/integration', a);
    events = [];
    for (const body of [
      { type: 'run/didStart', runId: 'r1', repo: repo.dir, baseCommit: base, baseBranch: 'main', specPath: 's', specRevision: 'x', model: 'm', concurrency: 2 },
      { type: 'plan/didAccept', plan: { tasks: [task('a'), task('b')] } },
      { type: 'lease/didCreate', taskId: 'b', purpose: 'implement', branch: 'loom/r1/b', path: '/gone', startCommit: base },
      { type: 'task/didSucceed', taskId: 'a', headCommit: a },
      { type: 'task/didSucceed', taskId: 'b', headCommit: b },
      { type: 'merge/didMerge', taskId: 'a', branch: 'loom/r1/integration', commit: a },
      { type: 'escalation/didOpen', escalationId: 'esc-1', kind: 'conflict', taskIds: ['a', 'b'], question: '?', options: ['ours'], files: [{ path: 'index.js', kind: 'contents', base: null, ours: null, theirs: null }] },
      { type: 'run/didFinish', status: 'escalated', integrationBranch: 'loom/r1/integration', integrationCommit: a },
    ] as EventBody[])
      append(body);
  });
  afterEach(async () => {
    await repo.cleanup();
    await home.cleanup();
  });

  it('checks the conflicted merge out in a lease of its own, refuses markers, then lands a two-parent merge', async () => {
    const deps = () => ({ state: foldEvents(events), worktreesRoot: join(home.dir, 'worktrees'), append });
    const statusBefore = await git(repo.dir, 'status', '--porcelain');
    const merge = await startManualMerge(deps(), 'esc-1');
    assert.deepEqual(merge.files, ['index.js']);
    assert.match(readFileSync(join(merge.worktree, 'index.js'), 'utf8'), /<<<<<<< /);
    assert.ok(merge.base && merge.ours && merge.theirs);

    await assert.rejects(completeManualMerge(deps(), merge, 'user'), (err: unknown) => err instanceof EscalationError && /markers are still in index\.js/.test((err as Error).message));

    // What VS Code's merge editor saves when nobody picked a side: the base. Refused.
    writeFileSync(join(merge.worktree, 'index.js'), 'module.exports = {\n  sum,\n};\n');
    await assert.rejects(completeManualMerge(deps(), merge, 'user'), /index\.js is still the merge base/);

    writeFileSync(join(merge.worktree, 'index.js'), 'module.exports = {\n  sum,\n  multiply,\n  divide,\n};\n');
    const state = await completeManualMerge(deps(), merge, 'user');
    assert.equal(state.status, 'succeeded');
    assert.equal(state.escalations[0].resolution, 'mergeEditor');
    assert.equal(state.tasks.find((t) => t.task.id === 'b')?.status, 'merged');
    assert.match(await git(repo.dir, 'show', 'loom/r1/integration:index.js'), /multiply,\n {2}divide/);
    assert.equal(await git(repo.dir, 'show', 'loom/r1/integration:divide.js'), 'd');
    const parents = (await git(repo.dir, 'rev-list', '--parents', '-n', '1', 'loom/r1/integration')).split(' ');
    assert.equal(parents.length, 3);
    assert.equal(existsSync(merge.worktree), false);
    assert.equal(await git(repo.dir, 'status', '--porcelain'), statusBefore);
    assert.equal((await git(repo.dir, 'rev-parse', '--abbrev-ref', 'HEAD')).trim(), 'main');
  });
});
