import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { linkDependencies, DEPENDENCY_DIRS } from '../../../../extension/engine/workspace/linkDependencies';
import { checkpoint } from '../../../../extension/engine/workspace/checkpoint';
import { LeaseManager } from '../../../../extension/engine/workspace/leases';
import { git, makeRepo, makeTempDir, type TempRepo } from '../../../fixtures/gitRepo';

describe('engine/workspace/linkDependencies', () => {
  let repo: TempRepo;
  let root: { dir: string; cleanup: () => Promise<void> };
  beforeEach(async () => {
    repo = await makeRepo({ 'index.js': "module.exports = require('leftpad')('x', 3);\n" });
    root = await makeTempDir('loom-leases-');
    // Installed, not committed (and not ignored: the checkpoint must still leave it out).
    mkdirSync(join(repo.dir, 'node_modules', 'leftpad'), { recursive: true });
    writeFileSync(join(repo.dir, 'node_modules', 'leftpad', 'index.js'), "module.exports = (s, n) => s.padStart(n, ' ');\n");
  });
  afterEach(async () => {
    await repo.cleanup();
    await root.cleanup();
  });

  it('lets code in a worktree load the repository\'s installed dependencies, and keeps them out of checkpoints', async () => {
    const leases = new LeaseManager({ repoDir: repo.dir, root: root.dir });
    const lease = await leases.acquire({ runId: 'r', taskId: 't', startCommit: repo.head! });
    try {
      assert.deepEqual(await linkDependencies(repo.dir, lease.path), ['node_modules']);
      const out = execFileSync(process.execPath, ['-e', "console.log(JSON.stringify(require('./index.js')))"], { cwd: lease.path, encoding: 'utf8' });
      assert.equal(out.trim(), '"  x"');
      writeFileSync(join(lease.path, 'index.js'), "module.exports = require('leftpad')('y', 2);\n");
      const commit = await checkpoint(lease.path, { message: 'c', exclude: DEPENDENCY_DIRS });
      assert.ok(commit);
      assert.equal((await git(repo.dir, 'ls-tree', '-r', '--name-only', commit!)).trim(), 'index.js');
      assert.deepEqual(await linkDependencies(repo.dir, lease.path), [], 'linking twice is a no-op');
    } finally {
      await leases.dispose();
    }
    // Removing the worktree removes the link, never the user's dependencies.
    assert.equal(execFileSync('ls', [join(repo.dir, 'node_modules')], { encoding: 'utf8' }).trim(), 'leftpad');
  });
});
