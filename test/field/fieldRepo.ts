/**
 * One field repository on disk: the case's bundle cloned at `base`, its dependencies installed
 * once (shared npm cache), and cheap per-case clones of it (git objects and node_modules
 * hard-linked), each a repository `loom run --repo` can take.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { cloneBundle, fieldEnv, git, installDependencies, readCase, type FieldCase } from './harvest/verifyCase';

export interface FieldRepo {
  caseDir: string;
  fieldCase: FieldCase;
  /** The clone at base with node_modules installed: what every case clone copies. */
  template: string;
  installSeconds: number;
  /** Why the install failed, or ''. */
  installError: string;
}

/** The branch the case clones have checked out: Loom's base branch. */
export const BASE_BRANCH = 'main';

/** The test files the upstream fix changes (the acceptance tests). */
export function testFilesOf(c: FieldCase): string[] {
  return [c.testFile, ...(c.extraTestFiles ?? [])];
}

/** Clones the bundle under `dir/template` at base and installs its dependencies. */
export async function prepareRepo(caseDir: string, dir: string): Promise<FieldRepo> {
  const fieldCase = readCase(caseDir);
  const template = join(dir, 'template');
  mkdirSync(dir, { recursive: true });
  cloneBundle(caseDir, template, BASE_BRANCH);
  const installed = await installDependencies(caseDir, template, fieldEnv());
  return { caseDir, fieldCase, template, installSeconds: installed.seconds, installError: installed.ok ? '' : installed.reason };
}

/** `git show commit:file`, or null when the commit has no such file. */
export function fileAtCommit(repoDir: string, commit: string, file: string): string | null {
  try {
    return execFileSync('git', ['show', `${commit}:${file}`], { cwd: repoDir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return null;
  }
}

/** A file as the upstream fix (or base) has it, or null when that commit has no such file. */
export function fileAt(repo: FieldRepo, ref: 'fix' | 'base', path: string): string | null {
  return fileAtCommit(repo.template, `origin/${ref}`, path);
}

export interface CaseCloneOptions {
  /** Hard-link the template's node_modules into the clone (false: a base whose tests cannot load). */
  dependencies: boolean;
  /** Files to commit on top of base first, as "the repository already has this" (path → content, null deletes). */
  baseChanges?: { message: string; files: Record<string, string | null>; ignore?: string[] };
}

/**
 * A repository for one case at `dir`: base on branch `main`, no remote (the fix is not reachable),
 * node_modules hard-linked from the template unless `dependencies` is false, and ignored either way.
 */
export function cloneForCase(repo: FieldRepo, dir: string, options: CaseCloneOptions): string {
  execFileSync('git', ['clone', '-q', '--branch', BASE_BRANCH, repo.template, dir], { stdio: 'ignore' });
  git(['remote', 'remove', 'origin'], dir);
  git(['config', 'user.name', 'Loom field test'], dir);
  git(['config', 'user.email', 'field@loom.invalid'], dir);
  appendFileSync(join(dir, '.git', 'info', 'exclude'), '\nnode_modules/\n');
  const change = options.baseChanges;
  if (change) {
    for (const [path, content] of Object.entries(change.files)) {
      if (content === null) git(['rm', '-q', '--cached', path], dir);
      else {
        execFileSync('sh', ['-c', 'mkdir -p "$(dirname "$1")" && cat > "$1"', 'sh', path], { cwd: dir, input: content });
        git(['add', path], dir);
      }
    }
    if (change.ignore?.length) {
      appendFileSync(join(dir, '.gitignore'), `\n${change.ignore.join('\n')}\n`);
      git(['add', '.gitignore'], dir);
    }
    git(['commit', '-q', '-m', change.message], dir);
  }
  if (options.dependencies && existsSync(join(repo.template, 'node_modules'))) {
    execFileSync('cp', ['-al', join(repo.template, 'node_modules'), join(dir, 'node_modules')]);
  }
  return dir;
}
