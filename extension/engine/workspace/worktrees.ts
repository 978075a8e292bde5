import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { gitOut, runGit } from './git';

/** One entry of `git worktree list --porcelain -z`. */
export interface WorktreeInfo {
  path: string;
  head: string | null;
  /** Full ref name (`refs/heads/…`), or null when detached or bare. */
  branch: string | null;
  detached: boolean;
  bare: boolean;
  locked: boolean;
  prunable: boolean;
}

export async function listWorktrees(repoDir: string): Promise<WorktreeInfo[]> {
  const out = await gitOut(repoDir, ['worktree', 'list', '--porcelain', '-z']);
  return parseWorktreeList(out);
}

export function parseWorktreeList(out: string): WorktreeInfo[] {
  const result: WorktreeInfo[] = [];
  let current: WorktreeInfo | null = null;
  for (const line of out.split('\0')) {
    if (line === '') {
      if (current) result.push(current);
      current = null;
      continue;
    }
    const space = line.indexOf(' ');
    const key = space < 0 ? line : line.slice(0, space);
    const value = space < 0 ? '' : line.slice(space + 1);
    if (key === 'worktree') {
      if (current) result.push(current);
      current = { path: value, head: null, branch: null, detached: false, bare: false, locked: false, prunable: false };
      continue;
    }
    if (!current) continue;
    if (key === 'HEAD') current.head = value;
    else if (key === 'branch') current.branch = value;
    else if (key === 'detached') current.detached = true;
    else if (key === 'bare') current.bare = true;
    else if (key === 'locked') current.locked = true;
    else if (key === 'prunable') current.prunable = true;
  }
  if (current) result.push(current);
  return result;
}

/** realpath when the path exists, else the resolved path (git records worktrees by absolute path). */
export async function canonicalPath(p: string): Promise<string> {
  const abs = path.resolve(p);
  try {
    return await fs.realpath(abs);
  } catch {
    // A missing leaf: canonicalize the nearest existing ancestor.
    const parent = path.dirname(abs);
    if (parent === abs) return abs;
    return path.join(await canonicalPath(parent), path.basename(abs));
  }
}

/** Is `child` inside `parent` (or equal to it)? Both must be canonical. */
export function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export async function pathExists(p: string): Promise<boolean> {
  return fs.lstat(p).then(
    () => true,
    () => false,
  );
}

/** Full ref of a branch when it exists, else null. */
export async function branchHead(repoDir: string, branch: string): Promise<string | null> {
  const r = await runGit(repoDir, ['rev-parse', '--verify', '-q', `refs/heads/${branch}^{commit}`], { okExitCodes: [0, 1] });
  return r.exitCode === 0 ? r.stdout.trim() : null;
}
