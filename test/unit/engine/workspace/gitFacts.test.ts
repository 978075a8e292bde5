import assert from 'node:assert/strict';
import { isAncestor, resolveCommit } from '../../../../extension/engine/workspace/git';
import { commitFiles, git, makeRepo, type TempRepo } from '../../../fixtures/gitRepo';

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

  it('does not remember a failure: an id that names no commit is refused each time', async () => {
    const missing = 'f'.repeat(40);
    await assert.rejects(resolveCommit(repo.dir, missing));
    await assert.rejects(resolveCommit(repo.dir, missing));
  });
});
