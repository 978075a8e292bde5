import assert from 'node:assert/strict';
import * as path from 'node:path';
import { isAncestor, resolveCommit } from '../../../../extension/engine/workspace/git';
import { commitFiles, git, makeRepo, makeTempDir, type TempRepo } from '../../../fixtures/gitRepo';

// resolveCommit and isAncestor remember git's answers about full commit ids; names must still be asked each time.
describe('engine/workspace/git: remembered answers', () => {
  let repo: TempRepo;
  beforeEach(async () => (repo = await makeRepo({ 'a.txt': 'a\n' })));
  afterEach(async () => repo.cleanup());

  it('follows a name that moves (HEAD, a branch) while answering for full ids', async () => {
    const first = await resolveCommit(repo.dir, 'HEAD');
    assert.equal(await resolveCommit(repo.dir, first), first);
    const second = await commitFiles(repo.dir, { 'b.txt': 'b\n' }, 'second');
    assert.equal(await resolveCommit(repo.dir, 'HEAD'), second);
    assert.equal(await resolveCommit(repo.dir, first), first);
    assert.equal(await isAncestor(repo.dir, first, second), true);
    assert.equal(await isAncestor(repo.dir, second, first), false);
    // Asked again: the same answers.
    assert.equal(await isAncestor(repo.dir, first, second), true);
    assert.equal(await isAncestor(repo.dir, second, first), false);
    await git(repo.dir, 'reset', '-q', '--hard', first);
    assert.equal(await resolveCommit(repo.dir, 'HEAD'), first);
    assert.equal(await isAncestor(repo.dir, 'HEAD', first), true);
    assert.equal(await isAncestor(repo.dir, second, 'HEAD'), false);
  });

  it('does not remember a failure: an id refused while its commit is missing resolves once the commit arrives', async () => {
    const other = await makeTempDir('loom-git-facts-');
    try {
      await git(other.dir, 'clone', '-q', repo.dir, 'clone');
      const elsewhere = await commitFiles(path.join(other.dir, 'clone'), { 'c.txt': 'c\n' }, 'made elsewhere');
      await assert.rejects(resolveCommit(repo.dir, elsewhere));
      await git(repo.dir, 'fetch', '-q', path.join(other.dir, 'clone'), 'HEAD');
      assert.equal(await resolveCommit(repo.dir, elsewhere), elsewhere);
    } finally {
      await other.cleanup();
    }
  });
});
