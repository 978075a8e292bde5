import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { checkpoint } from '../workspace/checkpoint';
import { LOOM_IDENTITY, gitOut, runGit } from '../workspace/git';
import { diffNameStatus } from './gitDiff';
import { isPackageManifest, isTestConfig, normalizePath, testPathMatcher } from './testPaths';

export interface FrozenTests {
  /** The commit holding exactly the kept test files on top of the start commit; null when nothing was kept. */
  commit: string | null;
  /** Test files kept (added or changed against the start commit). */
  files: string[];
  /** Other changes the author made, put back to the start commit. */
  discarded: string[];
  /** Literal test files the author was asked for that do not exist after freezing. */
  missing: string[];
}

const CHUNK = 200;

/**
 * Turns a test author's work in `worktree` into one commit on top of `startCommit` that holds only
 * test files (the default test globs plus `testFiles`), never test configuration: everything else
 * it changed is put back, so a test author cannot land the fix or move the goalposts. The branch
 * then points at that commit, the task's frozen start.
 */
export async function freezeTests(worktree: string, startCommit: string, testFiles: readonly string[]): Promise<FrozenTests> {
  await checkpoint(worktree, { message: 'loom: test author work in progress' });
  const head = await gitOut(worktree, ['rev-parse', 'HEAD^{commit}']);
  const isTest = testPathMatcher(testFiles);
  const changes = await diffNameStatus(worktree, startCommit, head);
  const kept = changes.filter((c) => isTest(c.path) && !isTestConfig(c.path) && !isPackageManifest(c.path));
  const discarded = changes.filter((c) => !kept.includes(c));

  // The index keeps the author's tree; the branch goes back to the start commit; then non-test changes are undone.
  await runGit(worktree, ['reset', '-q', '--soft', startCommit]);
  const restore = discarded.filter((c) => c.status !== 'A').map((c) => c.path);
  const remove = discarded.filter((c) => c.status === 'A').map((c) => c.path);
  for (let i = 0; i < restore.length; i += CHUNK) await runGit(worktree, ['checkout', startCommit, '--', ...restore.slice(i, i + CHUNK)]);
  for (let i = 0; i < remove.length; i += CHUNK) await runGit(worktree, ['rm', '-q', '-f', '--', ...remove.slice(i, i + CHUNK)]);

  const commit = kept.length
    ? await checkpoint(worktree, {
        message: `loom: frozen acceptance tests\n\n${kept.map((c) => c.path).join('\n')}`,
        author: LOOM_IDENTITY,
      })
    : null;
  const missing: string[] = [];
  for (const file of testFiles.map(normalizePath)) {
    if (/[*?[\]{}]/.test(file)) continue;
    const exists = await fs.lstat(path.join(worktree, file)).then((s) => s.isFile(), () => false);
    if (!exists) missing.push(file);
  }
  return { commit, files: kept.map((c) => c.path), discarded: discarded.map((c) => c.path), missing };
}
