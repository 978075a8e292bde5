import { runGit } from '../workspace/git';
import { testPathMatcher } from './testPaths';

export interface PristineRestore {
  /** Test files put back to their start-commit content (modified or deleted by the task). */
  restored: string[];
  /** Files named by a check's testFiles that do not exist at the start commit: no pristine copy exists. */
  missingAtStart: string[];
}

const CHUNK = 200;

/**
 * Makes the branch checkout run the verifier's own copy of the tests: every test file and test
 * configuration that exists at the start commit and differs in `dir` (edited, deleted or renamed
 * away) is checked out from the start commit. New test files stay: they have no pristine copy.
 */
export async function restorePristineTests(input: {
  dir: string;
  startCommit: string;
  /** Extra paths or globs that are tests, e.g. the acceptance checks' testFiles. */
  testFiles?: readonly string[];
}): Promise<PristineRestore> {
  const extra = input.testFiles ?? [];
  const isTest = testPathMatcher(extra);
  // Working tree against the start commit: covers committed and uncommitted differences.
  const changed = (await runGit(input.dir, ['diff', '--name-only', '--no-renames', '--no-ext-diff', '-z', input.startCommit, '--'])).stdout
    .split('\0')
    .filter((p) => p.length > 0 && isTest(p));
  const atStart = new Set(
    (await runGit(input.dir, ['ls-tree', '-r', '-z', '--name-only', input.startCommit])).stdout
      .split('\0')
      .filter((p) => p.length > 0),
  );
  const restored = changed.filter((p) => atStart.has(p));
  for (let i = 0; i < restored.length; i += CHUNK) {
    await runGit(input.dir, ['checkout', input.startCommit, '--', ...restored.slice(i, i + CHUNK)]);
  }
  const missingAtStart = extra
    .map((p) => p.replace(/\\/g, '/').replace(/^\.\//, ''))
    .filter((p) => !/[*?[\]{}]/.test(p) && !atStart.has(p));
  return { restored, missingAtStart };
}
