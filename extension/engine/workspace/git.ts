import { simpleGit, type SimpleGitOptions } from 'simple-git';

/**
 * One git invocation through simple-git, with its exit code. simple-git's `raw()` resolves or
 * rejects by its own rule (non-zero exit *and* stderr output), which cannot tell `merge-tree`'s
 * "1 = conflicted" from a failure; this runner captures the exit code and both streams and lets the
 * caller say which exit codes are answers rather than errors.
 *
 * Ambient `GIT_*` variables are stripped by simple-git's environment guard, so a test or a hook
 * that sets `GIT_DIR`/`GIT_INDEX_FILE` cannot redirect Loom's git calls at the user's repository.
 */
export interface GitRunOptions {
  /** Exit codes that are answers, not errors. Default `[0]`. */
  okExitCodes?: readonly number[];
  /** Per-command configuration, passed as `-c key=value` (never written to a config file). */
  config?: readonly string[];
  /** Written to the process's stdin. */
  input?: string;
  /** Retry when another git process holds a lock (`*.lock: File exists`). Default 0. */
  lockRetries?: number;
}

export interface GitRunResult {
  exitCode: number;
  stdout: string;
  stdoutBuffer: Buffer;
  stderr: string;
}

export class GitCommandError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number,
    readonly stderr: string,
    readonly cwd: string,
  ) {
    super(`git ${args.join(' ')} failed (exit ${exitCode}) in ${cwd}: ${stderr.trim() || '(no output)'}`);
    this.name = 'GitCommandError';
  }
}

/** Committer identity of the commits Loom itself makes (combined start commits, integration merges). */
export const LOOM_IDENTITY = { name: 'Loom', email: 'loom@loom.invalid' } as const;
/** Author identity of agent checkpoints. */
export const AGENT_IDENTITY = { name: 'Loom Agent', email: 'agents@loom.invalid' } as const;

export interface GitIdentity {
  name: string;
  email: string;
}

/**
 * `-c` settings that make a commit work without any global git config, never sign or prompt, and
 * set author and committer independently (git ≥ 2.22 reads `author.*` / `committer.*`).
 */
export function commitConfig(author: GitIdentity, committer: GitIdentity = LOOM_IDENTITY): string[] {
  return [
    `user.name=${committer.name}`,
    `user.email=${committer.email}`,
    `author.name=${author.name}`,
    `author.email=${author.email}`,
    `committer.name=${committer.name}`,
    `committer.email=${committer.email}`,
    'commit.gpgSign=false',
  ];
}

/** Makes checkpoint objects, refs and index writes survive a power cut (FACTS.md). */
export const DURABLE_CONFIG: readonly string[] = ['core.fsync=committed,reference,index'];

const LOCK_CONTENTION = /\.lock'?: File exists|Unable to create '.*\.lock'|cannot lock ref/i;

export async function runGit(cwd: string, args: readonly string[], options: GitRunOptions = {}): Promise<GitRunResult> {
  const ok = options.okExitCodes ?? [0];
  const retries = options.lockRetries ?? 0;
  for (let attempt = 0; ; attempt++) {
    const result = await runOnce(cwd, args, options);
    if (ok.includes(result.exitCode)) return result;
    if (attempt < retries && LOCK_CONTENTION.test(result.stderr)) {
      await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt + Math.random() * 25));
      continue;
    }
    throw new GitCommandError(args, result.exitCode, result.stderr, cwd);
  }
}

/** stdout of a command that must succeed, without its trailing newline. */
export async function gitOut(cwd: string, args: readonly string[], options: GitRunOptions = {}): Promise<string> {
  const { stdout } = await runGit(cwd, args, options);
  return stdout.replace(/\r?\n$/, '');
}

async function runOnce(cwd: string, args: readonly string[], options: GitRunOptions): Promise<GitRunResult> {
  let captured: { exitCode: number; stdOut: Buffer[]; stdErr: Buffer[] } | undefined;
  const input = options.input;
  const settings: Partial<SimpleGitOptions> = {
    baseDir: cwd,
    config: [...(options.config ?? [])],
    errors(_error, result) {
      captured = result;
      return undefined; // the exit code decides, below
    },
  };
  if (input !== undefined) settings.input = () => input;
  const stdout = await simpleGit(settings).raw([...args]);
  if (!captured) return { exitCode: 0, stdout, stdoutBuffer: Buffer.from(stdout), stderr: '' };
  const stdoutBuffer = Buffer.concat(captured.stdOut);
  return {
    exitCode: captured.exitCode,
    stdout: stdoutBuffer.toString('utf8'),
    stdoutBuffer,
    stderr: Buffer.concat(captured.stdErr).toString('utf8'),
  };
}

/** `git merge-base --is-ancestor a b`: is `a` contained in `b`? */
export async function isAncestor(repoDir: string, a: string, b: string): Promise<boolean> {
  const { exitCode } = await runGit(repoDir, ['merge-base', '--is-ancestor', a, b], { okExitCodes: [0, 1] });
  return exitCode === 0;
}

/** The merge base of two commits, or null when they share no history (the first, when there are several). */
export async function mergeBase(repoDir: string, a: string, b: string): Promise<string | null> {
  const r = await runGit(repoDir, ['merge-base', a, b], { okExitCodes: [0, 1] });
  return r.exitCode === 0 ? r.stdout.trim().split('\n')[0] : null;
}

/** Resolves a revision to a full commit id; throws a GitCommandError when it names no commit. */
export async function resolveCommit(repoDir: string, rev: string): Promise<string> {
  return gitOut(repoDir, ['rev-parse', '--verify', '--end-of-options', `${rev}^{commit}`]);
}

/** The tree id of a commit. */
export async function treeOf(repoDir: string, commit: string): Promise<string> {
  return gitOut(repoDir, ['rev-parse', '--verify', '--end-of-options', `${commit}^{tree}`]);
}

/** `git commit-tree` with Loom's identity: no hooks, no signing, no global config needed. */
export async function commitTree(
  repoDir: string,
  tree: string,
  parents: readonly string[],
  message: string,
  opts: { author?: GitIdentity; committer?: GitIdentity; durable?: boolean } = {},
): Promise<string> {
  const config = [...commitConfig(opts.author ?? LOOM_IDENTITY, opts.committer ?? LOOM_IDENTITY), ...(opts.durable ? DURABLE_CONFIG : [])];
  const args = ['commit-tree', '--no-gpg-sign', ...parents.flatMap((p) => ['-p', p]), '-F', '-', tree];
  return gitOut(repoDir, args, { config, input: message.endsWith('\n') ? message : `${message}\n` });
}
