import type { Finding } from '../../protocol/taskResult';
import { diffNameStatus, diffText, firstHunkLine } from './gitDiff';
import { detectTestConfigChanges, type TestConfigOptions } from './testConfig';
import { testPathMatcher } from './testPaths';
import { truncateMiddle } from './truncate';

const EVIDENCE_CHARS = 1500;

/**
 * The reward-hacking guard. Test configuration first (testConfig.ts): any change to what decides
 * which tests run or how is `tests/configChanged` (an error, a warning when `options.fileScope`
 * names the file), a dependency change is `deps/changed` (warning). Then every test file that the
 * task modified or deleted (against its start commit) is an error `tests/edited`; new test files
 * are noted as info. `extraTestFiles` adds paths or globs (an acceptance check's testFiles) to the
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
  const findings = await detectTestConfigChanges(repoDir, startCommit, headCommit, options);
  const configChanged = new Set(findings.filter((f) => f.rule === 'tests/configChanged').map((f) => f.file));
  for (const change of await diffNameStatus(repoDir, startCommit, headCommit)) {
    if (!isTest(change.path) || configChanged.has(change.path)) continue;
    if (change.status === 'A') {
      findings.push({ severity: 'info', rule: 'tests/added', message: `new test file ${change.path}`, file: change.path });
      continue;
    }
    const diff = await diffText(repoDir, startCommit, headCommit, [change.path], 1);
    const verb = change.status === 'D' ? 'deleted' : 'modified';
    const line = change.status === 'D' ? undefined : firstHunkLine(diff);
    findings.push({
      severity: 'error',
      rule: 'tests/edited',
      message: `the task ${verb} the existing test file ${change.path}; the verifier runs the start commit's copy instead`,
      file: change.path,
      ...(line !== undefined ? { line } : {}),
      evidence: truncateMiddle(diff, EVIDENCE_CHARS),
    });
  }
  return findings;
}
