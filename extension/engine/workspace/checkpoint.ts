import { isSparseWorktree, SPARSE_CONFIG } from './sparseScope';
import { AGENT_IDENTITY, commitTree, gitOut, runGit, type GitIdentity } from './git';

export interface CheckpointOptions {
  message: string;
  /** Default `Loom Agent <agents@loom.invalid>`. The committer is Loom. */
  author?: GitIdentity;
  /** Called once the tree differs, before the branch moves: where the caller journals the commit's intent. */
  beforeCommit?: () => void;
}

/**
 * Stages everything in a lease's worktree (`git add -A --sparse`) and commits it on the lease's branch when
 * anything changed; returns the new commit, or null when the tree is unchanged.
 *
 * The commit is made with `write-tree` + `commit-tree` + `update-ref HEAD <new> <old>`: no hooks, no
 * signing, no editor, no global identity needed, and the compare-and-swap on the old head means a
 * concurrent writer makes it fail rather than lose a commit.
 */
export async function checkpoint(worktreeDir: string, options: CheckpointOptions): Promise<string | null> {
  // Dependencies are mounted into the lease only inside the sandbox: here their mount point is an empty folder git skips.
  // `--sparse`: in a sparse lease a file the agent wrote outside the cone is staged too (plain `add -A`
  // refuses it); a file the lease never checked out keeps its skip-worktree bit and is not taken as deleted.
  // With the sparse settings git first clears the bit of left-out files the agent brought in, so their edits count.
  // The parent is read beside the staging (which never moves HEAD): one git command fewer on the agent's path.
  const head = gitOut(worktreeDir, ['rev-parse', 'HEAD^{commit}', 'HEAD^{tree}']);
  head.catch(() => undefined); // awaited (and thrown) below
  const config = (await isSparseWorktree(worktreeDir)) ? SPARSE_CONFIG : [];
  await runGit(worktreeDir, ['add', '-A', '--sparse'], { lockRetries: 4, config });
  const tree = await gitOut(worktreeDir, ['write-tree']);
  const [parent, parentTree] = (await head).split('\n');
  if (tree === parentTree) return null;
  options.beforeCommit?.();
  const commit = await commitTree(worktreeDir, tree, [parent], options.message, {
    author: options.author ?? AGENT_IDENTITY,
  });
  await runGit(worktreeDir, ['update-ref', '-m', `loom: ${firstLine(options.message)}`, 'HEAD', commit, parent], { lockRetries: 4 });
  return commit;
}

function firstLine(message: string): string {
  return message.split('\n', 1)[0].slice(0, 200);
}

/**
 * Puts a lease's worktree back at a checkpoint: its branch at `commit` and every edit made since
 * dropped (`reset --hard`, `clean -fd`; ignored files such as dependencies stay), so an agent that
 * continues from that checkpoint's conversation sees the files that conversation knows.
 */
export async function rewindToCheckpoint(worktreeDir: string, commit: string): Promise<void> {
  await runGit(worktreeDir, ['reset', '--hard', '-q', commit]);
  await runGit(worktreeDir, ['clean', '-fdq']);
}

/** Paths changed between two commits (`diff --name-only`, renames split into delete + add). */
export async function changedFiles(repoDir: string, fromCommit: string, toCommit: string): Promise<string[]> {
  const out = await gitOut(repoDir, ['diff', '--name-only', '-z', '--no-renames', '--no-ext-diff', fromCommit, toCommit, '--']);
  return out.split('\0').filter(Boolean);
}

/**
 * The unified diff between two commits, cut at `maxBytes` (on a character boundary) with a
 * closing note saying how much was left out.
 */
export async function diffText(repoDir: string, fromCommit: string, toCommit: string, maxBytes: number): Promise<string> {
  const { stdoutBuffer } = await runGit(repoDir, ['diff', '--no-ext-diff', '--no-textconv', '--no-color', '-M', fromCommit, toCommit, '--']);
  if (stdoutBuffer.length <= maxBytes) return stdoutBuffer.toString('utf8');
  let cut = Math.max(0, maxBytes);
  while (cut > 0 && (stdoutBuffer[cut] & 0xc0) === 0x80) cut--; // don't split a UTF-8 sequence
  const kept = stdoutBuffer.subarray(0, cut).toString('utf8');
  return `${kept}${kept.endsWith('\n') || kept === '' ? '' : '\n'}… diff truncated: ${stdoutBuffer.length - cut} of ${stdoutBuffer.length} bytes not shown\n`;
}
