import type { Finding } from '../../protocol/taskResult';
import picomatch from 'picomatch';
import { gitOut } from '../workspace/git';
import { diffNameStatus, diffText, firstHunkLine } from './gitDiff';
import { detectTestConfigChanges, type TestConfigOptions } from './testConfig';
import { normalizePath, testPathMatcher } from './testPaths';
import { truncateMiddle } from './truncate';

const EVIDENCE_CHARS = 1500;

/**
 * The reward-hacking guard. Test configuration first (testConfig.ts): any change to what decides
 * which tests run or how is `tests/configChanged` (an error, a warning when `options.fileScope`
 * names the file), a dependency change is `deps/changed` (warning). Then every change to a frozen
 * acceptance test (`extraTestFiles`), and every other existing test file the task modified or
 * deleted (against its start commit), is an error `tests/edited`, except lines only added to a
 * test file that is not an acceptance test (`tests/extended`, info); new test files are info. `extraTestFiles` adds paths or globs (an acceptance check's testFiles) to the
 * default globs.
 */
export async function detectTestEdits(
  repoDir: string,
  startCommit: string,
  headCommit: string,
  extraTestFiles: readonly string[] = [],
  options: TestConfigOptions = {},
): Promise<Finding[]> {
  const isTest = testPathMatcher(extraTestFiles);
  // The acceptance tests are frozen: any change to them fails. Other existing tests may only grow.
  const isAcceptance = extraTestFiles.length ? picomatch(extraTestFiles.map(normalizePath), { dot: true }) : () => false;
  const findings = await detectTestConfigChanges(repoDir, startCommit, headCommit, options);
  const configChanged = new Set(findings.filter((f) => f.rule === 'tests/configChanged').map((f) => f.file));
  for (const change of await diffNameStatus(repoDir, startCommit, headCommit)) {
    if (!isTest(change.path) || configChanged.has(change.path)) continue;
    if (change.status === 'A') {
      findings.push({ severity: 'info', rule: 'tests/added', message: `new test file ${change.path}`, file: change.path });
      continue;
    }
    if (change.status === 'M' && !isAcceptance(change.path) && (await onlyAdds(repoDir, startCommit, headCommit, change.path))) {
      findings.push({ severity: 'info', rule: 'tests/extended', message: `the task added tests to ${change.path} (the verifier runs the start commit's copy; new tests are never the evidence)`, file: change.path });
      continue;
    }
    const diff = await diffText(repoDir, startCommit, headCommit, [change.path], 1);
    const verb = change.status === 'D' ? 'deleted' : 'modified';
    const line = change.status === 'D' ? undefined : firstHunkLine(diff);
    findings.push({
      severity: 'error',
      rule: 'tests/edited',
      message: isAcceptance(change.path)
        ? `the task ${verb} the frozen acceptance test ${change.path}; acceptance tests cannot be changed by the implementor (the verifier runs the start commit's copy)`
        : `the task ${verb} the existing test file ${change.path}; the verifier runs the start commit's copy instead`,
      file: change.path,
      ...(line !== undefined ? { line } : {}),
      evidence: truncateMiddle(diff, EVIDENCE_CHARS),
    });
  }
  return findings;
}

/** Whether the change to `file` only adds lines (`git diff --numstat` counts no deletion). */
async function onlyAdds(repoDir: string, startCommit: string, headCommit: string, file: string): Promise<boolean> {
  const out = await gitOut(repoDir, ['diff', '--numstat', '--no-renames', '--no-ext-diff', startCommit, headCommit, '--', file]);
  const [added, deleted] = out.split('\t');
  return added !== '-' && deleted === '0';
}
