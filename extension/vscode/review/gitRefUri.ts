/** The `loom-git` scheme: a file at a git revision, read with `git show REV:PATH`. */
export const LOOM_GIT_SCHEME = 'loom-git';

export interface GitRef {
  repo: string;
  rev: string;
  /** Repository-relative, forward slashes. */
  path: string;
}

/** The parts of a loom-git URI: path shows the file name in the editor tab, query carries the ref. */
export function gitRefUriParts(ref: GitRef): { scheme: string; path: string; query: string } {
  return { scheme: LOOM_GIT_SCHEME, path: `/${ref.path}`, query: JSON.stringify(ref) };
}

export function parseGitRefQuery(query: string): GitRef | null {
  try {
    const value = JSON.parse(query) as Partial<GitRef>;
    if (typeof value.repo !== 'string' || typeof value.rev !== 'string' || typeof value.path !== 'string') return null;
    if (value.rev.startsWith('-') || value.path.startsWith('-')) return null;
    return { repo: value.repo, rev: value.rev, path: value.path };
  } catch {
    return null;
  }
}
