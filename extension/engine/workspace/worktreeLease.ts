import * as fs from 'node:fs/promises';
import { gitOut, runGit } from './git';
import type { Lease } from './lease';
import { branchHead, canonicalPath, isInside, type WorktreeInfo } from './worktrees';

export const LOCK_RETRIES = 6;

export async function findWorktree(worktrees: WorktreeInfo[], dir: string): Promise<WorktreeInfo | undefined> {
  for (const w of worktrees) if ((await canonicalPath(w.path)) === dir) return w;
  return undefined;
}

/**
 * `git worktree remove --force`; when git cannot (a half-created or damaged worktree), deletes the
 * folder — only inside Loom's root — and prunes the record.
 */
export async function removeWorktree(repo: string, root: string, dir: string): Promise<void> {
  const r = await runGit(repo, ['worktree', 'remove', '--force', dir], { okExitCodes: [0, 128], lockRetries: LOCK_RETRIES });
  if (r.exitCode === 0) return;
  if (isInside(root, dir) && dir !== root) await fs.rm(dir, { recursive: true, force: true });
  await runGit(repo, ['worktree', 'prune'], { lockRetries: LOCK_RETRIES });
}

/** A lease on a worktree under a LeaseManager's root. */
export class WorktreeLease implements Lease {
  private removal: Promise<void> | undefined;

  constructor(
    private readonly manager: { forget(lease: Lease): void },
    private readonly repo: string,
    private readonly root: string,
    readonly path: string,
    readonly branch: string | null,
    readonly startCommit: string,
    /** A pooled worktree: released back to the pool, not removed. */
    readonly pooled = false,
  ) {}

  /** Handed back with LeaseManager.release: its worktree is no longer this lease's to remove. */
  released = false;

  head(): Promise<string> {
    return gitOut(this.path, ['rev-parse', 'HEAD']);
  }

  remove(options: { deleteBranch?: boolean } = {}): Promise<void> {
    if (this.released) return Promise.resolve();
    return this.removeNow(options);
  }

  /** @internal The removal itself (the manager's background queue calls it after release). */
  removeNow(options: { deleteBranch?: boolean } = {}): Promise<void> {
    this.removal ??= (async () => {
      await removeWorktree(this.repo, this.root, this.path);
      this.manager.forget(this);
    })();
    return this.removal.then(async () => {
      if (options.deleteBranch && this.branch && (await branchHead(this.repo, this.branch))) {
        await runGit(this.repo, ['branch', '-D', '--', this.branch], { lockRetries: LOCK_RETRIES });
      }
    });
  }

  dispose(): Promise<void> {
    return this.remove();
  }
}
