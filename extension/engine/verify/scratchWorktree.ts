import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { runGit } from '../workspace/git';

/**
 * The verifier's own detached checkouts of a commit, in its scratch folder. Not a lease: no branch,
 * nothing committed, removed when verification ends. Dependencies reach them only inside the
 * sandbox (sandbox/dependencyMounts), never as a link into the user's checkout.
 */
export interface ScratchWorktree {
  dir: string;
  commit: string;
  remove(): Promise<void>;
}

/** `git worktree add --detach <scratch>/<name> <commit>`. */
export async function addScratchWorktree(repo: string, parentDir: string, name: string, commit: string): Promise<ScratchWorktree> {
  const dir = path.join(parentDir, name);
  const remove = () => removeScratchWorktree(repo, dir);
  // Verifiers add and remove worktrees of one repository at the same time: contention is retried.
  await runGit(repo, ['worktree', 'add', '--detach', dir, commit], { lockRetries: 4 });
  return { dir, commit, remove };
}

/** Removes a detached worktree of `repo` at `dir`; nothing there is not an error (and costs no git process). */
export async function removeScratchWorktree(repo: string, dir: string): Promise<void> {
  if (!(await fs.lstat(dir).then(() => true, () => false))) return;
  const r = await runGit(repo, ['worktree', 'remove', '--force', '--force', dir], { okExitCodes: [0, 128], lockRetries: 4 }).catch(() => undefined);
  if (r?.exitCode === 0) return;
  await fs.rm(dir, { recursive: true, force: true });
  await runGit(repo, ['worktree', 'prune'], { lockRetries: 4 }).catch(() => undefined);
}
