import { mergeCommitInto } from '../merge/mergeCommit';
import type { ConflictFile } from '../merge/mergeTree';
import { resolveCommit } from './git';

export type CombineResult =
  | { commit: string }
  /** `commit` could not be merged onto `into` (base plus the dependencies before it). */
  | { conflict: { files: ConflictFile[]; commit: string; into: string } };

/**
 * The start commit of a task that depends on others: `baseCommit` with each dependency head merged
 * in, in order, one merge at a time (an octopus by chaining), without any worktree — merge-tree
 * plus commit-tree. A head already contained is skipped and a head that contains the result so far
 * is fast-forwarded to, so one dependency gives its own head. No ref is created or moved.
 */
export async function combineCommits(repoDir: string, baseCommit: string, commits: readonly string[], message: string): Promise<CombineResult> {
  let head = await resolveCommit(repoDir, baseCommit);
  for (const rev of commits) {
    const commit = await resolveCommit(repoDir, rev);
    const step = await mergeCommitInto(repoDir, head, commit, message);
    if (step.kind === 'conflict') return { conflict: { files: step.conflicts, commit, into: head } };
    head = step.head;
  }
  return { commit: head };
}
