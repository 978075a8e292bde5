import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { LeaseManager } from '../../../../extension/engine/workspace/leases';
import { LeaseError, taskBranch } from '../../../../extension/engine/workspace/lease';
import { checkpoint } from '../../../../extension/engine/workspace/checkpoint';
import { snapshotRepo } from '../../../../extension/engine/workspace/gitRepo';
import { listWorktrees } from '../../../../extension/engine/workspace/worktrees';
import { git, makeRepo, makeTempDir, writeFiles, type TempRepo } from '../../../fixtures/gitRepo';

describe('engine/workspace/leases', () => {
  let repo: TempRepo;
  let home: { dir: string; cleanup: () => Promise<void> };
  let manager: LeaseManager;
  let root: string;

  beforeEach(async () => {
    repo = await makeRepo({ 'a.txt': 'one\n', 'src/b.ts': 'export const b = 1;\n' });
    home = await makeTempDir('loom-home-');
    root = path.join(home.dir, 'runs', 'r1', 'worktrees');
    manager = new LeaseManager({ repoDir: repo.dir, root });
  });

  afterEach(async () => {
    await manager.dispose().catch(() => undefined);
    await repo.cleanup();
    await home.cleanup();
  });

  it('creates the task branch and a worktree outside the working tree', async () => {
    const lease = await manager.acquire({ runId: 'r1', taskId: 't1', startCommit: repo.head! });
    assert.equal(lease.branch, 'loom/r1/t1');
    assert.equal(lease.path, path.join(root, 't1'));
    assert.ok(!lease.path.startsWith(repo.dir + path.sep));
    assert.equal(lease.startCommit, repo.head);
    assert.equal(await git(repo.dir, 'rev-parse', 'refs/heads/loom/r1/t1'), repo.head);
    assert.equal(await git(lease.path, 'symbolic-ref', 'HEAD'), 'refs/heads/loom/r1/t1');
    assert.equal(await fs.readFile(path.join(lease.path, 'a.txt'), 'utf8'), 'one\n');
    const listed = (await listWorktrees(repo.dir)).map((w) => w.path);
    assert.ok(listed.includes(lease.path));
  });

  it('refuses a root inside the working tree', async () => {
    const inside = new LeaseManager({ repoDir: repo.dir, root: path.join(repo.dir, '.loom', 'worktrees') });
    await assert.rejects(inside.acquire({ runId: 'r1', taskId: 't1', startCommit: 'HEAD' }), (e: unknown) => e instanceof LeaseError && e.code === 'rootInsideRepo');
  });

  it('refuses unsafe ids', async () => {
    await assert.rejects(manager.acquire({ runId: 'r1', taskId: '../x', startCommit: 'HEAD' }), LeaseError);
    await assert.rejects(manager.acquire({ runId: 'r 1', taskId: 't', startCommit: 'HEAD' }), LeaseError);
  });

  it('keeps edits in one lease invisible in another', async () => {
    const l1 = await manager.acquire({ runId: 'r1', taskId: 't1', startCommit: repo.head! });
    const l2 = await manager.acquire({ runId: 'r1', taskId: 't2', startCommit: repo.head! });
    await writeFiles(l1.path, { 'a.txt': 'changed by t1\n', 'new.txt': 'only in t1\n' });
    const sha = await checkpoint(l1.path, { message: 't1: edit' });
    assert.ok(sha);
    assert.equal(await fs.readFile(path.join(l2.path, 'a.txt'), 'utf8'), 'one\n');
    await assert.rejects(fs.stat(path.join(l2.path, 'new.txt')));
    assert.equal(await l2.head(), repo.head);
    assert.equal(await git(repo.dir, 'rev-parse', 'loom/r1/t1'), sha);
  });

  it('leaves the user HEAD, branch, index and dirty tree untouched through acquire, checkpoint and remove', async () => {
    // A dirty user checkout: a staged change, an unstaged change and an untracked file.
    await writeFiles(repo.dir, { 'a.txt': 'staged\n' });
    await git(repo.dir, 'add', 'a.txt');
    await writeFiles(repo.dir, { 'a.txt': 'staged then edited\n', 'src/b.ts': 'export const b = 2;\n', 'untracked.md': 'mine\n' });
    const before = await snapshotRepo(repo.dir);
    const configBefore = await fs.readFile(path.join(repo.dir, '.git', 'config'), 'utf8');

    const lease = await manager.acquire({ runId: 'r1', taskId: 't1', startCommit: repo.head! });
    await writeFiles(lease.path, { 'a.txt': 'agent\n', 'c.txt': 'agent file\n' });
    assert.ok(await checkpoint(lease.path, { message: 'agent work' }));
    assert.deepEqual(await snapshotRepo(repo.dir), before);
    const detached = await manager.acquireDetached({ name: 'verify-t1', commit: 'loom/r1/t1' });
    assert.equal(detached.branch, null);
    await detached.remove();
    await lease.remove();

    assert.deepEqual(await snapshotRepo(repo.dir), before);
    assert.equal(await fs.readFile(path.join(repo.dir, '.git', 'config'), 'utf8'), configBefore);
    assert.equal(await fs.readFile(path.join(repo.dir, 'a.txt'), 'utf8'), 'staged then edited\n');
    assert.equal(before.branch, 'main');
    // The branch survives the lease (the result lives on it); the worktree does not.
    assert.ok(await git(repo.dir, 'rev-parse', '--verify', 'loom/r1/t1'));
    await assert.rejects(fs.stat(lease.path));
    assert.equal((await listWorktrees(repo.dir)).length, 1);
  });

  it('removes the branch too when asked, and removing twice is harmless', async () => {
    const lease = await manager.acquire({ runId: 'r1', taskId: 't1', startCommit: repo.head! });
    await lease.remove({ deleteBranch: true });
    await lease.remove({ deleteBranch: true });
    await lease.dispose();
    assert.equal(await git(repo.dir, 'branch', '--list', 'loom/*'), '');
  });

  it('refuses an existing branch unless reset', async () => {
    const first = await manager.acquire({ runId: 'r1', taskId: 't1', startCommit: repo.head! });
    await writeFiles(first.path, { 'x.txt': 'x\n' });
    await checkpoint(first.path, { message: 'x' });
    await first.remove();
    await assert.rejects(manager.acquire({ runId: 'r1', taskId: 't1', startCommit: repo.head! }), (e: unknown) => e instanceof LeaseError && e.code === 'branchExists');
    const again = await manager.acquire({ runId: 'r1', taskId: 't1', startCommit: repo.head!, reset: true });
    assert.equal(await again.head(), repo.head);
  });

  it('acquires several leases concurrently', async () => {
    const leases = await Promise.all(['t1', 't2', 't3', 't4'].map((taskId) => manager.acquire({ runId: 'r1', taskId, startCommit: repo.head! })));
    assert.equal(new Set(leases.map((l) => l.path)).size, 4);
    assert.equal((await manager.list()).length, 4);
  });

  it('reattaches an existing worktree, dropping edits after the last checkpoint', async () => {
    const lease = await manager.acquire({ runId: 'r1', taskId: 't1', startCommit: repo.head! });
    await writeFiles(lease.path, { 'a.txt': 'checkpointed\n' });
    const cp = await checkpoint(lease.path, { message: 'turn 1' });
    await writeFiles(lease.path, { 'a.txt': 'lost in the crash\n', 'scratch.txt': 'tmp\n' });

    const fresh = new LeaseManager({ repoDir: repo.dir, root });
    const r = await fresh.reattach({ runId: 'r1', taskId: 't1', startCommit: repo.head!, expectedHead: cp! });
    assert.equal(r.action, 'kept');
    assert.equal(r.discarded, true);
    assert.equal(await fs.readFile(path.join(r.lease.path, 'a.txt'), 'utf8'), 'checkpointed\n');
    await assert.rejects(fs.stat(path.join(r.lease.path, 'scratch.txt')));
    await fresh.dispose();
  });

  it('recreates a deleted worktree at the branch head, and resets a branch that ran past the journal', async () => {
    const lease = await manager.acquire({ runId: 'r1', taskId: 't1', startCommit: repo.head! });
    await writeFiles(lease.path, { 'a.txt': 'one checkpoint\n' });
    const cp1 = await checkpoint(lease.path, { message: 'turn 1' });
    await writeFiles(lease.path, { 'a.txt': 'unjournaled checkpoint\n' });
    const cp2 = await checkpoint(lease.path, { message: 'turn 2' });
    await fs.rm(lease.path, { recursive: true, force: true }); // the crash took the folder

    const r = await manager.reattach({ runId: 'r1', taskId: 't1', startCommit: repo.head!, expectedHead: cp1! });
    assert.equal(r.action, 'recreated');
    assert.equal(r.resetFrom, cp2);
    assert.equal(await r.lease.head(), cp1);
    assert.equal(await git(repo.dir, 'rev-parse', 'loom/r1/t1'), cp1);
    assert.equal(await fs.readFile(path.join(r.lease.path, 'a.txt'), 'utf8'), 'one checkpoint\n');
  });

  it('fails a reattach whose branch disagrees with the journal', async () => {
    const lease = await manager.acquire({ runId: 'r1', taskId: 't1', startCommit: repo.head! });
    await writeFiles(lease.path, { 'a.txt': 'x\n' });
    await checkpoint(lease.path, { message: 'x' });
    const other = await git(repo.dir, 'commit-tree', '-p', repo.head!, '-m', 'elsewhere', `${repo.head}^{tree}`);
    await assert.rejects(manager.reattach({ runId: 'r1', taskId: 't1', startCommit: repo.head!, expectedHead: other }), (e: unknown) => e instanceof LeaseError && e.code === 'headMismatch');
  });

  it('reattach creates the lease when the branch never existed', async () => {
    const r = await manager.reattach({ runId: 'r1', taskId: 't9', startCommit: repo.head! });
    assert.equal(r.action, 'created');
    assert.equal(await r.lease.head(), repo.head);
  });

  it('removeAll leaves no worktrees and can delete the run branches', async () => {
    await manager.acquire({ runId: 'r1', taskId: 't1', startCommit: repo.head! });
    await manager.acquire({ runId: 'r1', taskId: 't2', startCommit: repo.head! });
    await manager.acquireDetached({ name: 'verify-base', commit: repo.head! });
    // A stale record: a worktree folder deleted behind git's back.
    const gone = await manager.acquire({ runId: 'r1', taskId: 't3', startCommit: repo.head! });
    await fs.rm(gone.path, { recursive: true, force: true });
    // Another run's branch must survive.
    await git(repo.dir, 'branch', 'loom/r2/t1', repo.head!);
    const before = await snapshotRepo(repo.dir);

    const res = await new LeaseManager({ repoDir: repo.dir, root }).removeAll('r1', { deleteBranches: true });
    assert.equal(res.removed.length, 4);
    assert.deepEqual(res.deletedBranches.sort(), ['loom/r1/t1', 'loom/r1/t2', 'loom/r1/t3']);
    assert.deepEqual(res.keptBranches, []);
    const list = await git(repo.dir, 'worktree', 'list', '--porcelain');
    assert.equal(list.split('\n').filter((l) => l.startsWith('worktree ')).length, 1);
    assert.ok(!list.includes(root));
    assert.equal(await git(repo.dir, 'branch', '--list', 'loom/*'), 'loom/r2/t1');
    await assert.rejects(fs.stat(root));
    assert.deepEqual(await snapshotRepo(repo.dir), before);
    assert.equal(taskBranch('r1', 't1'), 'loom/r1/t1');
  });

  it('dispose removes the leases it handed out and keeps their branches', async () => {
    await manager.acquire({ runId: 'r1', taskId: 't1', startCommit: repo.head! });
    await manager.acquireDetached({ name: 'v', commit: repo.head! });
    await manager.dispose();
    assert.equal((await listWorktrees(repo.dir)).length, 1);
    assert.equal(await git(repo.dir, 'branch', '--list', 'loom/*'), 'loom/r1/t1');
  });
});
