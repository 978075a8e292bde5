import { describeFailedTest } from './failureSummary';
import { selectTests, unnamedHint } from './namedTests';
import type { TestReport, TestResult } from './testReport';

export type BranchRunVerdict = 'passes' | 'fails' | 'inconclusive';
export type BranchRunCause = 'noReport' | 'loadError' | 'testsFailed' | 'noTests' | 'namedTestsMissing';

export interface BranchRunClassification {
  verdict: BranchRunVerdict;
  /** Set unless the run passes. */
  cause?: BranchRunCause;
  reason: string;
  /** The tests the verdict is about: the named ones, else all the runner reported. */
  tests: TestResult[];
  failed: TestResult[];
  /** Failures of tests that were not named (the caller decides whether they matter). */
  otherFailures: TestResult[];
  missing: string[];
}

const firstLine = (text: string): string => text.split('\n')[0];

/**
 * Reads a run of the acceptance tests on the task branch. 'passes' needs the (named) tests to
 * have run and passed, with nothing failing to load; the exit code is the caller's to check too.
 *
 * Some reporters name only failures (uvu, vitest's default): when the names are the tests that
 * failed on the start commit (`fromBase`), the branch run passes if none of them failed, nothing
 * failed at all, and it passed at least as many tests as the start commit ran — the same tests
 * ran, and none of them failed.
 */
export function classifyBranchRun(report: TestReport | null, namedTests?: readonly string[], fromBase?: { ranOnBase: number }): BranchRunClassification {
  if (!report) return { verdict: 'inconclusive', cause: 'noReport', reason: "the test runner's output was not recognised", tests: [], failed: [], otherFailures: [], missing: [] };
  const { tests, missing } = selectTests(report, namedTests);
  const failed = tests.filter((t) => t.status === 'failed');
  const otherFailures = report.tests.filter((t) => t.status === 'failed' && !tests.includes(t));
  const data = { tests, failed, otherFailures, missing };
  if (report.loadError) return { ...data, verdict: 'fails', cause: 'loadError', reason: `the tests could not run on the branch: ${firstLine(report.loadError)}` };
  if (failed.length > 0) return { ...data, verdict: 'fails', cause: 'testsFailed', reason: `${failed.length} failed: ${failed.slice(0, 3).map(describeFailedTest).join('; ')}` };
  if (missing.length > 0) {
    const c = report.counts;
    if (fromBase && c && unnamedHint(report) && c.failed === 0 && otherFailures.length === 0 && c.passed >= fromBase.ranOnBase) {
      return { ...data, verdict: 'passes', reason: `${c.passed} passed, none failed (the runner names only failures; the start commit ran ${fromBase.ranOnBase})` };
    }
    return { ...data, verdict: 'inconclusive', cause: 'namedTestsMissing', reason: `named tests did not run: ${missing.join(', ')}${unnamedHint(report)}` };
  }
  const ran = tests.filter((t) => t.status === 'passed');
  if (ran.length === 0) {
    const c = report.counts;
    if (!namedTests?.length && c && c.passed > 0 && c.failed === 0) return { ...data, verdict: 'passes', reason: `${c.passed} passed` };
    return { ...data, verdict: 'inconclusive', cause: 'noTests', reason: tests.length > 0 ? 'every test was skipped' : 'no tests ran' };
  }
  return { ...data, verdict: 'passes', reason: `${ran.length} passed` };
}
