import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import picomatch from 'picomatch';
import { gitOut } from './git';

/**
 * Sparse leases, the host's half: which directories a task's lease checks out, and the cone the
 * worktree gets. (The agent's half, which brings in files outside the cone when the agent reaches for
 * them, is sparseFiles.ts.)
 *
 * Cone mode always includes the files at the top level (package.json, configs, lockfiles) and every
 * file under the named directories. No config file is written: the worktree's own
 * `info/sparse-checkout` holds the cone, and the commands that apply it get `SPARSE_CONFIG` with `-c`
 * (`git sparse-checkout` would set `extensions.worktreeConfig` in the user's repository config).
 * `index.sparse`: the index keeps one entry per left-out folder (half the checkout time on babel/babel);
 * a git command run without these settings (a person's, the sandbox's) expands it in memory.
 */
export const SPARSE_CONFIG: readonly string[] = ['core.sparseCheckout=true', 'core.sparseCheckoutCone=true', 'index.sparse=true'];

/**
 * The directories to check out for a task: the static prefix of each file-scope glob, and the folder of
 * each of its acceptance test files. A glob with no directory prefix (`**\/*.ts`) means the whole
 * tree: null. A path with no glob characters may be a file or a folder: the commit says which.
 */
export async function sparseDirs(repoDir: string, commit: string, fileScope: readonly string[], testFiles: readonly string[] = []): Promise<string[] | null> {
  const candidates: { dir: string; maybeFile: boolean }[] = [];
  for (const glob of fileScope) {
    const scan = picomatch.scan(glob.replace(/^\.\//, ''));
    const base = scan.base.replace(/\/+$/, '');
    if (base === '' || base === '.' || base.startsWith('..') || base.startsWith('/')) {
      if (scan.isGlob) return null; // a pattern over the whole tree
      continue;
    }
    candidates.push({ dir: base, maybeFile: !scan.isGlob });
  }
  for (const file of testFiles) candidates.push({ dir: file.replace(/^\.\//, '').replace(/\/+$/, ''), maybeFile: true });
  // Names a pattern file cannot hold: fall back to a full checkout.
  if (candidates.some((c) => /[\n\r]/.test(c.dir))) return null;

  const exact = candidates.filter((c) => c.maybeFile).map((c) => c.dir);
  const trees = new Set(exact.length ? (await gitOut(repoDir, ['--literal-pathspecs', 'ls-tree', '-d', '-z', '--name-only', commit, '--', ...exact])).split('\0').filter(Boolean) : []);
  const dirs = candidates.map((c) => (c.maybeFile && !trees.has(c.dir) ? parentOf(c.dir) : c.dir)).filter((d) => d !== '');
  return outermost(dirs);
}

function parentOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

/** The directories not inside another one of the list, sorted. */
function outermost(dirs: string[]): string[] {
  const sorted = [...new Set(dirs)].sort();
  const out: string[] = [];
  for (const d of sorted) if (!out.some((o) => d.startsWith(`${o}/`))) out.push(d);
  return out;
}

/** `*`, `?`, `[` and `\` are pattern characters in a cone file: git itself escapes them with a backslash. */
function escapeCone(p: string): string {
  return p.replace(/[*?[\\]/g, (c) => `\\${c}`);
}

/** The cone-mode pattern file for these directories (the format `git sparse-checkout set --cone` writes). */
export function conePatterns(dirs: readonly string[]): string {
  const lines = ['/*', '!/*/'];
  const parents = new Set<string>();
  for (const dir of outermost([...dirs])) {
    const parts = dir.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      if (parents.has(parent)) continue;
      parents.add(parent);
      lines.push(`/${escapeCone(parent)}/`, `!/${escapeCone(parent)}/*/`);
    }
    lines.push(`/${escapeCone(dir)}/`);
  }
  return `${lines.join('\n')}\n`;
}

/** A worktree's own git directory (`.git` of a linked worktree is a file naming it). */
export async function worktreeGitDir(worktreeDir: string): Promise<string> {
  const dotGit = path.join(worktreeDir, '.git');
  const stat = await fs.lstat(dotGit);
  if (stat.isDirectory()) return dotGit;
  const text = await fs.readFile(dotGit, 'utf8');
  const m = /^gitdir: (.+)$/m.exec(text);
  if (!m) throw new Error(`${dotGit} does not name a git directory`);
  return path.resolve(worktreeDir, m[1].trim());
}

/** Writes the worktree's cone (its own `info/sparse-checkout`), or removes it for a full checkout. */
export async function writeCone(worktreeDir: string, dirs: readonly string[] | null): Promise<void> {
  if (dirs === null) {
    await fs.rm(path.join(await worktreeGitDir(worktreeDir), 'info', 'sparse-checkout'), { force: true });
    return;
  }
  await writePatterns(worktreeDir, conePatterns(dirs));
}

/** Writes the worktree's own `info/sparse-checkout` as given. */
export async function writePatterns(worktreeDir: string, text: string): Promise<void> {
  const file = path.join(await worktreeGitDir(worktreeDir), 'info', 'sparse-checkout');
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, text);
}

/** Whether the worktree was checked out sparse (its cone file exists). */
export async function isSparseWorktree(worktreeDir: string): Promise<boolean> {
  try {
    await fs.access(path.join(await worktreeGitDir(worktreeDir), 'info', 'sparse-checkout'));
    return true;
  } catch {
    return false;
  }
}
