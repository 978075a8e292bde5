import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { gitCommonDirOf, runGit } from '../workspace/git';
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

const real = (p: string) => fs.realpath(p).catch(() => path.resolve(p));

/**
 * The repository's record of the worktree at `dir` (`<common dir>/worktrees/<name>`), when its
 * `.git` link points at one that points back at `dir/.git`; else undefined. The checkout is
 * writable to the tests the verifier runs and the record is not, so the back-link is what proves
 * the link: a test that rewrote `.git` to point at another task's worktree record is not believed.
 */
async function worktreeRecord(repo: string, dir: string): Promise<string | undefined> {
  const link = await fs.readFile(path.join(dir, '.git'), 'utf8').catch(() => '');
  const gitdir = /^gitdir: (.+)$/m.exec(link)?.[1];
  if (gitdir === undefined) return undefined;
  const record = await real(path.resolve(dir, gitdir.trim()));
  const common = await real(await gitCommonDirOf(repo));
  if (path.dirname(record) !== path.join(common, 'worktrees')) return undefined;
  const back = await fs.readFile(path.join(record, 'gitdir'), 'utf8').catch(() => undefined);
  if (back === undefined) return undefined;
  return (await real(back.trim())) === (await real(path.join(dir, '.git'))) ? record : undefined;
}

/**
 * The verifier's worktree at `dir`: the existing one when `dir` already is a worktree of `repo`
 * (an earlier round of the same task), else a new detached one at `commit`. Either way it is
 * reset to `commit` before it is returned. Every reset first rewrites the checkout's `.git` link
 * from the record found here, so git never follows a link a test run left.
 */
export async function openVerifierWorktree(repo: string, dir: string, commit: string): Promise<VerifierWorktree> {
  let record = await worktreeRecord(repo, dir);
  const reuse = record !== undefined;
  if (!reuse) {
    // Not a worktree (a folder left by a killed verifier, or a link a test rewrote): start over.
    await fs.rm(dir, { recursive: true, force: true });
    await runGit(repo, ['worktree', 'prune'], { lockRetries: 4 }).catch(() => undefined);
    await fs.mkdir(path.dirname(dir), { recursive: true });
    await addScratchWorktree(repo, path.dirname(dir), path.basename(dir), commit);
    record = await worktreeRecord(repo, dir);
    if (record === undefined) throw new Error(`git made no worktree record for ${dir}`);
  }
  const link = `gitdir: ${record}\n`;
  const worktree: VerifierWorktree = {
    dir,
    resetTo: async (to) => {
      await fs.rm(path.join(dir, '.git'), { recursive: true, force: true });
      await fs.writeFile(path.join(dir, '.git'), link);
      await runGit(dir, ['checkout', '--detach', '--force', '--quiet', to]);
      await runGit(dir, ['clean', '-ffdxq']);
    },
  };
  if (reuse) await worktree.resetTo(commit);
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
