import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { runGit } from '../workspace/git';
import { addScratchWorktree } from './scratchWorktree';

/**
 * The verifier's one checkout of a task, reset between the commits it tests instead of a fresh
 * checkout per commit: `git checkout --detach -f` rewrites only the files that differ (the task's
 * diff, a handful of files, where a fresh worktree writes the whole repository), and `git clean
 * -ffdx` removes everything else the previous commit or round left — build output, files a test
 * wrote, ignored files, dependency mount points — so what runs is exactly the commit. Kept across
 * a task's verify rounds when it lives at a fixed path; not a lease: no branch, nothing committed.
 */
export interface VerifierWorktree {
  readonly dir: string;
  /** Makes the checkout exactly `commit`: tracked files, index and nothing untracked or ignored. */
  resetTo(commit: string): Promise<void>;
}

/** Whether `dir` is a live worktree of `repo`: its `.git` file points into the repository's worktrees folder, which still records it. */
async function isWorktreeOf(repo: string, dir: string): Promise<boolean> {
  const link = await fs.readFile(path.join(dir, '.git'), 'utf8').catch(() => '');
  const gitdir = /^gitdir: (.+)$/m.exec(link)?.[1];
  if (gitdir === undefined) return false;
  const admin = path.resolve(dir, gitdir.trim());
  const commondir = await fs.readFile(path.join(admin, 'commondir'), 'utf8').catch(() => undefined);
  if (commondir === undefined) return false;
  const common = await runGit(repo, ['rev-parse', '--git-common-dir']);
  const real = (p: string) => fs.realpath(p).catch(() => p);
  return (await real(path.resolve(admin, commondir.trim()))) === (await real(path.resolve(repo, common.stdout.trim())));
}

/**
 * The verifier's worktree at `dir`: the existing one when `dir` already is a worktree of `repo`
 * (an earlier round of the same task), else a new detached one at `commit`. Either way it is
 * reset to `commit` before it is returned.
 */
export async function openVerifierWorktree(repo: string, dir: string, commit: string): Promise<VerifierWorktree> {
  const worktree: VerifierWorktree = {
    dir,
    resetTo: async (to) => {
      await runGit(dir, ['checkout', '--detach', '--force', '--quiet', to]);
      await runGit(dir, ['clean', '-ffdxq']);
    },
  };
  if (await isWorktreeOf(repo, dir)) {
    await worktree.resetTo(commit);
    return worktree;
  }
  // A folder left by a killed verifier, no longer a worktree: start over.
  await fs.rm(dir, { recursive: true, force: true });
  await runGit(repo, ['worktree', 'prune'], { lockRetries: 4 }).catch(() => undefined);
  await fs.mkdir(path.dirname(dir), { recursive: true });
  await addScratchWorktree(repo, path.dirname(dir), path.basename(dir), commit);
  return worktree;
}

/**
 * Makes a task's verifier checkout ahead of its first verification, while its implementor works,
 * so the full checkout is off the path to the verdict (the verifier then only resets it). Never
 * fails: without it, the verifier makes its own.
 */
export function prepareVerifierWorktree(repo: string, dir: string, commit: string): Promise<void> {
  return openVerifierWorktree(repo, dir, commit).then(
    () => undefined,
    () => undefined,
  );
}
