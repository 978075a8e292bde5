import { runGit } from '../workspace/git';
import { filesAt } from './testConfig';
import { restorePristineConfig, type ConfigRestore } from './testConfigRestore';
import { testPathMatcher } from './testPaths';

export interface PristineRestore extends ConfigRestore {
  /** Test files and test configuration put back to their start-commit content (modified or deleted by the task). */
  restored: string[];
  /** Files named by a check's testFiles that do not exist at the start commit: no pristine copy exists. */
  missingAtStart: string[];
  /** One line for the check report: what was restored, removed and kept. */
  summary: string;
}

const CHUNK = 200;

function summarize(r: Omit<PristineRestore, 'summary'>): string {
  const parts: string[] = [];
  if (r.restored.length) parts.push(`restored ${r.restored.join(', ')} from the start commit`);
  if (r.removed.length) parts.push(`removed ${r.removed.join(', ')} (test configuration the task added)`);
  for (const { file, keys } of r.packageKeys) parts.push(`${file}: put ${keys.join(', ')} back to the start commit's values`);
  if (r.keptLockfiles.length) parts.push(`kept the branch's ${r.keptLockfiles.join(', ')} (its package.json changed dependencies)`);
  return parts.length ? parts.join('; ') : 'branch tests and test configuration already match the start commit';
}

/**
 * Makes the branch checkout run the verifier's own copy of the tests with the start commit's
 * configuration: test configuration first (testConfigRestore.ts: changed configs checked out, added
 * ones removed, package.json test keys put back), then every test file that exists at the start
 * commit and differs in `dir` (edited, deleted or renamed away) is checked out from the start
 * commit. New test files stay: they have no pristine copy.
 */
export async function restorePristineTests(input: {
  dir: string;
  startCommit: string;
  /** Extra paths or globs that are tests, e.g. the acceptance checks' testFiles. */
  testFiles?: readonly string[];
  /** Commands the verifier runs (acceptance, lint): the package.json scripts they reach are restored too. */
  commands?: readonly (readonly string[])[];
}): Promise<PristineRestore> {
  const config = await restorePristineConfig({ dir: input.dir, startCommit: input.startCommit, commands: input.commands });
  const extra = input.testFiles ?? [];
  const isTest = testPathMatcher(extra);
  // Working tree against the start commit: covers committed and uncommitted differences.
  const [diff, startFiles] = await Promise.all([
    runGit(input.dir, ['diff', '--name-only', '--no-renames', '--no-ext-diff', '-z', input.startCommit, '--']),
    filesAt(input.dir, input.startCommit),
  ]);
  const changed = diff.stdout.split('\0').filter((p) => p.length > 0 && isTest(p));
  const atStart = new Set(startFiles);
  const tests = changed.filter((p) => atStart.has(p));
  for (let i = 0; i < tests.length; i += CHUNK) {
    await runGit(input.dir, ['checkout', input.startCommit, '--', ...tests.slice(i, i + CHUNK)]);
  }
  const missingAtStart = extra
    .map((p) => p.replace(/\\/g, '/').replace(/^\.\//, ''))
    .filter((p) => !/[*?[\]{}]/.test(p) && !atStart.has(p));
  const result = { ...config, restored: [...config.restored, ...tests], missingAtStart };
  return { ...result, summary: summarize(result) };
}
