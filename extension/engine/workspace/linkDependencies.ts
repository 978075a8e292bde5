import { lstat, mkdir, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Installed dependencies a fresh worktree lacks but its tests need. */
export const DEPENDENCY_DIRS = ['node_modules'] as const;

/**
 * Symlinks the repository's installed dependencies into a worktree, so an agent's `npm test` runs
 * there without a fresh install. Checkpoints exclude these links; Loom's file tools refuse to follow
 * them out of the worktree, so agents can run the code but not edit the user's dependencies.
 */
export async function linkDependencies(repo: string, worktree: string, dirs: readonly string[] = DEPENDENCY_DIRS): Promise<string[]> {
  const exists = (p: string) => lstat(p).then(() => true, () => false);
  const linked: string[] = [];
  for (const rel of dirs) {
    const source = join(repo, rel);
    const target = join(worktree, rel);
    if (!(await exists(source)) || (await exists(target))) continue;
    await mkdir(dirname(target), { recursive: true });
    await symlink(source, target, 'dir');
    linked.push(rel);
  }
  return linked;
}
