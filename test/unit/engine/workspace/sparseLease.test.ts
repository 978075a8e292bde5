import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { LeaseManager } from '../../../../extension/engine/workspace/leases';
import { checkpoint } from '../../../../extension/engine/workspace/checkpoint';
import { conePatterns, sparseDirs } from '../../../../extension/engine/workspace/sparseScope';
import { git, makeRepo, makeTempDir, writeFiles, type TempRepo } from '../../../fixtures/gitRepo';
import { startSandboxedAgent, type SandboxedAgent } from '../../../fixtures/sandboxedAgent';
import { buildToolServer } from '../tools/toolTestHelpers';
import { requireBubblewrap } from '../sandbox/sandboxHarness';

const FILES = {
  'package.json': '{"name":"x"}\n',
  'packages/core/src/index.js': 'export const core = 1;\n',
  'packages/core/test/index.test.js': 'test core\n',
  'packages/other/src/other.js': 'export const other = "needle";\n',
  'packages/other/README.md': 'other package\n',
  'docs/guide.md': 'a guide with a needle\n',
};

async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(() => true, () => false);
}

describe('engine/workspace/sparse leases', () => {
  let repo: TempRepo;
  let home: { dir: string; cleanup: () => Promise<void> };

  beforeEach(async () => {
    repo = await makeRepo(FILES);
    home = await makeTempDir('loom-sparse-');
  });

  afterEach(async () => {
    await repo.cleanup();
    await home.cleanup();
  });

  it('takes the checkout directories from the file scope and acceptance test files', async () => {
    assert.deepEqual(await sparseDirs(repo.dir, repo.head!, ['packages/core/src/**', 'packages/core/**/*.js']), ['packages/core']);
    // A plain path is a folder or a file as the commit says; a top-level file needs no folder.
    assert.deepEqual(await sparseDirs(repo.dir, repo.head!, ['packages/other/src/other.js', 'package.json'], ['docs/guide.md']), ['docs', 'packages/other/src']);
    assert.equal(await sparseDirs(repo.dir, repo.head!, ['**/*.js']), null);
    assert.equal(conePatterns(['a/b', 'a/c']), '/*\n!/*/\n/a/\n!/a/*/\n/a/b/\n/a/c/\n');
  });

  it('checks out only the cone and top-level files, and a checkpoint does not delete the rest', async () => {
    const leases = new LeaseManager({ repoDir: repo.dir, root: path.join(home.dir, 'worktrees') });
    try {
      const lease = await leases.acquire({ runId: 'r1', taskId: 't1', startCommit: repo.head!, sparseDirs: ['packages/core'] });
      assert.ok(await exists(path.join(lease.path, 'package.json')));
      assert.ok(await exists(path.join(lease.path, 'packages/core/src/index.js')));
      assert.ok(!(await exists(path.join(lease.path, 'packages/other'))));
      assert.ok(!(await exists(path.join(lease.path, 'docs'))));
      // The user's repository config is not touched (no extensions.worktreeConfig).
      assert.equal((await git(repo.dir, 'config', '--list', '--local')).includes('worktreeconfig'), false);

      await writeFiles(lease.path, { 'packages/core/src/index.js': 'export const core = 2;\n', 'docs/new.md': 'written outside the cone\n' });
      const commit = await checkpoint(lease.path, { message: 't1: edit' });
      assert.ok(commit);
      const changed = (await git(repo.dir, 'diff', '--name-status', repo.head!, commit)).split('\n').sort();
      assert.deepEqual(changed, ['A\tdocs/new.md', 'M\tpackages/core/src/index.js']);
      const tree = (await git(repo.dir, 'ls-tree', '-r', '--name-only', commit)).split('\n');
      for (const f of Object.keys(FILES)) assert.ok(tree.includes(f), `${f} is still in the checkpoint`);
    } finally {
      await leases.dispose();
    }
  });

  describe('widening from the agent\'s sandboxed tool server', function () {
    this.timeout(120_000);
    let agent: SandboxedAgent;

    beforeEach(async function () {
      requireBubblewrap(this);
      agent = await startSandboxedAgent({ repo: repo.dir, runDir: path.join(home.dir, 'run'), toolServer: await buildToolServer(), sparseDirs: ['packages/core'] });
    });

    afterEach(async () => {
      await agent?.dispose();
    });

    const call = async (name: string, args: object) => {
      const r = await agent.tools.call(name, JSON.stringify(args));
      assert.ok(r.ok, r.text);
      return r.text;
    };

    it('reads, lists and searches files outside the cone, bringing in what it reads', async () => {
      const file = path.join(agent.lease.path, 'packages/other/src/other.js');
      assert.ok(!(await exists(file)));
      assert.equal(await call('read_file', { path: 'packages/other/src/other.js' }), FILES['packages/other/src/other.js']);
      assert.ok(await exists(file), 'the file read is now in the worktree');
      assert.ok(!(await exists(path.join(agent.lease.path, 'docs'))), 'nothing else was brought in');

      assert.deepEqual((await call('list_files', { path: 'packages' })).split('\n'), [
        'packages/core/src/index.js',
        'packages/core/test/index.test.js',
        'packages/other/README.md',
        'packages/other/src/other.js',
      ]);
      assert.equal(await call('list_files', { path: 'docs' }), 'docs/guide.md');
      const found = (await call('search', { pattern: 'needle' })).split('\n').sort();
      assert.deepEqual(found, ['docs/guide.md:1: a guide with a needle', 'packages/other/src/other.js:1: export const other = "needle";']);
      // A file that is in no commit is still "not found".
      const missing = await agent.tools.call('read_file', JSON.stringify({ path: 'docs/nothing.md' }));
      assert.equal(missing.ok, false);
    });

    it('commits a file written outside the cone and keeps the files never brought in', async () => {
      await call('write_file', { path: 'packages/other/src/other.js', content: 'export const other = "changed";\n' });
      await call('read_file', { path: 'packages/other/README.md' });
      const commit = await checkpoint(agent.lease.path, { message: 'edit outside the cone' });
      assert.ok(commit);
      assert.deepEqual((await git(repo.dir, 'diff', '--name-status', repo.head!, commit)).split('\n'), ['M\tpackages/other/src/other.js']);
      assert.equal(await git(repo.dir, 'show', `${commit}:docs/guide.md`), FILES['docs/guide.md'].trimEnd());
      // The shared repository stayed read-only for the agent: no cone change, the index written by the host only.
      assert.equal(await git(agent.lease.path, 'status', '--porcelain'), '');
    });

    it('brings in the whole commit before the first command', async () => {
      const out = await call('run_command', { command: ['cat', 'docs/guide.md'] });
      assert.match(out, /a guide with a needle/);
      for (const f of Object.keys(FILES)) assert.ok(await exists(path.join(agent.lease.path, f)), `${f} is in the worktree`);
      assert.equal(await git(agent.lease.path, 'status', '--porcelain'), '');
    });
  });
});
