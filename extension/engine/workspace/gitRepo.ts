import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gitOut, resolveCommit, runGit } from './git';

/** `git merge-tree --write-tree` appeared in git 2.38. */
export const MIN_GIT_VERSION = { major: 2, minor: 38 } as const;

export interface GitVersion {
  major: number;
  minor: number;
  patch: number;
  installed: boolean;
}

export class GitVersionError extends Error {
  constructor(readonly found: GitVersion | null) {
    super(
      found && found.installed
        ? `Loom needs git ${MIN_GIT_VERSION.major}.${MIN_GIT_VERSION.minor} or later (for \`git merge-tree --write-tree\`); ` +
            `found git ${found.major}.${found.minor}.${found.patch}. Install a newer git and make sure it is first on PATH.`
        : 'Loom needs git (2.38 or later) on PATH, and none was found. Install git and try again.',
    );
    this.name = 'GitVersionError';
  }
}

export class NotAGitRepoError extends Error {
  constructor(readonly dir: string) {
    super(`${dir} is not inside a git working tree. Open a folder that is a git repository (git init, then commit once).`);
    this.name = 'NotAGitRepoError';
  }
}

let versionCheck: Promise<GitVersion> | undefined;

/** The installed git's version, once per process (`installed: false` when there is no git on PATH). */
export function gitVersion(): Promise<GitVersion> {
  versionCheck ??= gitOut(tmpdir(), ['--version']).then(parseGitVersion, () => ({ major: 0, minor: 0, patch: 0, installed: false }));
  return versionCheck;
}

/** `git version 2.39.5`, `git version 2.45.1.windows.1`, `git version 2.39.3 (Apple Git-146)`. */
function parseGitVersion(text: string): GitVersion {
  const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  if (!m) return { major: 0, minor: 0, patch: 0, installed: false };
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0), installed: true };
}

/** Throws a GitVersionError when git is missing or older than 2.38. */
export async function assertGitVersion(): Promise<GitVersion> {
  const v = await gitVersion().catch(() => null);
  if (!v || !v.installed) throw new GitVersionError(v);
  const ok = v.major > MIN_GIT_VERSION.major || (v.major === MIN_GIT_VERSION.major && v.minor >= MIN_GIT_VERSION.minor);
  if (!ok) throw new GitVersionError(v);
  return v;
}

/**
 * The user's repository, read-only: Loom resolves its HEAD and branch but never checks out,
 * stages or commits in it. All of Loom's writes go to worktrees and `loom/*` refs.
 */
export class GitRepo {
  private constructor(
    /** The top-level directory of the main working tree (realpath). */
    readonly root: string,
  ) {}

  /** Opens the repository containing `dir` (after checking the git version). */
  static async open(dir: string): Promise<GitRepo> {
    await assertGitVersion();
    const real = await fs.realpath(dir).catch(() => {
      throw new NotAGitRepoError(dir);
    });
    const top = await runGit(real, ['rev-parse', '--show-toplevel'], { okExitCodes: [0, 128] });
    if (top.exitCode !== 0 || !top.stdout.trim()) throw new NotAGitRepoError(dir);
    return new GitRepo(await fs.realpath(top.stdout.trim()));
  }

  /** The commit HEAD points at; throws on an unborn branch (a repository with no commit). */
  async head(): Promise<string> {
    return headCommit(this.root);
  }

  /** The checked-out branch's short name, or null when HEAD is detached. */
  async currentBranch(): Promise<string | null> {
    return currentBranch(this.root);
  }

  resolveCommit(rev: string): Promise<string> {
    return resolveCommit(this.root, rev);
  }

  isClean(): Promise<boolean> {
    return isClean(this.root);
  }

  snapshot(): Promise<RepoSnapshot> {
    return snapshotRepo(this.root);
  }
}

export async function headCommit(dir: string): Promise<string> {
  const r = await runGit(dir, ['rev-parse', '--verify', '-q', 'HEAD^{commit}'], { okExitCodes: [0, 1] });
  if (r.exitCode !== 0) throw new Error(`${dir} has no commit yet: make a first commit before starting a run.`);
  return r.stdout.trim();
}

export async function currentBranch(dir: string): Promise<string | null> {
  const r = await runGit(dir, ['symbolic-ref', '--quiet', '--short', 'HEAD'], { okExitCodes: [0, 1] });
  return r.exitCode === 0 ? r.stdout.trim() : null;
}

/** No staged, unstaged or untracked (non-ignored) changes. */
export async function isClean(dir: string): Promise<boolean> {
  return (await porcelainStatus(dir)) === '';
}

/** `git status --porcelain -z`, without taking the optional index lock (so it never rewrites the index). */
export async function porcelainStatus(dir: string): Promise<string> {
  return (await runGit(dir, ['--no-optional-locks', 'status', '--porcelain=v1', '-z', '--untracked-files=all'])).stdout;
}

/**
 * Everything a test needs to prove that Loom left the user's checkout alone: HEAD, branch, the
 * index's entries, porcelain status, and a digest of unstaged and untracked content (so a change to
 * an already-modified file shows too). Reading it writes nothing.
 */
export interface RepoSnapshot {
  head: string | null;
  branch: string | null;
  /** sha256 of `git ls-files --stage` (mode, blob id, stage and path of every index entry). */
  index: string;
  status: string;
  /** sha256 of the unstaged diff and of every untracked file's bytes. */
  worktree: string;
}

export async function snapshotRepo(dir: string): Promise<RepoSnapshot> {
  const head = await runGit(dir, ['rev-parse', '--verify', '-q', 'HEAD^{commit}'], { okExitCodes: [0, 1] });
  const index = await gitOut(dir, ['--no-optional-locks', 'ls-files', '--stage', '-z']);
  const status = await porcelainStatus(dir);
  const unstaged = await runGit(dir, ['--no-optional-locks', 'diff', '--binary', '--no-ext-diff', '--no-textconv', '--no-color']);
  const untracked = (await gitOut(dir, ['--no-optional-locks', 'ls-files', '--others', '--exclude-standard', '-z'])).split('\0').filter(Boolean);
  const digest = createHash('sha256').update(unstaged.stdoutBuffer);
  for (const file of untracked.sort()) {
    digest.update(`\0${file}\0`);
    digest.update(await fs.readFile(path.join(dir, file)).catch(() => Buffer.from('<unreadable>')));
  }
  return {
    head: head.exitCode === 0 ? head.stdout.trim() : null,
    branch: await currentBranch(dir),
    index: createHash('sha256').update(index).digest('hex'),
    status,
    worktree: digest.digest('hex'),
  };
}
