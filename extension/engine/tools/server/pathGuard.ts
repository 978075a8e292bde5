import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/** A path an agent asked for that Loom refuses; the message is meant for the model. */
export class PathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PathError';
  }
}

export interface ResolvedPath {
  /** Absolute path under the (real) root, as the agent named it. */
  absolute: string;
  /** Relative to the root, POSIX separators; '' for the root itself. */
  relative: string;
}

/** True when one segment of a relative path is `.git` (any case: case-insensitive file systems). */
export function hasGitSegment(relative: string): boolean {
  return relative.split(/[\\/]/).some((segment) => segment.toLowerCase() === '.git');
}

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (!rel.startsWith('..' + path.sep) && rel !== '..' && !path.isAbsolute(rel));
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/**
 * Confines every path an agent names to its worktree. Rejects absolute paths, `..` escapes,
 * paths that leave the root through a symlink (checked on the real path of the nearest existing
 * ancestor, so files that do not exist yet are covered too), dangling symlinks, and anything in
 * or under a `.git` segment (a worktree's `.git` is a file that points at the shared repository).
 */
export class PathGuard {
  private constructor(readonly root: string) {}

  /** `root` must exist; it is resolved to its real path once. */
  static async create(root: string): Promise<PathGuard> {
    const real = await fs.realpath(path.resolve(root));
    const stat = await fs.stat(real);
    if (!stat.isDirectory()) throw new Error(`root is not a directory: ${root}`);
    return new PathGuard(real);
  }

  /**
   * Resolves a path the agent gave. `''` and `'.'` are the root itself. Throws PathError with a
   * message for the model when the path is refused.
   */
  async resolve(requested: string): Promise<ResolvedPath> {
    if (typeof requested !== 'string') throw new PathError('path must be a string');
    if (requested.includes('\0')) throw new PathError('path contains a NUL character');
    if (path.isAbsolute(requested) || path.win32.isAbsolute(requested) || /^[a-zA-Z]:/.test(requested)) {
      throw new PathError(`absolute paths are not allowed: "${requested}"; use a path relative to the workspace root`);
    }
    const absolute = path.resolve(this.root, requested);
    if (!isInside(this.root, absolute)) {
      throw new PathError(`path escapes the workspace root: "${requested}"`);
    }
    const relative = toPosix(path.relative(this.root, absolute));
    if (hasGitSegment(relative)) {
      throw new PathError(`access to .git is not allowed: "${requested}"`);
    }
    const real = await this.realpathOfNearestExisting(absolute, requested);
    if (!isInside(this.root, real)) {
      throw new PathError(`path resolves outside the workspace root through a symlink: "${requested}"`);
    }
    if (hasGitSegment(toPosix(path.relative(this.root, real)))) {
      throw new PathError(`path resolves into .git through a symlink: "${requested}"`);
    }
    return { absolute, relative };
  }

  /** Real path of `absolute` if it exists, else of its nearest existing ancestor plus the rest. */
  private async realpathOfNearestExisting(absolute: string, requested: string): Promise<string> {
    const rest: string[] = [];
    let current = absolute;
    for (;;) {
      try {
        const real = await fs.realpath(current);
        return rest.length ? path.join(real, ...rest.reverse()) : real;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new PathError(`cannot resolve "${requested}": ${code ?? String(err)}`);
      }
      // realpath failed: a missing entry, or a dangling symlink (which a write would follow).
      try {
        const st = await fs.lstat(current);
        if (st.isSymbolicLink()) throw new PathError(`path goes through a dangling symlink: "${requested}"`);
      } catch (err) {
        if (err instanceof PathError) throw err;
      }
      const parent = path.dirname(current);
      if (parent === current) return absolute;
      rest.push(path.basename(current));
      current = parent;
    }
  }
}
