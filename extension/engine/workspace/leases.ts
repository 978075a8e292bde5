import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Disposable } from '../../base/disposable';
import { gitCommonDirOf, gitOut, isAncestor, resolveCommit, runGit } from './git';
import { LeaseReturns, resetPooledWorktree, type LeaseAllocation } from './leasePool';
import { SPARSE_CONFIG, writeCone } from './sparseScope';
import { branchHead, canonicalPath, isInside, listWorktrees, pathExists, type WorktreeInfo } from './worktrees';
import { findWorktree, LOCK_RETRIES, removeWorktree, WorktreeLease } from './worktreeLease';
import { assertName, LeaseError, runBranchPrefix, taskBranch, type Lease } from './lease';

/**
 * The lease manager: makes, re-attaches, lists and removes a run's leases (lease.ts).
 *
 * Worktrees live under a root outside the user's working tree (`<loomHome>/runs/<runId>/worktrees`).
 * Adding and removing them touches only what `git worktree` itself writes (`.git/worktrees/*`, the
 * new branch and its reflog): never the user's HEAD, branch, index or files. No config is written;
 * per-command settings go through `-c`.
 */
export interface LeaseManagerOptions {
  /** Any directory of the user's repository. */
  repoDir: string;
  /** Where this run's worktrees go; must be outside the user's working tree. */
  root: string;
  /** New worktree per task (default), or pooled worktrees reset between tasks (leasePool.ts). */
  allocation?: LeaseAllocation;
}

export interface AcquireOptions {
  runId: string;
  taskId: string;
  startCommit: string;
  /** Point an existing, not checked-out task branch back at startCommit (`worktree add -B`). Default false: an existing branch is an error. */
  reset?: boolean;
  /**
   * Check out only these directories (plus the top-level files): a sparse lease (sparseScope.ts), whose
   * other files the agent's tools bring in when it reaches for them (sparseFiles.ts). Absent or null:
   * the whole commit.
   */
  sparseDirs?: readonly string[] | null;
}

export interface ReattachOptions {
  runId: string;
  taskId: string;
  /** The lease's start commit from the journal; used when the branch has to be created. */
  startCommit: string;
  /** The worktree the journal recorded (lease/didCreate's path); used when it is under the root. Default `<root>/<taskId>`. */
  path?: string;
  /** The task's last journaled checkpoint (or startCommit). When the branch is ahead of it, it is reset to it; when it disagrees otherwise, reattach fails. */
  expectedHead?: string;
  /** Drop edits made after the last checkpoint (`reset --hard` + `clean -fd`). Default true: a resume continues from the checkpoint. */
  discardUncommitted?: boolean;
}

export interface ReattachResult {
  lease: Lease;
  /** kept: the worktree was there on the branch · recreated: re-added at the branch head · created: the branch did not exist and was made at startCommit. */
  action: 'kept' | 'recreated' | 'created';
  /** The branch head before it was reset to expectedHead, else null. */
  resetFrom: string | null;
  /** Whether uncommitted edits were discarded. */
  discarded: boolean;
}

export interface RemoveAllResult {
  removed: string[];
  deletedBranches: string[];
  /** Branches that could not be deleted (checked out somewhere), with git's reason. */
  keptBranches: { branch: string; reason: string }[];
  /** Entries left in the root that were not worktrees (the root is removed only when empty). */
  leftovers: string[];
}

export class LeaseManager implements Disposable {
  private readonly live = new Set<Lease>();
  private paths: Promise<{ repo: string; root: string }> | undefined;
  private returns: LeaseReturns | undefined;

  constructor(private readonly options: LeaseManagerOptions) {}

  /** The repository's top level and the canonical root, checked once. */
  private resolved(): Promise<{ repo: string; root: string }> {
    this.paths ??= (async () => {
      const repo = await canonicalPath(await gitOut(this.options.repoDir, ['rev-parse', '--show-toplevel']));
      const root = await canonicalPath(this.options.root);
      if (isInside(repo, root)) {
        throw new LeaseError(`the worktree root ${root} is inside the repository's working tree ${repo}; use a folder outside it (e.g. under ~/.loom)`, 'rootInsideRepo');
      }
      const commonDir = await canonicalPath(await gitCommonDirOf(repo));
      if (isInside(commonDir, root)) throw new LeaseError(`the worktree root ${root} is inside ${commonDir}`, 'rootInsideRepo');
      return { repo, root };
    })();
    this.paths.catch(() => (this.paths = undefined));
    return this.paths;
  }

  async root(): Promise<string> {
    return (await this.resolved()).root;
  }

  /** Creates branch `loom/<runId>/<taskId>` at startCommit and its worktree at `<root>/<taskId>`. */
  async acquire(options: AcquireOptions): Promise<Lease> {
    assertName('run id', options.runId);
    assertName('task id', options.taskId);
    const { repo, root } = await this.resolved();
    const branch = taskBranch(options.runId, options.taskId);
    const sparse = options.sparseDirs ?? null;
    const pooled = this.options.allocation === 'pooled';
    // Independent checks, at once: each is a git process, and agent start waits for them.
    const [commit, existing] = await Promise.all([
      resolveCommit(repo, options.startCommit),
      branchHead(repo, branch),
      pooled ? undefined : this.clearTarget(repo, root, path.join(root, options.taskId), false),
    ]);
    if (!options.reset && existing) {
      throw new LeaseError(`branch ${branch} already exists; reattach it, or acquire with reset to start over`, 'branchExists');
    }
    if (pooled) {
      const reused = await this.reusePooled(repo, root, branch, commit, sparse);
      if (reused) return reused;
    }
    const dir = pooled ? await this.newPoolPath(repo, root) : path.join(root, options.taskId);
    await fs.mkdir(root, { recursive: true });
    await this.addWorktree(repo, ['worktree', 'add', ...(sparse ? ['--no-checkout'] : []), options.reset ? '-B' : '-b', branch, dir, commit], branch);
    if (sparse) {
      await writeCone(dir, sparse);
      await runGit(dir, ['checkout', '-q'], { config: SPARSE_CONFIG });
    }
    return this.track(new WorktreeLease(this, repo, root, dir, branch, commit, pooled));
  }

  /** A pooled worktree reset for this lease, or null when none is idle (or the reset failed: that worktree is removed). */
  private async reusePooled(repo: string, root: string, branch: string, commit: string, sparse: readonly string[] | null): Promise<Lease | null> {
    for (let dir = this.returnsOf(root).takeIdle(); dir !== null; dir = this.returnsOf(root).takeIdle()) {
      try {
        await resetPooledWorktree(dir, branch, commit, sparse);
        return this.track(new WorktreeLease(this, repo, root, dir, branch, commit, true));
      } catch {
        await removeWorktree(repo, root, dir);
      }
    }
    return null;
  }

  private returnsOf(root: string): LeaseReturns {
    this.returns ??= new LeaseReturns(root, (lease) => this.forget(lease));
    return this.returns;
  }

  /** A `<root>/pool.<n>` path nothing occupies (a resumed run finds the dead process's). */
  private async newPoolPath(repo: string, root: string): Promise<string> {
    for (;;) {
      const dir = this.returnsOf(root).newPath();
      if (!(await pathExists(dir))) {
        await this.clearTarget(repo, root, dir, false);
        return dir;
      }
    }
  }

  /**
   * The task is done with its lease (its branch holds the result): per task, its worktree is removed
   * in the background; pooled, it goes back to the pool (LeaseReturns.release). Resolves to the
   * lease's path once done, or null.
   */
  async release(lease: Lease): Promise<string | null> {
    if (!(lease instanceof WorktreeLease)) {
      await lease.remove();
      return lease.path;
    }
    return this.returnsOf(await this.root()).release(lease);
  }

  /** Waits for the background returns queued so far. */
  async settle(): Promise<void> {
    await this.returns?.settle();
  }

  /** A detached checkout of `commit` at `<root>/<name>`, e.g. for a verifier. */
  async acquireDetached(options: { name: string; commit: string }): Promise<Lease> {
    assertName('lease name', options.name);
    const { repo, root } = await this.resolved();
    const commit = await resolveCommit(repo, options.commit);
    const dir = path.join(root, options.name);
    await this.clearTarget(repo, root, dir, false);
    await fs.mkdir(root, { recursive: true });
    await this.addWorktree(repo, ['worktree', 'add', '--detach', dir, commit], null);
    return this.track(new WorktreeLease(this, repo, root, dir, null, commit));
  }

  /**
   * For resume: makes sure `<root>/<taskId>` is a worktree on `loom/<runId>/<taskId>`, re-adding it
   * at the branch head when it is missing or on something else, and checks the branch against the
   * journal's last checkpoint.
   */
  async reattach(options: ReattachOptions): Promise<ReattachResult> {
    assertName('run id', options.runId);
    assertName('task id', options.taskId);
    const { repo, root } = await this.resolved();
    const branch = taskBranch(options.runId, options.taskId);
    const ref = `refs/heads/${branch}`;
    const journaled = options.path ? path.resolve(options.path) : null;
    const dir = journaled && isInside(root, journaled) && journaled !== root ? journaled : path.join(root, options.taskId);
    const startCommit = await resolveCommit(repo, options.startCommit);
    const expected = options.expectedHead ? await resolveCommit(repo, options.expectedHead) : null;

    let head = await branchHead(repo, branch);
    if (!head) {
      if (expected && expected !== startCommit) {
        throw new LeaseError(`branch ${branch} is gone but the journal has checkpoint ${expected} on it`, 'branchMissing');
      }
      const lease = await this.acquire({ runId: options.runId, taskId: options.taskId, startCommit });
      return { lease, action: 'created', resetFrom: null, discarded: false };
    }

    const worktrees = await listWorktrees(repo);
    const here = await findWorktree(worktrees, dir);
    let action: ReattachResult['action'] = 'kept';
    if (!here || here.branch !== ref || !(await pathExists(path.join(dir, '.git')))) {
      action = 'recreated';
      await this.clearTarget(repo, root, dir, true);
      for (const other of worktrees) {
        if (other.branch !== ref) continue;
        const otherPath = await canonicalPath(other.path);
        if (otherPath === dir) continue;
        if (!isInside(root, otherPath)) {
          throw new LeaseError(`branch ${branch} is checked out at ${other.path}; close that checkout first`, 'checkedOutElsewhere');
        }
        await removeWorktree(repo, root, otherPath);
      }
      await fs.mkdir(root, { recursive: true });
      await this.addWorktree(repo, ['worktree', 'add', dir, branch], branch);
    }

    let resetFrom: string | null = null;
    let discarded = false;
    if (expected && expected !== head) {
      if (!(await isAncestor(repo, expected, head))) {
        throw new LeaseError(`branch ${branch} is at ${head}, which does not contain the journaled checkpoint ${expected}`, 'headMismatch');
      }
      resetFrom = head;
      await runGit(dir, ['reset', '--hard', '-q', expected]);
      head = expected;
      discarded = true;
    }
    if (options.discardUncommitted !== false && action === 'kept' && !discarded) {
      const status = await runGit(dir, ['status', '--porcelain', '-z', '--untracked-files=all']);
      if (status.stdout !== '') {
        await runGit(dir, ['reset', '--hard', '-q', 'HEAD']);
        await runGit(dir, ['clean', '-fdq']);
        discarded = true;
      }
    }
    const lease = this.track(new WorktreeLease(this, repo, root, dir, branch, startCommit, path.basename(dir).startsWith('pool.')));
    return { lease, action, resetFrom, discarded };
  }

  /** The worktrees under this manager's root. */
  async list(): Promise<WorktreeInfo[]> {
    const { repo, root } = await this.resolved();
    const out: WorktreeInfo[] = [];
    for (const w of await listWorktrees(repo)) if (isInside(root, await canonicalPath(w.path))) out.push(w);
    return out;
  }

  /**
   * For `loom clean`: removes every worktree under the root or on a `loom/<runId>/*` branch, prunes
   * stale worktree records, and with `deleteBranches` deletes the run's branches too.
   */
  async removeAll(runId: string, options: { deleteBranches?: boolean; keepBranches?: readonly string[]; alsoInside?: readonly string[] } = {}): Promise<RemoveAllResult> {
    assertName('run id', runId);
    const { repo, root } = await this.resolved();
    await this.settle();
    this.returns?.drain();
    const prefix = `refs/heads/${runBranchPrefix(runId)}`;
    // Other folders of the run whose worktrees go too (a verifier's scratch checkouts, left by a killed process).
    const others = await Promise.all((options.alsoInside ?? []).map((d) => canonicalPath(path.resolve(d))));
    const removed: string[] = [];
    for (const w of await listWorktrees(repo)) {
      const p = await canonicalPath(w.path);
      if (p === repo || w.bare) continue;
      const other = others.find((o) => isInside(o, p) && p !== o);
      if (isInside(root, p) || other !== undefined || (w.branch !== null && w.branch.startsWith(prefix))) {
        await removeWorktree(repo, other ?? root, p);
        removed.push(p);
      }
    }
    for (const lease of this.live) if (removed.includes(lease.path)) this.live.delete(lease);
    await runGit(repo, ['worktree', 'prune'], { lockRetries: LOCK_RETRIES });

    const deletedBranches: string[] = [];
    const keptBranches: RemoveAllResult['keptBranches'] = [];
    if (options.deleteBranches) {
      const refs = (await gitOut(repo, ['for-each-ref', '--format=%(refname)', prefix])).split('\n').filter(Boolean);
      for (const r of refs) {
        const short = r.slice('refs/heads/'.length);
        if (options.keepBranches?.includes(short)) continue;
        const res = await runGit(repo, ['branch', '-D', '--', short], { okExitCodes: [0, 1], lockRetries: LOCK_RETRIES });
        if (res.exitCode === 0) deletedBranches.push(short);
        else keptBranches.push({ branch: short, reason: res.stderr.trim() });
      }
    }

    let leftovers: string[] = [];
    if (await pathExists(root)) {
      leftovers = (await fs.readdir(root)).map((e) => path.join(root, e));
      if (leftovers.length === 0) await fs.rmdir(root).catch(() => undefined);
    }
    return { removed, deletedBranches, keptBranches, leftovers };
  }

  /** Removes the worktrees this manager handed out and still holds (branches kept). */
  async dispose(): Promise<void> {
    const errors: unknown[] = [];
    await this.settle();
    const idle = this.returns?.drain() ?? [];
    if (idle.length) {
      const { repo, root } = await this.resolved();
      for (const dir of idle) await removeWorktree(repo, root, dir).catch((err: unknown) => errors.push(err));
    }
    for (const lease of [...this.live].reverse()) {
      try {
        await lease.remove();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length) throw new AggregateError(errors, 'some leases failed to be removed');
  }

  /** @internal */
  forget(lease: Lease): void {
    this.live.delete(lease);
  }

  private track(lease: Lease): Lease {
    this.live.add(lease);
    return lease;
  }

  /**
   * A target path must be free. A stale record of a missing worktree there is always cleared; an
   * existing worktree or folder is removed only with `force` (reattach), else it is an error.
   */
  private async clearTarget(repo: string, root: string, dir: string, force: boolean): Promise<void> {
    const registered = await findWorktree(await listWorktrees(repo), dir);
    const exists = await pathExists(dir);
    if (registered && !exists) {
      await runGit(repo, ['worktree', 'remove', '--force', dir], { lockRetries: LOCK_RETRIES });
      return;
    }
    if (!registered && !exists) return;
    if (!force) throw new LeaseError(`${dir} already exists; reattach it or remove it first`, 'pathExists');
    if (registered) await removeWorktree(repo, root, dir);
    else await fs.rm(dir, { recursive: true, force: true }); // a stray folder under Loom's own root
  }

  private async addWorktree(repo: string, args: string[], branch: string | null): Promise<void> {
    try {
      await runGit(repo, args, { lockRetries: LOCK_RETRIES });
    } catch (err) {
      const text = String(err);
      // `-b` made the branch, then lost a lock race: the retry finds the branch it made itself (acquire
      // refused one that existed before), so it is taken over at the same commit.
      const i = args.indexOf('-b');
      if (branch && i >= 0 && /a branch named '.*' already exists/.test(text)) {
        // Its half-made folder (inside Loom's root: acquire made the path) goes first.
        await fs.rm(args[i + 2], { recursive: true, force: true });
        await runGit(repo, ['worktree', 'prune'], { lockRetries: LOCK_RETRIES });
        await runGit(repo, [...args.slice(0, i), '-B', ...args.slice(i + 1)], { lockRetries: LOCK_RETRIES });
        return;
      }
      if (branch && /already (checked out|used by worktree)/.test(text)) {
        throw new LeaseError(`branch ${branch} is checked out in another worktree: ${text}`, 'checkedOutElsewhere');
      }
      throw err;
    }
  }
}
