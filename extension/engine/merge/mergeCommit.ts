import { LOOM_IDENTITY, commitTree, mergeBase, type GitIdentity } from '../workspace/git';
import { mergeTree, type ConflictFile } from './mergeTree';

export type MergeStep =
  /** `commit` is already contained in `head`: nothing to do. */
  | { kind: 'alreadyMerged'; head: string }
  /** `head` is contained in `commit`: the result is `commit` itself. */
  | { kind: 'fastForward'; head: string }
  /** A new two-parent merge commit (`head`, `commit`) made from merge-tree's clean tree. */
  | { kind: 'merge'; head: string }
  | { kind: 'conflict'; conflicts: ConflictFile[] };

/**
 * Merges `commit` into `head` without a worktree: `git merge-tree --write-tree` then
 * `git commit-tree -p head -p commit`. No ref is moved; the caller decides where the result goes.
 */
/** `head` and `commit` must be full commit ids. */
export async function mergeCommitInto(
  repoDir: string,
  head: string,
  commit: string,
  message: string,
  options: { fastForward?: boolean; committer?: GitIdentity } = {},
): Promise<MergeStep> {
  if (head === commit) return { kind: 'alreadyMerged', head };
  // One `merge-base` answers both containment questions: the base of a and b is a itself exactly when a is contained in b.
  const base = await mergeBase(repoDir, head, commit);
  if (base === commit) return { kind: 'alreadyMerged', head };
  if (base === head && options.fastForward !== false) return { kind: 'fastForward', head: commit };
  const merged = await mergeTree(repoDir, head, commit);
  if (!merged.clean) return { kind: 'conflict', conflicts: merged.conflicts };
  const identity = options.committer ?? LOOM_IDENTITY;
  const created = await commitTree(repoDir, merged.tree, [head, commit], message, { author: identity, committer: identity });
  return { kind: 'merge', head: created };
}
