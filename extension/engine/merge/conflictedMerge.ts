import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { commitConfig, commitTree, gitOut, LOOM_IDENTITY, runGit } from '../workspace/git';
import { checkpoint } from '../workspace/checkpoint';

const MARKER = /^(<{7} |={7}$|>{7} )/m;

/**
 * Merges `theirs` into a lease's checkout without committing, stages everything (markers included)
 * and forgets the merge state, so an agent or a person can edit the files. Returns the conflicted paths.
 */
export async function checkOutConflictedMerge(dir: string, theirs: string): Promise<string[]> {
  const config = commitConfig(LOOM_IDENTITY);
  await runGit(dir, ['merge', '--no-ff', '--no-commit', '--no-verify', theirs], { config, okExitCodes: [0, 1] });
  const conflicted = (await gitOut(dir, ['diff', '--name-only', '--diff-filter=U'])).split('\n').filter(Boolean);
  await runGit(dir, ['add', '-A']);
  await runGit(dir, ['merge', '--quit']);
  return conflicted;
}

/** The files among `files` that still hold a conflict marker line. */
export async function filesWithMarkers(dir: string, files: readonly string[]): Promise<string[]> {
  const left: string[] = [];
  for (const file of files) {
    const text = await readFile(join(dir, file), 'utf8').catch(() => '');
    if (MARKER.test(text)) left.push(file);
  }
  return left;
}

/**
 * Lands a resolved merge: the worktree's content becomes a two-parent merge commit (integration head,
 * theirs) and the integration branch moves to it, only if nobody moved it meanwhile.
 */
export async function landResolvedMerge(options: {
  repo: string;
  worktree: string;
  integrationBranch: string;
  integrationHead: string;
  theirs: string;
  message: string;
}): Promise<string> {
  await checkpoint(options.worktree, { message: `${options.message} (resolved content)` });
  const tree = (await gitOut(options.worktree, ['rev-parse', 'HEAD^{tree}'])).trim();
  const commit = await commitTree(options.repo, tree, [options.integrationHead, options.theirs], options.message);
  await runGit(options.repo, ['update-ref', '-m', options.message, `refs/heads/${options.integrationBranch}`, commit, options.integrationHead]);
  return commit;
}

/**
 * Lands a fix made on top of the integration head (a semantic conflict: nothing to merge, something
 * to repair): the worktree's content becomes a commit on that head and the branch fast-forwards to
 * it, only if nobody moved it meanwhile.
 */
export async function landFix(repo: string, worktree: string, branch: string, integrationHead: string, message: string): Promise<string> {
  // Whatever is not yet committed, then the checkout's head: an agent's own checkpoints hold most of it.
  await checkpoint(worktree, { message });
  const commit = (await gitOut(worktree, ['rev-parse', 'HEAD'])).trim();
  if (commit === integrationHead) throw new Error('the fix changed nothing');
  await runGit(repo, ['update-ref', '-m', message, `refs/heads/${branch}`, commit, integrationHead]);
  return commit;
}
