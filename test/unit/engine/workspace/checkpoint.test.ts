import * as fs from 'node:fs/promises';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { changedFiles, checkpoint, diffText } from '../../../../extension/engine/workspace/checkpoint';
import { LeaseManager } from '../../../../extension/engine/workspace/leases';
import { GitRepo, GitVersionError, assertGitVersion, isClean } from '../../../../extension/engine/workspace/gitRepo';
import { git, makeRepo, makeTempDir, writeFiles, type TempRepo } from '../../../fixtures/gitRepo';

describe('engine/workspace/checkpoint', () => {
  let repo: TempRepo;
  let home: { dir: string; cleanup: () => Promise<void> };
  let manager: LeaseManager;

  before(async () => {
    repo = await makeRepo({ 'a.txt': 'a\n', 'gone.txt': 'bye\n' });
    home = await makeTempDir('loom-home-');
    manager = new LeaseManager({ repoDir: repo.dir, root: path.join(home.dir, 'wt') });
  });

  after(async () => {
    await manager.dispose();
    await repo.cleanup();
    await home.cleanup();
  });

  it('returns null when nothing changed, and commits everything when something did', async () => {
    const lease = await manager.acquire({ runId: 'r', taskId: 't', startCommit: repo.head! });
    assert.equal(await checkpoint(lease.path, { message: 'nothing' }), null);

    await writeFiles(lease.path, { 'a.txt': 'a edited\n', 'gone.txt': null, 'dir/new file.txt': 'new\n' });
    const sha = await checkpoint(lease.path, { message: 'turn 3\n\nbody' });
    assert.match(sha!, /^[0-9a-f]{40}$/);
    assert.equal(await git(repo.dir, 'rev-parse', 'loom/r/t'), sha);
    assert.equal(await git(repo.dir, 'log', '-1', '--format=%an <%ae>|%cn|%s|%P', sha!), `Loom Agent <agents@loom.invalid>|Loom|turn 3|${repo.head}`);
    assert.ok(await isClean(lease.path));
    assert.equal(await checkpoint(lease.path, { message: 'again' }), null);

    assert.deepEqual((await changedFiles(repo.dir, repo.head!, sha!)).sort(), ['a.txt', 'dir/new file.txt', 'gone.txt']);
    const diff = await diffText(repo.dir, repo.head!, sha!, 100_000);
    assert.match(diff, /\+a edited/);
    const cut = await diffText(repo.dir, repo.head!, sha!, 40);
    assert.match(cut, /diff truncated: \d+ of \d+ bytes not shown\n$/);
    assert.ok(Buffer.byteLength(cut.split('…')[0]) <= 41);

    const other = await checkpoint(lease.path, { message: 'custom', author: { name: 'Implementor t', email: 't@loom.invalid' } }).then(async (s) => {
      assert.equal(s, null);
      await writeFiles(lease.path, { 'b.txt': 'b\n' });
      return checkpoint(lease.path, { message: 'custom', author: { name: 'Implementor t', email: 't@loom.invalid' } });
    });
    assert.equal(await git(repo.dir, 'log', '-1', '--format=%an', other!), 'Implementor t');

    // A lease's empty dependency mount point commits nothing, whatever the .gitignore says.
    let previous = other!;
    for (const [i, ignore] of ['node_modules\n', '/node_modules\n', 'node_modules/\n', '/*\n!/*.txt\n!/.gitignore\n', null].entries()) {
      if (ignore === null) await fs.rm(path.join(lease.path, '.gitignore'), { force: true });
      else await writeFiles(lease.path, { '.gitignore': ignore });
      await fs.mkdir(path.join(lease.path, 'node_modules'), { recursive: true });
      await writeFiles(lease.path, { [`c${i}.txt`]: 'c\n' });
      const next = await checkpoint(lease.path, { message: `ignore ${JSON.stringify(ignore)}` });
      assert.ok(next, `a checkpoint with .gitignore ${JSON.stringify(ignore)}`);
      assert.ok((await changedFiles(repo.dir, previous, next)).includes(`c${i}.txt`));
      assert.ok(!(await changedFiles(repo.dir, previous, next)).some((f) => f.startsWith('node_modules')));
      previous = next;
    }
  });

  it('opens the repository and reads HEAD and branch', async () => {
    const v = await assertGitVersion();
    assert.ok(v.major > 2 || v.minor >= 38);
    const r = await GitRepo.open(path.join(repo.dir));
    assert.equal(r.root, repo.dir);
    assert.equal(await r.head(), repo.head);
    assert.equal(await r.currentBranch(), 'main');
    assert.equal(await r.resolveCommit('main'), repo.head);
    assert.ok(await r.isClean());
    await assert.rejects(GitRepo.open(home.dir), /not inside a git working tree/);
    assert.match(new GitVersionError({ major: 2, minor: 30, patch: 1, installed: true }).message, /2\.38 or later.*found git 2\.30\.1/);
  });
});
