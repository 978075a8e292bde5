import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';

/** Copies the demo's sample repository into a fresh temp folder and commits it as `main`. */
export async function createDemoRepo(templateDir: string): Promise<{ root: string; repo: string }> {
  const root = mkdtempSync(join(tmpdir(), 'loom-demo-'));
  const repo = join(root, 'mathlib');
  cpSync(templateDir, repo, { recursive: true });
  const git = simpleGit(repo);
  await git.init(['--initial-branch=main']);
  await git.addConfig('user.name', 'Loom Demo');
  await git.addConfig('user.email', 'demo@loom.invalid');
  await git.add('.');
  await git.commit('mathlib: sum, and a test for mean that does not pass yet');
  return { root, repo };
}
