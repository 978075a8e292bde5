import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { DependencyMount } from '../../protocol/sandbox';

/** Installed-dependency folders a fresh worktree lacks but its tests need. */
export const DEPENDENCY_DIR_NAMES = ['node_modules'] as const;
/** How deep below the repository root to look (root, packages/x, packages/group/x). */
const MAX_DEPTH = 3;

async function isDir(p: string): Promise<boolean> {
  return fs.stat(p).then((s) => s.isDirectory(), () => false);
}

/** The repository's installed dependency folders, relative to its root (monorepo packages' own too). */
export async function findDependencyDirs(repo: string): Promise<string[]> {
  const found: string[] = [];
  const visit = async (rel: string, depth: number): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(path.join(repo, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if ((DEPENDENCY_DIR_NAMES as readonly string[]).includes(entry.name)) found.push(child);
      else if (depth < MAX_DEPTH && !entry.name.startsWith('.')) await visit(child, depth + 1);
    }
  };
  await visit('', 1);
  return found.sort();
}

/**
 * The user's installed dependencies as a lease sees them, without a symlink into the user's
 * checkout: each folder is mounted at the same place in the lease inside the sandbox, copy-on-write
 * (writes land in `stateDir`, never in the user's folder) or, without `copyOnWrite`, read-only.
 * The mount point is an empty folder in the lease, which git never commits; a folder the lease
 * already has content in (dependencies committed to the repository) is left alone.
 */
export async function prepareDependencyMounts(repo: string, lease: string, stateDir: string, options: { copyOnWrite: boolean }): Promise<DependencyMount[]> {
  const mounts: DependencyMount[] = [];
  const dirs = await findDependencyDirs(repo);
  for (const [i, rel] of dirs.entries()) {
    const target = path.join(lease, rel);
    if (!(await isDir(path.dirname(target)))) continue; // the package is not in this lease's commit
    const existing = await fs.readdir(target).catch(() => null);
    if (existing && existing.length > 0) continue;
    await fs.mkdir(target, { recursive: true });
    const mount: DependencyMount = { lower: path.join(repo, rel), target };
    if (options.copyOnWrite) {
      mount.upper = path.join(stateDir, String(i), 'upper');
      mount.work = path.join(stateDir, String(i), 'work');
      await fs.mkdir(mount.upper, { recursive: true });
      await fs.mkdir(mount.work, { recursive: true });
    }
    mounts.push(mount);
  }
  return mounts;
}
