import assert from 'node:assert/strict';
import { mergePoints } from '../../../../extension/engine/merge/mergePoints';
import { commitOnBranch, git, makeRepo, type TempRepo } from '../../../fixtures/gitRepo';

describe('engine/merge/mergePoints', function () {
  this.timeout(60_000);
  let repo: TempRepo;
  let base: string;
  const heads: Record<string, string> = {};
  /** The integration branch's first-parent chain from the base, oldest first. */
  let chain: string[];

  before(async () => {
    repo = await makeRepo({ 'README.md': 'base\n' });
    base = repo.head!;
    heads.ff = await commitOnBranch(repo.dir, 'ff', { 'ff.txt': 'ff\n' }, 'ff', base);
    heads.plain = await commitOnBranch(repo.dir, 'plain', { 'plain.txt': 'plain\n' }, 'plain', base);
    // Two commits, the first of which has a merge of its own inside the task's branch.
    await commitOnBranch(repo.dir, 'side', { 'side.txt': 'side\n' }, 'side', base);
    await commitOnBranch(repo.dir, 'deep', { 'deep.txt': 'deep\n' }, 'deep 1', base);
    await git(repo.dir, 'checkout', '-q', 'deep');
    await git(repo.dir, 'merge', '-q', '--no-ff', '-m', 'deep takes side', 'side');
    await git(repo.dir, 'commit', '-q', '--allow-empty', '-m', 'deep 2');
    heads.deep = await git(repo.dir, 'rev-parse', 'HEAD');
    heads.unchanged = base;
    await git(repo.dir, 'checkout', '-q', '-b', 'integration', base);
    await git(repo.dir, 'merge', '-q', '--ff-only', 'ff');
    await git(repo.dir, 'merge', '-q', '--no-ff', '-m', 'merge plain', 'plain');
    await git(repo.dir, 'merge', '-q', '--no-ff', '-m', 'merge deep', 'deep');
    heads.later = await commitOnBranch(repo.dir, 'later', { 'later.txt': 'later\n' }, 'later', base);
    chain = (await git(repo.dir, 'rev-list', '--first-parent', '--reverse', `${base}..integration`)).split('\n');
  });

  after(async () => repo.cleanup());

  it('finds where each task landed, whatever order the tasks are listed in: a fast-forward, merge commits, a branch with a merge inside', async () => {
    const points = await mergePoints(repo.dir, base, 'integration', ['deep', 'plain', 'ff'].map((taskId) => ({ taskId, headCommit: heads[taskId] })));
    assert.deepEqual(points, [
      { taskId: 'deep', commit: chain[2], position: 2 },
      { taskId: 'plain', commit: chain[1], position: 1 },
      { taskId: 'ff', commit: heads.ff, position: 0 },
    ]);
    assert.equal(chain.length, 3);
  });

  it('puts a task that changed nothing (its head is the base) at the first merge point', async () => {
    assert.deepEqual(await mergePoints(repo.dir, base, 'integration', [{ taskId: 'unchanged', headCommit: heads.unchanged }]), [{ taskId: 'unchanged', commit: chain[0], position: 0 }]);
  });

  it('refuses a task whose head is not on the integration branch', async () => {
    await assert.rejects(mergePoints(repo.dir, base, 'integration', [{ taskId: 'later', headCommit: heads.later }]), /task later \([0-9a-f]{10}\) is not on the integration branch/);
  });
});
