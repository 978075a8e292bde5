import { describeFailedTest } from './failureSummary';
import { isMissingSymbol } from './failureKind';
import { selectTests, unnamedHint } from './namedTests';
import type { TestReport, TestResult } from './testReport';

export type BaseRunVerdict = 'failsForAssertion' | 'alreadyPasses' | 'inconclusive';
/** Why a start-commit run proves nothing: the environment is broken, or the wrong thing ran. */
export type InconclusiveCause = 'noReport' | 'loadError' | 'noTests' | 'namedTestsMissing' | 'errorsOnly';

export interface BaseRunClassification {
  verdict: BaseRunVerdict;
  /** Set when inconclusive. */
  cause?: InconclusiveCause;
  /** One line for people. */
  reason: string;
  /** The tests the verdict is about: the named ones, else all the runner reported. */
  tests: TestResult[];
  failedForAssertion: TestResult[];
  failedWithError: TestResult[];
  /** Named tests the report does not have. */
  missing: string[];
  /**
   * Every error failure is a missing function or binding ("x is not a function", "is not
   * defined"): how a test of a NEW export fails on the start commit. Still 'inconclusive' here;
   * the verifier may accept it when the task adds that export.
   */
  errorsAreMissingSymbols: boolean;
}

const firstLine = (text: string): string => text.split('\n')[0];

/**
 * Reads the run of the acceptance tests on the task's start commit. Fail-to-pass needs
 * 'failsForAssertion': at least one (named) test ran and an assertion in it did not hold. A run
 * that did not load, ran nothing, or failed only by throwing is 'inconclusive', not a failure.
 */
export function classifyBaseRun(report: TestReport | null, namedTests?: readonly string[]): BaseRunClassification {
  const empty = { tests: [], failedForAssertion: [], failedWithError: [], missing: [], errorsAreMissingSymbols: false };
  if (!report) return { ...empty, verdict: 'inconclusive', cause: 'noReport', reason: "the test runner's output was not recognised" };
  const { tests, missing } = selectTests(report, namedTests);
  const ran = tests.filter((t) => t.status !== 'skipped');
  const failedForAssertion = ran.filter((t) => t.status === 'failed' && t.failure?.kind === 'assertion');
  const failedWithError = ran.filter((t) => t.status === 'failed' && t.failure?.kind !== 'assertion');
  const errorsAreMissingSymbols = failedWithError.length > 0 && failedWithError.every((t) => t.failure !== undefined && isMissingSymbol(t.failure));
  const data = { tests, failedForAssertion, failedWithError, missing, errorsAreMissingSymbols };
  const allNamedRan = Boolean(namedTests?.length) && missing.length === 0;

  // A load error matters unless every named test is in the report: then they did run.
  if (report.loadError && !allNamedRan) {
    return { ...data, verdict: 'inconclusive', cause: 'loadError', reason: `the tests could not run on the start commit: ${firstLine(report.loadError)}` };
  }
  if (missing.length > 0) {
    return { ...data, verdict: 'inconclusive', cause: 'namedTestsMissing', reason: `named tests did not run: ${missing.join(', ')}${unnamedHint(report)}` };
  }
  if (ran.length === 0) {
    const c = report.counts;
    if (!namedTests?.length && c && c.passed > 0 && c.failed === 0) {
      return { ...data, verdict: 'alreadyPasses', reason: `${c.passed} tests already pass on the start commit` };
    }
    return { ...data, verdict: 'inconclusive', cause: 'noTests', reason: tests.length > 0 ? 'every test was skipped' : 'no tests ran' };
  }
  if (failedForAssertion.length > 0) {
    return { ...data, verdict: 'failsForAssertion', reason: `${failedForAssertion.length} failed on the start commit: ${failedForAssertion.slice(0, 3).map(describeFailedTest).join('; ')}` };
  }
  if (failedWithError.length > 0) {
    const what = errorsAreMissingSymbols ? 'failed only because something they call does not exist yet' : 'failed only with errors, not assertions';
    return { ...data, verdict: 'inconclusive', cause: 'errorsOnly', reason: `${what}: ${failedWithError.slice(0, 3).map(describeFailedTest).join('; ')}` };
  }
  return { ...data, verdict: 'alreadyPasses', reason: `${ran.length} ${ran.length === 1 ? 'test already passes' : 'tests already pass'} on the start commit` };
}
