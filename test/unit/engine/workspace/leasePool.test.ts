import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { LeaseManager } from '../../../../extension/engine/workspace/leases';
import { checkpoint } from '../../../../extension/engine/workspace/checkpoint';
import { listWorktrees } from '../../../../extension/engine/workspace/worktrees';
import { git, makeRepo, makeTempDir, writeFiles, type TempRepo } from '../../../fixtures/gitRepo';

const FILES = {
  '.gitignore': 'build/\n*.log\n',
  'package.json': '{"name":"x"}\n',
  'a/one.js': 'one\n',
  'a/two.js': 'two\n',
  'b/three.js': 'three\n',
  'c/four.js': 'four\n',
};

/** Every file and folder under a worktree (but its .git file), relative. */
async function tree(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await fs.readdir(d, { withFileTypes: true })) {
      const rel = path.relative(dir, path.join(d, e.name));
      if (rel === '.git') continue;
      out.push(e.isDirectory() ? `${rel}/` : rel);
      if (e.isDirectory()) await walk(path.join(d, e.name));
    }
  };
  await walk(dir);
  return out.sort();
}

describe('engine/workspace/lease allocation', () => {
  let repo: TempRepo;
  let home: { dir: string; cleanup: () => Promise<void> };
  let root: string;

  beforeEach(async () => {
    repo = await makeRepo(FILES);
    home = await makeTempDir('loom-pool-');
    root = path.join(home.dir, 'worktrees');
  });

  afterEach(async () => {
    await repo.cleanup();
    await home.cleanup();
  });

  for (const [name, first, second] of [
    ['sparse to sparse', ['a'], ['b']],
    ['sparse to full', ['a'], null],
    ['full to sparse', null, ['b']],
  ] as const) {
    it(`a pooled lease reset for the next task leaves no file of the previous one (${name})`, async () => {
      const leases = new LeaseManager({ repoDir: repo.dir, root, allocation: 'pooled' });
      try {
        const l1 = await leases.acquire({ runId: 'r1', taskId: 't1', startCommit: repo.head!, sparseDirs: first ? [...first] : null });
        // The previous task: a committed edit, an uncommitted one, an untracked and two ignored files, a deleted file.
        await writeFiles(l1.path, { 'a/one.js': 'one, committed by t1\n', 'new.js': 'committed new file\n' });
        const t1Head = await checkpoint(l1.path, { message: 't1' });
        await writeFiles(l1.path, { 'a/two.js': 'uncommitted\n', 'untracked.txt': 'u\n', 'build/out.js': 'ignored\n', 'debug.log': 'ignored\n' });
        await fs.rm(path.join(l1.path, 'package.json'));
        // A file the agent's tool server brought in from outside the cone (its skip-worktree bit still set).
        await git(l1.path, 'checkout-index', '--ignore-skip-worktree-bits', '--', 'c/four.js');
        await fs.appendFile(path.join(l1.path, 'c/four.js'), 'edited by t1\n');
        assert.equal(await leases.release(l1), l1.path);

        const l2 = await leases.acquire({ runId: 'r1', taskId: 't2', startCommit: repo.head!, sparseDirs: second ? [...second] : null });
        assert.equal(l2.path, l1.path, 'the pooled worktree is reused');
        assert.equal(await git(l2.path, 'symbolic-ref', 'HEAD'), 'refs/heads/loom/r1/t2');
        assert.equal(await l2.head(), repo.head);
        const expected = second ? ['.gitignore', 'b/', 'b/three.js', 'package.json'] : ['.gitignore', 'a/', 'a/one.js', 'a/two.js', 'b/', 'b/three.js', 'c/', 'c/four.js', 'package.json'];
        assert.deepEqual(await tree(l2.path), expected);
        for (const f of expected.filter((e) => !e.endsWith('/'))) assert.equal(await fs.readFile(path.join(l2.path, f), 'utf8'), FILES[f as keyof typeof FILES]);
        assert.equal(await git(l2.path, 'status', '--porcelain', '--ignored'), '');
        // t1's branch keeps its result and is free (no worktree holds it).
        assert.equal(await git(repo.dir, 'rev-parse', 'loom/r1/t1'), t1Head);
        assert.ok(!(await listWorktrees(repo.dir)).some((w) => w.branch === 'refs/heads/loom/r1/t1'));
        // A checkpoint of the new task holds only its own change.
        await writeFiles(l2.path, { 'b/three.js': 'three, by t2\n' });
        const t2Head = await checkpoint(l2.path, { message: 't2' });
        assert.deepEqual((await git(repo.dir, 'diff', '--name-only', repo.head!, t2Head!)).split('\n'), ['b/three.js']);
      } finally {
        await leases.dispose();
      }
      assert.deepEqual((await listWorktrees(repo.dir)).length, 1);
    });
  }

  it('a resumed run reattaches a pooled task at the worktree the journal recorded', async () => {
    const first = new LeaseManager({ repoDir: repo.dir, root, allocation: 'pooled' });
    const lease = await first.acquire({ runId: 'r1', taskId: 't1', startCommit: repo.head!, sparseDirs: ['a'] });
    await writeFiles(lease.path, { 'a/one.js': 'checkpointed\n' });
    const checkpointed = await checkpoint(lease.path, { message: 't1' });
    await writeFiles(lease.path, { 'a/two.js': 'after the checkpoint\n' });
    // The process dies here; a new one folds the journal (lease/didCreate's path) and reattaches.
    const second = new LeaseManager({ repoDir: repo.dir, root, allocation: 'pooled' });
    try {
      const { lease: again, action } = await second.reattach({ runId: 'r1', taskId: 't1', startCommit: repo.head!, expectedHead: checkpointed!, path: lease.path });
      assert.equal(action, 'kept');
      assert.equal(again.path, lease.path);
      assert.equal(await fs.readFile(path.join(again.path, 'a/one.js'), 'utf8'), 'checkpointed\n');
      assert.equal(await fs.readFile(path.join(again.path, 'a/two.js'), 'utf8'), FILES['a/two.js']);
      // Released, it goes back to the new process's pool, and a new task reuses it.
      await second.release(again);
      const next = await second.acquire({ runId: 'r1', taskId: 't2', startCommit: repo.head! });
      assert.equal(next.path, lease.path);
    } finally {
      await second.dispose();
    }
    assert.deepEqual((await listWorktrees(repo.dir)).map((w) => w.path), [repo.dir]);
  });

  it('removes a released per-task lease in the background and leaves no worktree after dispose', async () => {
    const leases = new LeaseManager({ repoDir: repo.dir, root });
    const l1 = await leases.acquire({ runId: 'r1', taskId: 't1', startCommit: repo.head! });
    const l2 = await leases.acquire({ runId: 'r1', taskId: 't2', startCommit: repo.head!, sparseDirs: ['a'] });
    const removed = leases.release(l1);
    // The next task starts while the removal runs.
    const l3 = await leases.acquire({ runId: 'r1', taskId: 't3', startCommit: repo.head! });
    assert.equal(await removed, l1.path);
    await l1.remove(); // a released lease's own remove does nothing more
    void leases.release(l2);
    await leases.dispose();
    assert.deepEqual((await listWorktrees(repo.dir)).map((w) => w.path), [repo.dir]);
    for (const l of [l1, l2, l3]) await assert.rejects(fs.access(l.path));
    // Branches (the tasks' results) stay.
    assert.equal(await git(repo.dir, 'rev-parse', 'loom/r1/t1'), repo.head);
  });
});
