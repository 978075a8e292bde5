import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { diffNameStatus } from '../../../../extension/engine/verify/gitDiff';
import { blobAt, filesAt } from '../../../../extension/engine/verify/testConfig';
import { gitCommonDirOf, isAncestor, resolveCommit } from '../../../../extension/engine/workspace/git';
import { commitFiles, git, makeRepo, makeTempDir, type TempRepo } from '../../../fixtures/gitRepo';

// Git's answers about full commit ids are remembered (workspace/gitFacts.ts); names must still be asked each time.
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

  it('asks git once for a question many ask at once, and once more only for a new one', async () => {
    const first = await resolveCommit(repo.dir, 'HEAD');
    const second = await commitFiles(repo.dir, { 'a.txt': 'changed\n', 'package.json': '{"name":"x"}\n' }, 'second');
    const log = await countGitCommands(async () => {
      const diffs = await Promise.all(Array.from({ length: 8 }, () => diffNameStatus(repo.dir, first, second)));
      for (const diff of diffs) assert.deepEqual(diff, [{ status: 'M', path: 'a.txt' }, { status: 'A', path: 'package.json' }]);
      assert.deepEqual(await filesAt(repo.dir, second), ['a.txt', 'package.json']);
      assert.deepEqual(await filesAt(repo.dir, second), ['a.txt', 'package.json']);
      assert.equal(await blobAt(repo.dir, second, 'package.json'), '{"name":"x"}\n');
      assert.equal(await blobAt(repo.dir, second, 'package.json'), '{"name":"x"}\n');
      // Callers get their own lists: one changing its copy changes nobody else's.
      (await diffNameStatus(repo.dir, first, second)).pop();
      assert.equal((await diffNameStatus(repo.dir, first, second)).length, 2);
      assert.deepEqual(await diffNameStatus(repo.dir, second, first), [{ status: 'M', path: 'a.txt' }, { status: 'D', path: 'package.json' }]);
    });
    assert.deepEqual(
      log.map((args) => args.find((a) => ['diff', 'ls-tree', 'cat-file'].includes(a))),
      ['diff', 'ls-tree', 'cat-file', 'diff'],
    );
  });

  it('does not remember that a file is missing: it is read once its commit arrives', async () => {
    const other = await makeTempDir('loom-git-facts-');
    try {
      await git(other.dir, 'clone', '-q', repo.dir, 'clone');
      const elsewhere = await commitFiles(path.join(other.dir, 'clone'), { 'c.txt': 'c\n' }, 'made elsewhere');
      assert.equal(await blobAt(repo.dir, elsewhere, 'c.txt'), undefined);
      await git(repo.dir, 'fetch', '-q', path.join(other.dir, 'clone'), 'HEAD');
      assert.equal(await blobAt(repo.dir, elsewhere, 'c.txt'), 'c\n');
      assert.equal(await blobAt(repo.dir, elsewhere, 'missing.txt'), undefined);
    } finally {
      await other.cleanup();
    }
  });

  it("answers a worktree's common dir with its repository's .git, as an absolute path", async () => {
    const other = await makeTempDir('loom-git-facts-');
    try {
      const worktree = path.join(other.dir, 'wt');
      await git(repo.dir, 'worktree', 'add', '-q', '--detach', worktree);
      const expected = realpathSync(path.join(repo.dir, '.git'));
      assert.equal(realpathSync(await gitCommonDirOf(repo.dir)), expected);
      assert.equal(realpathSync(await gitCommonDirOf(worktree)), expected);
      assert.ok(path.isAbsolute(await gitCommonDirOf(repo.dir)));
      await assert.rejects(gitCommonDirOf(other.dir));
    } finally {
      await git(repo.dir, 'worktree', 'remove', '--force', path.join(other.dir, 'wt')).catch(() => undefined);
      await other.cleanup();
    }
  });
});

/** The git commands `work` started (their arguments), counted by a logging `git` first on PATH. */
async function countGitCommands(work: () => Promise<void>): Promise<string[][]> {
  const shim = await makeTempDir('loom-git-shim-');
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  const logFile = path.join(shim.dir, 'log');
  writeFileSync(logFile, '');
  writeFileSync(path.join(shim.dir, 'git'), `#!/bin/sh\nfor a in "$@"; do printf '%s\\037' "$a" >> '${logFile}'; done\necho >> '${logFile}'\nexec '${realGit}' "$@"\n`);
  chmodSync(path.join(shim.dir, 'git'), 0o755);
  const pathBefore = process.env.PATH;
  process.env.PATH = `${shim.dir}${path.delimiter}${pathBefore ?? ''}`;
  try {
    await work();
    return readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => line.split('\x1f').filter((a) => a.length > 0));
  } finally {
    process.env.PATH = pathBefore;
    await shim.cleanup();
  }
}
