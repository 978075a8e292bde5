import type { Finding } from '../../protocol/taskResult';
import { diffNameStatus, diffText, firstHunkLine } from './gitDiff';
import { isTestConfig, testPathMatcher } from './testPaths';
import { truncateMiddle } from './truncate';

const EVIDENCE_CHARS = 1500;

/**
 * The reward-hacking guard: every test file or test configuration that the task modified or
 * deleted (against its start commit) is an error finding; new test files are noted as info.
 * `extraTestFiles` adds paths or globs (an acceptance check's testFiles) to the default globs.
 */
export async function detectTestEdits(
  repoDir: string,
  startCommit: string,
  headCommit: string,
  extraTestFiles: readonly string[] = [],
): Promise<Finding[]> {
  const isTest = testPathMatcher(extraTestFiles);
  const findings: Finding[] = [];
  for (const change of await diffNameStatus(repoDir, startCommit, headCommit)) {
    if (!isTest(change.path)) continue;
    const kind = isTestConfig(change.path) ? 'test configuration' : 'test file';
    if (change.status === 'A') {
      findings.push({ severity: 'info', rule: 'tests/added', message: `new ${kind} ${change.path}`, file: change.path });
      continue;
    }
    const diff = await diffText(repoDir, startCommit, headCommit, [change.path], 1);
    const verb = change.status === 'D' ? 'deleted' : 'modified';
    const line = change.status === 'D' ? undefined : firstHunkLine(diff);
    findings.push({
      severity: 'error',
      rule: 'tests/edited',
      message: `the task ${verb} the existing ${kind} ${change.path}; the verifier runs the start commit's copy instead`,
      file: change.path,
      ...(line !== undefined ? { line } : {}),
      evidence: truncateMiddle(diff, EVIDENCE_CHARS),
    });
  }
  return findings;
}
