import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { runGit } from '../workspace/git';

/**
 * The verifier's own detached checkouts of a commit, in its scratch folder. Not a lease: no branch,
 * nothing committed, removed when verification ends.
 */
export interface ScratchWorktree {
  dir: string;
  commit: string;
  remove(): Promise<void>;
}

/**
 * `git worktree add --detach <scratch>/<name> <commit>`. Paths in `linkFromRepo` (e.g. node_modules,
 * which a fresh checkout lacks) are symlinked from the repository when they exist there.
 */
export async function addScratchWorktree(
  repo: string,
  parentDir: string,
  name: string,
  commit: string,
  linkFromRepo: readonly string[] = [],
): Promise<ScratchWorktree> {
  const dir = path.join(parentDir, name);
  const links: string[] = [];
  const remove = async () => {
    for (const link of links) await fs.rm(link, { force: true }).catch(() => undefined); // the link, never its target
    try {
      await runGit(repo, ['worktree', 'remove', '--force', '--force', dir]);
    } catch {
      await fs.rm(dir, { recursive: true, force: true });
      await runGit(repo, ['worktree', 'prune']).catch(() => undefined);
    }
  };
  await runGit(repo, ['worktree', 'add', '--detach', dir, commit]);
  try {
    for (const rel of linkFromRepo) {
      const source = path.join(repo, rel);
      const target = path.join(dir, rel);
      const exists = async (p: string) => fs.lstat(p).then(() => true, () => false);
      if ((await exists(source)) && !(await exists(target))) {
        await fs.mkdir(path.dirname(target), { recursive: true });
        await fs.symlink(source, target, 'dir');
        links.push(target);
      }
    }
  } catch (err) {
    await remove().catch(() => undefined);
    throw err;
  }
  return { dir, commit, remove };
}
