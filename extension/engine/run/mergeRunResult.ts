import { mergeCommitInto } from '../merge/mergeCommit';
import { LOOM_IDENTITY, runGit, type GitIdentity } from '../workspace/git';
import type { RunState } from '../../protocol/runState';
import { resultBranch, RunResultError } from './runResult';

export interface MergedResult {
  how: 'fastForward' | 'mergeCommit' | 'alreadyMerged';
  /** The user's branch the result went into. */
  into: string;
  /** Its head after the merge. */
  head: string;
  from: string;
}

/**
 * "Merge the result into my branch": the run's integration branch goes into the branch checked out
 * in the user's repository, by fast-forward when it can, else by a merge commit made in memory
 * (merge-tree) and then fast-forwarded to, so a conflict never leaves the checkout half merged.
 * Refuses a dirty tree, a detached HEAD, a run still going, and a partial result unless asked.
 */
export async function mergeRunResult(state: RunState & { repo: string }, options: { partial?: boolean; noFastForward?: boolean } = {}): Promise<MergedResult> {
  const runId = state.runId!;
  const repo = state.repo;
  if (state.endedAt === null) throw new RunResultError(`run ${runId} has not finished: wait for it (or stop it) before merging its result`);
  const result = await resultBranch(repo, runId);
  if (result.head === null) throw new RunResultError(`run ${runId} left no integration branch (${result.branch}) in ${repo}: no task merged, or the branch was deleted`);
  if (state.status !== 'succeeded' && !options.partial) {
    const merged = state.tasks.filter((t) => t.status === 'merged').length;
    throw new RunResultError(`run ${runId} ${state.status === 'escalated' ? 'waits for an answer' : state.status}: ${result.branch} holds only ${merged} of ${state.tasks.length} tasks. Merge it anyway with --partial`);
  }
  const head = await runGit(repo, ['symbolic-ref', '--quiet', '--short', 'HEAD'], { okExitCodes: [0, 1] });
  if (head.exitCode !== 0) throw new RunResultError(`${repo} has a detached HEAD: check out the branch the result should go into first`);
  const into = head.stdout.trim();
  if (into.startsWith('loom/')) throw new RunResultError(`${repo} has ${into} checked out, one of Loom's own branches: check out your branch first`);
  const dirty = (await runGit(repo, ['status', '--porcelain', '--untracked-files=no'])).stdout.split('\n').filter(Boolean);
  if (dirty.length) {
    const files = dirty.slice(0, 5).map((line) => line.slice(3));
    throw new RunResultError(
      `${repo} has uncommitted changes (${files.join(', ')}${dirty.length > 5 ? `, and ${dirty.length - 5} more` : ''}): commit or stash them first, nothing was changed`,
    );
  }
  const userHead = (await runGit(repo, ['rev-parse', 'HEAD'])).stdout.trim();
  const step = await mergeCommitInto(repo, userHead, result.head, `Merge Loom run ${runId} (${result.branch})`, {
    fastForward: !options.noFastForward,
    committer: await userIdentity(repo),
  });
  switch (step.kind) {
    case 'alreadyMerged':
      return { how: 'alreadyMerged', into, head: userHead, from: result.branch };
    case 'conflict':
      throw new RunResultError(
        `${into} and ${result.branch} conflict in ${step.conflicts.map((c) => c.path).join(', ')}: nothing was changed. Merge by hand with: git merge ${result.branch}`,
      );
    case 'fastForward':
    case 'merge': {
      // The checkout moves only now, by fast-forward to a commit that already exists: git itself refuses to overwrite untracked files.
      const moved = await runGit(repo, ['merge', '--ff-only', '--quiet', step.head], { okExitCodes: [0, 1, 128] });
      if (moved.exitCode !== 0) throw new RunResultError(`git could not update ${into} in ${repo}: ${moved.stderr.trim()}`);
      return { how: step.kind === 'merge' ? 'mergeCommit' : 'fastForward', into, head: step.head, from: result.branch };
    }
  }
}

/** The user's own name on a merge they asked for; Loom's when the repository has none configured. */
async function userIdentity(repo: string): Promise<GitIdentity> {
  const get = async (key: string) => (await runGit(repo, ['config', '--get', key], { okExitCodes: [0, 1] })).stdout.trim();
  const [name, email] = await Promise.all([get('user.name'), get('user.email')]);
  return name && email ? { name, email } : LOOM_IDENTITY;
}
