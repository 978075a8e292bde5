import assert from 'node:assert/strict';
import { mergeTakingSide } from '../../../../extension/engine/merge/takeSide';
import { commitOnBranch, git, makeRepo, makeTempDir, type TempRepo } from '../../../fixtures/gitRepo';

describe('engine/merge/takeSide', () => {
  let repo: TempRepo;
  let scratch: { dir: string; cleanup: () => Promise<void> };
  let theirs: string;

  beforeEach(async () => {
    repo = await makeRepo({ 'index.js': 'module.exports = {\n  sum,\n};\n', 'keep.txt': 'k\n' });
    scratch = await makeTempDir('loom-scratch-');
    await commitOnBranch(repo.dir, 'integration', { 'index.js': 'module.exports = {\n  sum,\n  multiply,\n};\n' }, 'ours');
    theirs = await commitOnBranch(repo.dir, 'task', { 'index.js': 'module.exports = {\n  sum,\n  divide,\n};\n', 'divide.js': 'd\n' }, 'theirs', 'main');
  });
  afterEach(async () => {
    await repo.cleanup();
    await scratch.cleanup();
  });

  for (const choice of ['ours', 'theirs'] as const) {
    it(`keeps ${choice} for the conflicted file and merges the rest, without touching the user's checkout`, async () => {
      const statusBefore = await git(repo.dir, 'status', '--porcelain');
      const headBefore = await git(repo.dir, 'rev-parse', 'HEAD');
      const { commit, resolvedFiles } = await mergeTakingSide({ repo: repo.dir, scratchRoot: scratch.dir, integrationBranch: 'integration', theirsCommit: theirs, choice, message: 'resolve' });
      assert.deepEqual(resolvedFiles, ['index.js']);
      assert.equal((await git(repo.dir, 'rev-parse', 'integration')).trim(), commit);
      const index = await git(repo.dir, 'show', 'integration:index.js');
      assert.match(index, choice === 'ours' ? /multiply/ : /divide/);
      assert.doesNotMatch(index, /<<<<<<<|=======/);
      assert.equal(await git(repo.dir, 'show', 'integration:divide.js'), 'd');
      assert.equal(await git(repo.dir, 'status', '--porcelain'), statusBefore);
      assert.equal(await git(repo.dir, 'rev-parse', 'HEAD'), headBefore);
      const worktrees = (await git(repo.dir, 'worktree', 'list', '--porcelain')).split('\n').filter((l) => l.startsWith('worktree '));
      assert.equal(worktrees.length, 1, 'the scratch worktree is gone');
    });
  }
});
