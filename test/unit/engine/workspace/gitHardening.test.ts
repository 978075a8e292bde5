import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { checkPairs } from '../../../../extension/engine/merge/conflictCheck';
import { conflictContent } from '../../../../extension/engine/merge/conflictContent';
import { checkOutConflictedMerge, landResolvedMerge } from '../../../../extension/engine/merge/conflictedMerge';
import { integrate } from '../../../../extension/engine/merge/integrate';
import { mergeTakingSide } from '../../../../extension/engine/merge/takeSide';
import { diffNameStatus, diffText } from '../../../../extension/engine/verify/gitDiff';
import { restorePristineTests } from '../../../../extension/engine/verify/pristineTests';
import { addScratchWorktree } from '../../../../extension/engine/verify/scratchWorktree';
import { checkpoint, diffText as checkpointDiff } from '../../../../extension/engine/workspace/checkpoint';
import { combineCommits } from '../../../../extension/engine/workspace/combine';
import { emptyHooksDir, gitOut, resolveCommit } from '../../../../extension/engine/workspace/git';
import { GitRepo, snapshotRepo } from '../../../../extension/engine/workspace/gitRepo';
import { LeaseManager } from '../../../../extension/engine/workspace/leases';
import { commitOnBranch, makeRepo, makeTempDir, writeFiles, type TempRepo } from '../../../fixtures/gitRepo';
import { firedMarkers, gitIn, plantHooks } from '../../../fixtures/plantedHooks';

const FILE = Array.from({ length: 30 }, (_, i) => `row ${i + 1}`).join('\n') + '\n';

/** Sets environment variables for the length of `fn`, then puts every one back as it was. */
async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/**
 * Loom's own git must not run what an agent plants in the shared `.git` (hooks, `core.fsmonitor`,
 * `diff.external`), nor be redirected or handed secrets by its environment. Real repositories,
 * real git, Loom's real operations.
 */
describe('engine/workspace/git hardening', function () {
  if (process.platform === 'win32') return; // the planted programs are shell scripts
  this.timeout(120_000);
  let repo: TempRepo;
  let home: { dir: string; cleanup: () => Promise<void> };
  let markers: { dir: string; cleanup: () => Promise<void> };
  let base: string;
  const heads: Record<string, string> = {};

  before(async () => {
    repo = await makeRepo({ 'data.txt': FILE, 'other.txt': 'other\n', 'test/a.test.js': 'original test\n' });
    base = repo.head!;
    home = await makeTempDir('loom-hardening-');
    markers = await makeTempDir('loom-markers-');
    // Branches first: the fixture's own git would fire the hooks once planted.
    heads.top = await commitOnBranch(repo.dir, 'loom/r1/top', { 'data.txt': FILE.replace('row 2\n', 'row 2 (top)\n') }, 'top');
    heads.bottom = await commitOnBranch(repo.dir, 'loom/r1/bottom', { 'data.txt': FILE.replace('row 29\n', 'row 29 (bottom)\n') }, 'bottom', 'main');
    heads.clash = await commitOnBranch(repo.dir, 'loom/r1/clash', { 'data.txt': FILE.replace('row 29\n', 'row 29 (clash)\n') }, 'clash', 'main');
    heads.other = await commitOnBranch(repo.dir, 'loom/r1/other', { 'other.txt': 'other, edited\n', 'test/a.test.js': 'weakened test\n' }, 'other', 'main');
    await plantHooks(repo.dir, markers.dir);
  });

  after(async () => {
    await repo?.cleanup();
    await home?.cleanup();
    await markers?.cleanup();
  });

  afterEach(async () => {
    for (const f of await fs.readdir(markers.dir)) await fs.rm(path.join(markers.dir, f));
  });

  it("every git command Loom runs fsyncs what it writes (objects, refs, index), whatever the repository's config says", async () => {
    gitIn(repo.dir, 'config', 'core.fsync', 'none');
    try {
      assert.equal(await gitOut(repo.dir, ['config', 'core.fsync']), 'committed,reference,index');
    } finally {
      gitIn(repo.dir, 'config', '--unset', 'core.fsync');
    }
  });

  it('the plant is live: plain git runs the hooks and the fsmonitor', async () => {
    gitIn(repo.dir, 'status');
    gitIn(repo.dir, 'update-ref', 'refs/heads/plant-check', 'HEAD');
    gitIn(repo.dir, 'update-ref', '-d', 'refs/heads/plant-check');
    gitIn(repo.dir, 'diff', 'HEAD~0', '--', 'data.txt'); // runs diff.external only when there is a change; it is not
    const fired = await firedMarkers(markers.dir);
    assert.ok(fired.includes('core.fsmonitor'), fired.join());
    assert.ok(fired.includes('reference-transaction'), fired.join());
  });

  it('leases: acquire, checkpoint, reattach (kept and recreated), a detached lease, remove and removeAll run none of it', async () => {
    const manager = new LeaseManager({ repoDir: repo.dir, root: path.join(home.dir, 'leases') });
    try {
      const lease = await manager.acquire({ runId: 'r2', taskId: 't1', startCommit: base });
      await writeFiles(lease.path, { 'data.txt': 'edited\n', 'new.txt': 'new\n' });
      const first = await checkpoint(lease.path, { message: 'turn 1' });
      assert.ok(first);
      await writeFiles(lease.path, { 'scratch.txt': 'uncommitted\n' });
      const kept = await manager.reattach({ runId: 'r2', taskId: 't1', startCommit: base, expectedHead: first });
      assert.equal(kept.action, 'kept');
      assert.equal(kept.discarded, true);
      await fs.rm(lease.path, { recursive: true, force: true });
      const recreated = await manager.reattach({ runId: 'r2', taskId: 't1', startCommit: base, expectedHead: first });
      assert.equal(recreated.action, 'recreated');
      assert.equal(await recreated.lease.head(), first);
      const detached = await manager.acquireDetached({ name: 'look', commit: heads.top });
      assert.equal(await detached.head(), heads.top);
      await detached.remove();
      await recreated.lease.remove({ deleteBranch: false });
      const all = await manager.removeAll('r2', { deleteBranches: true });
      assert.deepEqual(all.deletedBranches, ['loom/r2/t1']);
    } finally {
      await manager.dispose();
    }
    assert.deepEqual(await firedMarkers(markers.dir), []);
  });

  it('merges: conflict check, conflict content, combine, integrate, taking a side, a conflicted merge and landing it run none of it', async () => {
    const ordered = ['top', 'bottom', 'clash'].map((taskId) => ({ taskId, commit: heads[taskId] }));
    const check = await checkPairs(repo.dir, ordered);
    assert.deepEqual(check.conflicts.map((c) => c.taskIds), [['bottom', 'clash']]);
    const content = await conflictContent(repo.dir, heads.bottom, heads.clash, check.conflicts[0].files);
    assert.equal(content.length, 1);

    const combined = await combineCommits(repo.dir, base, [heads.top, heads.other], 'combine');
    assert.ok('commit' in combined);

    const integrated = await integrate(repo.dir, { runId: 'r1', baseCommit: base, ordered });
    assert.deepEqual(integrated.skipped.map((s) => s.taskId), ['clash']);

    const taken = await mergeTakingSide({
      repo: repo.dir,
      scratchRoot: path.join(home.dir, 'take'),
      integrationBranch: integrated.branch,
      theirsCommit: heads.clash,
      choice: 'theirs',
      message: 'take theirs',
    });
    assert.deepEqual(taken.resolvedFiles, ['data.txt']);

    const manager = new LeaseManager({ repoDir: repo.dir, root: path.join(home.dir, 'merge') });
    try {
      const lease = await manager.acquireDetached({ name: 'merge', commit: base });
      const conflicted = await checkOutConflictedMerge(lease.path, heads.top);
      assert.deepEqual(conflicted, []);
      await gitOut(repo.dir, ['branch', 'loom/r1/manual', base]);
      await landResolvedMerge({ repo: repo.dir, worktree: lease.path, integrationBranch: 'loom/r1/manual', integrationHead: base, theirs: heads.top, message: 'land' });
    } finally {
      await manager.dispose();
    }
    assert.deepEqual(await firedMarkers(markers.dir), []);
  });

  it('verification and reading: scratch worktrees, pristine tests, diffs, the user repository run none of it', async () => {
    const scratch = await addScratchWorktree(repo.dir, home.dir, 'scratch', heads.other);
    try {
      const restored = await restorePristineTests({ dir: scratch.dir, startCommit: base });
      assert.deepEqual(restored.restored, ['test/a.test.js']);
      assert.equal(await fs.readFile(path.join(scratch.dir, 'test/a.test.js'), 'utf8'), 'original test\n');
    } finally {
      await scratch.remove();
    }
    assert.ok((await diffText(repo.dir, base, heads.other)).includes('+other, edited'));
    assert.ok((await checkpointDiff(repo.dir, base, heads.other, 10_000)).includes('+weakened test'));
    assert.equal((await diffNameStatus(repo.dir, base, heads.other)).length, 2);

    await writeFiles(repo.dir, { 'data.txt': 'the user is editing\n' });
    const opened = await GitRepo.open(repo.dir);
    assert.equal(await opened.head(), base);
    assert.equal(await opened.isClean(), false);
    await snapshotRepo(repo.dir);
    await writeFiles(repo.dir, { 'data.txt': FILE });
    assert.deepEqual(await firedMarkers(markers.dir), []);
  });

  it('ignores GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE and injected config in its own environment', async () => {
    const decoy = await makeRepo({ 'decoy.txt': 'decoy\n' });
    const planted = path.join(repo.dir, '.git', 'hooks');
    try {
      const manager = new LeaseManager({ repoDir: repo.dir, root: path.join(home.dir, 'env') });
      await withEnv(
        {
          GIT_DIR: path.join(decoy.dir, '.git'),
          GIT_WORK_TREE: decoy.dir,
          GIT_INDEX_FILE: path.join(decoy.dir, '.git', 'index'),
          GIT_CONFIG_COUNT: '1',
          GIT_CONFIG_KEY_0: 'core.hooksPath',
          GIT_CONFIG_VALUE_0: planted,
          GIT_CONFIG_PARAMETERS: `'core.hookspath'='${planted}'`,
        },
        async () => {
          assert.equal(await resolveCommit(repo.dir, 'HEAD'), base);
          const lease = await manager.acquire({ runId: 'r3', taskId: 't1', startCommit: base });
          await writeFiles(lease.path, { 'env.txt': 'made with a hostile environment\n' });
          const made = await checkpoint(lease.path, { message: 'env' });
          assert.equal(await resolveCommit(repo.dir, 'loom/r3/t1'), made);
          await manager.removeAll('r3', { deleteBranches: true });
        },
      );
      assert.equal(gitIn(decoy.dir, 'for-each-ref', 'refs/heads/loom'), '', 'nothing was written to the decoy repository');
      assert.equal(gitIn(decoy.dir, 'status', '--porcelain'), '');
    } finally {
      await decoy.cleanup();
    }
    assert.deepEqual(await firedMarkers(markers.dir), []);
  });

  it('hands git only PATH, HOME, LANG and its own settings, with the hardening on every call', async () => {
    // A `git` first on PATH that records its arguments and environment, then runs the real git.
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    const spy = await makeTempDir('loom-git-spy-');
    try {
      const log = path.join(spy.dir, 'log');
      await fs.mkdir(log);
      const wrapper = path.join(spy.dir, 'git');
      await fs.writeFile(wrapper, `#!/bin/sh\nf=$(mktemp '${log}/call-XXXXXX')\nprintf '%s\\0' "$@" > "$f.args"\nenv > "$f.env"\nexec '${realGit}' "$@"\n`, { mode: 0o755 });
      const canary = 'sk-canary-0123456789abcdef';
      const manager = new LeaseManager({ repoDir: repo.dir, root: path.join(home.dir, 'spy') });
      await withEnv(
        { PATH: `${spy.dir}${path.delimiter}${process.env.PATH ?? ''}`, OPENAI_API_KEY: canary, AWS_SECRET_ACCESS_KEY: canary, GIT_DIR: '/nonexistent', GIT_SSH_COMMAND: 'false' },
        async () => {
          const lease = await manager.acquire({ runId: 'r4', taskId: 't1', startCommit: base });
          await writeFiles(lease.path, { 'spy.txt': 'x\n' });
          await checkpoint(lease.path, { message: 'spy' });
          await checkPairs(repo.dir, [
            { taskId: 'a', commit: heads.top },
            { taskId: 'b', commit: lease.branch! },
          ]);
          await manager.removeAll('r4', { deleteBranches: true });
        },
      );
      const calls = (await fs.readdir(log)).filter((f) => f.endsWith('.args')).map((f) => path.join(log, f.slice(0, -'.args'.length)));
      assert.ok(calls.length >= 8, `only ${calls.length} git calls seen`);
      const shellAdds = new Set(['PWD', 'SHLVL', '_', 'OLDPWD']);
      const allowed = new Set(['PATH', 'HOME', 'LANG', 'GIT_TERMINAL_PROMPT', 'LC_ALL']);
      for (const call of calls) {
        const args = (await fs.readFile(`${call}.args`, 'utf8')).split('\0');
        const env = await fs.readFile(`${call}.env`, 'utf8');
        assert.ok(args.includes(`core.hooksPath=${emptyHooksDir()}`), args.join(' '));
        assert.ok(args.includes('core.fsmonitor=false'), args.join(' '));
        assert.ok(!env.includes(canary), `a secret reached git ${args.join(' ')}`);
        const keys = env
          .split('\n')
          .map((line) => /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(line)?.[1])
          .filter((k): k is string => k !== undefined && !shellAdds.has(k));
        assert.deepEqual(keys.filter((k) => !allowed.has(k)), [], `unexpected variables for git ${args.join(' ')}`);
        assert.match(env, /^GIT_TERMINAL_PROMPT=0$/m);
      }
    } finally {
      await spy.cleanup();
    }
    assert.deepEqual(await firedMarkers(markers.dir), []);
  });

  it('keeps its hooks directory empty: once anything appears in it, Loom uses another', async () => {
    const first = emptyHooksDir();
    assert.deepEqual(await fs.readdir(first), []);
    // The first may be shared with other Loom processes: the planted hook exits 0, and is removed at the end.
    const planted = path.join(first, 'post-checkout');
    await fs.chmod(first, 0o700);
    await fs.writeFile(planted, `#!/bin/sh\ntouch '${path.join(markers.dir, 'hooks-dir')}'\nexit 0\n`, { mode: 0o755 });
    const manager = new LeaseManager({ repoDir: repo.dir, root: path.join(home.dir, 'fresh') });
    try {
      const second = emptyHooksDir();
      assert.notEqual(second, first);
      assert.deepEqual(await fs.readdir(second), []);
      await manager.acquireDetached({ name: 'fresh', commit: base }); // a worktree add: post-checkout
    } finally {
      await manager.dispose();
      await fs.rm(planted);
      await fs.chmod(first, 0o500);
    }
    assert.deepEqual(await firedMarkers(markers.dir), []);
  });
});
