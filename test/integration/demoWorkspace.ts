// The sample repository the simulated plan runs on: examples/demo/repo copied into a temp folder,
// `git init -b main`, one commit. Used three ways:
//   - `npx tsx test/integration/demoWorkspace.ts` prints a fresh one's path (for runIntegration --workspace);
//   - the integration tests (inside the extension host) use the open workspace folder when it is such a
//     repository, and make their own otherwise;
//   - the browser UI tests open one in code-server.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The repository root (the extension's folder): test/integration/.. /.. . */
export const repoRoot = resolve(__dirname, '..', '..');

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A fresh git repository holding the demo's sample code on `main`; returns its absolute path. */
export function createDemoWorkspace(extensionRoot: string = repoRoot): string {
  const template = join(extensionRoot, 'examples', 'demo', 'repo');
  if (!existsSync(template)) throw new Error(`no demo repository at ${template}`);
  const repo = join(realpathSync(mkdtempSync(join(tmpdir(), 'loom-it-'))), 'mathlib');
  cpSync(template, repo, { recursive: true });
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'config', 'user.name', 'Loom Test');
  git(repo, 'config', 'user.email', 'test@loom.invalid');
  git(repo, 'config', 'commit.gpgsign', 'false');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'mathlib: sum, and a test for mean that does not pass yet');
  return repo;
}

/** True when `dir` is a git repository on `main` holding the demo's sample code, with no Loom run in it yet. */
export function isFreshDemoWorkspace(dir: string): boolean {
  if (!existsSync(join(dir, '.git')) || !existsSync(join(dir, 'src', 'sum.js'))) return false;
  try {
    return git(dir, 'branch', '--list', 'loom/*').trim() === '' && git(dir, 'rev-parse', '--abbrev-ref', 'HEAD').trim() === 'main';
  } catch {
    return false;
  }
}

/** Files on a branch of `repo` (git ls-tree). */
export function filesOnBranch(repo: string, branch: string): string[] {
  return git(repo, 'ls-tree', '-r', '--name-only', branch).split('\n').filter(Boolean);
}

/** Contents of one file on a branch. */
export function showFile(repo: string, branch: string, path: string): string {
  return git(repo, 'show', `${branch}:${path}`);
}

/** Branches of `repo` matching a pattern, e.g. `loom/*\/integration`. */
export function branches(repo: string, pattern: string): string[] {
  return git(repo, 'for-each-ref', '--format=%(refname:short)', `refs/heads/${pattern}`).split('\n').filter(Boolean);
}

/** Parents of a commit (two for a merge). */
export function parentsOf(repo: string, rev: string): string[] {
  return git(repo, 'rev-list', '--parents', '-n', '1', rev).trim().split(' ').slice(1);
}

if (require.main === module) {
  process.stdout.write(`${createDemoWorkspace()}\n`);
}
