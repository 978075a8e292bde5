import type { TestFailure, TestReport, TestResult } from './testReport';

const ITEM_CHARS = 140;

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** One line for people: "Expected values to be strictly equal: 3 !== 2", "TypeError: x is not a function". */
export function shortFailureMessage(failure: TestFailure): string {
  let lines = failure.message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  // A diff legend ("- Expected", "+ expected - actual") starts a diff too long for one line.
  const legend = lines.findIndex((l) => /^(- Expected\b|\+ expected - actual$)/.test(l));
  if (legend > 0) lines = lines.slice(0, legend);
  // jest: "expect(received).toBe(expected)" says less than the Expected/Received lines after it.
  if (lines.length > 1 && /^expect\(/.test(lines[0]) && lines.slice(1).some((l) => /^(Expected|Received)\b/.test(l))) lines = lines.slice(1);
  const text = lines.slice(0, 4).join(' ');
  const prefixed = failure.kind === 'error' && failure.errorName ? `${failure.errorName}: ${text}` : text;
  return clip(prefixed, ITEM_CHARS);
}

/** "math › subtracts two numbers — Expected values to be strictly equal: 3 !== 2". */
export function describeFailedTest(test: TestResult): string {
  return test.failure ? `${test.name} — ${shortFailureMessage(test.failure)}` : test.name;
}

/**
 * A short account of what failed, for a finding or the CLI report: "2 failed: a › b — expected 3,
 * actual 4; c — TypeError: x is not a function", or what stopped the run before its tests.
 */
export function summarizeFailures(report: TestReport | null, limit = 3): string {
  if (!report) return "the test runner's output was not recognised";
  const parts: string[] = [];
  if (report.loadError) parts.push(`could not load: ${clip(report.loadError.split('\n')[0], ITEM_CHARS)}`);
  const failed = report.tests.filter((t) => t.status === 'failed');
  if (failed.length > 0) {
    const shown = failed.slice(0, limit).map(describeFailedTest);
    const more = failed.length > limit ? `; and ${failed.length - limit} more` : '';
    parts.push(`${failed.length} failed: ${shown.join('; ')}${more}`);
  }
  const counted = report.counts ? report.counts.passed + report.counts.failed + report.counts.skipped : 0;
  if (parts.length === 0) parts.push(report.tests.length === 0 && counted === 0 ? 'no tests ran' : 'no failures');
  return parts.join('; ');
}
