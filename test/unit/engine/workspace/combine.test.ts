import assert from 'node:assert/strict';
import { combineCommits } from '../../../../extension/engine/workspace/combine';
import { snapshotRepo } from '../../../../extension/engine/workspace/gitRepo';
import { commitOnBranch, git, makeRepo, type TempRepo } from '../../../fixtures/gitRepo';

describe('engine/workspace/combine', () => {
  let repo: TempRepo;
  let base: string;
  const heads: Record<string, string> = {};

  before(async () => {
    repo = await makeRepo({ 'a.txt': 'a\n', 'b.txt': 'b\n', 'c.txt': 'c\n' });
    base = repo.head!;
    heads.d1 = await commitOnBranch(repo.dir, 'd1', { 'a.txt': 'a by d1\n' }, 'd1');
    heads.d2 = await commitOnBranch(repo.dir, 'd2', { 'b.txt': 'b by d2\n' }, 'd2', 'main');
    heads.d3 = await commitOnBranch(repo.dir, 'd3', { 'c.txt': 'c by d3\n' }, 'd3', 'main');
    heads.x = await commitOnBranch(repo.dir, 'x', { 'a.txt': 'a by x\n' }, 'x', 'main');
  });

  after(() => repo.cleanup());

  it('returns base unchanged when there are no dependencies', async () => {
    assert.deepEqual(await combineCommits(repo.dir, 'main', [], 'start'), { commit: base });
  });

  it('returns the dependency head itself for a single dependency', async () => {
    assert.deepEqual(await combineCommits(repo.dir, base, [heads.d1], 'start'), { commit: heads.d1 });
  });

  it('merges two non-conflicting dependencies without a worktree', async () => {
    const before = await snapshotRepo(repo.dir);
    const r = await combineCommits(repo.dir, base, [heads.d1, heads.d2], 'loom: start of t3');
    assert.ok('commit' in r);
    assert.equal(await git(repo.dir, 'show', `${r.commit}:a.txt`), 'a by d1');
    assert.equal(await git(repo.dir, 'show', `${r.commit}:b.txt`), 'b by d2');
    assert.equal(await git(repo.dir, 'rev-list', '--parents', '-n', '1', r.commit), `${r.commit} ${heads.d1} ${heads.d2}`);
    assert.equal(await git(repo.dir, 'log', '-1', '--format=%s|%an|%cn', r.commit), 'loom: start of t3|Loom|Loom');
    assert.deepEqual(await snapshotRepo(repo.dir), before);
    assert.equal((await git(repo.dir, 'worktree', 'list')).split('\n').length, 1);
  });

  it('chains three dependencies (an octopus by chaining) and skips one already contained', async () => {
    const r = await combineCommits(repo.dir, base, [heads.d1, heads.d2, heads.d3, heads.d1], 'start');
    assert.ok('commit' in r);
    for (const f of ['a', 'b', 'c']) assert.match(await git(repo.dir, 'show', `${r.commit}:${f}.txt`), /by d\d/);
  });

  it('reports a conflict between dependencies', async () => {
    const r = await combineCommits(repo.dir, base, [heads.d1, heads.x], 'start');
    assert.ok('conflict' in r);
    assert.deepEqual(r.conflict.files, [{ path: 'a.txt', kind: 'contents' }]);
    assert.equal(r.conflict.commit, heads.x);
    assert.equal(r.conflict.into, heads.d1);
  });
});
