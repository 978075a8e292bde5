import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/** Directories never listed or searched, at any depth. */
export const SKIPPED_DIRS = new Set(['.git', 'node_modules']);

export interface WalkEntry {
  /** Relative to the walk's root, POSIX separators. */
  relative: string;
  absolute: string;
  isSymlink: boolean;
}

/**
 * Yields the files under `start` (relative paths from `root`) in sorted order, depth first.
 * Skips SKIPPED_DIRS and does not descend into symlinked directories (no escapes, no loops).
 */
export async function* walkFiles(root: string, start: string): AsyncGenerator<WalkEntry> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(start, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const absolute = path.join(start, entry.name);
    const relative = path.relative(root, absolute).split(path.sep).join('/');
    if (entry.name.toLowerCase() === '.git') continue; // a worktree's .git is a file
    if (entry.isDirectory()) {
      if (SKIPPED_DIRS.has(entry.name)) continue;
      yield* walkFiles(root, absolute);
    } else if (entry.isFile()) {
      yield { relative, absolute, isSymlink: false };
    } else if (entry.isSymbolicLink()) {
      yield { relative, absolute, isSymlink: true };
    }
  }
}
