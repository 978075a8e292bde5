import { runGit, gitOut, commitConfig, LOOM_IDENTITY } from '../workspace/git';
import { LeaseManager } from '../workspace/leases';

export type Side = 'ours' | 'theirs';

/**
 * Resolves a conflict a person decided: merges `theirsCommit` into the integration branch and, for
 * every conflicted file, keeps one side whole. It works in a scratch worktree of its own (never the
 * user's), then moves the integration branch only if nobody moved it meanwhile.
 */
export async function mergeTakingSide(options: {
  repo: string;
  scratchRoot: string;
  integrationBranch: string;
  theirsCommit: string;
  choice: Side;
  message: string;
}): Promise<{ commit: string; resolvedFiles: string[] }> {
  const ref = `refs/heads/${options.integrationBranch}`;
  const head = (await gitOut(options.repo, ['rev-parse', '--verify', `${ref}^{commit}`])).trim();
  const leases = new LeaseManager({ repoDir: options.repo, root: options.scratchRoot });
  const lease = await leases.acquireDetached({ name: `resolve-${Date.now().toString(36)}`, commit: head });
  try {
    const config = commitConfig(LOOM_IDENTITY);
    const merge = await runGit(lease.path, ['merge', '--no-ff', '--no-commit', '--no-verify', options.theirsCommit], { config, okExitCodes: [0, 1] });
    const conflicted = (await gitOut(lease.path, ['diff', '--name-only', '--diff-filter=U'])).split('\n').filter(Boolean);
    if (merge.exitCode !== 0 && conflicted.length === 0) throw new Error(`git merge failed: ${merge.stderr.trim()}`);
    for (const file of conflicted) {
      const taken = await runGit(lease.path, ['checkout', `--${options.choice}`, '--', file], { okExitCodes: [0, 1] });
      // The chosen side deleted the file (a modify/delete conflict): keep it deleted.
      if (taken.exitCode !== 0) await runGit(lease.path, ['rm', '-f', '--quiet', '--', file]);
      else await runGit(lease.path, ['add', '--', file]);
    }
    await runGit(lease.path, ['commit', '--no-verify', '--no-gpg-sign', '-m', options.message], { config });
    const commit = (await gitOut(lease.path, ['rev-parse', 'HEAD'])).trim();
    await runGit(options.repo, ['update-ref', '-m', options.message, ref, commit, head]);
    return { commit, resolvedFiles: conflicted };
  } finally {
    await lease.remove();
    await leases.dispose();
  }
}
