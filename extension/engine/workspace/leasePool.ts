import * as path from 'node:path';
import { runGit } from './git';
import { isSparseWorktree, SPARSE_CONFIG, writeCone, writePatterns } from './sparseScope';
import type { WorktreeLease } from './worktreeLease';

/**
 * How a run gives worktrees to tasks (RunOptions.leaseAllocation):
 * - `perTask`: each task gets a new worktree at `<root>/<taskId>`, removed in the background once the
 *   task is done with it;
 * - `pooled` (per agent slot): a finished task's worktree goes back to a pool and the next task's lease
 *   is that worktree reset to its start commit, so files unchanged between the two commits are not
 *   written again and the worktree's git state (index stat data) stays warm.
 */
export type LeaseAllocation = 'perTask' | 'pooled';

/**
 * What happens to a lease a task is done with (LeaseManager.release), and the idle worktrees of a
 * pooled manager at `<root>/pool.<n>` ('.' is never in a task id, so no task's path collides).
 * Returns run one after another in the background: a removal never delays the next task's start;
 * settle() waits for those queued so far.
 */
export class LeaseReturns {
  private readonly idle: string[] = [];
  private made = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly root: string,
    /** The manager stops tracking a lease whose worktree went back to the pool. */
    private readonly forget: (lease: WorktreeLease) => void,
  ) {}

  /** An idle worktree to reuse, or null. */
  takeIdle(): string | null {
    return this.idle.pop() ?? null;
  }

  /** The path of a new pooled worktree (the caller skips one that exists). */
  newPath(): string {
    return path.join(this.root, `pool.${++this.made}`);
  }

  /**
   * Pooled: the worktree lets go of the task's branch and waits for the next acquire. Per task, or
   * when that fails: the worktree is removed. Resolves to its path once done, or null (a removal
   * that failed is left for removeAll); never rejects. The lease's own remove() does nothing after.
   */
  release(lease: WorktreeLease): Promise<string | null> {
    if (lease.released) return Promise.resolve(null);
    lease.released = true;
    const step = async (): Promise<string | null> => {
      if (lease.pooled) {
        try {
          await detachPooledWorktree(lease.path);
          this.forget(lease);
          this.idle.push(lease.path);
          return lease.path;
        } catch {
          // removed instead
        }
      }
      return lease.removeNow().then(() => lease.path, () => null);
    };
    const done = this.queue.then(step);
    this.queue = done.then(() => undefined);
    return done;
  }

  /** Waits for every return queued so far (and those queued meanwhile). */
  async settle(): Promise<void> {
    for (let seen: Promise<void> | undefined; seen !== this.queue; ) {
      seen = this.queue;
      await seen;
    }
  }

  /** Forgets every idle worktree (they are being removed). */
  drain(): string[] {
    return this.idle.splice(0);
  }
}

/**
 * Makes a pooled worktree the lease a fresh `worktree add` would give: on `branch` at `commit`
 * (`checkout -f -B`), the new task's cone applied (or the whole commit), and nothing else left —
 * `clean -ffdx` removes untracked and ignored files too. Ignored caches are not kept: an ignored
 * folder the previous agent wrote (a build output, a node_modules it installed) could carry its
 * work, or something it planted, into the next task; dependencies reach agents as copy-on-write
 * mounts of the user's own folders, never from the lease, so nothing is lost that a run needs.
 */
export async function resetPooledWorktree(dir: string, branch: string, commit: string, sparseDirs: readonly string[] | null): Promise<void> {
  // First the new commit under the cone the worktree has (a sparse index must agree with its cone)…
  const before = (await isSparseWorktree(dir)) ? SPARSE_CONFIG : [];
  await runGit(dir, ['checkout', '-q', '-f', '--no-recurse-submodules', '-B', branch, commit], { config: before, lockRetries: 4 });
  // …then the new task's cone (or, for a full lease, a pattern of everything), applied to every file.
  if (sparseDirs) await writeCone(dir, sparseDirs);
  else await writePatterns(dir, '/*\n');
  const cone = sparseDirs ? 'core.sparseCheckoutCone=true' : 'core.sparseCheckoutCone=false';
  await runGit(dir, ['read-tree', '-mu', 'HEAD'], { config: ['core.sparseCheckout=true', cone, 'index.sparse=false'], lockRetries: 4 });
  await runGit(dir, ['clean', '-ffdxq']);
  if (!sparseDirs) await writeCone(dir, null);
}

/** A released pooled worktree lets go of its task's branch (HEAD detached at the same commit), so the branch can be reattached or deleted. */
export async function detachPooledWorktree(dir: string): Promise<void> {
  // Only HEAD changes: `checkout --detach` would also rewrite (and expand a sparse) index.
  const head = (await runGit(dir, ['rev-parse', 'HEAD'])).stdout.trim();
  await runGit(dir, ['update-ref', '--no-deref', '-m', 'loom: lease released', 'HEAD', head], { lockRetries: 4 });
}
