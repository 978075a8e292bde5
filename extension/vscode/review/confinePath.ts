import { isAbsolute, relative, resolve } from 'node:path';

/**
 * A path from the webview resolved inside one of the allowed roots (the repository, a worktree),
 * or null when it points anywhere else.
 */
export function confinePath(path: string, roots: readonly string[]): string | null {
  for (const root of roots) {
    const absolute = isAbsolute(path) ? resolve(path) : resolve(root, path);
    const rel = relative(root, absolute);
    if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))) return absolute;
  }
  return null;
}
