import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGit } from '../engine/workspace/git';

/** Copies the demo's sample repository into a fresh folder under `parent` (default: the temp folder) and commits it as `main`. */
export async function createDemoRepo(templateDir: string, parent: string = tmpdir()): Promise<{ root: string; repo: string }> {
  mkdirSync(parent, { recursive: true });
  const root = mkdtempSync(join(parent, 'loom-demo-'));
  const repo = join(root, 'mathlib');
  cpSync(templateDir, repo, { recursive: true });
  const git = (...args: string[]) => runGit(repo, args);
  await git('init', '-q', '--initial-branch=main');
  await git('config', 'user.name', 'Loom Demo');
  await git('config', 'user.email', 'demo@loom.invalid');
  await git('add', '.');
  await git('commit', '-q', '--no-gpg-sign', '-m', 'mathlib: sum, and a test for mean that does not pass yet');
  return { root, repo };
}
