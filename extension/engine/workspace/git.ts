import { spawnDirectly, spawnHelper } from '../process/spawnHelper';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { rememberedFact } from './gitFacts';
import { subprocessEnv } from '../policy/subprocessEnv';

/**
 * The one way Loom runs git: `runGit`, here, and nothing else (DESIGN.md: one git layer). Every
 * call is hardened so that nothing an agent can write into a repository (hooks, `.git/config`) or
 * anything in Loom's environment (`GIT_DIR`, `GIT_INDEX_FILE`, API keys) changes what git does or
 * reaches a program git starts:
 *
 * - `-c core.hooksPath=<an empty directory Loom owns>`: no hook runs (post-checkout during
 *   `worktree add`, reference-transaction on every ref update, post-commit, pre-auto-gc, …);
 * - `-c core.fsmonitor=false`: no fsmonitor program runs on `status`/`add`/`diff`;
 * - `-c protocol.allow=never`: Loom never talks to a remote, so no transport, `core.sshCommand`,
 *   `core.gitProxy` or credential helper can be started;
 * - the environment is built, not inherited: `subprocessEnv` (PATH, HOME, LANG) plus
 *   `GIT_TERMINAL_PROMPT=0` and `LC_ALL=C` — no `GIT_*` variable and no secret of Loom's reaches git.
 *
 * The `-c` settings come after the caller's, so they win, and git passes them on to any git it
 * starts itself (`GIT_CONFIG_PARAMETERS`). Not covered: programs configured by name and selected by
 * `.gitattributes` (`filter.<driver>.*`, `merge.<driver>.driver`, `diff.<driver>.textconv`) — they
 * need a driver defined in a config file, which agents cannot write when the shared `.git` is
 * outside their sandbox; diffs pass `--no-ext-diff --no-textconv`. No pager can start: git's
 * output is never a terminal here. Editors: Loom always gives messages (`-m`, `-F -`).
 *
 * Why git by path rather than simple-git (4.0.2): its argument guard refuses exactly these settings
 * (`core.hooksPath`, `core.fsmonitor`, `core.pager`, `core.sshCommand` each need an `unsafe` opt-in),
 * its environment guard throws on any `GIT_*` variable passed through `.env()` unless allow-listed,
 * adds a variable of its own, and passes the rest of `process.env` (secrets included) when `.env()`
 * is not used; its `raw()` also cannot tell `merge-tree`'s "1 = conflicted" from a failure. A
 * spawn whose arguments and environment are all ours is smaller than the configuration needed to
 * make simple-git do the same.
 */

/** Options of one `runGit` call. */
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

/**
 * Every object, ref and index Loom's git commands write is fsynced (FACTS.md), so a checkpoint,
 * a lease's branch or a merge the journal records as done survives a power cut. Reads are unaffected.
 */
const DURABLE_CONFIG: readonly string[] = ['core.fsync=committed,reference,index'];

// Also transient: another process's worktree half made or half removed while this one lists worktrees.
const LOCK_CONTENTION = /\.lock'?: File exists|Unable to create '.*\.lock'|cannot lock ref|failed to read .*worktrees\/[^/]+\/commondir/i;

/**
 * `git <args>` in `cwd`, hardened (above), with its exit code and both streams: the caller says
 * which exit codes are answers rather than errors; any other throws a GitCommandError.
 */
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

/**
 * System config (`/etc/gitconfig`) is kept, on purpose: agents cannot write it, and Git for Windows
 * keeps settings there that make Loom's checkouts match the user's own (`core.autocrlf`), so
 * `GIT_CONFIG_NOSYSTEM` would only make them differ. The user's global config is read through HOME
 * for the same reason; the `-c` settings above override anything in either.
 */
export function gitEnv(): Record<string, string> {
  return subprocessEnv([
    ['GIT_TERMINAL_PROMPT', '0'], // never wait for a password on a terminal
    ['LC_ALL', 'C'], // untranslated messages: Loom matches git's stderr (lock contention, "already checked out")
  ]);
}

/** `-c` settings that keep repository-configured programs from running (see the top of this file). */
export function hardeningConfig(): string[] {
  return [`core.hooksPath=${emptyHooksDir()}`, 'core.fsmonitor=false', 'protocol.allow=never'];
}

let hooksDir: string | undefined;

/**
 * An empty, read-only directory Loom owns, for `core.hooksPath`, checked empty before every use.
 * Normally `<tmp>/loom-no-hooks-<uid>`, one per user and shared by every Loom process and worker
 * thread (so none is left behind, however they end), used only when it is a real directory owned by
 * this user that nobody else can write to. When it is not (another user made it, something appeared
 * in it, or there is no uid, as on Windows), this process makes a private one and removes it at exit.
 */
export function emptyHooksDir(): string {
  if (hooksDir !== undefined && isEmptyDir(hooksDir)) return hooksDir;
  hooksDir = sharedHooksDir() ?? privateHooksDir();
  return hooksDir;
}

function sharedHooksDir(): string | undefined {
  const uid = process.getuid?.();
  if (uid === undefined) return undefined;
  const dir = join(tmpdir(), `loom-no-hooks-${uid}`);
  try {
    mkdirSync(dir, { mode: 0o500 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return undefined;
  }
  try {
    const st = lstatSync(dir);
    return st.isDirectory() && st.uid === uid && (st.mode & 0o022) === 0 && isEmptyDir(dir) ? dir : undefined;
  } catch {
    return undefined;
  }
}

function privateHooksDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'loom-no-hooks-'));
  chmodSync(dir, 0o500);
  process.once('exit', () => {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // best effort: a folder in the temp folder
    }
  });
  return dir;
}

function isEmptyDir(dir: string): boolean {
  try {
    return readdirSync(dir).length === 0;
  } catch {
    return false; // gone (a temp cleaner): make another
  }
}

async function runOnce(cwd: string, args: readonly string[], options: GitRunOptions): Promise<GitRunResult> {
  const config = [...(options.config ?? []), ...hardeningConfig(), ...DURABLE_CONFIG];
  const request = { file: 'git', args: [...config.flatMap((c) => ['-c', c]), ...args], cwd, env: gitEnv(), input: options.input };
  // A run's coordinator starts git through its small helper process (spawnHelper.ts: a fork of this big process blocks it).
  const r = await (spawnHelper()?.run(request) ?? spawnDirectly(request));
  let stderr = r.stderr.toString('utf8');
  if (r.error) stderr += `${stderr ? '\n' : ''}${existsSync(cwd) ? `could not start git: ${r.error}` : `no such directory: ${cwd}`}`;
  else if (r.signal) stderr += `${stderr ? '\n' : ''}git was killed by ${r.signal}`;
  return { exitCode: r.code ?? -1, stdout: r.stdout.toString('utf8'), stdoutBuffer: r.stdout, stderr };
}

/**
 * The folder's git common dir (the main repository's `.git`, for a worktree too), absolute. Remembered
 * per thread and folder: every agent's sandbox and every verifier checkout asks it of the same
 * repository. It would change only if the folder became another repository's worktree.
 */
const commonDirs = new Map<string, Promise<string>>();
export function gitCommonDirOf(dir: string): Promise<string> {
  let known = commonDirs.get(dir);
  if (!known) {
    const asked = gitOut(dir, ['rev-parse', '--git-common-dir']).then((out) => resolvePath(dir, out));
    commonDirs.set(dir, asked);
    asked.catch(() => commonDirs.delete(dir));
    known = asked;
  }
  return known;
}

/** `git merge-base --is-ancestor a b`: is `a` contained in `b`? */
export async function isAncestor(repoDir: string, a: string, b: string): Promise<boolean> {
  const answer = await rememberedFact(`${repoDir}\0ancestor\0${a}\0${b}`, [a, b], async () => {
    const { exitCode } = await runGit(repoDir, ['merge-base', '--is-ancestor', a, b], { okExitCodes: [0, 1] });
    return exitCode === 0 ? 'yes' : 'no';
  });
  return answer === 'yes';
}

/** The merge base of two commits, or null when they share no history (the first, when there are several). */
export async function mergeBase(repoDir: string, a: string, b: string): Promise<string | null> {
  const r = await runGit(repoDir, ['merge-base', a, b], { okExitCodes: [0, 1] });
  return r.exitCode === 0 ? r.stdout.trim().split('\n')[0] : null;
}

/** Resolves a revision to a full commit id; throws a GitCommandError when it names no commit. */
export async function resolveCommit(repoDir: string, rev: string): Promise<string> {
  return rememberedFact(`${repoDir}\0commit\0${rev}`, [rev], () => gitOut(repoDir, ['rev-parse', '--verify', '--end-of-options', `${rev}^{commit}`]));
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
  opts: { author?: GitIdentity; committer?: GitIdentity } = {},
): Promise<string> {
  const config = commitConfig(opts.author ?? LOOM_IDENTITY, opts.committer ?? LOOM_IDENTITY);
  const args = ['commit-tree', '--no-gpg-sign', ...parents.flatMap((p) => ['-p', p]), '-F', '-', tree];
  return gitOut(repoDir, args, { config, input: message.endsWith('\n') ? message : `${message}\n` });
}
